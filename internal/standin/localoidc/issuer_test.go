package localoidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
)

// The issuer is a real OIDC provider to go-oidc: discovery over TLS, keys,
// and tokens that verify, or do not, as minted.
func TestMintedTokensVerifyAgainstDiscovery(t *testing.T) {
	iss, err := localoidc.Start(localoidc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	ctx := oidc.ClientContext(context.Background(), iss.HTTPClient())
	provider, err := oidc.NewProvider(ctx, iss.URL())
	if err != nil {
		t.Fatal(err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: "aud-1"})
	good := iss.MustMint(localoidc.Claims{Subject: "sub-1", Audience: []string{"aud-1"}, TokenID: "j1", Extra: map[string]any{"repository": "o/r"}})
	tok, err := verifier.Verify(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		JTI, Repository string
	}
	_ = tok.Claims(&claims)
	if tok.Subject != "sub-1" || claims.JTI != "j1" || claims.Repository != "o/r" {
		t.Errorf("claims: %s %+v", tok.Subject, claims)
	}
	for name, c := range map[string]localoidc.Claims{
		"expired":        {Subject: "s", Audience: []string{"aud-1"}, Lifetime: -time.Minute},
		"foreign key":    {Subject: "s", Audience: []string{"aud-1"}, ForeignKey: true},
		"other issuer":   {Subject: "s", Audience: []string{"aud-1"}, Issuer: "https://elsewhere.example"},
		"other audience": {Subject: "s", Audience: []string{"aud-2"}},
	} {
		if _, err := verifier.Verify(ctx, iss.MustMint(c)); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	if len(iss.MintedTokens()) != 5 {
		t.Errorf("%d minted tokens recorded, want 5", len(iss.MintedTokens()))
	}
}

// The GitHub Actions-like endpoint answers only its request token, and
// mints for the requested audience.
func TestGitHubActionsEndpointChecksBearerAndAudience(t *testing.T) {
	iss, err := localoidc.Start(localoidc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	url := iss.EnableGitHubActions("request-token", localoidc.Claims{Subject: "repo:o/r:ref:refs/heads/main"})
	get := func(bearer, audience string) (int, string) {
		req, _ := http.NewRequest("GET", url+"&audience="+audience, nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := iss.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var out struct{ Value string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.Value
	}
	if status, _ := get("wrong", "kms"); status != 401 {
		t.Errorf("a wrong bearer: %d", status)
	}
	status, token := get("request-token", "kms")
	if status != 200 || token == "" {
		t.Fatalf("token request: %d", status)
	}
	ctx := oidc.ClientContext(context.Background(), iss.HTTPClient())
	provider, err := oidc.NewProvider(ctx, iss.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.Verifier(&oidc.Config{ClientID: "kms"}).Verify(ctx, token); err != nil {
		t.Errorf("the token is not for the requested audience: %v", err)
	}
	if got := iss.GitHubAudiences(); len(got) != 1 || got[0] != "kms" {
		t.Errorf("audiences recorded: %v", got)
	}
}
