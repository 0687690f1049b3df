package kms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seedSampleResponse is the sample response of the KMS's API reference for
// this route (two trailing commas removed, which make it invalid JSON as
// printed there).
const seedSampleResponse = `{
    "secretRotation": {
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "name": "my-auth0-rotation",
        "description": "my client secret rotation",
        "secretsMapping": {"clientId": "AUTH0_CLIENT_ID", "clientSecret": "AUTH0_CLIENT_SECRET"},
        "isAutoRotationEnabled": true,
        "activeIndex": 0,
        "folderId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "connectionId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "rotationInterval": 30,
        "rotationStatus": "success",
        "lastRotationAttemptedAt": "2023-11-07T05:31:56Z",
        "lastRotatedAt": "2023-11-07T05:31:56Z",
        "lastRotationJobId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "nextRotationAt": "2023-11-07T05:31:56Z",
        "connection": {"app": "auth0", "name": "my-auth0-connection", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
        "environment": {"slug": "dev", "name": "Development", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
        "projectId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "folder": {"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "path": "/"},
        "rotateAtUtc": {"hours": 0, "minutes": 0},
        "lastRotationMessage": null,
        "type": "auth0-client-secret",
        "parameters": {"clientId": "..."}
    }
}`

func TestSeedSampleResponseDecodesWithNoFieldLost(t *testing.T) {
	var env rotationEnvelope
	dec := json.NewDecoder(strings.NewReader(seedSampleResponse))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("decoding the API reference's sample: %v", err)
	}
	var want, got map[string]any
	if err := json.Unmarshal([]byte(seedSampleResponse), &want); err != nil {
		t.Fatal(err)
	}
	reencoded, _ := json.Marshal(env)
	if err := json.Unmarshal(reencoded, &got); err != nil {
		t.Fatal(err)
	}
	wantRot := want["secretRotation"].(map[string]any)
	gotRot := got["secretRotation"].(map[string]any)
	// isLastRotationManual is not in the sample; it decodes to false.
	delete(gotRot, "isLastRotationManual")
	if !reflect.DeepEqual(wantRot, gotRot) {
		t.Errorf("round trip lost or changed fields:\nwant %v\ngot  %v", wantRot, gotRot)
	}
	if env.SecretRotation.NextRotationAt == nil || *env.SecretRotation.NextRotationAt != "2023-11-07T05:31:56Z" {
		t.Errorf("nextRotationAt = %v", env.SecretRotation.NextRotationAt)
	}
}

// fakeKMS answers as the KMS does and records what it received.
type fakeKMS struct {
	t       *testing.T
	mu      sync.Mutex
	seen    []recorded
	logins  atomic.Int32
	renews  atomic.Int32
	handler func(w http.ResponseWriter, r *http.Request, body []byte) bool // true: handled
	tokenN  atomic.Int32
	expired sync.Map // tokens answered 401
}

type recorded struct {
	method, path, query, body, auth, userAgent string
}

func newFakeKMS(t *testing.T) (*fakeKMS, *httptest.Server) {
	f := &fakeKMS{t: t}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeKMS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.seen = append(f.seen, recorded{r.Method, r.URL.Path, r.URL.RawQuery, string(body), r.Header.Get("Authorization"), r.Header.Get("User-Agent")})
	f.mu.Unlock()
	if f.handler != nil && f.handler(w, r, body) {
		return
	}
	switch r.URL.Path {
	case "/api/v1/auth/universal-auth/login":
		f.logins.Add(1)
		var in universalAuthLoginRequest
		_ = json.Unmarshal(body, &in)
		if in.ClientSecret != "identity-secret" {
			writeErr(w, 401, "UnauthorizedError", `"Invalid credentials"`)
			return
		}
		time.Sleep(20 * time.Millisecond) // widen the window for concurrent callers
		fmt.Fprintf(w, `{"accessToken":"token-%d","expiresIn":7200,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}`, f.tokenN.Add(1))
	case "/api/v1/auth/token/renew":
		f.renews.Add(1)
		fmt.Fprintf(w, `{"accessToken":"renewed-%d","expiresIn":7200,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}`, f.tokenN.Add(1))
	default:
		if _, gone := f.expired.Load(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")); gone {
			writeErr(w, 401, "TokenError", `"Your token has expired. Please re-authenticate."`)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/generated-credentials"):
			fmt.Fprint(w, `{"generatedCredentials":[{"clientId":"app","clientSecret":"gen-secret-0"},{"clientId":"app","clientSecret":"gen-secret-1"}],"activeIndex":1,"rotationId":"r1","type":"auth0-client-secret"}`)
		case r.URL.Path == auth0RotationsPath && r.Method == "GET":
			fmt.Fprintf(w, `{"secretRotations":[%s]}`, rotationJSON("r1", "one"))
		case strings.HasPrefix(r.URL.Path, auth0RotationsPath):
			fmt.Fprintf(w, `{"secretRotation":%s}`, rotationJSON("r1", "one"))
		default:
			writeErr(w, 404, "NotFound", `"no route"`)
		}
	}
}

