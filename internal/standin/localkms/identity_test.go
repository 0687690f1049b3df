package localkms_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
)

const rotationsList = "/api/v2/secret-rotations/auth0-client-secret?projectId=p"

// An identity whose token TTL is 0 gets expiresIn 0, and the token works
// however far the clock moves.
func TestTokenWithTTLZeroNeverExpires(t *testing.T) {
	w := newWorld(t, "")
	w.kms.SetAccessTokenTTL("id", 0)
	status, out := w.call("POST", "/api/v1/auth/universal-auth/login", map[string]string{"clientId": "id", "clientSecret": "secret"})
	if status != 200 || out["expiresIn"] != float64(0) {
		t.Fatalf("login: %d %v", status, out)
	}
	w.token = out["accessToken"].(string)
	w.now = w.now.Add(5 * 365 * 24 * time.Hour)
	if status, out := w.call("GET", rotationsList, nil); status != 200 {
		t.Errorf("a token that never expires was refused: %d %v", status, out)
	}
}

// Renew answers a new token; an expired token is refused with 403
// TokenError (its own expiry) or 401 UnauthorizedError (TTL bookkeeping),
// both by authentication and by renew.
func TestRenewAndExpiredTokensAnswerAsTheServer(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	old := w.token
	status, out := w.call("POST", "/api/v1/auth/token/renew", map[string]string{"accessToken": old})
	if status != 200 || out["accessToken"] == old || out["expiresIn"] != float64(7200) {
		t.Fatalf("renew: %d %v", status, out)
	}
	w.token = out["accessToken"].(string)
	if status, _ := w.call("GET", rotationsList, nil); status != 200 {
		t.Errorf("the renewed token was refused: %d", status)
	}

	w.kms.ExpireAllTokens()
	status, out = w.call("GET", rotationsList, nil)
	if status != 403 || out["error"] != "TokenError" || out["message"] != "Your token has expired. Please re-authenticate." {
		t.Errorf("expired token: %d %v", status, out)
	}
	if status, out := w.call("POST", "/api/v1/auth/token/renew", map[string]string{"accessToken": w.token}); status != 403 || out["error"] != "TokenError" {
		t.Errorf("renewing an expired token: %d %v", status, out)
	}

	w.login()
	w.kms.ExpireAllTokensByTTL()
	status, out = w.call("GET", rotationsList, nil)
	if status != 401 || out["error"] != "UnauthorizedError" || !strings.Contains(out["message"].(string), "TTL expiration") {
		t.Errorf("token refused by its TTL: %d %v", status, out)
	}
	w.token = "not-a-token"
	if status, out := w.call("GET", rotationsList, nil); status != 403 || out["error"] != "TokenError" {
		t.Errorf("unknown token: %d %v", status, out)
	}
}

// Every login uses one use of the secret; past the limit the login is
// refused and the secret revoked.
func TestClientSecretUsageLimit(t *testing.T) {
	w := newWorld(t, "")
	w.kms.SetClientSecretUsesLimit("id", 2)
	w.login()
	w.login()
	creds := map[string]string{"clientId": "id", "clientSecret": "secret"}
	status, out := w.call("POST", "/api/v1/auth/universal-auth/login", creds)
	if status != 401 || out["message"] != "Access denied due to client secret usage limit reached" {
		t.Fatalf("third login: %d %v", status, out)
	}
	if status, out := w.call("POST", "/api/v1/auth/universal-auth/login", creds); status != 401 || out["message"] != "Invalid credentials" {
		t.Errorf("the revoked secret: %d %v", status, out)
	}
}

// Lockout settings are per identity: a threshold, a window that resets the
// count, a duration, or off.
func TestLockoutSettings(t *testing.T) {
	w := newWorld(t, "")
	wrong := map[string]string{"clientId": "id", "clientSecret": "wrong"}
	right := map[string]string{"clientId": "id", "clientSecret": "secret"}

	w.kms.SetLockout("id", localkms.Lockout{Enabled: true, Threshold: 2, DurationSeconds: 60, CounterResetSeconds: 10})
	w.call("POST", "/api/v1/auth/universal-auth/login", wrong)
	w.now = w.now.Add(11 * time.Second) // the count resets
	w.call("POST", "/api/v1/auth/universal-auth/login", wrong)
	if status, out := w.call("POST", "/api/v1/auth/universal-auth/login", right); status != 200 {
		t.Fatalf("locked although the count had reset: %d %v", status, out)
	}
	w.call("POST", "/api/v1/auth/universal-auth/login", wrong)
	w.call("POST", "/api/v1/auth/universal-auth/login", wrong)
	if status, out := w.call("POST", "/api/v1/auth/universal-auth/login", right); status != 401 || !strings.Contains(out["message"].(string), "temporarily locked") {
		t.Fatalf("not locked after two refusals in the window: %d %v", status, out)
	}
	w.now = w.now.Add(61 * time.Second)
	if status, _ := w.call("POST", "/api/v1/auth/universal-auth/login", right); status != 200 {
		t.Fatalf("still locked after the duration: %d", status)
	}

	w.kms.SetLockout("id", localkms.Lockout{Enabled: false})
	for range 10 {
		w.call("POST", "/api/v1/auth/universal-auth/login", wrong)
	}
	if status, _ := w.call("POST", "/api/v1/auth/universal-auth/login", right); status != 200 {
		t.Fatalf("locked with lockout off: %d", status)
	}

	// While the lock bookkeeping is busy the server answers 429.
	w.kms.InjectFault(localkms.Fault{Route: "POST /api/v1/auth/universal-auth/login", Status: 429, Message: "Failed to acquire lock: rate limit exceeded"})
	if status, out := w.call("POST", "/api/v1/auth/universal-auth/login", wrong); status != 429 || out["message"] != "Failed to acquire lock: rate limit exceeded" {
		t.Errorf("lock contention: %d %v", status, out)
	}
}

