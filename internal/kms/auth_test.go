package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A token answered with expiresIn 0 never expires: no renewal and no second
// login however long the process runs.
func TestTokenThatNeverExpiresIsNeverRenewed(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/api/v1/auth/universal-auth/login" {
			f.logins.Add(1)
			_, _ = fmt.Fprint(w, `{"accessToken":"forever","expiresIn":0,"accessTokenMaxTTL":0,"tokenType":"Bearer"}`)
			return true
		}
		return false
	}
	now := time.Now()
	var mu sync.Mutex
	c, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	for range 3 {
		if _, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = now.Add(400 * 24 * time.Hour)
		mu.Unlock()
	}
	if f.logins.Load() != 1 || f.renews.Load() != 0 {
		t.Errorf("logins=%d renews=%d, want 1 and 0", f.logins.Load(), f.renews.Load())
	}
	for _, r := range f.requests(auth0RotationsPath) {
		if r.auth != "Bearer forever" {
			t.Errorf("request sent with %q", r.auth)
		}
	}
}

// Renew answers a new token: every later request carries it.
func TestRenewedTokenReplacesTheOldOne(t *testing.T) {
	f, srv := newFakeKMS(t)
	now := time.Now()
	var mu sync.Mutex
	c, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	ctx := context.Background()
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(119 * time.Minute)
	mu.Unlock()
	for range 2 {
		if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.requests(auth0RotationsPath)
	if len(reqs) != 3 || reqs[0].auth != "Bearer token-1" || reqs[1].auth != "Bearer renewed-2" || reqs[2].auth != "Bearer renewed-2" {
		t.Errorf("tokens sent: %+v", reqs)
	}
}

// The server refuses an expired token with 403 TokenError (the JWT's own
// expiry) or 401 UnauthorizedError (its TTL bookkeeping): both mean "log in
// again", once, and the request is sent again with the new token.
func TestExpiredTokenRefusalsOfBothKindsLogInAgainOnce(t *testing.T) {
	for _, refusal := range []struct {
		status  int
		name    string
		message string
	}{
		{403, "TokenError", "Your token has expired. Please re-authenticate."},
		{401, "UnauthorizedError", "Failed to renew MI access token due to TTL expiration"},
	} {
		t.Run(refusal.name, func(t *testing.T) {
			f, srv := newFakeKMS(t)
			f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.Header.Get("Authorization") == "Bearer token-1" {
					writeErr(w, refusal.status, refusal.name, fmt.Sprintf("%q", refusal.message))
					return true
				}
				return false
			}
			c, _ := newTestClient(t, srv)
			if _, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1"); err != nil {
				t.Fatal(err)
			}
			if f.logins.Load() != 2 {
				t.Errorf("logins=%d, want 2", f.logins.Load())
			}
		})
	}
}

// A secret whose usage limit is reached is refused once, never retried, and
// the error says what happened and what to do.
func TestUsageLimitReachedIsOneAttemptAndSaysSo(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/api/v1/auth/universal-auth/login" {
			f.logins.Add(1)
			writeErr(w, 401, "UnauthorizedError", `"Access denied due to client secret usage limit reached"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	err := c.Login(context.Background())
	if !IsUsageLimitReached(err) || !strings.Contains(err.Error(), "Create a new client secret") {
		t.Fatalf("err = %v", err)
	}
	var loginErr *LoginError
	if !errors.As(err, &loginErr) || loginErr.Method != LoginUniversalAuth {
		t.Errorf("not a universal auth LoginError: %#v", err)
	}
	if f.logins.Load() != 1 {
		t.Errorf("%d login attempts, want 1", f.logins.Load())
	}
}

// A 429 on login ("Failed to acquire lock") comes from the lockout
// bookkeeping of refused credentials: it is not retried like other 429s.
func TestLoginRateLimitIsNotRetried(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path == "/api/v1/auth/universal-auth/login" {
			f.logins.Add(1)
			w.Header().Set("Retry-After", "0")
			writeErr(w, 429, "RateLimitExceeded", `"Failed to acquire lock: rate limit exceeded"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	err := c.Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fix the credentials") {
		t.Fatalf("err = %v", err)
	}
	if f.logins.Load() != 1 {
		t.Errorf("%d login attempts, want 1", f.logins.Load())
	}
}

// fakeOIDCLogin answers OIDC logins with a new token for each JWT it accepts
// and records the JWTs it saw.
func fakeOIDCLogin(f *fakeKMS, accept func(jwt string) (int, string)) *[]string {
	var mu sync.Mutex
	seen := &[]string{}
	f.handler = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.URL.Path != "/api/v1/auth/oidc-auth/login" {
			return false
		}
		f.logins.Add(1)
		var in oidcLoginRequest
		_ = json.Unmarshal(body, &in)
		mu.Lock()
		*seen = append(*seen, in.JWT)
		mu.Unlock()
		if in.IdentityID != "identity-uuid" {
			writeErr(w, 404, "NotFound", `"OIDC auth method not found for identity, did you configure OIDC auth?"`)
			return true
		}
		if status, msg := accept(in.JWT); status != 200 {
			writeErr(w, status, "UnauthorizedError", fmt.Sprintf("%q", msg))
			return true
		}
		_, _ = fmt.Fprintf(w, `{"accessToken":"token-%d","expiresIn":7200,"accessTokenMaxTTL":7200,"tokenType":"Bearer"}`, f.tokenN.Add(1))
		return true
	}
	return seen
}

