package localkms_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

const rotations = "/api/v2/secret-rotations/auth0-client-secret"

// raw sends a request with exactly the given content type and body.
func (w *world) raw(method, path, contentType, body string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.url+path, strings.NewReader(body))
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// field is m[key] as a T, or fails the test.
func field[T any](t *testing.T, m map[string]any, key string) T {
	t.Helper()
	v, ok := m[key].(T)
	if !ok {
		t.Fatalf("%s is %T (%v) in %v", key, m[key], m[key], m)
	}
	return v
}

// The server replaces the application's secret at Auth0 before it checks the
// mapped names: a create refused for a taken name has already locked the
// application's consumers out.
func TestCreateTouchesAuth0BeforeCheckingMappedNames(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	conn := w.connection()
	w.kms.PutSecret("p", "dev", "/a/b", "SECRET", "someone else's")
	before := w.tenant.Secret("app")
	status, out := w.call("POST", rotations, map[string]any{
		"name": "rot", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/a/b", "rotationInterval": 1,
		"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "ID", "clientSecret": "SECRET"},
	})
	if status != 400 || out["message"] != `The following secrets already exist at the path "/a/b": SECRET` {
		t.Fatalf("create over a taken name: %d %v", status, out)
	}
	if w.tenant.Secret("app") == before {
		t.Errorf("the application's secret was not replaced before the refusal")
	}
	if v, _ := w.kms.SecretValue("p", "dev", "/a/b", "SECRET"); v != "someone else's" {
		t.Errorf("the existing secret changed: %q", v)
	}
	if _, ok := w.kms.SecretValue("p", "dev", "/a/b", "ID"); ok {
		t.Errorf("a refused create wrote a mapped secret")
	}
	_, list := w.call("GET", rotations+"?projectId=p", nil)
	if n := len(field[[]any](t, list, "secretRotations")); n != 0 {
		t.Errorf("a refused create left %d rotations", n)
	}
}

// A PATCH of parameters.clientId switches the application and issues
// nothing: the mapped secrets keep the previous application's credentials.
func TestPatchClientIDSwitchesWithoutIssuing(t *testing.T) {
	w := newWorld(t, "")
	w.tenant.AddApplication(localauth0.Application{ClientID: "app2", Audiences: []string{"urn:api"}})
	w.login()
	rot := w.create(w.connection(), nil)
	id := field[string](t, rot, "id")
	app2Before, appSecret := w.tenant.Secret("app2"), w.tenant.Secret("app")
	status, out := w.call("PATCH", rotations+"/"+id, map[string]any{"parameters": map[string]string{"clientId": "app2"}})
	if status != 200 {
		t.Fatalf("patch: %d %v", status, out)
	}
	got := field[map[string]any](t, out, "secretRotation")
	if field[map[string]any](t, got, "parameters")["clientId"] != "app2" || got["activeIndex"] != float64(0) || got["lastRotatedAt"] != rot["lastRotatedAt"] {
		t.Errorf("after the switch: %v", got)
	}
	if w.tenant.Secret("app2") != app2Before || w.tenant.Secret("app") != appSecret {
		t.Errorf("the switch touched Auth0")
	}
	if v, _ := w.kms.SecretValue("p", "dev", "/a/b", "ID"); v != "app" {
		t.Errorf("mapped client id after the switch = %q, want the old application's", v)
	}
	// The next rotation issues the new application's credentials.
	w.now = w.now.Add(1)
	if status, out := w.raw("POST", rotations+"/"+id+"/rotate-secrets", "", ""); status != 200 {
		t.Fatalf("rotate: %d %s", status, out)
	}
	if v, _ := w.kms.SecretValue("p", "dev", "/a/b", "ID"); v != "app2" {
		t.Errorf("mapped client id after the rotation = %q", v)
	}
	if v, _ := w.kms.SecretValue("p", "dev", "/a/b", "SECRET"); v != w.tenant.Secret("app2") || w.tenant.Secret("app") != appSecret {
		t.Errorf("the rotation did not issue the new application's secret, or touched the old one")
	}
}

