package localazure_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
)

func get(t *testing.T, target string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Each endpoint asks for what the real one asks for: IMDS the Metadata
// header, App Service the IDENTITY_HEADER secret; a user-assigned identity
// must be attached; the keys are the tenant's only.
func TestEndpointsRefuseWhatAzureRefuses(t *testing.T) {
	s, err := localazure.Start(localazure.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := "?" + url.Values{"resource": {"https://management.azure.com/"}, "api-version": {"2019-08-01"}}.Encode()
	for _, c := range []struct {
		name, url string
		header    map[string]string
		want      int
	}{
		{"imds", s.IMDSTokenURL() + q, map[string]string{"Metadata": "true"}, 200},
		{"imds without Metadata", s.IMDSTokenURL() + q, nil, 400},
		{"imds without resource", s.IMDSTokenURL(), map[string]string{"Metadata": "true"}, 400},
		{"app service", s.IdentityEndpoint() + q, map[string]string{"X-IDENTITY-HEADER": s.IdentityHeader}, 200},
		{"app service wrong header", s.IdentityEndpoint() + q, map[string]string{"X-IDENTITY-HEADER": "guess"}, 401},
		{"unknown user-assigned", s.IMDSTokenURL() + q + "&client_id=nope", map[string]string{"Metadata": "true"}, 400},
		{"tenant keys", s.KeysURL(s.TenantID()), nil, 200},
		{"other tenant's keys", s.KeysURL("00000000-0000-0000-0000-000000000000"), nil, 400},
	} {
		if got := get(t, c.url, c.header); got != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.name, got, c.want)
		}
	}
	s.AddUserAssigned(localazure.Identity{ClientID: "ua", ObjectID: "ua-object"})
	if got := get(t, s.IMDSTokenURL()+q+"&client_id=ua", map[string]string{"Metadata": "true"}); got != 200 {
		t.Errorf("attached user-assigned identity: HTTP %d", got)
	}
	if issued := s.Issued(); len(issued) != 3 || issued[2].ObjectID != "ua-object" {
		t.Errorf("%d tokens issued, the last for %q; want 3, the last for ua-object", len(issued), issued[len(issued)-1].ObjectID)
	}
}

// Two tokens issued at the same instant are different tokens, as Azure AD's
// are (each carries its own uti): a leak test then has one needle per token,
// whatever the machine's speed.
func TestTokensIssuedInTheSameSecondDiffer(t *testing.T) {
	frozen := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s, err := localazure.Start(localazure.Options{Now: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := "?" + url.Values{"resource": {"https://management.azure.com/"}}.Encode()
	for range 2 {
		if got := get(t, s.IdentityEndpoint()+q, map[string]string{"X-IDENTITY-HEADER": s.IdentityHeader}); got != 200 {
			t.Fatalf("HTTP %d", got)
		}
	}
	issued := s.Issued()
	if len(issued) != 2 || issued[0].Value == issued[1].Value {
		t.Fatalf("two tokens issued in the same second are the same token")
	}
	for i, tok := range issued {
		var claims struct {
			UTI string `json:"uti"`
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.Value, ".")[1])
		if err != nil || json.Unmarshal(payload, &claims) != nil || len(claims.UTI) < 16 {
			t.Errorf("token #%d carries no uti: %s", i, payload)
		}
	}
}
