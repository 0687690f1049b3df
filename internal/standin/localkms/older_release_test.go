package localkms_test

import (
	"encoding/json"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// As an older release (one with the Auth0 rotations but without the newer
// read routes), the server answers the v4 secret routes, the v2 folder
// listing and the v1 project read as routes it does not have, and serves
// the v3 secret routes, the v1 folder listing and the v1 workspace read as
// that release does: a missing folder or environment lists empty.
func TestOlderReleaseServesItsOwnReadRoutes(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	w.create(w.connection(), nil) // writes ID and SECRET into dev /a/b
	w.kms.SetOlderRelease(true)

	for _, c := range []struct{ uri, route string }{
		{"/api/v4/secrets?projectId=p&environment=dev&secretPath=/a/b", "GET /api/v4/secrets"},
		{"/api/v4/secrets/SECRET?projectId=p&environment=dev&secretPath=/a/b", "GET /api/v4/secrets/{name}"},
		{"/api/v2/folders?projectId=p&environment=dev&path=/", "GET /api/v2/folders"},
		{"/api/v1/projects/p", "GET /api/v1/projects/{projectId}"},
	} {
		status, body := w.raw("GET", c.uri, "", "")
		checkFastify404(t, status, body, "GET", c.uri)
		if n := w.kms.RequestCount(c.route); n != 1 {
			t.Errorf("%s counted %d times, want 1", c.route, n)
		}
	}

	list := func(query string) (int, map[string]any) {
		t.Helper()
		status, body := w.raw("GET", "/api/v3/secrets/raw?"+query, "", "")
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("v3 listing %s: %s", query, body)
		}
		return status, out
	}
	status, out := list("workspaceId=p&environment=dev&secretPath=/a/b/&viewSecretValue=false")
	secrets, _ := out["secrets"].([]any)
	if status != 200 || len(secrets) != 2 {
		t.Fatalf("v3 listing of /a/b: %d %v", status, out)
	}
	for _, item := range secrets {
		sec := item.(map[string]any)
		if sec["secretValue"] != "<hidden-by-infisical>" || sec["secretValueHidden"] != true {
			t.Errorf("a value was not hidden: %v", sec)
		}
	}
	for _, query := range []string{"workspaceId=p&environment=dev&secretPath=/no/such", "workspaceId=p&environment=production&secretPath=/"} {
		status, out := list(query)
		if got, _ := out["secrets"].([]any); status != 200 || got == nil || len(got) != 0 {
			t.Errorf("v3 listing %s (nothing there): %d %v, want 200 and an empty list", query, status, out)
		}
	}
	if status, out := list("projectId=p&environment=dev"); status != 400 || out["message"] != "Missing workspace id or environment" {
		t.Errorf("v3 listing with the v4 parameter: %d %v", status, out)
	}
	if status, out := list("workspaceId=nope&environment=dev"); status != 404 || out["error"] != "NotFound" {
		t.Errorf("v3 listing of an unknown project: %d %v", status, out)
	}

	status, out = w.call("GET", "/api/v3/secrets/raw/SECRET?workspaceId=p&environment=dev&secretPath=/a/b", nil)
	sec, _ := out["secret"].(map[string]any)
	if status != 200 || sec["secretKey"] != "SECRET" || sec["secretValue"] != w.tenant.Secret("app") || sec["skipMultilineEncoding"] != false ||
		sec["createdAt"] != "2026-03-01T10:00:00.000Z" || sec["updatedAt"] != "2026-03-01T10:00:00.000Z" {
		t.Errorf("v3 read: %d %v", status, out)
	}
	// Seen on the real server: a rotated secret's read has the reminder
	// fields and neither isRotatedSecret nor rotationId.
	for _, field := range []string{"secretReminderNote", "secretReminderRepeatDays"} {
		if v, has := sec[field]; !has || v != nil {
			t.Errorf("the v3 read's %s is %v (present %v), want null", field, v, has)
		}
	}
	for _, field := range []string{"secretPath", "isRotatedSecret", "rotationId"} {
		if _, has := sec[field]; has {
			t.Errorf("the v3 read's answer has %s, which that release's answer leaves out: %v", field, sec)
		}
	}
	if status, out := w.call("GET", "/api/v3/secrets/raw/SECRET?workspaceId=p&environment=dev&secretPath=/no/such", nil); status != 404 ||
		out["error"] != "GetSecretByName" || out["message"] != "Folder with path '/no/such' in environment with slug 'dev' not found" {
		t.Errorf("v3 read in a missing folder: %d %v", status, out)
	}

	status, out = w.call("GET", "/api/v1/folders?workspaceId=p&environment=dev", nil)
	folders, _ := out["folders"].([]any)
	if status != 200 || len(folders) != 1 || folders[0].(map[string]any)["name"] != "a" {
		t.Errorf("v1 folders of /: %d %v", status, out)
	}
	if status, out := w.call("GET", "/api/v1/folders?workspaceId=p&environment=production&path=/", nil); status != 404 ||
		out["message"] != "Environment with slug 'production' not found" {
		t.Errorf("v1 folders of a missing environment: %d %v", status, out)
	}
	if status, _ := w.call("GET", "/api/v1/folders?projectId=p&environment=dev", nil); status != 422 {
		t.Errorf("v1 folders with the v2 parameter: %d, want 422", status)
	}
	status, out = w.call("GET", "/api/v1/workspace/p", nil)
	ws, _ := out["workspace"].(map[string]any)
	if envs, _ := ws["environments"].([]any); status != 200 || len(envs) != 1 || envs[0].(map[string]any)["slug"] != "dev" {
		t.Errorf("v1 workspace: %d %v", status, out)
	}

	// Back to the current release: the v4 routes answer, the v3 listing is
	// gone; the state is kept.
	w.kms.SetOlderRelease(false)
	if status, out := w.call("GET", "/api/v4/secrets?projectId=p&environment=dev&secretPath=/a/b", nil); status != 200 || len(out["secrets"].([]any)) != 2 {
		t.Errorf("v4 listing after the switch back: %d %v", status, out)
	}
	status, body := w.raw("GET", "/api/v3/secrets/raw?workspaceId=p&environment=dev", "", "")
	checkFastify404(t, status, body, "GET", "/api/v3/secrets/raw?workspaceId=p&environment=dev")

	// The option starts the server as the older release.
	older, err := localkms.New(localkms.Options{OlderRelease: true}, localkms.Bootstrap{
		Identities: []localkms.BootstrapIdentity{{ClientID: "id", ClientSecret: "secret"}},
		Projects:   []localkms.BootstrapProject{{ID: "p", Name: "P", Environments: []localkms.BootstrapEnvironment{{Slug: "dev", Name: "Dev"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l, srv, err := older.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	other := &world{t: t, tenant: w.tenant, kms: older, url: "http://" + l.Addr().String()}
	other.login()
	status, body = other.raw("GET", "/api/v4/secrets?projectId=p&environment=dev", "", "")
	checkFastify404(t, status, body, "GET", "/api/v4/secrets?projectId=p&environment=dev")
	if status, _ := other.call("GET", "/api/v3/secrets/raw?workspaceId=p&environment=dev", nil); status != 200 {
		t.Errorf("v3 listing of a server started as the older release: %d", status)
	}
}
