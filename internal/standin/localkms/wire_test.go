package localkms_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const rotationsRoute = "/api/v2/secret-rotations/auth0-client-secret"

// checkFastify404 fails unless body is Fastify's default not-found answer
// for method and requestURI: no reqId, "Not Found", the raw URL.
func checkFastify404(t *testing.T, status int, body, method, requestURI string) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, requestURI, body)
	}
	want := map[string]any{"message": fmt.Sprintf("Route %s:%s not found", method, requestURI), "error": "Not Found", "statusCode": float64(404)}
	if status != 404 || len(got) != len(want) {
		t.Errorf("%s %s: %d %s, want 404 %v", method, requestURI, status, body, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s: %s = %v, want %v", method, requestURI, k, got[k], v)
		}
	}
}

// A route the server does not serve is answered by the framework, not by the
// service's error handler.
func TestUnknownRoutesAnswerAsFastifyDoes(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	for _, c := range []struct{ method, uri string }{
		{"GET", "/api/v9/nothing?projectId=p"},
		{"GET", rotationsRoute + "/00000000-0000-4000-8000-000000000000/unknown"},
		{"DELETE", "/api/v4/secrets/NAME?projectId=p&environment=dev"},
		{"DELETE", "/kms/api/v1/app-connections/auth0/x"},
	} {
		status, body := w.raw(c.method, c.uri, "", "")
		checkFastify404(t, status, body, c.method, c.uri)
	}
	if n := w.kms.RequestCount("unmatched"); n != 4 {
		t.Errorf("%d unmatched requests counted, want 4", n)
	}
	// A GET outside /api is the web app's (standalone mode): 200 and HTML,
	// which is what a read through a wrong path prefix gets.
	for _, uri := range []string{"/kms/api/v2/secret-rotations/auth0-client-secret/x", "/"} {
		req, _ := http.NewRequest("GET", w.url+uri, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html") {
			t.Errorf("GET %s: %d %s %q, want the web app's page", uri, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	// The service's own not-found keeps its shape.
	_, out := w.call("GET", rotationsRoute+"/00000000-0000-4000-8000-000000000000", nil)
	if out["error"] != "NotFound" || out["reqId"] == nil {
		t.Errorf("the service's not-found: %v", out)
	}
}

// Started without the rotation routes, or switched to it, the server answers
// every rotation request as an unknown route and keeps its state; the other
// routes work as before.
func TestWithoutRotationRoutes(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	conn := w.connection()
	id := w.create(conn, nil)["id"].(string)

	w.kms.SetRotationRoutes(false)
	for _, c := range []struct{ method, uri string }{
		{"GET", rotationsRoute + "/" + id},
		{"GET", rotationsRoute + "?projectId=p"},
		{"GET", rotationsRoute + "/rotation-name/rot?projectId=p&environment=dev&secretPath=/a/b"},
		{"GET", rotationsRoute + "/" + id + "/generated-credentials"},
		{"PATCH", rotationsRoute + "/" + id},
		{"DELETE", rotationsRoute + "/" + id + "?deleteSecrets=true"},
		{"POST", rotationsRoute + "/" + id + "/rotate-secrets"},
		{"POST", rotationsRoute},
	} {
		status, body := w.raw(c.method, c.uri, "", "")
		checkFastify404(t, status, body, c.method, c.uri)
	}
	if status, out := w.call("GET", "/api/v1/app-connections/auth0/"+conn, nil); status != 200 {
		t.Errorf("the connection route stopped with the rotation routes: %d %v", status, out)
	}
	if status, _ := w.raw("GET", "/api/v4/secrets/SECRET?projectId=p&environment=dev&secretPath=/a/b", "", ""); status != 200 {
		t.Errorf("the secret route stopped with the rotation routes: %d", status)
	}

	w.kms.SetRotationRoutes(true)
	if status, out := w.call("GET", rotationsRoute+"/"+id, nil); status != 200 {
		t.Errorf("the rotation did not survive the switch: %d %v", status, out)
	}

	// The same from the start (the option the stack and the standalone
	// program use).
	off, err := localkms.New(localkms.Options{WithoutRotationRoutes: true}, localkms.Bootstrap{
		Identities: []localkms.BootstrapIdentity{{ClientID: "id", ClientSecret: "secret"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l, srv, err := off.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	other := &world{t: t, tenant: w.tenant, kms: off, url: "http://" + l.Addr().String()}
	other.login()
	status, body := other.raw("GET", rotationsRoute+"?projectId=p", "", "")
	checkFastify404(t, status, body, "GET", rotationsRoute+"?projectId=p")
}

// A Hanzo KMS folder whose AI-access policy requires approval answers every
// v4 read by name with the error handler's generic 500 (the route's null
// secret fails its response schema), existing name or not, and queues a read
// request each time; "blocked" is a 403; the v3 route has no such check.
func TestAIAccessPolicyAnswersAsTheServerDoes(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	w.kms.PutSecret("p", "dev", "/a/b", "HELD", "the-value")
	w.kms.PutSecret("p", "dev", "/", "ELSEWHERE", "v")
	read := func(name, folder string) (int, map[string]any, string) {
		status, body := w.raw("GET", "/api/v4/secrets/"+name+"?projectId=p&environment=dev&secretPath="+folder, "", "")
		var out map[string]any
		_ = json.Unmarshal([]byte(body), &out)
		return status, out, body
	}

	w.kms.SetAIAccessPolicy("p", "dev", "/a/b", localkms.AIAccessRequiresApproval)
	for _, name := range []string{"HELD", "NO_SUCH_NAME"} {
		status, out, body := read(name, "/a/b/")
		if status != 500 || out["error"] != "InternalServerError" || out["message"] != "Something went wrong" || out["reqId"] == nil {
			t.Errorf("%s under requires-approval: %d %s", name, status, body)
		}
		if strings.Contains(body, "the-value") || strings.Contains(body, "aiAccess") {
			t.Errorf("%s: the answer carries more than the generic error: %s", name, body)
		}
	}
	if n := w.kms.AIReadRequests(); n != 2 {
		t.Errorf("%d read requests queued, want 2 (one per held-back read)", n)
	}
	if status, out, _ := read("ELSEWHERE", "/"); status != 200 || out["secret"] == nil {
		t.Errorf("a folder without a policy: %d %v", status, out)
	}
	if status, _ := w.raw("GET", "/api/v3/secrets/raw/HELD?workspaceId=p&environment=dev&secretPath=/a/b", "", ""); status != 200 {
		t.Errorf("the v3 route has no AI-access check, yet answered %d", status)
	}

	w.kms.SetAIAccessPolicy("p", "dev", "/a/b", localkms.AIAccessBlocked)
	if status, out, _ := read("HELD", "/a/b"); status != 403 || out["message"] != "AI access to secret 'HELD' is blocked by policy" {
		t.Errorf("blocked: %d %v", status, out)
	}

	w.kms.SetAIAccessPolicy("p", "dev", "/a/b", localkms.AIAccessAutoApprove)
	status, out, _ := read("HELD", "/a/b")
	if sec, _ := out["secret"].(map[string]any); status != 200 || sec["secretValue"] != "the-value" {
		t.Errorf("auto-approve: %d %v", status, out)
	}
}

// A revoke on delete that Auth0 refuses is a plain failed HTTP call on the
// server: the generic 500, and the rotation stays.
func TestRevokeRefusedByAuth0IsTheGeneric500(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	id := w.create(w.connection(), nil)["id"].(string)
	w.tenant.SetManagementScopes("rotator", []string{"read:clients"})
	status, out := w.call("DELETE", rotationsRoute+"/"+id+"?revokeGeneratedCredentials=true&deleteSecrets=true", nil)
	if status != 500 || out["error"] != "InternalServerError" || out["message"] != "Something went wrong" {
		t.Errorf("revoke refused by Auth0: %d %v", status, out)
	}
	if status, _ := w.call("GET", rotationsRoute+"/"+id, nil); status != 200 {
		t.Errorf("the rotation is gone after a failed revoke: %d", status)
	}
	if _, ok := w.kms.SecretValue("p", "dev", "/a/b", "SECRET"); !ok {
		t.Error("the mapped secrets went with a failed revoke")
	}
}
