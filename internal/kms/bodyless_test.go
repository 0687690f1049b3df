package kms

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// A request without a body goes without any body framing: no
// Transfer-Encoding and a zero (or absent) Content-Length, and no
// Content-Type. The KMS's framework (Fastify, lib/handleRequest.js) parses
// the body of a POST, PUT or PATCH that has a transfer encoding or a
// non-zero length; without a content type no parser fits and the server's
// error handler answers its generic 500, so a chunked empty body fails
// every rotate-now. Each method is sent twice, the first answer a 502, so
// that the attempt after a retry is checked too.
func TestBodylessRequestsCarryNoBodyFraming(t *testing.T) {
	f, srv := newFakeKMS(t)
	var mu sync.Mutex
	attempts := map[string]int{}
	var framing []string
	f.handler = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if !strings.HasPrefix(r.URL.Path, "/bodyless/") && !strings.HasSuffix(r.URL.Path, "/rotate-secrets") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		key := r.Method + " " + r.URL.Path
		attempts[key]++
		framing = append(framing, fmt.Sprintf("%s (attempt %d): Transfer-Encoding %q, ContentLength %d, Content-Length %q, Content-Type %q, %d body bytes",
			key, attempts[key], r.TransferEncoding, r.ContentLength, r.Header.Get("Content-Length"), r.Header.Get("Content-Type"), len(body)))
		if len(r.TransferEncoding) > 0 || r.ContentLength != 0 || (r.Header.Get("Content-Length") != "" && r.Header.Get("Content-Length") != "0") ||
			r.Header.Get("Content-Type") != "" || len(body) > 0 {
			t.Errorf("%s (attempt %d) has body framing: Transfer-Encoding %q, ContentLength %d, Content-Type %q",
				key, attempts[key], r.TransferEncoding, r.ContentLength, r.Header.Get("Content-Type"))
		}
		if attempts[key] == 1 && strings.HasPrefix(r.URL.Path, "/bodyless/") {
			writeErr(w, http.StatusBadGateway, "BadGateway", `"try again"`)
			return true
		}
		if strings.HasSuffix(r.URL.Path, "/rotate-secrets") {
			fmt.Fprintf(w, `{"secretRotation":%s}`, rotationJSON("r1", "one"))
			return true
		}
		fmt.Fprint(w, `{}`)
		return true
	}
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if err := c.do(ctx, request{method: method, path: "/bodyless/" + strings.ToLower(method), idempotent: true}, nil); err != nil {
			t.Errorf("%s without a body: %v", method, err)
		}
	}
	if _, err := c.RotateAuth0ClientSecret(ctx, "r1", ""); err != nil {
		t.Errorf("rotate now: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if n := attempts[method+" /bodyless/"+strings.ToLower(method)]; n != 2 {
			t.Errorf("%s was sent %d times, want 2 (one retry after the 502)", method, n)
		}
	}
	if n := attempts["POST "+auth0RotationsPath+"/r1/rotate-secrets"]; n != 1 {
		t.Errorf("rotate-secrets was sent %d times, want 1", n)
	}
	t.Logf("what the server saw:\n%s", strings.Join(framing, "\n"))
}