// oidcID is the id of the OIDC identity of the tests: a uuid, as every
// identity id is on the server.
const oidcID = "5b0c2d9e-8f41-4a3b-9c6d-1e2f3a4b5c6d"

// OIDC auth, checked as the server does: 404 without OIDC auth, 401 for
// signature, expiry, issuer, audience and claims, 403 for the subject.
func TestOIDCLogin(t *testing.T) {
	w := newWorld(t, "")
	issuer, err := localoidc.Start(localoidc.Options{Now: func() time.Time { return w.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(issuer.Close)
	ttl := int64(600)
	if err := w.kms.AddOIDCIdentity(localkms.OIDCIdentity{
		ID: oidcID, DiscoveryURL: issuer.URL(), CACert: string(issuer.CACertPEM()), BoundIssuer: issuer.URL(),
		BoundAudiences: "kms.example, other.example", BoundSubject: "organization:acme:project:*:workspace:billing:run_phase:*",
		BoundClaims: map[string]string{"terraform_organization_name": "acme"}, AccessTokenTTL: &ttl,
	}); err != nil {
		t.Fatal(err)
	}
	good := localoidc.Claims{
		Subject: "organization:acme:project:Default:workspace:billing:run_phase:apply", Audience: []string{"kms.example"},
		Extra: map[string]any{"terraform_organization_name": "acme"}, TokenID: "run-1",
	}
	login := func(identity string, c localoidc.Claims) (int, map[string]any) {
		return w.call("POST", "/api/v1/auth/oidc-auth/login", map[string]string{"identityId": identity, "jwt": issuer.MustMint(c)})
	}
	status, out := login(oidcID, good)
	if status != 200 || out["expiresIn"] != float64(600) {
		t.Fatalf("good token: %d %v", status, out)
	}
	w.token = out["accessToken"].(string)
	if status, _ := w.call("GET", rotationsList, nil); status != 200 {
		t.Errorf("the OIDC login's token was refused: %d", status)
	}
	if logins := w.kms.OIDCLogins(oidcID); len(logins) != 1 || logins[0].TokenID != "run-1" {
		t.Errorf("recorded logins: %v", logins)
	}

	mutate := func(f func(*localoidc.Claims)) localoidc.Claims {
		c := good
		f(&c)
		return c
	}
	cases := []struct {
		name     string
		identity string
		claims   localoidc.Claims
		status   int
		message  string
	}{
		{"unknown identity", "00000000-0000-4000-8000-000000000000", good, 404, "OIDC auth method not found for identity, did you configure OIDC auth?"},
		{"wrong subject", oidcID, mutate(func(c *localoidc.Claims) { c.Subject = "organization:evil:project:x:workspace:billing:run_phase:apply" }), 403, "Access denied: OIDC subject not allowed."},
		{"wrong audience", oidcID, mutate(func(c *localoidc.Claims) { c.Audience = []string{"aws.workload.identity"} }), 401, "Access denied: OIDC audience not allowed."},
		{"wrong issuer", oidcID, mutate(func(c *localoidc.Claims) { c.Issuer = "https://app.terraform.io" }), 401, "Access denied: jwt issuer invalid. expected: " + issuer.URL()},
		{"expired", oidcID, mutate(func(c *localoidc.Claims) { c.Lifetime = -time.Minute }), 401, "Access denied: jwt expired"},
		{"bad signature", oidcID, mutate(func(c *localoidc.Claims) { c.ForeignKey = true }), 401, "Access denied: invalid signature"},
		{"claim", oidcID, mutate(func(c *localoidc.Claims) { c.Extra = map[string]any{"terraform_organization_name": "evil"} }), 401, "Access denied: OIDC claim not allowed."},
		{"missing claim", oidcID, mutate(func(c *localoidc.Claims) { c.Extra = nil }), 401, "Access denied: token has no terraform_organization_name field"},
	}
	for _, tc := range cases {
		status, out := login(tc.identity, tc.claims)
		if status != tc.status || out["message"] != tc.message {
			t.Errorf("%s: %d %v, want %d %q", tc.name, status, out, tc.status, tc.message)
		}
	}
	if status, out := w.call("POST", "/api/v1/auth/oidc-auth/login", map[string]string{"identityId": oidcID, "jwt": "not a jwt"}); status != 401 || out["message"] != "Invalid JWT" {
		t.Errorf("garbage: %d %v", status, out)
	}
	if logins := w.kms.OIDCLogins(oidcID); len(logins) != 1 {
		t.Errorf("refused logins were recorded: %v", logins)
	}
}
