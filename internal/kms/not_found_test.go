package kms

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fastify404 is what Fastify answers for a route it does not serve (its
// default not-found handler: no reqId, the HTTP reason as the error name).
func fastify404(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = fmt.Fprintf(w, `{"message":"Route %s:%s not found","error":"Not Found","statusCode":404}`, r.Method, r.URL.RequestURI())
}

// The service's not-found and a route nobody serves are told apart by the
// body alone: only the service's own answer means the object is gone.
func TestNotFoundIsTheServicesAndRouteNotFoundIsEverythingElse(t *testing.T) {
	cases := []struct {
		name          string
		body          string
		notFound      bool
		routeNotFound bool
	}{
		{"the service's NotFoundError", `{"reqId":"req-abc","statusCode":404,"message":"Could not find Auth0 Client Secret Rotation with ID \"x\"","error":"NotFound"}`, true, false},
		{"Fastify's unknown route", `{"message":"Route GET:/api/v2/secret-rotations/auth0-client-secret/x not found","error":"Not Found","statusCode":404}`, false, true},
		{"an unknown route with a reqId added by a proxy", `{"reqId":"r","message":"Route GET:/x not found","error":"Not Found","statusCode":404}`, false, true},
		{"a proxy's HTML page", `<html><body>404 Not Found</body></html>`, false, true},
		{"an empty body", ``, false, true},
		{"JSON without a reqId", `{"statusCode":404,"message":"nope","error":"NotFound"}`, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			apiErr := decodeAPIError("GET", "/api/v2/secret-rotations/auth0-client-secret/x", 404, []byte(c.body))
			if got := IsNotFound(apiErr); got != c.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, c.notFound)
			}
			if got := IsRouteNotFound(apiErr); got != c.routeNotFound {
				t.Errorf("IsRouteNotFound = %v, want %v", got, c.routeNotFound)
			}
		})
	}
	for _, status := range []int{400, 403, 500} {
		apiErr := decodeAPIError("GET", "/x", status, []byte(`{"message":"Route GET:/x not found","error":"Not Found","statusCode":404}`))
		if IsRouteNotFound(apiErr) || IsNotFound(apiErr) {
			t.Errorf("HTTP %d counted as a not-found", status)
		}
	}
}

// Through the client: a rotation read on a server without the route is a
// route-not-found that names the host, and a delete there is not taken as
// done (callers treat the service's 404 on delete as "already gone").
func TestClientReportsAMissingRouteWithItsHost(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasPrefix(r.URL.Path, auth0RotationsPath) {
			fastify404(w, r)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	_, err := c.GetAuth0ClientSecretRotation(ctx, "6b1f5f0e-8c7b-4a43-9d9a-1f0b2c3d4e5f")
	if !IsRouteNotFound(err) || IsNotFound(err) {
		t.Fatalf("read on a server without the route: %v", err)
	}
	apiErr := err.(*APIError)
	if apiErr.Host != srv.URL || !strings.Contains(err.Error(), "Route GET:") {
		t.Errorf("host %q, error %q", apiErr.Host, err)
	}
	err = c.DeleteAuth0ClientSecretRotation(ctx, "6b1f5f0e-8c7b-4a43-9d9a-1f0b2c3d4e5f", DeleteOptions{})
	if !IsRouteNotFound(err) || IsNotFound(err) {
		t.Fatalf("delete on a server without the route: %v", err)
	}
	_, err = c.GetAuth0ClientSecretRotationByName(ctx, "p", "dev", "/", "one")
	if !IsRouteNotFound(err) {
		t.Fatalf("read by name on a server without the route: %v", err)
	}
}

// The folder listing must not take a missing route for an empty folder (every
// name free) nor for a missing folder: the create it guards would then replace
// the Auth0 secret of a name that may be taken. Here neither the v4 nor the
// v3 listing route is served (a wrong path prefix in the host, say).
func TestSecretListingOnAMissingRouteIsAnError(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasPrefix(r.URL.Path, "/api/v4/secrets") || strings.HasPrefix(r.URL.Path, "/api/v3/secrets") {
			fastify404(w, r)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	names, err := c.ListSecretNames(context.Background(), "p", "dev", "/")
	if err == nil || !IsRouteNotFound(err) || IsSecretPathNotFound(err) {
		t.Fatalf("ListSecretNames on a missing route = %v, %v; want a route-not-found error", names, err)
	}
}

// The server takes no lock on delete: a delete is sent once, never asked
// again in a loop (a 400 from it is an answer like any other).
func TestDeleteIsNotRepeatedOnABadRequest(t *testing.T) {
	f, srv := newFakeKMS(t)
	var deletes atomic.Int32
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == http.MethodDelete {
			deletes.Add(1)
			writeErr(w, 400, "BadRequest", `"A rotation is already in progress. Please try again shortly."`)
			return true
		}
		return false
	}
	saved := rotationInProgressWaits
	rotationInProgressWaits = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	defer func() { rotationInProgressWaits = saved }()
	c, _ := newTestClient(t, srv)
	if err := c.DeleteAuth0ClientSecretRotation(context.Background(), "r1", DeleteOptions{}); err == nil {
		t.Fatal("the 400 was swallowed")
	}
	if n := deletes.Load(); n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}
}

// A standalone KMS serves its web app for any GET outside /api: a read
// through a wrong path prefix gets 200 and HTML. That is an error that says
// so, never a decoded (empty) object.
func TestAWebPageAnswerIsNotTheAPI(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasPrefix(r.URL.Path, auth0RotationsPath) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = fmt.Fprint(w, "<!doctype html><html><body><div id=\"root\"></div></body></html>")
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	_, err := c.GetAuth0ClientSecretRotation(context.Background(), "r1")
	if !IsWebPage(err) || IsNotFound(err) || IsRouteNotFound(err) {
		t.Fatalf("a web page answered: %v", err)
	}
	if !strings.Contains(err.Error(), srv.URL) || !strings.Contains(err.Error(), "path prefix") {
		t.Errorf("the error does not name the host and the likely cause: %v", err)
	}
	for _, c := range []struct {
		contentType, body string
		want              bool
	}{
		{"text/html", "anything", true},
		{"", "  <!DOCTYPE html><html>", true},
		{"application/json", `{"secretRotation":{}}`, false},
		{"", `{"a":"<html>"}`, false},
	} {
		if got := isWebPage(c.contentType, []byte(c.body)); got != c.want {
			t.Errorf("isWebPage(%q, %q) = %v", c.contentType, c.body, got)
		}
	}
}