// Fastify refuses a body labelled application/json that is empty, before the
// route runs; the server's error handler answers it as a generic 500.
func TestEmptyJSONBodyRefused(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	id := field[string](t, w.create(w.connection(), nil), "id")
	secret := w.tenant.Secret("app")
	status, body := w.raw("POST", rotations+"/"+id+"/rotate-secrets", "application/json", "")
	if status != 500 || !strings.Contains(body, `"message":"Something went wrong"`) || !strings.Contains(body, `"error":"InternalServerError"`) {
		t.Errorf("rotate-secrets with an empty JSON body: %d %s", status, body)
	}
	if w.tenant.Secret("app") != secret {
		t.Errorf("the refused request rotated")
	}
	// A GET's body is never parsed, whatever it says it is.
	if status, _ := w.raw("GET", rotations+"/"+id, "application/json", ""); status != 200 {
		t.Errorf("a GET labelled JSON was refused: %d", status)
	}
	if status, body := w.raw("POST", rotations+"/"+id+"/rotate-secrets", "", ""); status != 200 {
		t.Errorf("rotate-secrets without a content type: %d %s", status, body)
	}
	if status, body := w.raw("PATCH", rotations+"/"+id, "application/json; charset=utf-8", " "); status != 500 {
		t.Errorf("PATCH with a blank JSON body: %d %s", status, body)
	}
}

// Names are refused, not lowercased; connection names may have 64 characters.
func TestNamesMustAlreadyBeLowercaseSlugs(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	conn := w.connection()
	status, out := w.call("POST", rotations, map[string]any{
		"name": "Billing-Rot", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/a/b", "rotationInterval": 1,
		"parameters": map[string]string{"clientId": "app"}, "secretsMapping": map[string]string{"clientId": "ID", "clientSecret": "SECRET"},
	})
	if status != 422 {
		t.Errorf("mixed-case rotation name: %d %v", status, out)
	}
	creds := map[string]string{"domain": w.tenant.Domain(), "clientId": "rotator", "clientSecret": w.tenant.Secret("rotator"), "audience": w.tenant.ManagementAudience()}
	for name, want := range map[string]int{"Upper": 422, strings.Repeat("a", 64): 200, strings.Repeat("b", 65): 422} {
		status, out := w.call("POST", "/api/v1/app-connections/auth0", map[string]any{"name": name, "method": "client-credentials", "credentials": creds})
		if status != want {
			t.Errorf("connection name %q: %d %v, want %d", name, status, out, want)
		}
	}
}

// The schedule: a manual rotation (create counts) at or after the day's
// rotateAtUtc adds a day; one before it does not. A failed manual rotation
// sets nextRotationAt to the next day at rotateAtUtc, even with
// auto-rotation off, and keeps isLastRotationManual.
func TestScheduleAfterManualRotationsAndFailures(t *testing.T) {
	w := newWorld(t, "") // the clock reads 2026-03-01 10:00 UTC
	w.login()
	conn := w.connection()
	late := w.create(conn, map[string]any{"rotateAtUtc": map[string]int{"hours": 10, "minutes": 0}})
	if late["nextRotationAt"] != "2026-03-05T10:00:00.000Z" {
		t.Errorf("created at 10:00, rotating at 10:00, interval 3: next %v, want 03-05 10:00", late["nextRotationAt"])
	}
	early := w.create(conn, map[string]any{"name": "early", "rotateAtUtc": map[string]int{"hours": 10, "minutes": 1},
		"secretsMapping": map[string]string{"clientId": "ID2", "clientSecret": "SECRET2"}})
	if early["nextRotationAt"] != "2026-03-04T10:01:00.000Z" {
		t.Errorf("created at 10:00, rotating at 10:01, interval 3: next %v, want 03-04 10:01", early["nextRotationAt"])
	}

	off := w.create(conn, map[string]any{"name": "off", "isAutoRotationEnabled": false,
		"secretsMapping": map[string]string{"clientId": "ID3", "clientSecret": "SECRET3"}})
	if off["nextRotationAt"] != nil || off["isLastRotationManual"] != true {
		t.Errorf("auto-rotation off: %v", off)
	}
	w.tenant.SetManagementScopes("rotator", []string{"read:clients"})
	offID := field[string](t, off, "id")
	status, body := w.raw("POST", rotations+"/"+offID+"/rotate-secrets", "", "")
	if status != 500 || !strings.Contains(body, "Failed to generate new credentials: ") {
		t.Fatalf("a rotation refused by Auth0: %d %s", status, body)
	}
	_, got := w.call("GET", rotations+"/"+offID, nil)
	rot := field[map[string]any](t, got, "secretRotation")
	if rot["rotationStatus"] != "failed" || rot["nextRotationAt"] != "2026-03-02T04:30:00.000Z" || rot["isLastRotationManual"] != true {
		t.Errorf("after a failed manual rotation with auto-rotation off: status %v, next %v, manual %v",
			rot["rotationStatus"], rot["nextRotationAt"], rot["isLastRotationManual"])
	}
	// The scheduler does not rotate it, auto-rotation being off.
	w.tenant.SetManagementScopes("rotator", []string{"read:clients", "update:client_keys"})
	w.now = time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)
	w.login()
	if n := w.kms.Tick(); n != 0 {
		t.Errorf("the scheduler attempted %d rotations; the failed one has auto-rotation off, the others are not due", n)
	}
}

