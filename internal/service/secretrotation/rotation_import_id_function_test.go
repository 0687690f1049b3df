package secretrotation

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func runFunction(t *testing.T, f function.Function, args ...string) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	values := make([]attr.Value, len(args))
	for i, a := range args {
		values[i] = types.StringValue(a)
	}
	resp := function.RunResponse{Result: function.NewResultData(def.Definition.Return.GetType().ValueType(ctx))}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(values)}, &resp)
	return resp.Result.Value(), resp.Error
}

func TestRotationImportIDFunctionJoinsCheckedParts(t *testing.T) {
	got, err := runFunction(t, NewRotationImportIDFunction(), "p-1", "prod", "/app/auth0/", "billing-api")
	if err != nil {
		t.Fatal(err)
	}
	if got.(types.String).ValueString() != "p-1:prod:/app/auth0/:billing-api" {
		t.Fatalf("got %s", got)
	}
	// What it builds, the import parses back to the same parts.
	id, perr := parseRotationImportID(got.(types.String).ValueString())
	if perr != nil || id.ProjectID != "p-1" || id.Environment != "prod" || id.SecretPath != "/app/auth0" || id.SecretPathAsWritten != "/app/auth0/" || id.Name != "billing-api" {
		t.Fatalf("parsed back as %+v, %v", id, perr)
	}
}

func TestRotationImportIDFunctionErrorsNameTheArgument(t *testing.T) {
	for _, tc := range []struct {
		args     [4]string
		argument int64
		want     string
	}{
		{[4]string{"", "dev", "/", "x"}, 0, "project_id part is empty"},
		{[4]string{"a:b", "dev", "/", "x"}, 0, `project_id "a:b" must not contain ":"`},
		{[4]string{"p", "Prod", "/", "x"}, 1, `environment "Prod" must be an environment slug`},
		{[4]string{"p", "dev", "app", "x"}, 2, `secret_path "app" must be a folder path`},
		{[4]string{"p", "dev", "/a//b", "x"}, 2, `secret_path "/a//b"`},
		{[4]string{"p", "dev", "/", "Billing"}, 3, `name "Billing" must be a slug`},
		{[4]string{"p", "dev", "/", strings.Repeat("a", 65)}, 3, "1-64 characters"},
	} {
		_, err := runFunction(t, NewRotationImportIDFunction(), tc.args[:]...)
		if err == nil {
			t.Errorf("%q: accepted", tc.args)
			continue
		}
		if err.FunctionArgument == nil || *err.FunctionArgument != tc.argument || !strings.Contains(err.Text, tc.want) {
			t.Errorf("%q: error at argument %v %q, want argument %d saying %q", tc.args, err.FunctionArgument, err.Text, tc.argument, tc.want)
		}
	}
}

func TestParseRotationImportIDFunction(t *testing.T) {
	object := func(v attr.Value) map[string]string {
		out := map[string]string{}
		for k, a := range v.(types.Object).Attributes() {
			if s := a.(types.String); !s.IsNull() {
				out[k] = s.ValueString()
			}
		}
		return out
	}
	got, err := runFunction(t, NewParseRotationImportIDFunction(), "p-1:prod:/app/auth0/:billing-api")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"project_id": "p-1", "environment": "prod", "secret_path": "/app/auth0/", "name": "billing-api"}
	if g := object(got); len(g) != len(want) || g["project_id"] != want["project_id"] || g["environment"] != want["environment"] ||
		g["secret_path"] != want["secret_path"] || g["name"] != want["name"] {
		t.Fatalf("by name: got %v, want %v", g, want)
	}
	got, err = runFunction(t, NewParseRotationImportIDFunction(), "3C90C3CC-0D44-4B50-8888-8DD25736052A")
	if err != nil {
		t.Fatal(err)
	}
	if g := object(got); len(g) != 1 || g["rotation_id"] != "3c90c3cc-0d44-4b50-8888-8dd25736052a" {
		t.Fatalf("by rotation id: got %v", g)
	}
	for raw, want := range map[string]string{
		"p:dev:/:Bad":  `name "Bad"`,
		"p:dev:x:name": `secret_path "x"`,
		"p:dev:/":      "expected a rotation ID",
		":dev:/:name":  "project_id part is empty",
	} {
		_, err := runFunction(t, NewParseRotationImportIDFunction(), raw)
		if err == nil || err.FunctionArgument == nil || *err.FunctionArgument != 0 || !strings.HasPrefix(err.Text, "import ID ") || !strings.Contains(err.Text, want) {
			t.Errorf("%q: error %v, want one at argument 0 (id), starting with the import ID, saying %q", raw, err, want)
		}
	}
}