// The token file is read at every login, so a token the kubelet (or Terraform
// Cloud) replaced is the one sent; the JWT never reaches a log or an error.
func TestOIDCLoginRereadsTheTokenFileAtEveryLogin(t *testing.T) {
	f, srv := newFakeKMS(t)
	seen := fakeOIDCLogin(f, func(string) (int, string) { return 200, "" })
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("jwt-one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, logger := newTestClient(t, srv, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = "", ""
		cfg.OIDCIdentityID, cfg.OIDCToken = "identity-uuid", OIDCTokenFromFile(file)
	})
	ctx := context.Background()
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("jwt-two"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.expired.Store("token-1", true)
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(*seen, ",") != "jwt-one,jwt-two" {
		t.Errorf("JWTs sent: %v", *seen)
	}
	if strings.Contains(logger.buf.String(), "jwt-one") || strings.Contains(logger.buf.String(), "jwt-two") {
		t.Errorf("an OIDC token reached the log:\n%s", logger.buf.String())
	}
}

// A refused OIDC login is one request; its error names the source of the
// token and carries the server's reason, not the token.
func TestRefusedOIDCLoginIsNotRetried(t *testing.T) {
	f, srv := newFakeKMS(t)
	fakeOIDCLogin(f, func(string) (int, string) { return 401, "Access denied: OIDC audience not allowed." })
	t.Setenv("TEST_OIDC_TOKEN", "jwt-secret-value")
	c, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = "", ""
		cfg.OIDCIdentityID, cfg.OIDCToken = "identity-uuid", OIDCTokenFromEnv("TEST_OIDC_TOKEN")
	})
	err := c.Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "OIDC audience not allowed") || strings.Contains(err.Error(), "jwt-secret-value") {
		t.Fatalf("err = %v", err)
	}
	if f.logins.Load() != 1 {
		t.Errorf("%d login attempts, want 1", f.logins.Load())
	}

	t.Setenv("TEST_OIDC_TOKEN", "")
	c2, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = "", ""
		cfg.OIDCIdentityID, cfg.OIDCToken = "identity-uuid", OIDCTokenFromEnv("TEST_OIDC_TOKEN")
	})
	err = c2.Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "TEST_OIDC_TOKEN") || f.logins.Load() != 1 {
		t.Fatalf("an empty variable: err = %v, logins = %d", err, f.logins.Load())
	}
}

// The GitHub Actions source sends the request token as bearer and the
// configured audience, and logs in with the token the runner answers.
func TestOIDCTokenFromGitHubActions(t *testing.T) {
	var requests atomic.Int32
	runner := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer request-token" || r.URL.Query().Get("api-version") != "2.0" {
			w.WriteHeader(401)
			return
		}
		_, _ = fmt.Fprintf(w, `{"count":1,"value":"jwt-for-%s"}`, r.URL.Query().Get("audience"))
	}))
	t.Cleanup(runner.Close)
	src := OIDCTokenFromGitHubActions(runner.URL+"/token?api-version=2.0", "request-token", "kms.example")
	got, err := src.Token(context.Background(), runner.Client())
	if err != nil || got != "jwt-for-kms.example" {
		t.Fatalf("token %q, err %v", got, err)
	}
	_, err = OIDCTokenFromGitHubActions(runner.URL+"/token?api-version=2.0", "stale", "").Token(context.Background(), runner.Client())
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "stale") {
		t.Fatalf("refused request: err = %v", err)
	}
	if requests.Load() != 2 {
		t.Errorf("%d requests, want 2", requests.Load())
	}
}

func TestNewRejectsMixedLoginMethods(t *testing.T) {
	src := OIDCTokenFromEnv("X")
	cases := map[string]Config{
		"oidc and pair":  {Host: "https://k", ClientID: "a", ClientSecret: "b", OIDCIdentityID: "i", OIDCToken: src},
		"oidc and token": {Host: "https://k", Token: "t", OIDCIdentityID: "i", OIDCToken: src},
		"oidc no source": {Host: "https://k", OIDCIdentityID: "i"},
		"oidc no id":     {Host: "https://k", OIDCToken: src},
	}
	for name, cfg := range cases {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Config{Host: "https://k", OIDCIdentityID: "i", OIDCToken: src}); err != nil {
		t.Errorf("OIDC alone refused: %v", err)
	}
}

func TestJWTIsRedactedInBodies(t *testing.T) {
	got := redactJSON([]byte(`{"identityId":"i","jwt":"eyJhbGciOi.secret.sig"}`))
	if strings.Contains(got, "secret") || !strings.Contains(got, `"identityId":"i"`) {
		t.Errorf("redacted: %s", got)
	}
}
