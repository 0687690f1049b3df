package kms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// olderServer answers as a release without the v4 secret routes, the v2
// folder listing and the v1 project routes: Fastify's 404 for those, the v3
// secret routes, the v1 folder listing and the v1 workspace read otherwise.
// Folder "/app" of environment dev holds A (shared) and B (personal);
// "/app/empty" exists and holds nothing; there is no environment but dev.
func olderServer(t *testing.T, f *fakeKMS) {
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		q := r.URL.Query()
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/v4/"), r.URL.Path == "/api/v2/folders", strings.HasPrefix(r.URL.Path, "/api/v1/projects/"):
			fastify404(w, r)
		case r.URL.Path == "/api/v3/secrets/raw":
			want := map[string]string{
				"workspaceId": "p", "environment": q.Get("environment"), "secretPath": q.Get("secretPath"),
				"viewSecretValue": "false", "expandSecretReferences": "false", "recursive": "false",
				"includeImports": "false", "include_imports": "false",
			}
			for k, v := range want {
				if got := q.Get(k); got != v {
					t.Errorf("v3 listing: query %s = %q, want %q (query %s)", k, got, v, r.URL.RawQuery)
				}
			}
			if len(q) != len(want) {
				t.Errorf("v3 listing: %d query parameters, want %d: %s", len(q), len(want), r.URL.RawQuery)
			}
			// The v3 listing answers an empty list for a folder or an
			// environment that does not exist.
			if q.Get("environment") == "dev" && q.Get("secretPath") == "/app" {
				_, _ = fmt.Fprint(w, `{"secrets":[{"id":"1","_id":"1","secretKey":"A","type":"shared","secretValue":"<hidden-by-infisical>","secretValueHidden":true},`+
					`{"id":"2","_id":"2","secretKey":"B","type":"personal","secretValue":"","secretValueHidden":true}],"imports":[]}`)
				return true
			}
			_, _ = fmt.Fprint(w, `{"secrets":[],"imports":[]}`)
		case strings.HasPrefix(r.URL.Path, "/api/v3/secrets/raw/"):
			if q.Get("workspaceId") != "p" || q.Get("environment") != "dev" || q.Get("secretPath") != "/app" || q.Has("projectId") {
				t.Errorf("v3 read: query %s", r.URL.RawQuery)
			}
			if r.URL.Path == "/api/v3/secrets/raw/FAILS" {
				writeErr(w, 500, "InternalServerError", `"Something went wrong"`)
				return true
			}
			_, _ = fmt.Fprint(w, `{"secret":{"id":"1","_id":"1","workspace":"p","environment":"dev","version":1,"type":"shared","secretKey":"A","secretValue":"the-value","secretComment":"","secretValueHidden":false}}`)
		case r.URL.Path == "/api/v1/folders":
			if q.Get("workspaceId") != "p" || q.Has("projectId") {
				t.Errorf("v1 folder listing: query %s", r.URL.RawQuery)
			}
			switch {
			case q.Get("environment") != "dev":
				writeErr(w, 404, "NotFound", fmt.Sprintf("%q", "Environment with slug '"+q.Get("environment")+"' not found"))
			case q.Get("path") == "/":
				_, _ = fmt.Fprint(w, `{"folders":[{"id":"f1","name":"app","envId":"e1"}]}`)
			case q.Get("path") == "/app":
				_, _ = fmt.Fprint(w, `{"folders":[{"id":"f2","name":"empty","envId":"e1"}]}`)
			default:
				_, _ = fmt.Fprint(w, `{"folders":[]}`)
			}
		case r.URL.Path == "/api/v1/workspace/p":
			_, _ = fmt.Fprint(w, `{"workspace":{"id":"p","_id":"p","name":"x","environments":[{"id":"e1","name":"Development","slug":"dev"}]}}`)
		default:
			return false
		}
		return true
	}
}