func (f *fakeKMS) requests(pathPrefix string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.seen {
		if strings.HasPrefix(r.path, pathPrefix) {
			out = append(out, r)
		}
	}
	return out
}

func rotationJSON(id, name string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"description":null,"type":"auth0-client-secret","parameters":{"clientId":"app"},
"secretsMapping":{"clientId":"ID","clientSecret":"SECRET"},"isAutoRotationEnabled":true,"activeIndex":0,"folderId":"f",
"connectionId":"c","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","rotationInterval":30,
"rotationStatus":"success","lastRotationAttemptedAt":"2026-01-01T00:00:00Z","lastRotatedAt":"2026-01-01T00:00:00Z",
"lastRotationJobId":null,"nextRotationAt":null,"isLastRotationManual":false,"lastRotationMessage":null,
"connection":{"app":"auth0","name":"conn","id":"c"},"environment":{"slug":"dev","name":"Development","id":"e"},
"projectId":"p","folder":{"id":"f","path":"/"},"rotateAtUtc":{"hours":0,"minutes":0}}`, id, name)
}

func writeErr(w http.ResponseWriter, status int, name, message string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"reqId":"req-test","statusCode":%d,"message":%s,"error":%q}`, status, message, name)
}

// captureLogger records every line the client logs.
type captureLogger struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	c.add(msg, fields)
}
func (c *captureLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	c.add(msg, fields)
}
func (c *captureLogger) add(msg string, fields map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(&c.buf, "%s %v\n", msg, fields)
}

func newTestClient(t *testing.T, srv *httptest.Server, mutate ...func(*Config)) (*Client, *captureLogger) {
	logger := &captureLogger{}
	cfg := Config{Host: srv.URL + "/", ClientID: "identity", ClientSecret: "identity-secret", Logger: logger,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, UserAgent: "terraform-provider-hanzokms/test"}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, logger
}

