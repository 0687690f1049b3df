package localkms_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// listed decodes a secret listing into its secrets' names and values and the
// names each import brings.
func listed(t *testing.T, body string) (names []string, values map[string]string, imported []string) {
	t.Helper()
	var out struct {
		Secrets []struct {
			SecretKey         string `json:"secretKey"`
			SecretValue       string `json:"secretValue"`
			SecretValueHidden bool   `json:"secretValueHidden"`
			Type              string `json:"type"`
		} `json:"secrets"`
		Imports []struct {
			Secrets []struct {
				SecretKey string `json:"secretKey"`
			} `json:"secrets"`
		} `json:"imports"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	values = map[string]string{}
	for _, s := range out.Secrets {
		if s.Type != "shared" {
			t.Errorf("secret %s has type %q", s.SecretKey, s.Type)
		}
		names = append(names, s.SecretKey)
		values[s.SecretKey] = s.SecretValue
	}
	for _, imp := range out.Imports {
		for _, s := range imp.Secrets {
			imported = append(imported, s.SecretKey)
		}
	}
	sort.Strings(names)
	sort.Strings(imported)
	return names, values, imported
}

// The listing answers the folder's own secrets only: not those of its
// subfolders (unless recursive), not those its imports bring (they come in
// "imports", and only when asked: the Hanzo fork's includeImports defaults
// to true, Infisical's spelling include_imports is ignored). Values are
// hidden when asked. A held-back secret is listed like any other: the list
// route has no AI-access check.
func TestSecretListingIsTheFoldersOwnSecrets(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	w.kms.PutSecret("p", "dev", "/a/b", "OWN", "own value")
	w.kms.PutSecret("p", "dev", "/a/b", "HELD", "held value")
	w.kms.SetAIAccessPolicy("p", "dev", "/a/b", localkms.AIAccessRequiresApproval)
	w.kms.PutSecret("p", "dev", "/a", "PARENT_ONLY", "parent value")
	w.kms.PutSecret("p", "dev", "/", "ROOT_ONLY", "root value")
	if err := w.kms.AddSecretImport("p", "dev", "/a/b", "dev", "/a"); err != nil {
		t.Fatal(err)
	}

	const base = "/api/v4/secrets?projectId=p&environment=dev&secretPath=/a/b/"
	status, body := w.raw("GET", base+"&viewSecretValue=false&includeImports=false&include_imports=false&expandSecretReferences=false", "", "")
	names, values, imported := listed(t, body)
	if status != 200 || strings.Join(names, ",") != "HELD,OWN" || len(imported) != 0 {
		t.Errorf("names only, imports off: %d names %v imported %v", status, names, imported)
	}
	if strings.Contains(body, "own value") || strings.Contains(body, "held value") || values["OWN"] != "<hidden-by-infisical>" {
		t.Errorf("hidden values were sent: %s", body)
	}

	// The fork's defaults: values shown, imports listed apart.
	status, body = w.raw("GET", base+"&include_imports=false", "", "")
	names, values, imported = listed(t, body)
	if status != 200 || strings.Join(names, ",") != "HELD,OWN" || strings.Join(imported, ",") != "PARENT_ONLY" || values["OWN"] != "own value" {
		t.Errorf("defaults: %d names %v imported %v values %v", status, names, imported, values)
	}

	// recursive lists subfolders' secrets; the root's own listing does not.
	_, body = w.raw("GET", "/api/v4/secrets?projectId=p&environment=dev&includeImports=false", "", "")
	if names, _, _ := listed(t, body); strings.Join(names, ",") != "ROOT_ONLY" {
		t.Errorf("root listing: %v", names)
	}
	_, body = w.raw("GET", "/api/v4/secrets?projectId=p&environment=dev&secretPath=/a&recursive=true&includeImports=false", "", "")
	if names, _, _ := listed(t, body); strings.Join(names, ",") != "HELD,OWN,PARENT_ONLY" {
		t.Errorf("recursive listing of /a: %v", names)
	}
}

// The read by name looks through the folder's imports by default (the Hanzo
// fork's includeImports=true): a name that only reaches the folder through
// an import reads as found, though the folder does not hold it.
func TestReadByNameFollowsImportsUnlessTurnedOff(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	w.kms.PutSecret("p", "dev", "/a", "IMPORTED", "parent value")
	if err := w.kms.AddSecretImport("p", "dev", "/a/b", "dev", "/a"); err != nil {
		t.Fatal(err)
	}
	const read = "/api/v4/secrets/IMPORTED?projectId=p&environment=dev&secretPath=/a/b"
	if status, body := w.raw("GET", read, "", ""); status != 200 || !strings.Contains(body, `"secretPath":"/a"`) {
		t.Errorf("read by name with imports (default): %d %s", status, body)
	}
	if status, body := w.raw("GET", read+"&includeImports=false", "", ""); status != 404 {
		t.Errorf("read by name with imports off: %d %s", status, body)
	}
	if err := w.kms.AddSecretImport("p", "dev", "/a/b", "dev", "/no/such"); err == nil {
		t.Errorf("an import of a missing folder was accepted")
	}
}

// A folder or environment that does not exist: the listing answers 404
// SecretPathNotFound with the server's message; the folder listing answers
// 404 for the environment and an empty list for the path; the project read
// names the environments.
func TestMissingFoldersAndEnvironments(t *testing.T) {
	w := newWorld(t, "")
	w.login()
	for _, c := range []struct{ env, path, want string }{
		{"dev", "/a/c", "Folder with path '/a/c' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct."},
		{"prod", "/", "Folder with path '/' in environment 'prod' was not found. Please ensure the environment slug and secret path is correct."},
	} {
		status, out := w.call("GET", "/api/v4/secrets?projectId=p&environment="+c.env+"&secretPath="+c.path, nil)
		if status != 404 || out["error"] != "SecretPathNotFound" || out["message"] != c.want {
			t.Errorf("listing %s %s: %d %v", c.env, c.path, status, out)
		}
	}
	if status, out := w.call("GET", "/api/v4/secrets?projectId=nope&environment=dev", nil); status != 404 || out["error"] != "NotFound" {
		t.Errorf("listing an unknown project: %d %v", status, out)
	}
	if status, out := w.call("GET", "/api/v4/secrets?projectId=p", nil); status != 400 || out["message"] != "Missing project id or environment" {
		t.Errorf("listing without an environment: %d %v", status, out)
	}

	status, out := w.call("GET", "/api/v2/folders?projectId=p&environment=dev&path=/a", nil)
	folders := field[[]any](t, out, "folders")
	if status != 200 || len(folders) != 1 || folders[0].(map[string]any)["name"] != "b" {
		t.Errorf("folders under /a: %d %v", status, out)
	}
	status, out = w.call("GET", "/api/v2/folders?projectId=p&environment=dev&path=/", nil)
	if folders := field[[]any](t, out, "folders"); status != 200 || len(folders) != 1 || folders[0].(map[string]any)["name"] != "a" {
		t.Errorf("folders under /: %d %v", status, out)
	}
	status, out = w.call("GET", "/api/v2/folders?projectId=p&environment=dev&path=/x/y", nil)
	if folders := field[[]any](t, out, "folders"); status != 200 || len(folders) != 0 {
		t.Errorf("folders under a missing path: %d %v", status, out)
	}
	status, out = w.call("GET", "/api/v2/folders?projectId=p&environment=production&path=/", nil)
	if status != 404 || out["message"] != "Environment with slug 'production' not found" {
		t.Errorf("folders of a missing environment: %d %v", status, out)
	}
	if status, _ := w.call("GET", "/api/v2/folders?projectId=p&environment=dev", nil); status != 422 {
		t.Errorf("folders without a path: %d, want 422", status)
	}

	status, out = w.call("GET", "/api/v1/projects/p", nil)
	envs := field[[]any](t, field[map[string]any](t, out, "project"), "environments")
	if status != 200 || len(envs) != 1 || envs[0].(map[string]any)["slug"] != "dev" {
		t.Errorf("project read: %d %v", status, out)
	}
}
