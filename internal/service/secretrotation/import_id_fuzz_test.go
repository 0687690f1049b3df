package secretrotation

import (
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

func FuzzParseRotationImportID(f *testing.F) {
	for _, seed := range []string{
		"3c90c3cc-0d44-4b50-8888-8dd25736052a",
		"3C90C3CC-0D44-4B50-8888-8DD25736052A",
		"3c90c3cc-0d44-4b50-8888-8dd25736052a:dev:/:my-auth0-rotation",
		"p:prod:/app/auth0/:billing",
		"p:dev::name", ":::", "a:b:c:d:e", "p:Dev:/:x", "p:dev:/a//b:x", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := parseRotationImportID(raw)
		if err != nil {
			if !strings.Contains(err.Error(), "import ID") {
				t.Fatalf("error does not name the import ID: %v", err)
			}
			return
		}
		if !id.byName() {
			if !framework.UUIDPattern.MatchString(id.RotationID) || id.RotationID != strings.ToLower(id.RotationID) {
				t.Fatalf("accepted %q as a rotation ID %q", raw, id.RotationID)
			}
			return
		}
		if id.ProjectID == "" || !framework.SlugPattern.MatchString(id.Name) || len(id.Name) > 64 ||
			!environmentSlug.MatchString(id.Environment) || !strings.HasPrefix(id.SecretPath, "/") {
			t.Fatalf("accepted %q as %+v", raw, id)
		}
		if normalizeSecretPath(id.SecretPathAsWritten) != id.SecretPath {
			t.Fatalf("the path as written %q is not the folder %q", id.SecretPathAsWritten, id.SecretPath)
		}
		// What it parsed parses again to the same thing.
		again, err := parseRotationImportID(strings.Join([]string{id.ProjectID, id.Environment, id.SecretPathAsWritten, id.Name}, ":"))
		if err != nil || again != id {
			t.Fatalf("%+v does not round-trip: %+v, %v", id, again, err)
		}
	})
}