func TestEveryRotationRouteSendsTheContractsRequest(t *testing.T) {
	f, srv := newFakeKMS(t)
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	desc := "d"
	auto := false
	interval := int64(7)

	cases := []struct {
		name                      string
		call                      func() error
		method, path, query, body string
	}{
		{"create", func() error {
			_, err := c.CreateAuth0ClientSecretRotation(ctx, CreateAuth0ClientSecretRotationRequest{
				Name: "n", ProjectID: "p", Description: &desc, ConnectionID: "c", Environment: "dev", SecretPath: "/",
				IsAutoRotationEnabled: false, RotationInterval: 30, RotateAtUTC: RotateAtUTC{Hours: 1, Minutes: 2},
				Parameters: Auth0RotationParameters{ClientID: "app"}, SecretsMapping: Auth0SecretsMapping{ClientID: "ID", ClientSecret: "SECRET"},
			})
			return err
		}, "POST", auth0RotationsPath, "",
			`{"name":"n","projectId":"p","description":"d","connectionId":"c","environment":"dev","secretPath":"/","isAutoRotationEnabled":false,"rotationInterval":30,"rotateAtUtc":{"hours":1,"minutes":2},"parameters":{"clientId":"app"},"secretsMapping":{"clientId":"ID","clientSecret":"SECRET"}}`},
		{"get", func() error { _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); return err }, "GET", auth0RotationsPath + "/r1", "", ""},
		{"get by name", func() error {
			_, err := c.GetAuth0ClientSecretRotationByName(ctx, "p", "dev", "/app", "one")
			return err
		}, "GET", auth0RotationsPath + "/rotation-name/one", "environment=dev&projectId=p&secretPath=%2Fapp", ""},
		{"list", func() error { _, err := c.ListAuth0ClientSecretRotations(ctx, "p"); return err }, "GET", auth0RotationsPath, "projectId=p", ""},
		{"update sends false and null explicitly", func() error {
			_, err := c.UpdateAuth0ClientSecretRotation(ctx, "r1", UpdateAuth0ClientSecretRotationRequest{
				IsAutoRotationEnabled: &auto, RotationInterval: &interval, Description: NullableString{Set: true},
			})
			return err
		}, "PATCH", auth0RotationsPath + "/r1", "", `{"description":null,"isAutoRotationEnabled":false,"rotationInterval":7}`},
		{"delete default flags", func() error { return c.DeleteAuth0ClientSecretRotation(ctx, "r1", DeleteOptions{}) },
			"DELETE", auth0RotationsPath + "/r1", "deleteSecrets=false&revokeGeneratedCredentials=false", ""},
		{"delete both flags", func() error {
			return c.DeleteAuth0ClientSecretRotation(ctx, "r1", DeleteOptions{DeleteSecrets: true, RevokeGeneratedCredentials: true})
		}, "DELETE", auth0RotationsPath + "/r1", "deleteSecrets=true&revokeGeneratedCredentials=true", ""},
		{"rotate now", func() error { _, err := c.RotateAuth0ClientSecret(ctx, "r1", ""); return err }, "POST", auth0RotationsPath + "/r1/rotate-secrets", "", ""},
		{"generated credentials", func() error {
			creds, err := c.GetAuth0ClientSecretRotationCredentials(ctx, "r1")
			if err == nil {
				active, aerr := creds.Active()
				if aerr != nil || active.ClientSecret != "gen-secret-1" {
					return fmt.Errorf("active credentials = %v, %v", active.ClientID, aerr)
				}
			}
			return err
		}, "GET", auth0RotationsPath + "/r1/generated-credentials", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.requests(auth0RotationsPath))
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			reqs := f.requests(auth0RotationsPath)
			if len(reqs) != before+1 {
				t.Fatalf("%d requests, want 1", len(reqs)-before)
			}
			got := reqs[len(reqs)-1]
			if got.method != tc.method || got.path != tc.path || got.query != tc.query {
				t.Errorf("sent %s %s?%s, want %s %s?%s", got.method, got.path, got.query, tc.method, tc.path, tc.query)
			}
			if tc.body != "" && got.body != tc.body {
				t.Errorf("body\n got %s\nwant %s", got.body, tc.body)
			}
			if got.auth != "Bearer token-1" {
				t.Errorf("Authorization = %q", got.auth)
			}
			if got.userAgent != "terraform-provider-hanzokms/test" {
				t.Errorf("User-Agent = %q", got.userAgent)
			}
		})
	}
	if n := f.logins.Load(); n != 1 {
		t.Errorf("%d logins for %d calls, want 1", n, len(cases))
	}
}

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	f, srv := newFakeKMS(t)
	c, _ := newTestClient(t, srv)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.logins.Load(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

func TestExpiredTokenIsRenewedBeforeUse(t *testing.T) {
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
	now = now.Add(119 * time.Minute) // inside the refresh margin of a 2h token
	mu.Unlock()
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if f.renews.Load() != 1 || f.logins.Load() != 1 {
		t.Errorf("renews=%d logins=%d, want 1 and 1", f.renews.Load(), f.logins.Load())
	}
	mu.Lock()
	now = now.Add(3 * time.Hour) // past expiry: log in again
	mu.Unlock()
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if f.logins.Load() != 2 {
		t.Errorf("logins=%d after expiry, want 2", f.logins.Load())
	}
}

func TestTokenRefusedByServerIsReplacedOnceForAllCallers(t *testing.T) {
	f, srv := newFakeKMS(t)
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	f.expired.Store("token-1", true) // the server revokes it early
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2 (the first, and one replacement shared by all)", n)
	}
}

