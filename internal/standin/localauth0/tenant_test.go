package localauth0_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

func post(t *testing.T, tn *localauth0.Tenant, path, contentType, body, bearer string, method ...string) (int, map[string]any) {
	t.Helper()
	m := "POST"
	if len(method) > 0 {
		m = method[0]
	}
	req, _ := http.NewRequest(m, tn.URL()+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := tn.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestClientCredentialsScopesAndSinglePhaseSecrets(t *testing.T) {
	tn, err := localauth0.Start(localauth0.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	rot := tn.AddApplication(localauth0.Application{ClientID: "rotator", ManagementScopes: []string{localauth0.ScopeReadClients}})
	app := tn.AddApplication(localauth0.Application{ClientID: "app", Audiences: []string{"urn:api"}})

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"rotator"}, "client_secret": {rot.Secret}, "audience": {tn.ManagementAudience()}}
	status, out := post(t, tn, "/oauth/token", "application/x-www-form-urlencoded", form.Encode(), "")
	if status != 200 || out["scope"] != "read:clients" {
		t.Fatalf("form login: %d %v", status, out)
	}
	mgmt := out["access_token"].(string)
	jsonBody := `{"grant_type":"client_credentials","client_id":"app","client_secret":"` + app.Secret + `","audience":"urn:api"}`
	if status, out := post(t, tn, "/oauth/token", "application/json", jsonBody, ""); status != 200 {
		t.Fatalf("JSON login: %d %v", status, out)
	}
	for name, body := range map[string]string{
		"wrong secret":     `{"grant_type":"client_credentials","client_id":"app","client_secret":"nope","audience":"urn:api"}`,
		"no grant for API": `{"grant_type":"client_credentials","client_id":"app","client_secret":"` + app.Secret + `","audience":"` + tn.ManagementAudience() + `"}`,
		"unknown audience": `{"grant_type":"client_credentials","client_id":"app","client_secret":"` + app.Secret + `","audience":"urn:other"}`,
	} {
		if status, out := post(t, tn, "/oauth/token", "application/json", body, ""); status < 400 || out["error"] == nil || out["error_description"] == nil {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}

	// read:clients only: reading works, setting the secret does not.
	if status, _ := post(t, tn, "/api/v2/clients/app", "", "", mgmt, "GET"); status != 200 {
		t.Errorf("read with read:clients: %d", status)
	}
	status, out = post(t, tn, "/api/v2/clients/app", "application/json", `{"client_secret":"`+strings.Repeat("s", 64)+`"}`, mgmt, "PATCH")
	if status != 403 || out["errorCode"] != "insufficient_scope" {
		t.Errorf("PATCH without update:client_keys: %d %v", status, out)
	}

	// With the scope, a new secret replaces the old one at once.
	tn.SetManagementScopes("rotator", []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys})
	_, out = post(t, tn, "/oauth/token", "application/x-www-form-urlencoded", form.Encode(), "")
	mgmt = out["access_token"].(string)
	newSecret := strings.Repeat("n", 64)
	if status, out := post(t, tn, "/api/v2/clients/app", "application/json", `{"client_secret":"`+newSecret+`"}`, mgmt, "PATCH"); status != 200 {
		t.Fatalf("PATCH: %d %v", status, out)
	}
	if status, _ := post(t, tn, "/oauth/token", "application/json", jsonBody, ""); status != 401 {
		t.Errorf("the old secret still logs in: %d", status)
	}
	status, out = post(t, tn, "/api/v2/clients/app/rotate-secret", "", "", mgmt)
	if status != 200 || out["client_secret"] == newSecret || out["client_secret"] != tn.Secret("app") {
		t.Errorf("rotate-secret: %d", status)
	}
	if got := tn.SecretHistory("app"); len(got) != 3 {
		t.Errorf("secret history has %d entries, want 3", len(got))
	}
}
