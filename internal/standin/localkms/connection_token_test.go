package localkms_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const tokenRoute = "POST /oauth/token"

// connectionView is what GET answers for a connection: its hash, updatedAt
// and credentials.
func (w *world) connectionView(id string) (hash, updatedAt string, creds map[string]any) {
	w.t.Helper()
	status, out := w.call("GET", "/api/v1/app-connections/auth0/"+id, nil)
	if status != 200 {
		w.t.Fatalf("GET connection: %d %v", status, out)
	}
	c := field[map[string]any](w.t, out, "appConnection")
	return field[string](w.t, c, "credentialsHash"), field[string](w.t, c, "updatedAt"), field[map[string]any](w.t, c, "credentials")
}

// The server keeps the connection's Management API token inside its
// encrypted credentials, for at most 10 minutes, and gets a new one when
// less than 5 minutes remain: each new token encrypts the credentials again,
// so credentialsHash and updatedAt move with no credential changed.
func TestConnectionKeepsItsTokenAndReencryptsWhenItRefreshes(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	t0 := w.now
	conn := w.connection()
	tokens := func() int { return w.tenant.Requests()[tokenRoute] }
	if n := tokens(); n != 1 {
		t.Fatalf("the create asked Auth0 for %d tokens, want 1 (its credential check)", n)
	}
	hash0, updated0, creds0 := w.connectionView(conn)

	// A rotation's create within the token's first 5 minutes uses the kept
	// token: nothing is written.
	w.now = t0.Add(time.Minute)
	rot := field[string](t, w.create(conn, nil), "id")
	if n := tokens(); n != 1 {
		t.Errorf("a create with a fresh kept token asked Auth0 for a new one (%d tokens)", n)
	}
	if hash, updated, _ := w.connectionView(conn); hash != hash0 || updated != updated0 {
		t.Errorf("the connection changed with no new token: hash %s -> %s, updatedAt %s -> %s", hash0, hash, updated0, updated)
	}

	// Just before the refresh window: still the kept token.
	w.now = t0.Add(localkms.Auth0TokenMaxLifetime - localkms.Auth0TokenRefreshWithin - time.Second)
	if status, out := w.raw("POST", rotations+"/"+rot+"/rotate-secrets", "", ""); status != 200 {
		t.Fatalf("rotate: %d %v", status, out)
	}
	if n := tokens(); n != 1 {
		t.Errorf("a rotation %v after the create asked for a new token (%d tokens)", w.now.Sub(t0), n)
	}

	// In the window: a new token, the credentials encrypted again.
	w.now = t0.Add(localkms.Auth0TokenMaxLifetime - localkms.Auth0TokenRefreshWithin)
	if status, out := w.raw("POST", rotations+"/"+rot+"/rotate-secrets", "", ""); status != 200 {
		t.Fatalf("rotate: %d %v", status, out)
	}
	if n := tokens(); n != 2 {
		t.Errorf("a rotation in the refresh window: %d tokens asked for, want 2", n)
	}
	hash1, updated1, creds1 := w.connectionView(conn)
	if hash1 == hash0 {
		t.Error("a new token did not move credentialsHash")
	}
	if updated1 == updated0 || updated1 != w.now.Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("updatedAt after a new token = %s (was %s), want %s", updated1, updated0, w.now.Format(time.RFC3339))
	}
	for _, k := range []string{"domain", "clientId", "audience"} {
		if creds1[k] != creds0[k] {
			t.Errorf("credentials.%s moved with the token: %v -> %v", k, creds0[k], creds1[k])
		}
	}

	// A scheduled rotation and a revoke on delete refresh the same way.
	w.now = w.now.Add(5 * 24 * time.Hour) // past nextRotationAt
	if n := w.kms.Tick(); n != 1 {
		t.Fatalf("the scheduler attempted %d rotations, want 1", n)
	}
	w.login()
	hash2, _, _ := w.connectionView(conn)
	if tokens() != 3 || hash2 == hash1 {
		t.Errorf("a scheduled rotation with an old token: %d tokens, hash moved %v", tokens(), hash2 != hash1)
	}
	w.now = w.now.Add(localkms.Auth0TokenMaxLifetime)
	if status, out := w.raw("DELETE", rotations+"/"+rot+"?deleteSecrets=false&revokeGeneratedCredentials=true", "", ""); status != 200 {
		t.Fatalf("delete with revoke: %d %v", status, out)
	}
	hash3, _, _ := w.connectionView(conn)
	if tokens() != 4 || hash3 == hash2 {
		t.Errorf("a revoke with an old token: %d tokens, hash moved %v", tokens(), hash3 != hash2)
	}

	// A new name leaves the credentials (and their hash) alone; new
	// credentials, even the same ones, are checked and encrypted again.
	w.now = w.now.Add(time.Second)
	if status, out := w.call("PATCH", "/api/v1/app-connections/auth0/"+conn, map[string]any{"name": "renamed"}); status != 200 {
		t.Fatalf("rename: %d %v", status, out)
	}
	hash4, updated4, _ := w.connectionView(conn)
	if hash4 != hash3 || updated4 != w.now.Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("a rename: hash moved %v, updatedAt %s", hash4 != hash3, updated4)
	}
	status, out := w.call("PATCH", "/api/v1/app-connections/auth0/"+conn, map[string]any{"credentials": map[string]string{
		"domain": w.tenant.Domain(), "clientId": "rotator", "clientSecret": w.tenant.Secret("rotator"), "audience": w.tenant.ManagementAudience(),
	}})
	if status != 200 {
		t.Fatalf("same credentials again: %d %v", status, out)
	}
	if hash5, _, _ := w.connectionView(conn); hash5 == hash4 || tokens() != 5 {
		t.Errorf("the same credentials sent again: hash moved %v, %d tokens (want 5)", hash5 != hash4, tokens())
	}
}

