package realkms

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func call(t *testing.T, srv *httptest.Server, method, path string, header map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// The backend logs in with its key, then reads its plan with the token it
// got: the plan turns secret rotation on, and only the key's token reads it.
func TestLicenseStandInLoginPlanAndSeats(t *testing.T) {
	srv := httptest.NewServer(NewLicenseServer("the-key", nil).Handler())
	defer srv.Close()

	if status, _ := call(t, srv, "POST", "/api/auth/v1/license-login", map[string]string{"X-API-KEY": "another-key"}, "{}"); status != 401 {
		t.Fatalf("a login with the wrong key answered %d, want 401", status)
	}
	status, login := call(t, srv, "POST", "/api/auth/v1/license-login", map[string]string{"X-API-KEY": "the-key"}, "{}")
	tok, _ := login["token"].(string)
	if status != 200 || tok == "" {
		t.Fatalf("login answered %d %v, want 200 with a token", status, login)
	}
	if status, _ := call(t, srv, "GET", "/api/license/v1/plan", map[string]string{"Authorization": "Bearer not-issued"}, ""); status != 401 {
		t.Fatalf("the plan with an unknown token answered %d, want 401 (the backend logs in again on 401)", status)
	}
	status, plan := call(t, srv, "GET", "/api/license/v1/plan", map[string]string{"Authorization": "Bearer " + tok}, "")
	current, _ := plan["currentPlan"].(map[string]any)
	if status != 200 || current["secretRotation"] != true {
		t.Fatalf("the plan answered %d %v, want 200 with secretRotation true", status, plan)
	}
	for field := range Plan() {
		if _, ok := current[field]; !ok {
			t.Errorf("the plan lacks %s", field)
		}
	}
	if status, _ := call(t, srv, "PATCH", "/api/license/v1/license", map[string]string{"Authorization": "Bearer " + tok},
		`{"usedSeats":1,"usedIdentitySeats":2}`); status != 200 {
		t.Fatalf("the seat report answered %d, want 200", status)
	}
}
