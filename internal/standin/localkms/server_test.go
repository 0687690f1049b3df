package localkms_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// world is a KMS and a tenant, spoken to over HTTP only, as a client would.
type world struct {
	t      *testing.T
	tenant *localauth0.Tenant
	kms    *localkms.Server
	url    string
	token  string
	now    time.Time
}

func newWorld(t *testing.T, stateFile string) *world {
	t.Helper()
	tenant, err := localauth0.Start(localauth0.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tenant.Close)
	w := &world{t: t, tenant: tenant, now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	tenant.AddApplication(localauth0.Application{ClientID: "rotator", ManagementScopes: []string{"read:clients", "update:client_keys"}})
	tenant.AddApplication(localauth0.Application{ClientID: "app", Audiences: []string{"urn:api"}})
	w.start(stateFile)
	return w
}

func (w *world) start(stateFile string) {
	kms, err := localkms.New(localkms.Options{Now: func() time.Time { return w.now }, Auth0HTTPClient: w.tenant.HTTPClient(), StateFile: stateFile},
		localkms.Bootstrap{
			Identities: []localkms.BootstrapIdentity{{ClientID: "id", ClientSecret: "secret"}},
			Projects:   []localkms.BootstrapProject{{ID: "p", Name: "P", Environments: []localkms.BootstrapEnvironment{{Slug: "dev", Name: "Dev", Folders: []string{"/a/b"}}}}},
		})
	if err != nil {
		w.t.Fatal(err)
	}
	l, srv, err := kms.Listen("127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { srv.Close() })
	w.kms, w.url = kms, "http://"+l.Addr().String()
}

func (w *world) call(method, path string, body any) (int, map[string]any) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (w *world) login() {
	w.t.Helper()
	status, out := w.call("POST", "/api/v1/auth/universal-auth/login", map[string]string{"clientId": "id", "clientSecret": "secret"})
	if status != 200 {
		w.t.Fatalf("login: %d %v", status, out)
	}
	w.token = out["accessToken"].(string)
}

func (w *world) connection() string {
	w.t.Helper()
	status, out := w.call("POST", "/api/v1/app-connections/auth0", map[string]any{
		"name": "c", "method": "client-credentials",
		"credentials": map[string]string{"domain": w.tenant.Domain(), "clientId": "rotator", "clientSecret": w.tenant.Secret("rotator"), "audience": w.tenant.ManagementAudience()},
	})
	if status != 200 {
		w.t.Fatalf("connection: %d %v", status, out)
	}
	conn := out["appConnection"].(map[string]any)
	if _, leaked := conn["credentials"].(map[string]any)["clientSecret"]; leaked {
		w.t.Fatal("the connection's answer holds its client secret")
	}
	if conn["credentials"].(map[string]any)["domain"] != w.tenant.URL() {
		w.t.Fatalf("https:// was not prepended to the domain: %v", conn["credentials"])
	}
	return conn["id"].(string)
}

func (w *world) create(connID string, extra map[string]any) map[string]any {
	w.t.Helper()
	body := map[string]any{
		"name": "rot", "projectId": "p", "connectionId": connID, "environment": "dev", "secretPath": "/a/b/",
		"rotationInterval": 3, "rotateAtUtc": map[string]int{"hours": 4, "minutes": 30},
		"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "ID", "clientSecret": "SECRET"},
	}
	for k, v := range extra {
		body[k] = v
	}
	status, out := w.call("POST", "/api/v2/secret-rotations/auth0-client-secret", body)
	if status != 200 {
		w.t.Fatalf("create: %d %v", status, out)
	}
	return out["secretRotation"].(map[string]any)
}

func TestScheduleRetriesThenFailsAndPersists(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	w := newWorld(t, stateFile)
	w.login()
	rot := w.create(w.connection(), nil)
	if rot["folder"].(map[string]any)["path"] != "/a/b" {
		t.Errorf("a trailing slash was not removed: %v", rot["folder"])
	}
	// Created 2026-03-01 10:00 with interval 3 at 04:30 UTC: a create is a
	// manual rotation after that day's 04:30, so a day more: 03-05 at 04:30.
	if rot["nextRotationAt"] != "2026-03-05T04:30:00.000Z" {
		t.Errorf("nextRotationAt = %v", rot["nextRotationAt"])
	}
	id := rot["id"].(string)
	firstSecret := w.tenant.Secret("app")

	w.now = time.Date(2026, 3, 5, 4, 29, 0, 0, time.UTC)
	if n := w.kms.Tick(); n != 0 {
		t.Fatalf("rotated %d before it was due", n)
	}
	w.now = w.now.Add(2 * time.Minute)
	if n := w.kms.Tick(); n != 1 || w.tenant.Secret("app") == firstSecret {
		t.Fatalf("the due rotation did not happen (%d)", n)
	}
	w.login() // three days later: the first token has expired
	_, got := w.call("GET", "/api/v2/secret-rotations/auth0-client-secret/"+id, nil)
	rot = got["secretRotation"].(map[string]any)
	if rot["activeIndex"].(float64) != 1 || rot["lastRotationJobId"] == nil || rot["isLastRotationManual"] != false {
		t.Errorf("after a scheduled rotation: %v", rot)
	}

	// Auth0 refuses from now on: five tries with backoff, then failed.
	w.tenant.SetManagementScopes("rotator", []string{"read:clients"})
	// A scheduled rotation adds no extra day: next on 03-08 at 04:30.
	w.now = time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC)
	for i := range 5 {
		if n := w.kms.Tick(); n != 1 {
			t.Fatalf("try %d: %d attempted", i+1, n)
		}
		if i < 4 && w.kms.Tick() != 0 {
			t.Fatalf("try %d retried without waiting for its backoff", i+1)
		}
		w.now = w.now.Add(16 * time.Minute)
	}
	w.login()
	_, got = w.call("GET", "/api/v2/secret-rotations/auth0-client-secret/"+id, nil)
	rot = got["secretRotation"].(map[string]any)
	msg, _ := rot["lastRotationMessage"].(string)
	if rot["rotationStatus"] != "failed" || !strings.HasPrefix(msg, "Failed to generate new credentials: ") || !strings.Contains(msg, "Insufficient scope") {
		t.Errorf("after five refused tries: status %v, message %q", rot["rotationStatus"], msg)
	}
	if rot["nextRotationAt"] != "2026-03-09T04:30:00.000Z" {
		t.Errorf("the next attempt is not the next day at 04:30: %v", rot["nextRotationAt"])
	}

	// A restart from the state file keeps everything, the token included.
	w.start(stateFile)
	if status, _ := w.call("GET", "/api/v2/secret-rotations/auth0-client-secret/"+id, nil); status == 401 || status == 403 {
		t.Errorf("the access token did not survive the restart")
	}
	status, got := w.call("GET", "/api/v2/secret-rotations/auth0-client-secret/"+id, nil)
	if status != 200 || got["secretRotation"].(map[string]any)["rotationStatus"] != "failed" {
		t.Errorf("after a restart: %d %v", status, got)
	}
}

func TestContractErrors(t *testing.T) {
	w := newWorld(t, "")
	status, out := w.call("GET", "/api/v2/secret-rotations/auth0-client-secret?projectId=p", nil)
	if status != 401 {
		t.Errorf("no token: %d %v", status, out)
	}
	w.token = "st.legacy-service-token"
	if status, _ := w.call("GET", "/api/v2/secret-rotations/auth0-client-secret?projectId=p", nil); status != 401 {
		t.Errorf("a service token was accepted: %d", status)
	}
	w.token = ""
	for range 3 {
		w.call("POST", "/api/v1/auth/universal-auth/login", map[string]string{"clientId": "id", "clientSecret": "wrong"})
	}
	status, out = w.call("POST", "/api/v1/auth/universal-auth/login", map[string]string{"clientId": "id", "clientSecret": "secret"})
	if status != 401 || out["message"] != "This identity auth method is temporarily locked, please try again later" {
		t.Errorf("not locked after three refused logins: %d %v", status, out)
	}
	w.now = w.now.Add(301 * time.Second)
	w.login()

	conn := w.connection()
	rot := w.create(conn, nil)
	id := rot["id"].(string)
	issued := w.tenant.Secret("app")
	cases := []struct {
		method, path string
		body         any
		status       int
		message      string
	}{
		{"POST", "/api/v2/secret-rotations/auth0-client-secret", map[string]any{"name": "rot", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/a/b", "rotationInterval": 1,
			"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "X", "clientSecret": "Y"}},
			400, `A Secret Rotation with the name "rot" already exists at the secret path "/a/b"`},
		{"POST", "/api/v2/secret-rotations/auth0-client-secret", map[string]any{"name": "other", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/a/b", "rotationInterval": 1,
			"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "ID", "clientSecret": "Z"}},
			400, `The following secrets already exist at the path "/a/b": ID`},
		{"POST", "/api/v2/secret-rotations/auth0-client-secret", map[string]any{"name": "other", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/nope", "rotationInterval": 1,
			"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "A", "clientSecret": "B"}},
			400, `Could not find folder with path "/nope" in environment "dev" for project with ID "p"`},
		{"DELETE", "/api/v2/secret-rotations/auth0-client-secret/" + id + "?deleteSecrets=yes", nil, 422, ""},
		{"GET", "/api/v2/secret-rotations/auth0-client-secret/not-a-uuid", nil, 422, ""},
		{"GET", "/api/v2/secret-rotations/auth0-client-secret/00000000-0000-4000-8000-000000000000", nil, 404,
			`Could not find Auth0 Client Secret Rotation with ID "00000000-0000-4000-8000-000000000000"`},
		{"GET", "/api/v2/secret-rotations/auth0-client-secret/rotation-name/rot?projectId=p&environment=dev", nil, 422, ""},
	}
	for _, c := range cases {
		status, out := w.call(c.method, c.path, c.body)
		if status != c.status || (c.message != "" && out["message"] != c.message) {
			t.Errorf("%s %s: %d %v, want %d %q", c.method, c.path, status, out["message"], c.status, c.message)
		}
		if out["reqId"] == nil || out["error"] == nil || out["statusCode"] == nil {
			t.Errorf("%s %s: error body not in the KMS's error shape: %v", c.method, c.path, out)
		}
	}
	// A 422's message is an array of issues.
	_, out = w.call("POST", "/api/v2/secret-rotations/auth0-client-secret", map[string]any{"name": "Bad Name", "rotateAtUtc": map[string]int{"hours": 24, "minutes": 0}})
	if issues, ok := out["message"].([]any); !ok || len(issues) < 3 {
		t.Errorf("422 message: %v", out["message"])
	}

	// The mapped secrets, on both read routes.
	for _, path := range []string{"/api/v4/secrets/SECRET?projectId=p&environment=dev&secretPath=/a/b", "/api/v3/secrets/raw/SECRET?workspaceId=p&environment=dev&secretPath=/a/b/"} {
		status, out := w.call("GET", path, nil)
		sec, _ := out["secret"].(map[string]any)
		if status != 200 || sec["secretValue"] != issued || sec["isRotatedSecret"] != true || sec["rotationId"] != id {
			t.Errorf("%s: %d %v", path, status, out)
		}
	}
	// The create refused for a taken mapped name had already replaced the
	// application's secret at Auth0, as the server does.
	if w.tenant.Secret("app") == issued {
		t.Errorf("a create refused for a taken mapped name did not touch Auth0 first")
	}
	counts := w.kms.Requests()
	if counts["GET /api/v4/secrets/{name}"] != 1 || counts["POST /api/v1/auth/universal-auth/login"] != 5 {
		t.Errorf("counters: %v", counts)
	}
}