func TestRefusedLoginIsNotRetried(t *testing.T) {
	f, srv := newFakeKMS(t)
	c, logger := newTestClient(t, srv, func(cfg *Config) { cfg.ClientSecret = "wrong-secret-value" })
	err := c.Login(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Message != "Invalid credentials" {
		t.Fatalf("err = %v", err)
	}
	if n := f.logins.Load(); n != 1 {
		t.Errorf("%d login attempts, want exactly 1", n)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(logger.buf.String(), "wrong-secret-value") {
		t.Errorf("the client secret leaked into the error or the log")
	}
}

func TestRateLimitIsRetriedHonouringRetryAfter(t *testing.T) {
	f, srv := newFakeKMS(t)
	var calls atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "POST" && r.URL.Path == auth0RotationsPath && calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			writeErr(w, 429, "RateLimitExceeded", `"Rate limit exceeded"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	// A create is retried after a 429: the server refused before acting.
	if _, err := c.CreateAuth0ClientSecretRotation(context.Background(), CreateAuth0ClientSecretRotationRequest{Name: "one"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests(auth0RotationsPath)); n != 3 {
		t.Errorf("%d create requests, want 3", n)
	}
}

func TestGatewayErrorsRetryReadsButNotRotations(t *testing.T) {
	f, srv := newFakeKMS(t)
	var gets, rotates atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch {
		case r.Method == "GET" && gets.Add(1) <= 2:
			writeErr(w, 503, "ServiceUnavailable", `"down"`)
			return true
		case strings.HasSuffix(r.URL.Path, "/rotate-secrets"):
			rotates.Add(1)
			writeErr(w, 502, "BadGateway", `"bad gateway"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	if _, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1"); err != nil {
		t.Fatalf("GET not retried through 503s: %v", err)
	}
	_, err := c.RotateAuth0ClientSecret(context.Background(), "r1", "2026-01-01T00:00:00Z")
	if !IsAmbiguous(err) {
		t.Fatalf("rotate after 502: err = %v, want an ambiguous outcome", err)
	}
	if n := rotates.Load(); n != 1 {
		t.Errorf("rotate-secrets sent %d times, want 1 (each rotation invalidates the secret)", n)
	}
}

func TestAmbiguousCreateAdoptsTheRotationItMade(t *testing.T) {
	f, srv := newFakeKMS(t)
	var posts atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "POST" && r.URL.Path == auth0RotationsPath {
			posts.Add(1)
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // the server acted, then the connection dropped
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	in := CreateAuth0ClientSecretRotationRequest{Name: "one", ProjectID: "p", Environment: "dev", SecretPath: "/", ConnectionID: "c",
		Parameters: Auth0RotationParameters{ClientID: "app"}, SecretsMapping: Auth0SecretsMapping{ClientID: "ID", ClientSecret: "SECRET"}}
	got, err := c.CreateAuth0ClientSecretRotation(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "r1" || posts.Load() != 1 {
		t.Errorf("got %s after %d POSTs; want the existing rotation after 1", got.ID, posts.Load())
	}
	if n := len(f.requests(auth0RotationsPath + "/rotation-name/one")); n != 1 {
		t.Errorf("%d lookups by name, want 1", n)
	}
}

func TestAmbiguousCreateThatDidNotHappenIsSentAgain(t *testing.T) {
	f, srv := newFakeKMS(t)
	var posts atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch {
		case r.Method == "POST" && r.URL.Path == auth0RotationsPath && posts.Add(1) == 1:
			writeErr(w, 504, "GatewayTimeout", `"upstream timed out"`)
			return true
		case strings.Contains(r.URL.Path, "/rotation-name/"):
			writeErr(w, 404, "NotFound", `"Could not find Auth0 Client Secret Rotation with name \"one\""`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	if _, err := c.CreateAuth0ClientSecretRotation(context.Background(), CreateAuth0ClientSecretRotationRequest{Name: "one"}); err != nil {
		t.Fatal(err)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d POSTs, want 2", n)
	}
}

func TestAmbiguousCreateWithAForeignRotationOfThatNameFails(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "POST" && r.URL.Path == auth0RotationsPath {
			writeErr(w, 500, "InternalServerError", `"boom"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	// The fake's rotation maps ID/SECRET for app "app"; this one differs.
	_, err := c.CreateAuth0ClientSecretRotation(context.Background(), CreateAuth0ClientSecretRotationRequest{
		Name: "one", ConnectionID: "c", Parameters: Auth0RotationParameters{ClientID: "other-app"}})
	if err == nil || !strings.Contains(err.Error(), "does not match this configuration") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorBodiesDecode(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		message string
		check   func(error) bool
	}{
		{404, `{"reqId":"req-1","statusCode":404,"message":"Could not find Auth0 Client Secret Rotation with ID \"x\"","error":"NotFound"}`,
			`Could not find Auth0 Client Secret Rotation with ID "x"`, IsNotFound},
		{400, `{"reqId":"req-2","statusCode":400,"message":"A Secret Rotation with the name \"x\" already exists at the secret path \"/\"","error":"BadRequest"}`,
			`A Secret Rotation with the name "x" already exists at the secret path "/"`, IsConflict},
		{400, `{"reqId":"req-3","statusCode":400,"message":"A rotation is already in progress. Please try again shortly.","error":"BadRequest"}`,
			"A rotation is already in progress. Please try again shortly.", IsRotationInProgress},
		{422, `{"reqId":"req-4","statusCode":422,"message":[{"code":"too_small","path":["rotateAtUtc","hours"],"message":"Number must be greater than or equal to 0"},{"code":"custom","path":[],"message":"Bad"}],"error":"ValidationFailure"}`,
			"rotateAtUtc.hours: Number must be greater than or equal to 0; Bad", func(error) bool { return true }},
		{429, `{"reqId":"req-5","statusCode":429,"message":"Rate limit exceeded","error":"RateLimitExceeded"}`, "Rate limit exceeded", func(err error) bool {
			var apiErr *APIError
			return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests
		}},
		{502, `<html>bad gateway</html>`, "Bad Gateway", func(error) bool { return true }},
	}
	for _, tc := range cases {
		apiErr := decodeAPIError("GET", "/x", tc.status, []byte(tc.body))
		if apiErr.Message != tc.message {
			t.Errorf("HTTP %d: message %q, want %q", tc.status, apiErr.Message, tc.message)
		}
		if !tc.check(apiErr) {
			t.Errorf("HTTP %d: the helper does not recognise %v", tc.status, apiErr)
		}
		if strings.Contains(apiErr.Error(), "<html>") {
			t.Errorf("an unexpected body was echoed into the error: %v", apiErr)
		}
	}
	if IsNotFound(errors.New("404")) || IsConflict(&APIError{StatusCode: 400, Message: "other"}) {
		t.Error("helpers recognise errors they should not")
	}
}

func TestLogsAndErrorsCarryNoSecrets(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "DELETE" {
			writeErr(w, 403, "PermissionDenied", `"You are not allowed"`)
			return true
		}
		return false
	}
	c, logger := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.GetAuth0ClientSecretRotationCredentials(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	err := c.DeleteAuth0ClientSecretRotation(ctx, "r1", DeleteOptions{})
	logged := logger.buf.String() + err.Error()
	for _, secret := range []string{"identity-secret", "token-1", "gen-secret-0", "gen-secret-1"} {
		if strings.Contains(logged, secret) {
			t.Errorf("%q appears in the log or error:\n%s", secret, logged)
		}
	}
	if !strings.Contains(logged, "<redacted>") {
		t.Errorf("bodies were not logged redacted:\n%s", logged)
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	cases := map[string]Config{
		"no scheme":      {Host: "kms.example.com", Token: "t"},
		"ftp":            {Host: "ftp://kms.example.com", Token: "t"},
		"query":          {Host: "https://kms.example.com/?x=1", Token: "t"},
		"no credentials": {Host: "https://kms.example.com"},
		"half a pair":    {Host: "https://kms.example.com", ClientID: "id"},
		"both":           {Host: "https://kms.example.com", ClientID: "id", ClientSecret: "s", Token: "t"},
		"bad CA":         {Host: "https://kms.example.com", Token: "t", CACertPEM: []byte("not pem")},
	}
	for name, cfg := range cases {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{"0": 0, "3": 3 * time.Second, "Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second}
	for in, want := range cases {
		if got, ok := parseRetryAfter(in, now); !ok || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := parseRetryAfter(bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := backoff(time.Millisecond, 2*time.Second, 0, &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3600"}}}); got != 2*time.Second {
		t.Errorf("Retry-After not capped at RetryWaitMax: %v", got)
	}
}

func TestRotationInProgressIsAskedAgain(t *testing.T) {
	f, srv := newFakeKMS(t)
	var rotates atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasSuffix(r.URL.Path, "/rotate-secrets") && rotates.Add(1) <= 2 {
			writeErr(w, 400, "BadRequest", `"A rotation is already in progress. Please try again shortly."`)
			return true
		}
		return false
	}
	saved := rotationInProgressWaits
	rotationInProgressWaits = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	defer func() { rotationInProgressWaits = saved }()
	c, _ := newTestClient(t, srv)
	if _, err := c.RotateAuth0ClientSecret(context.Background(), "r1", ""); err != nil {
		t.Fatal(err)
	}
	if n := rotates.Load(); n != 3 {
		t.Errorf("%d rotate requests, want 3", n)
	}
}
