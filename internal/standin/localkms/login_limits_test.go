package localkms_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
)

// While a test rate-limits the logins, every login route answers as the
// server's rate limiter does, before reading the credentials (wrong ones
// are not counted towards the lockout): 429 RateLimitExceeded, the seconds
// left in the window as Retry-After and in the message, and the limiter's
// headers. Other routes are not limited; once the window passes, logins work.
// The window opens at the first login after RateLimitLogins, and runs on the
// server's clock, which stands still here: every refusal says 2 seconds.
func TestRateLimitedLoginsAnswerAsTheServersLimiter(t *testing.T) {
	w := newWorld(t, "")
	w.kms.SetLockout("id", localkms.Lockout{Enabled: true, Threshold: 1, DurationSeconds: 300, CounterResetSeconds: 30})
	w.kms.RateLimitLogins(1500 * time.Millisecond)
	// However long the client takes to its first login (a CLI starting on a
	// busy machine), the window is still whole when it gets there.
	w.now = w.now.Add(time.Minute)
	for _, route := range []struct{ path, body string }{
		{"/api/v1/auth/universal-auth/login", `{"clientId":"id","clientSecret":"wrong"}`},
		{"/api/v1/auth/oidc-auth/login", `{"identityId":"not-a-uuid","jwt":"x"}`},
		{"/api/v1/auth/token/renew", `{"accessToken":"x"}`},
	} {
		resp, err := http.Post(w.url+route.path, "application/json", bytes.NewBufferString(route.body))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 429 || out["error"] != "RateLimitExceeded" || out["statusCode"] != float64(429) ||
			out["message"] != "Rate limit exceeded. Please try again in 2 seconds" {
			t.Errorf("%s: %d %v", route.path, resp.StatusCode, out)
		}
		h := resp.Header
		if h.Get("Retry-After") != "2" || h.Get("X-Ratelimit-Reset") != "2" || h.Get("X-Ratelimit-Remaining") != "0" ||
			h.Get("X-Ratelimit-Limit") == "" {
			t.Errorf("%s: headers %v", route.path, h)
		}
	}
	if status, _ := w.call("GET", rotationsList, nil); status == 429 {
		t.Error("a route other than the logins was rate-limited")
	}
	if n := w.kms.RateLimitedRequests("POST /api/v1/auth/universal-auth/login"); n != 1 {
		t.Errorf("%d universal auth logins counted as rate-limited, want 1", n)
	}
	// The server's clock, not the wall clock, moves past the window: the
	// test neither waits nor depends on how fast the requests above ran.
	w.now = w.now.Add(1600 * time.Millisecond)
	// The wrong secret sent while limited was never checked: the lockout
	// (threshold 1) did not count it, so the right one logs in.
	if status, out := w.call("POST", "/api/v1/auth/universal-auth/login", map[string]string{"clientId": "id", "clientSecret": "secret"}); status != 200 {
		t.Fatalf("login after the window: %d %v", status, out)
	}
}

// A renewal past the max TTL (counted from the login, kept by renewals) is
// refused with 401 and deletes the token, so the requests still carrying it
// are refused too; both of the server's messages; and both answers carry the
// configured max TTL, as the server's do. accessTokenMaxTTL 0 has no limit.
func TestRenewalWithinTheMaxTTL(t *testing.T) {
	w := newWorld(t, "")
	w.kms.SetAccessTokenTTL("id", time.Hour)
	w.kms.SetAccessTokenMaxTTL("id", 150*time.Minute)
	w.login()
	renew := func() (int, map[string]any) {
		return w.call("POST", "/api/v1/auth/token/renew", map[string]string{"accessToken": w.token})
	}
	w.now = w.now.Add(50 * time.Minute) // to 1h50m: within 2h30m
	status, out := renew()
	if status != 200 || out["expiresIn"] != float64(3600) || out["accessTokenMaxTTL"] != float64(9000) {
		t.Fatalf("renewal within the max TTL: %d %v", status, out)
	}
	w.token = out["accessToken"].(string)
	w.now = w.now.Add(50 * time.Minute) // 1h40m since login: to 2h40m, past 2h30m
	status, out = renew()
	if status != 401 || out["error"] != "UnauthorizedError" || out["message"] != "Failed to renew MI access token past its Max TTL expiration" {
		t.Fatalf("renewal past the max TTL: %d %v", status, out)
	}
	if status, out := w.call("GET", rotationsList, nil); status != 401 || out["message"] != "No identity access token found" {
		t.Errorf("the refused renewal's token still works: %d %v", status, out)
	}

	w.login()
	w.now = w.now.Add(151 * time.Minute) // its own TTL passed as well: jwt expiry answers first
	if status, out := renew(); status != 403 || out["error"] != "TokenError" {
		t.Errorf("renewal of an expired token: %d %v", status, out)
	}
	w.kms.SetAccessTokenTTL("id", 0)
	w.login()
	w.now = w.now.Add(151 * time.Minute)
	if status, out := renew(); status != 401 || out["message"] != "Failed to renew MI access token due to Max TTL expiration" {
		t.Errorf("renewal after the max TTL: %d %v", status, out)
	}

	w.kms.SetAccessTokenTTL("id", time.Hour)
	w.kms.SetAccessTokenMaxTTL("id", 0)
	w.login()
	for range 5 {
		w.now = w.now.Add(50 * time.Minute)
		status, out := renew()
		if status != 200 || out["accessTokenMaxTTL"] != float64(0) {
			t.Fatalf("renewal without a max TTL: %d %v", status, out)
		}
		w.token = out["accessToken"].(string)
	}
}

// An OIDC login whose identity id is not a uuid fails the server's query on
// its uuid column: a bare 500, whatever the token.
func TestOIDCLoginWithANonUUIDIdentityIsABare500(t *testing.T) {
	w := newWorld(t, "")
	issuer, err := localoidc.Start(localoidc.Options{Now: func() time.Time { return w.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(issuer.Close)
	if err := w.kms.AddOIDCIdentity(localkms.OIDCIdentity{ID: "my-identity", DiscoveryURL: issuer.URL(), BoundIssuer: issuer.URL()}); err == nil {
		t.Error("an OIDC identity with a non-uuid id was added")
	}
	for _, id := range []string{"my-identity", "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c3", "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31x", ""} {
		status, out := w.call("POST", "/api/v1/auth/oidc-auth/login", map[string]string{"identityId": id, "jwt": issuer.MustMint(localoidc.Claims{Subject: "s"})})
		if status != 500 || out["message"] != "Something went wrong" || out["error"] != "Find one" {
			t.Errorf("identity %q: %d %v", id, status, out)
		}
	}
	// What Postgres reads as a uuid is looked up: not found is the 404.
	for _, id := range []string{" 7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31 ", "7D2E8F4A0C1B4C8E9A552F1F6B0E9C31", "{7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31}"} {
		if status, out := w.call("POST", "/api/v1/auth/oidc-auth/login", map[string]string{"identityId": id, "jwt": "x"}); status != 404 {
			t.Errorf("identity %q: %d %v", id, status, out)
		}
	}
}