// The server trims descriptions, the connection's credentials and a
// rotation's project, folder and client id before it checks and stores them.
func TestServerTrimsWhatItStores(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	status, out := w.call("POST", "/api/v1/app-connections/auth0", map[string]any{
		"name": "padded", "method": "client-credentials", "description": "rotates things\n",
		"credentials": map[string]string{
			"domain": " " + w.tenant.Domain() + "\n", "clientId": "\trotator ", "clientSecret": w.tenant.Secret("rotator") + "\n",
			"audience": "\u00a0" + w.tenant.ManagementAudience() + "\u2028",
		},
	})
	if status != 200 {
		t.Fatalf("a padded connection (trimmed, its secret works): %d %v", status, out)
	}
	conn := field[map[string]any](t, out, "appConnection")
	creds := field[map[string]any](t, conn, "credentials")
	if conn["description"] != "rotates things" || creds["domain"] != w.tenant.URL() || creds["clientId"] != "rotator" || creds["audience"] != w.tenant.ManagementAudience() {
		t.Errorf("not trimmed: description %q, credentials %v", conn["description"], creds)
	}
	id := field[string](t, conn, "id")

	status, out = w.call("PATCH", "/api/v1/app-connections/auth0/"+id, map[string]any{"description": strings.Repeat("d", 256) + " \n"})
	if status != 200 || len(field[map[string]any](t, out, "appConnection")["description"].(string)) != 256 {
		t.Errorf("256 characters and a trailing newline (max counts after the trim): %d %v", status, out)
	}
	code, body := w.raw("PATCH", "/api/v1/app-connections/auth0/"+id, "application/json", `{"description": "`+strings.Repeat("é", 257)+`"}`)
	if code != 422 || !strings.Contains(body, "Description cannot exceed 256 characters") {
		t.Errorf("257 characters: %d %s", code, body)
	}
	code, body = w.raw("PATCH", "/api/v1/app-connections/auth0/"+id, "application/json",
		`{"credentials": {"domain": " \n", "clientId": "rotator", "clientSecret": "s", "audience": "`+w.tenant.ManagementAudience()+`"}}`)
	if code != 422 || !strings.Contains(body, "Domain required") {
		t.Errorf("a domain of only white space: %d %s", code, body)
	}

	rot := w.create(id, map[string]any{
		"description": "  ours\n", "projectId": " p ", "secretPath": " /a/b/\n", "parameters": map[string]string{"clientId": " app\t"},
	})
	params := field[map[string]any](t, rot, "parameters")
	folder := field[map[string]any](t, rot, "folder")
	if rot["description"] != "ours" || rot["projectId"] != "p" || folder["path"] != "/a/b" || params["clientId"] != "app" {
		t.Errorf("a padded rotation: description %q, project %q, folder %v, parameters %v", rot["description"], rot["projectId"], folder, params)
	}
	status, out = w.call("PATCH", rotations+"/"+field[string](t, rot, "id"), map[string]any{"description": "\nchanged "})
	if status != 200 || field[map[string]any](t, out, "secretRotation")["description"] != "changed" {
		t.Errorf("a padded description in a PATCH: %d %v", status, out)
	}
}