// The connection's credential check answers the HTTP library's generic
// message, and a connection a rotation uses cannot be deleted.
func TestConnectionCheckAndDeleteMessages(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	status, out := w.call("POST", "/api/v1/app-connections/auth0", map[string]any{
		"name": "wrong", "method": "client-credentials",
		"credentials": map[string]string{"domain": w.tenant.Domain(), "clientId": "rotator", "clientSecret": "wrong", "audience": w.tenant.ManagementAudience()},
	})
	if status != 400 || out["message"] != "Request failed with status code 401" {
		t.Errorf("wrong connection secret: %d %v", status, out)
	}
	conn := w.connection()
	w.create(conn, nil)
	status, out = w.call("DELETE", "/api/v1/app-connections/auth0/"+conn, nil)
	if status != 400 || out["message"] != "Cannot delete App Connection with existing connections. Remove all existing connections and try again." {
		t.Errorf("deleting a connection in use: %d %v", status, out)
	}
}

// A rotation delete must say both deleteSecrets and revokeGeneratedCredentials
// (seen on the real server: 422, each "Required"); the rotation stays.
func TestRotationDeleteFlagsRequired(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	id := w.create(w.connection(), nil)["id"].(string)
	for _, c := range []struct {
		query string
		want  []map[string]any
	}{
		{"", []map[string]any{
			{"code": "invalid_type", "expected": "'true' | 'false'", "received": "undefined", "path": []any{"deleteSecrets"}, "message": "Required"},
			{"code": "invalid_type", "expected": "'true' | 'false'", "received": "undefined", "path": []any{"revokeGeneratedCredentials"}, "message": "Required"},
		}},
		{"?deleteSecrets=true", []map[string]any{
			{"code": "invalid_type", "expected": "'true' | 'false'", "received": "undefined", "path": []any{"revokeGeneratedCredentials"}, "message": "Required"},
		}},
		{"?deleteSecrets=&revokeGeneratedCredentials=false", []map[string]any{
			{"code": "invalid_enum_value", "received": "", "options": []any{"true", "false"}, "path": []any{"deleteSecrets"},
				"message": "Invalid enum value. Expected 'true' | 'false', received ''"},
		}},
	} {
		status, out := w.call("DELETE", rotationsRoute+"/"+id+c.query, nil)
		got, _ := json.Marshal(out["message"])
		want, _ := json.Marshal(c.want)
		if status != 422 || out["error"] != "ValidationFailure" || string(got) != string(want) {
			t.Errorf("DELETE %s: %d %v %s, want 422 %s", c.query, status, out["error"], got, want)
		}
	}
	if status, out := w.call("GET", rotationsRoute+"/"+id, nil); status != 200 {
		t.Errorf("the rotation did not survive the refused deletes: %d %v", status, out)
	}
}

// Connection answers seen on the real server: a localhost domain is refused
// before Auth0 is asked, an unknown id is named without quotes, and the
// clients listing refuses a machine identity by its URL.
func TestConnectionAnswersAsTheRealServer(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	conn := w.connection()
	const unknown = "00000000-0000-4000-8000-000000000000"
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		name, msg    string
	}{
		{"POST", "/api/v1/app-connections/auth0", map[string]any{"name": "local", "method": "client-credentials",
			"credentials": map[string]string{"domain": "LocalHost:1", "clientId": "rotator", "clientSecret": "x", "audience": w.tenant.ManagementAudience()}},
			400, "BadRequest", "Local IPs not allowed as URL"},
		{"PATCH", "/api/v1/app-connections/auth0/" + conn, map[string]any{
			"credentials": map[string]string{"domain": "https://host.docker.internal", "clientId": "rotator", "clientSecret": "x", "audience": w.tenant.ManagementAudience()}},
			400, "BadRequest", "Local IPs not allowed as URL"},
		{"GET", "/api/v1/app-connections/auth0/" + unknown, nil, 404, "NotFound", "Could not find App Connection with ID " + unknown},
		{"DELETE", "/api/v1/app-connections/auth0/" + unknown, nil, 404, "NotFound", "Could not find App Connection with ID " + unknown},
		{"GET", "/api/v1/app-connections/auth0/" + conn + "/clients", nil, 403,
			"Forbidden access to /api/v1/app-connections/auth0/" + conn + "/clients", "You are not allowed to access this resource"},
		{"GET", "/api/v1/app-connections/auth0/not-a-uuid/clients?x=1", nil, 403,
			"Forbidden access to /api/v1/app-connections/auth0/not-a-uuid/clients?x=1", "You are not allowed to access this resource"},
	} {
		status, out := w.call(c.method, c.path, c.body)
		if status != c.status || out["error"] != c.name || out["message"] != c.msg || out["statusCode"] != float64(c.status) || out["reqId"] == nil {
			t.Errorf("%s %s: %d %v, want %d %q %q", c.method, c.path, status, out, c.status, c.name, c.msg)
		}
	}
	if n := w.tenant.Requests()["POST /oauth/token"]; n != 1 { // the connection's own, none for the refused ones
		t.Errorf("the tenant saw %d token requests, want 1", n)
	}
}

