package kms

// The login rules the server enforces around the credentials themselves:
// the rate limiter in front of the login routes, and the max TTL that bounds
// renewals.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// rateLimitedLogins makes the fake KMS answer the first `limited` requests to
// loginPath as the server's rate limiter does (429, Retry-After and the
// limiter's message, before any credential is read), then log in; it records
// when each login arrived.
func rateLimitedLogins(f *fakeKMS, loginPath string, limited int, retryAfter string) *[]time.Time {
	var mu sync.Mutex
	arrivals := &[]time.Time{}
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != loginPath {
			return false
		}
		mu.Lock()
		*arrivals = append(*arrivals, time.Now())
		n := len(*arrivals)
		mu.Unlock()
		f.logins.Add(1)
		if n <= limited {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeErr(w, 429, "RateLimitExceeded", fmt.Sprintf("%q", "Rate limit exceeded. Please try again in "+retryAfter+" seconds"))
			return true
		}
		fmt.Fprintf(w, `{"accessToken":"token-%d","expiresIn":7200,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}`, f.tokenN.Add(1))
		return true
	}
	return arrivals
}

// A rate-limited login (429 with Retry-After, answered before the server
// reads the credentials) is sent again after the wait the server asked for,
// for every login method alike: exactly two logins, at least Retry-After apart.
func TestRateLimitedLoginWaitsAsToldThenLogsIn(t *testing.T) {
	t.Setenv("TEST_OIDC_TOKEN", "jwt-value")
	for _, method := range []struct {
		name, path string
		config     func(*Config)
	}{
		{"universal auth", "/api/v1/auth/universal-auth/login", func(*Config) {}},
		{"OIDC", "/api/v1/auth/oidc-auth/login", func(cfg *Config) {
			cfg.ClientID, cfg.ClientSecret = "", ""
			cfg.OIDCIdentityID, cfg.OIDCToken = "identity-uuid", OIDCTokenFromEnv("TEST_OIDC_TOKEN")
		}},
	} {
		t.Run(method.name, func(t *testing.T) {
			f, srv := newFakeKMS(t)
			arrivals := rateLimitedLogins(f, method.path, 1, "1")
			c, _ := newTestClient(t, srv, method.config)
			if _, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1"); err != nil {
				t.Fatal(err)
			}
			if f.logins.Load() != 2 {
				t.Fatalf("%d logins, want 2", f.logins.Load())
			}
			if gap := (*arrivals)[1].Sub((*arrivals)[0]); gap < time.Second {
				t.Errorf("the second login came %v after the first, before the 1 s Retry-After", gap)
			}
			if reqs := f.requests(auth0RotationsPath); len(reqs) != 1 || reqs[0].auth != "Bearer token-1" {
				t.Errorf("requests after the login: %+v", reqs)
			}
		})
	}
}

// Without a Retry-After header (a proxy may drop it) the wait the limiter's
// message names is the wait.
func TestRateLimitedLoginWithoutHeaderWaitsForTheMessagesSeconds(t *testing.T) {
	f, srv := newFakeKMS(t)
	var arrivals []time.Time
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != "/api/v1/auth/universal-auth/login" {
			return false
		}
		arrivals = append(arrivals, time.Now())
		if len(arrivals) == 1 {
			writeErr(w, 429, "RateLimitExceeded", `"Rate limit exceeded. Please try again in 1 seconds"`)
			return true
		}
		fmt.Fprint(w, `{"accessToken":"t","expiresIn":7200,"accessTokenMaxTTL":0,"tokenType":"Bearer"}`)
		return true
	}
	c, _ := newTestClient(t, srv)
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(arrivals) != 2 || arrivals[1].Sub(arrivals[0]) < time.Second {
		t.Errorf("logins at %v, want 2 at least 1 s apart", arrivals)
	}
}

