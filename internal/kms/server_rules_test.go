package kms

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// The server (Fastify) refuses a request labelled application/json whose
// body is empty: every bodiless request goes without a content type, and
// every request with a body says it is JSON.
func TestContentTypeOnlyWithABody(t *testing.T) {
	f, srv := newFakeKMS(t)
	var mu sync.Mutex
	contentTypes := map[string]string{}
	f.handler = func(_ http.ResponseWriter, r *http.Request, body []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		key := fmt.Sprintf("%s %s (body %d bytes)", r.Method, r.URL.Path, len(body))
		contentTypes[key] = r.Header.Get("Content-Type")
		if len(body) == 0 && r.Header.Get("Content-Type") != "" {
			t.Errorf("%s: Content-Type %q on a bodiless request", key, r.Header.Get("Content-Type"))
		}
		if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Content-Type %q on a request with a body", key, r.Header.Get("Content-Type"))
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.RotateAuth0ClientSecret(ctx, "r1", ""); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAuth0ClientSecretRotation(ctx, "r1", DeleteOptions{DeleteSecrets: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAuth0ClientSecretRotation(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAuth0ClientSecretRotationCredentials(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateAuth0ClientSecretRotation(ctx, "r1", UpdateAuth0ClientSecretRotationRequest{Name: ptr("x")}); err != nil {
		t.Fatal(err)
	}
	_, _ = c.ListSecretNames(ctx, "p", "dev", "/")
	// A login, the three bodiless kinds (POST rotate, DELETE, GET) and a PATCH.
	seen := strings.Join(mapKeys(contentTypes), "\n")
	for _, want := range []string{"POST /api/v1/auth/universal-auth/login", "POST " + auth0RotationsPath + "/r1/rotate-secrets (body 0",
		"DELETE " + auth0RotationsPath + "/r1 (body 0", "GET /api/v4/secrets (body 0", "PATCH " + auth0RotationsPath + "/r1 (body"} {
		if !strings.Contains(seen, want) {
			t.Errorf("no request %q among:\n%s", want, seen)
		}
	}
}

func mapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// A read by name answers 200 with a secret, or, under an AI-access policy
// requiring approval, the bare 500 the server's error handler gives when the
// route's response schema refuses a null secret: an error that explains itself.
func TestGetSecretAndHeldBackSecrets(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch r.URL.Path {
		case "/api/v4/secrets/TAKEN":
			_, _ = fmt.Fprint(w, `{"secret":{"id":"s1","secretKey":"TAKEN","secretValue":"v","version":1}}`)
		case "/api/v4/secrets/HELD":
			writeErr(w, 500, "InternalServerError", `"Something went wrong"`)
		default:
			return false
		}
		return true
	}
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	_, err := c.GetSecret(ctx, "p", "dev", "/app", "HELD")
	if !IsSecretNotReadable(err) {
		t.Fatalf("GetSecret of a held-back secret: %v", err)
	}
	for _, want := range []string{`"HELD"`, `"dev"`, `"/app"`, "HTTP 500", "AI-access policy", "approve", "reqId req-test"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %s", err, want)
		}
	}
	if s, err := c.GetSecret(ctx, "p", "dev", "/", "TAKEN"); err != nil || s.SecretValue != "v" {
		t.Errorf("GetSecret(TAKEN) = %v, %v", s, err)
	}
}