// framedRequest sends method to path with exactly this body framing: chunked
// (Transfer-Encoding), a Content-Length, or (contentLength < 0, not chunked)
// neither header at all, which Go's client never sends for a POST, so the
// request is written by hand.
func (w *world) framedRequest(method, path, contentType, body string, chunked bool, contentLength int) (int, string) {
	w.t.Helper()
	if !chunked && contentLength < 0 {
		conn, err := net.Dial("tcp", strings.TrimPrefix(w.url, "http://"))
		if err != nil {
			w.t.Fatal(err)
		}
		defer func() { _ = conn.Close() }()
		head := method + " " + path + " HTTP/1.1\r\nHost: " + strings.TrimPrefix(w.url, "http://") + "\r\nAuthorization: Bearer " + w.token + "\r\nConnection: close\r\n"
		if contentType != "" {
			head += "Content-Type: " + contentType + "\r\n"
		}
		if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
			w.t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			w.t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	req, _ := http.NewRequest(method, w.url+path, nil)
	req.Body = io.NopCloser(strings.NewReader(body))
	if chunked {
		req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
	} else {
		req.ContentLength = int64(contentLength)
		if contentLength == 0 {
			req.Body = http.NoBody
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A POST, PUT or PATCH that frames a body (chunked, or a Content-Length
// other than 0) without naming its content type is refused by the framework
// before the route runs (Fastify finds no parser for it), and the error
// handler answers that as its generic 500. No body framing at all, or
// Content-Length 0, is no body: the route runs. A DELETE without a content
// type is never parsed.
func TestBodyWithoutContentTypeRefused(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	id := field[string](t, w.create(w.connection(), nil), "id")
	rotate := rotations + "/" + id + "/rotate-secrets"
	generic := func(what string, status int, body string) {
		t.Helper()
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("%s: not JSON: %s", what, body)
		}
		if status != 500 || len(out) != 4 || out["statusCode"] != float64(500) || out["error"] != "InternalServerError" ||
			out["message"] != "Something went wrong" || out["reqId"] == nil {
			t.Errorf("%s: %d %s, want the error handler's generic 500", what, status, body)
		}
	}

	secret := w.tenant.Secret("app")
	status, body := w.framedRequest("POST", rotate, "", "", true, 0)
	generic("rotate-secrets, chunked and empty, no content type", status, body)
	status, body = w.framedRequest("POST", rotate, "", "{}", false, 2)
	generic("rotate-secrets, {} with its length, no content type", status, body)
	status, body = w.framedRequest("PATCH", rotations+"/"+id, "", `{"description":"x"}`, true, 0)
	generic("PATCH chunked, no content type", status, body)
	if w.tenant.Secret("app") != secret {
		t.Fatal("a refused rotate-secrets rotated")
	}

	for _, c := range []struct {
		what          string
		contentType   string
		body          string
		chunked       bool
		contentLength int
	}{
		{"no body framing at all", "", "", false, -1},
		{"Content-Length 0", "", "", false, 0},
		{"{} labelled JSON, chunked", "application/json", "{}", true, 0},
	} {
		before := w.tenant.Secret("app")
		if status, body := w.framedRequest("POST", rotate, c.contentType, c.body, c.chunked, c.contentLength); status != 200 {
			t.Errorf("rotate-secrets with %s: %d %s", c.what, status, body)
		}
		if w.tenant.Secret("app") == before {
			t.Errorf("rotate-secrets with %s did not rotate", c.what)
		}
	}
	if status, body := w.framedRequest("DELETE", rotations+"/"+id+"?deleteSecrets=true&revokeGeneratedCredentials=false", "", "", true, 0); status != 200 {
		t.Errorf("DELETE chunked without a content type: %d %s", status, body)
	}
}

// Rotation create answers seen on the real server: an unknown environment
// is a folder not found, an unknown connection id is named without quotes,
// an application Auth0 does not know passes on Auth0's answer, equal mapped
// names are refused after Auth0 issued the secret, and the number rules are
// zod's too_small and too_big issues.
func TestRotationCreateAnswersAsTheRealServer(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	conn := w.connection()
	const unknown = "00000000-0000-4000-8000-000000000000"
	body := func(extra map[string]any) map[string]any {
		b := map[string]any{
			"name": "rot", "projectId": "p", "connectionId": conn, "environment": "dev", "secretPath": "/a/b",
			"rotationInterval": 3, "parameters": map[string]string{"clientId": "app"},
			"secretsMapping": map[string]string{"clientId": "ID", "clientSecret": "SECRET"},
		}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	before := w.tenant.Secret("app")
	for _, c := range []struct {
		extra  map[string]any
		status int
		msg    string
	}{
		{map[string]any{"environment": "nope", "secretPath": "/"}, 400, `Could not find folder with path "/" in environment "nope" for project with ID "p"`},
		{map[string]any{"connectionId": unknown}, 404, "Could not find App Connection with ID " + unknown},
		{map[string]any{"parameters": map[string]string{"clientId": "no-such-app"}}, 400,
			`Infisical encountered an issue while generating credentials with the configured inputs: ` +
				`{"error":"Not Found","errorCode":"inexistent_client","message":"The client does not exist","statusCode":404}`},
	} {
		status, out := w.call("POST", rotationsRoute, body(c.extra))
		if status != c.status || out["message"] != c.msg {
			t.Errorf("create %v: %d %v, want %d %q", c.extra, status, out["message"], c.status, c.msg)
		}
	}
	if w.tenant.Secret("app") != before {
		t.Errorf("a refused create changed the application's secret")
	}
	status, out := w.call("POST", rotationsRoute, body(map[string]any{"secretsMapping": map[string]string{"clientId": "SAME", "clientSecret": "SAME"}}))
	if status != 400 || out["message"] != `Secrets mapping keys must be unique. "SAME, SAME" contains duplicate keys.` {
		t.Errorf("equal mapped names: %d %v", status, out["message"])
	}
	if w.tenant.Secret("app") == before {
		t.Errorf("equal mapped names were refused before Auth0 was asked; the server asks it first")
	}
	if status, out := w.call("GET", rotationsRoute+"/rotation-name/rot?projectId=p&environment=nope&secretPath=/", nil); status != 400 ||
		out["message"] != `Could not find folder with path "/" in environment "nope" for project with ID "p"` {
		t.Errorf("read by name in an unknown environment: %d %v", status, out["message"])
	}

	status, out = w.call("POST", rotationsRoute, body(map[string]any{"rotationInterval": 0, "rotateAtUtc": map[string]int{"hours": 24, "minutes": -1}}))
	want := []map[string]any{
		{"code": "too_small", "minimum": 1, "type": "number", "inclusive": true, "exact": false, "path": []any{"rotationInterval"},
			"message": "Number must be greater than or equal to 1"},
		{"code": "too_big", "maximum": 23, "type": "number", "inclusive": true, "exact": false, "path": []any{"rotateAtUtc", "hours"},
			"message": "Number must be less than or equal to 23"},
		{"code": "too_small", "minimum": 0, "type": "number", "inclusive": true, "exact": false, "path": []any{"rotateAtUtc", "minutes"},
			"message": "Number must be greater than or equal to 0"},
	}
	got, _ := json.Marshal(out["message"])
	wantJSON, _ := json.Marshal(want)
	if status != 422 || string(got) != string(wantJSON) {
		t.Errorf("number rules: %d %s, want 422 %s", status, got, wantJSON)
	}
	for path, want := range map[string]string{
		rotationsRoute + "/not-a-uuid": `[{"code":"invalid_string","message":"Invalid uuid","path":["rotationId"],"validation":"uuid"}]`,
		rotationsRoute:                 `[{"code":"invalid_type","expected":"string","message":"Required","path":["projectId"],"received":"undefined"}]`,
	} {
		status, out := w.call("GET", path, nil)
		if got, _ := json.Marshal(out["message"]); status != 422 || string(got) != want {
			t.Errorf("GET %s: %d %s, want 422 %s", path, status, got, want)
		}
	}
}