// On a server without the v4 secret routes, the client tells it once (one
// request meets the missing route, however many callers ask at once) and
// then lists and reads through v3; the folder listing and the project read
// each find their older route the same way.
func TestOlderServerIsToldOnceAndAskedThroughTheOlderRoutes(t *testing.T) {
	f, srv := newFakeKMS(t)
	olderServer(t, f)
	c, logger := newTestClient(t, srv)
	ctx := context.Background()

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names, err := c.ListSecretNames(ctx, "p", "dev", "/app")
			if err != nil || !reflect.DeepEqual(names, []string{"A"}) {
				t.Errorf("ListSecretNames = %v, %v; want the shared [A]", names, err)
			}
		}()
	}
	wg.Wait()
	secret, err := c.GetSecret(ctx, "p", "dev", "/app", "A")
	if err != nil || secret.SecretKey != "A" || secret.SecretValue != "the-value" {
		t.Errorf("GetSecret = %+v, %v", secret, err)
	}
	// The v3 route has no AI-access policy: its 500 is a failure, not a
	// held-back secret.
	if _, err := c.GetSecret(ctx, "p", "dev", "/app", "FAILS"); err == nil || IsSecretNotReadable(err) {
		t.Errorf("a 500 of the v3 read = %v, want the plain error", err)
	}
	for range 2 {
		if folders, err := c.ListFolders(ctx, "p", "dev", "/"); err != nil || len(folders) != 1 || folders[0].Name != "app" {
			t.Errorf("ListFolders = %v, %v", folders, err)
		}
		if envs, err := c.GetProjectEnvironments(ctx, "p"); err != nil || len(envs) != 1 || envs[0].Slug != "dev" {
			t.Errorf("GetProjectEnvironments = %v, %v", envs, err)
		}
	}

	for prefix, want := range map[string]int{
		"/api/v4/": 1, "/api/v3/secrets/raw/A": 1, "/api/v2/folders": 1, "/api/v1/folders": 2,
		"/api/v1/projects/": 1, "/api/v1/workspace/": 2,
	} {
		if got := len(f.requests(prefix)); got != want {
			t.Errorf("%d requests to %s, want %d", got, prefix, want)
		}
	}
	if got := len(f.requests("/api/v3/secrets/raw")) - len(f.requests("/api/v3/secrets/raw/")); got != 8 {
		t.Errorf("%d v3 listings, want 8", got)
	}
	if !strings.Contains(logger.text(), "using the older ones from now on") {
		t.Errorf("the switch was not logged:\n%s", logger.text())
	}
}

// The v3 listing answers an empty list for a folder or an environment that
// does not exist; the client asks the folder listing of the parent before it
// calls the folder empty.
func TestOlderServersEmptyListingIsCheckedAgainstTheFolders(t *testing.T) {
	f, srv := newFakeKMS(t)
	olderServer(t, f)
	c, _ := newTestClient(t, srv)
	ctx := context.Background()

	if names, err := c.ListSecretNames(ctx, "p", "dev", "/app/empty"); err != nil || len(names) != 0 {
		t.Errorf("an existing empty folder: %v, %v", names, err)
	}
	if names, err := c.ListSecretNames(ctx, "p", "dev", "/"); err != nil || len(names) != 0 {
		t.Errorf("the empty root of an existing environment: %v, %v", names, err)
	}
	_, err := c.ListSecretNames(ctx, "p", "dev", "/app/missing")
	var folderErr *FolderNotFoundError
	if !IsSecretPathNotFound(err) || !errors.As(err, &folderErr) || folderErr.EnvironmentMissing || folderErr.SecretPath != "/app/missing" {
		t.Errorf("a missing folder: %v", err)
	}
	_, err = c.ListSecretNames(ctx, "p", "production", "/")
	if !IsSecretPathNotFound(err) || !errors.As(err, &folderErr) || !folderErr.EnvironmentMissing {
		t.Errorf("a missing environment: %v", err)
	}
	// Only empty listings cost a folder listing: a folder with secrets
	// proves itself.
	before := len(f.requests("/api/v1/folders"))
	if _, err := c.ListSecretNames(ctx, "p", "dev", "/app"); err != nil {
		t.Fatal(err)
	}
	if after := len(f.requests("/api/v1/folders")); after != before {
		t.Errorf("a listing with secrets cost %d folder listings", after-before)
	}
	for _, r := range f.requests("/api/v1/folders") {
		if !strings.Contains(r.query, "path=%2F") {
			t.Errorf("folder listing %s", r.query)
		}
	}
}

// A current server is asked through v4 every time and never through v3; a
// host serving neither route (a wrong path prefix) gets the v4 route's
// answer to explain, and nothing is remembered.
func TestNewerServerAndNoServerAtAll(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch r.URL.Path {
		case "/api/v4/secrets":
			_, _ = fmt.Fprint(w, `{"secrets":[],"imports":[]}`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	for range 3 {
		if _, err := c.ListSecretNames(context.Background(), "p", "dev", "/"); err != nil {
			t.Fatal(err)
		}
	}
	if n, old := len(f.requests("/api/v4/secrets")), len(f.requests("/api/v3/")); n != 3 || old != 0 {
		t.Errorf("%d v4 and %d v3 requests, want 3 and 0", n, old)
	}

	g, srv2 := newFakeKMS(t)
	g.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasPrefix(r.URL.Path, "/api/v4/") || strings.HasPrefix(r.URL.Path, "/api/v3/") {
			fastify404(w, r)
			return true
		}
		return false
	}
	lost, _ := newTestClient(t, srv2)
	for range 2 {
		_, err := lost.GetSecret(context.Background(), "p", "dev", "/", "A")
		var apiErr *APIError
		if !IsRouteNotFound(err) || !errors.As(err, &apiErr) || !strings.HasPrefix(apiErr.Path, "/api/v4/") {
			t.Errorf("neither route: %v, want the v4 route's 404", err)
		}
	}
	if n := len(g.requests("/api/v4/")); n != 2 {
		t.Errorf("%d v4 requests, want 2 (nothing remembered)", n)
	}
}

func (c *captureLogger) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}
