package localauth0_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

// What a preflight reads: the token's scopes (in the answer and in the JWT's
// claims, exactly the grant), and each client's app_type and how it
// authenticates, in Auth0's shapes.
func TestApplicationTypesAndTokenClaims(t *testing.T) {
	tn, err := localauth0.Start(localauth0.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	rot := tn.AddApplication(localauth0.Application{ClientID: "rotator", ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys}})
	tn.AddApplication(localauth0.Application{ClientID: "m2m"})
	tn.AddApplication(localauth0.Application{ClientID: "jwt", AuthMethod: "private_key_jwt"})
	spa := tn.AddApplication(localauth0.Application{ClientID: "spa", AppType: "spa"})
	tn.AddApplication(localauth0.Application{ClientID: "native", AppType: "native"})
	if spa.Secret != "" || spa.AuthMethod != "none" {
		t.Errorf("a SPA has a secret or an auth method: %+v", spa)
	}
	tn.AddAlias("127.0.0.1:1")

	for _, audience := range []string{tn.ManagementAudience(), "https://127.0.0.1:1/api/v2/"} {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"rotator"}, "client_secret": {rot.Secret}, "audience": {audience}}
		status, out := post(t, tn, "/oauth/token", "application/x-www-form-urlencoded", form.Encode(), "")
		if status != 200 || out["scope"] != "read:clients update:client_keys" {
			t.Fatalf("token for %s: %d %v", audience, status, out)
		}
		token, _ := out["access_token"].(string)
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("token for %s is not a JWT: %d parts", audience, len(parts))
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		var claims map[string]any
		if err != nil || json.Unmarshal(payload, &claims) != nil ||
			claims["scope"] != "read:clients update:client_keys" || claims["aud"] != audience || claims["sub"] != "rotator@clients" {
			t.Errorf("token claims for %s: %v", audience, claims)
		}
		for id, want := range map[string][2]any{
			"m2m": {"non_interactive", "client_secret_post"}, "jwt": {"non_interactive", nil},
			"spa": {"spa", "none"}, "native": {"native", "none"},
		} {
			status, client := post(t, tn, "/api/v2/clients/"+id, "", "", token, "GET")
			if status != 200 || client["app_type"] != want[0] || client["token_endpoint_auth_method"] != want[1] {
				t.Errorf("client %s: %d %v", id, status, client)
			}
			if _, listed := client["client_authentication_methods"]; listed != (id == "jwt") {
				t.Errorf("client %s: client_authentication_methods %v", id, client["client_authentication_methods"])
			}
		}
	}
	// A public application cannot log in, nor be given a secret.
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"spa"}, "client_secret": {""}, "audience": {tn.ManagementAudience()}}
	if status, _ := post(t, tn, "/oauth/token", "application/x-www-form-urlencoded", form.Encode(), ""); status != 401 {
		t.Errorf("a SPA logged in with client credentials: %d", status)
	}
}
