package kms

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// The listing asks for names only, imports off in both spellings, no
// expansion, no subfolders; it keeps the shared secrets of the answer.
func TestListSecretNamesAsksForTheFoldersOwnNames(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Path != "/api/v4/secrets" {
			return false
		}
		q := r.URL.Query()
		want := map[string]string{
			"projectId": "p", "environment": "dev", "secretPath": "/app",
			"viewSecretValue": "false", "expandSecretReferences": "false", "recursive": "false",
			"includeImports": "false", "include_imports": "false",
		}
		for k, v := range want {
			if got := q.Get(k); got != v {
				t.Errorf("query %s = %q, want %q (query %s)", k, got, v, r.URL.RawQuery)
			}
		}
		if len(q) != len(want) {
			t.Errorf("query has %d parameters, want %d: %s", len(q), len(want), r.URL.RawQuery)
		}
		_, _ = fmt.Fprint(w, `{"secrets":[`+
			`{"id":"1","secretKey":"A","type":"shared","secretValue":"<hidden-by-infisical>","secretValueHidden":true},`+
			`{"id":"2","secretKey":"B","type":"personal","secretValueHidden":false},`+
			`{"id":"3","secretKey":"C","type":"shared","secretValueHidden":true}],"imports":[]}`)
		return true
	}
	c, _ := newTestClient(t, srv)
	names, err := c.ListSecretNames(context.Background(), "p", "dev", "/app")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"A", "C"}) {
		t.Errorf("names = %v, want the shared ones [A C]", names)
	}
}

// The server's answer for a folder or environment that does not exist is
// told apart from other 404s (an unknown project, a route the host lacks).
func TestIsSecretPathNotFound(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch r.URL.Query().Get("secretPath") {
		case "/missing":
			writeErr(w, 404, "SecretPathNotFound", `"Folder with path '/missing' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct."`)
		case "/project":
			writeErr(w, 404, "NotFound", `"Project with ID 'p' not found"`)
		default:
			return false
		}
		return true
	}
	c, _ := newTestClient(t, srv)
	_, err := c.ListSecretNames(context.Background(), "p", "dev", "/missing")
	if !IsSecretPathNotFound(err) {
		t.Errorf("a missing folder: %v", err)
	}
	if _, err := c.ListSecretNames(context.Background(), "p", "dev", "/project"); err == nil || IsSecretPathNotFound(err) {
		t.Errorf("another 404 counted as a missing folder: %v", err)
	}
}

func TestListFoldersAndProjectEnvironments(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch r.URL.Path {
		case "/api/v2/folders":
			q := r.URL.Query()
			if q.Get("projectId") != "p" || q.Get("environment") != "dev" || q.Get("path") != "/app" {
				t.Errorf("folder query %s", r.URL.RawQuery)
			}
			_, _ = fmt.Fprint(w, `{"folders":[{"id":"f1","name":"auth0","envId":"e1"},{"id":"f2","name":"db","envId":"e1"}]}`)
		case "/api/v1/projects/p":
			_, _ = fmt.Fprint(w, `{"project":{"id":"p","name":"x","environments":[{"id":"e1","name":"Development","slug":"dev"},{"id":"e2","name":"Production","slug":"prod"}]}}`)
		default:
			return false
		}
		return true
	}
	c, _ := newTestClient(t, srv)
	folders, err := c.ListFolders(context.Background(), "p", "dev", "/app")
	if err != nil || len(folders) != 2 || folders[0].Name != "auth0" || folders[1].Name != "db" {
		t.Errorf("ListFolders = %v, %v", folders, err)
	}
	envs, err := c.GetProjectEnvironments(context.Background(), "p")
	if err != nil || len(envs) != 2 || envs[0].Slug != "dev" || envs[1].Slug != "prod" {
		t.Errorf("GetProjectEnvironments = %v, %v", envs, err)
	}
}