// Still rate-limited after max retries: the login fails after 1 + max
// retries attempts, and the error says the credentials were never checked
// instead of blaming them.
func TestLoginStillRateLimitedAfterMaxRetriesSaysSo(t *testing.T) {
	f, srv := newFakeKMS(t)
	rateLimitedLogins(f, "/api/v1/auth/universal-auth/login", 100, "0")
	c, _ := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = new(2) })
	err := c.Login(context.Background())
	var loginErr *LoginError
	if !errors.As(err, &loginErr) || !loginErr.RateLimited() || loginErr.Attempts != 3 {
		t.Fatalf("err = %#v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "rate-limits logins") || !strings.Contains(msg, "after 3 attempts") ||
		strings.Contains(msg, "fix the credentials") {
		t.Errorf("message: %s", msg)
	}
	if f.logins.Load() != 3 {
		t.Errorf("%d logins, want 3", f.logins.Load())
	}
}

// A wait longer than the request timeout is not made: one attempt, and the
// error names the wait and the bound.
func TestRateLimitWaitLongerThanTheRequestTimeoutIsNotMade(t *testing.T) {
	f, srv := newFakeKMS(t)
	rateLimitedLogins(f, "/api/v1/auth/universal-auth/login", 100, "3")
	c, _ := newTestClient(t, srv, func(cfg *Config) { cfg.Timeout = time.Second })
	start := time.Now()
	err := c.Login(context.Background())
	var loginErr *LoginError
	if !errors.As(err, &loginErr) || loginErr.WaitRefused != 3*time.Second ||
		!strings.Contains(err.Error(), "asked to wait 3s, longer than the request timeout (1s)") {
		t.Fatalf("err = %v", err)
	}
	if f.logins.Load() != 1 || time.Since(start) > 2*time.Second {
		t.Errorf("%d logins in %v, want 1 and no wait", f.logins.Load(), time.Since(start))
	}
}

// A cancelled run does not sit out the wait.
func TestRateLimitWaitEndsWithTheContext(t *testing.T) {
	f, srv := newFakeKMS(t)
	rateLimitedLogins(f, "/api/v1/auth/universal-auth/login", 100, "30")
	c, _ := newTestClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Login(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || f.logins.Load() != 1 {
		t.Fatalf("err = %v after %d logins", err, f.logins.Load())
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("the login gave up after %v: the wait outlived the context", waited)
	}
}

// maxTTLKMS answers logins with a 2-hour token whose max TTL is maxTTL
// seconds, and renewals as the server does: the same max TTL (counted from
// the login), and a refusal that deletes the token when the renewal would
// pass it.
func maxTTLKMS(t *testing.T, maxTTL int64, now func() time.Time) (*fakeKMS, *Client) {
	t.Helper()
	f, srv := newFakeKMS(t)
	var mu sync.Mutex
	createdAt := map[string]time.Time{}
	f.handler = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/api/v1/auth/universal-auth/login":
			f.logins.Add(1)
			tok := fmt.Sprintf("token-%d", f.tokenN.Add(1))
			createdAt[tok] = now()
			fmt.Fprintf(w, `{"accessToken":%q,"expiresIn":7200,"accessTokenMaxTTL":%d,"tokenType":"Bearer"}`, tok, maxTTL)
			return true
		case "/api/v1/auth/token/renew":
			f.renews.Add(1)
			old := strings.TrimSuffix(strings.TrimPrefix(string(body), `{"accessToken":"`), `"}`)
			created := createdAt[old]
			if maxTTL > 0 && now().Add(2*time.Hour).After(created.Add(time.Duration(maxTTL)*time.Second)) {
				delete(createdAt, old)
				f.expired.Store(old, true)
				writeErr(w, 401, "UnauthorizedError", `"Failed to renew MI access token past its Max TTL expiration"`)
				return true
			}
			tok := fmt.Sprintf("renewed-%d", f.tokenN.Add(1))
			createdAt[tok] = created
			fmt.Fprintf(w, `{"accessToken":%q,"expiresIn":7200,"accessTokenMaxTTL":%d,"tokenType":"Bearer"}`, tok, maxTTL)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv, func(cfg *Config) { cfg.Now = now })
	return f, c
}

// When a renewal would pass the token's max TTL the client logs in again
// instead: the server would refuse that renewal and delete the token in use.
// The max TTL counts from the login, so a renewal does not move it; and
// accessTokenMaxTTL 0 means no max TTL at all.
func TestRenewalThatWouldPassTheMaxTTLIsALogin(t *testing.T) {
	cases := []struct {
		name           string
		maxTTL         int64
		steps          []time.Duration // clock moves before each request
		logins, renews int32
	}{
		// Due at 1h55m: renewing would reach 3h55m, past 2h30m.
		{"max TTL near at the first refresh", 9000, []time.Duration{0, 119 * time.Minute}, 2, 0},
		// 1h59m: renewal to 3h59m is within 5h; 3h58m: a renewal would
		// reach 5h58m, past the login's 5h (not past a renewal's 5h).
		{"max TTL counted from the login", 5 * 3600, []time.Duration{0, 119 * time.Minute, 119 * time.Minute}, 2, 1},
		{"no max TTL", 0, []time.Duration{0, 119 * time.Minute, 119 * time.Minute}, 1, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			f, c := maxTTLKMS(t, tc.maxTTL, clock)
			for _, step := range tc.steps {
				mu.Lock()
				now = now.Add(step)
				mu.Unlock()
				if _, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1"); err != nil {
					t.Fatal(err)
				}
			}
			if f.logins.Load() != tc.logins || f.renews.Load() != tc.renews {
				t.Errorf("logins=%d renews=%d, want %d and %d", f.logins.Load(), f.renews.Load(), tc.logins, tc.renews)
			}
			for _, r := range f.requests(auth0RotationsPath) {
				if _, refused := f.expired.Load(strings.TrimPrefix(r.auth, "Bearer ")); refused {
					t.Errorf("a request was sent with a token the KMS deleted")
				}
			}
		})
	}
}
