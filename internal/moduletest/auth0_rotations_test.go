// Package moduletest runs the `terraform test` files of the example modules
// with the CLI under test, the provider served in-process.
package moduletest_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// The local KMS's routes, as it counts requests.
const (
	routeCreate = "POST /api/v2/secret-rotations/auth0-client-secret"
	routeDelete = "DELETE /api/v2/secret-rotations/auth0-client-secret/{id}"
	routeRotate = "POST /api/v2/secret-rotations/auth0-client-secret/{id}/rotate-secrets"
)

// moduleDir is the module under test, from this package's directory.
var moduleDir = filepath.Join("..", "..", "examples", "modules", "auth0-rotations")

// The module declares the provider by its registry source.
var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"hanzoai/hanzokms": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// moduleWorkDir is a working directory holding a copy of the module (its
// tests and examples too, without any .terraform or state a local run left).
func moduleWorkDir(t *testing.T) *acctest.WorkDir {
	t.Helper()
	wd := acctest.NewWorkDir(t, factories)
	err := filepath.WalkDir(moduleDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(moduleDir, path)
		if strings.HasPrefix(d.Name(), ".terraform") || strings.HasSuffix(d.Name(), ".tfstate") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(wd.Dir, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(wd.Dir, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// runTests runs `test` on one file and checks that every run block in it
// passed: none failed, none skipped.
func runTests(t *testing.T, wd *acctest.WorkDir, file string, args ...string) {
	t.Helper()
	runs := len(regexp.MustCompile(`(?m)^run "`).FindAllString(wd.Read(file), -1))
	if runs == 0 {
		t.Fatalf("%s has no run block", file)
	}
	wd.Run("init", "-input=false", "-no-color")
	out := wd.Run(append([]string{"test", "-no-color", "-filter=" + file}, args...)...)
	if want := fmt.Sprintf("Success! %d passed, 0 failed.", runs); !strings.Contains(out, want) {
		t.Fatalf("`test` of %s did not say %q:\n%s", file, want, out)
	}
}

// The module's offline tests (mock_provider, override_resource, and the
// refusals of its validation blocks) pass with no server at all.
func TestAccModuleAuth0Rotations_offline(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureTestMocks, acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralVariables)
	// No provider settings: a mocked provider is never configured, and a
	// request would have nowhere to go.
	for _, k := range envvar.All {
		t.Setenv(k, "")
	}
	runTests(t, moduleWorkDir(t), "tests/offline.tftest.hcl")
}

// The module against the local stack, configured only through environment
// variables: it creates a connection and a rotation, adds an application,
// removes one, and the KMS holds what the outputs say at each step; the test
// command destroys everything at the end.
func TestAccModuleAuth0Rotations_localStack(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralVariables)
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	firstSecret, secondSecret := env.Tenant.Secret(acctest.AppClientID), env.Tenant.Secret("app-client-2")
	for k, v := range map[string]string{
		envvar.Host: env.KMSURL, envvar.ClientID: acctest.IdentityClientID, envvar.ClientSecret: env.IdentityClientSecret,
		envvar.Token: "", envvar.CACertificate: string(env.Tenant.CACertPEM()),
		"TF_VAR_project_id": acctest.ProjectID, "TF_VAR_environment": "dev",
		"TF_VAR_create_connection":        fmt.Sprintf(`{ name = "module-rotator", domain = %q, client_id = %q }`, env.Tenant.Domain(), acctest.ManagementClientID),
		"TF_VAR_connection_client_secret": env.Tenant.Secret(acctest.ManagementClientID),
	} {
		t.Setenv(k, v)
	}
	rotationsBefore, connectionsBefore := env.KMS.RotationIDs(), env.KMS.ConnectionIDs()
	runTests(t, moduleWorkDir(t), "tests/local_stack.tftest.hcl")

	// Two creates and two deletes in all: adding payments did not replace
	// billing-api, removing billing-api did not replace payments (the
	// second delete is the test's cleanup).
	if n := env.KMS.RequestCount(routeCreate); n != 2 {
		t.Errorf("%d rotation creates, want 2 (one per application)", n)
	}
	if n := env.KMS.RequestCount(routeDelete); n != 2 {
		t.Errorf("%d rotation deletes, want 2 (the removed application, then the cleanup)", n)
	}

	// Each application's secret was rotated at Auth0 (once, by its create),
	// and the test's cleanup left nothing behind in the KMS.
	if env.Tenant.Secret(acctest.AppClientID) == firstSecret || env.Tenant.Secret("app-client-2") == secondSecret {
		t.Fatal("an application's Auth0 secret never rotated")
	}
	if after := env.KMS.RotationIDs(); len(after) != len(rotationsBefore) {
		t.Fatalf("%d rotations in the KMS after the test's cleanup (%v), %d before", len(after), after, len(rotationsBefore))
	}
	if after := env.KMS.ConnectionIDs(); len(after) != len(connectionsBefore) {
		t.Fatalf("%d app connections in the KMS after the test's cleanup, %d before", len(after), len(connectionsBefore))
	}
}

// Rotations made outside Terraform are adopted by the module with one import
// block with for_each whose IDs come from provider::hanzokms::rotation_import_id:
// the plan imports them all and changes nothing, no secret rotates, and after
// the apply the next plan is empty.
func TestAccModuleAuth0Rotations_adoptWithImportForEach(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureProviderFunctions, acctest.FeatureImportForEach, acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralVariables)
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	made := map[string]string{}
	for _, r := range []struct{ name, path, app string }{{"billing-api", "/", acctest.AppClientID}, {"payments", "/app/auth0", "app-client-2"}} {
		prefix := strings.ToUpper(strings.ReplaceAll(r.name, "-", "_"))
		created, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
			Name: r.name, ProjectID: acctest.ProjectID, ConnectionID: env.ConnectionID, Environment: "dev", SecretPath: r.path,
			IsAutoRotationEnabled: true, RotationInterval: 30,
			Parameters:     kms.Auth0RotationParameters{ClientID: r.app},
			SecretsMapping: kms.Auth0SecretsMapping{ClientID: prefix + "_CLIENT_ID", ClientSecret: prefix + "_CLIENT_SECRET"},
		})
		if err != nil {
			t.Fatalf("creating %s: %v", r.name, err)
		}
		made[r.name] = created.ID
	}
	secrets := map[string]string{acctest.AppClientID: env.Tenant.Secret(acctest.AppClientID), "app-client-2": env.Tenant.Secret("app-client-2")}
	for k, v := range map[string]string{
		envvar.Host: env.KMSURL, envvar.ClientID: acctest.IdentityClientID, envvar.ClientSecret: env.IdentityClientSecret,
		envvar.Token: "", "TF_VAR_project_id": acctest.ProjectID, "TF_VAR_environment": "dev", "TF_VAR_connection_id": env.ConnectionID,
		"TF_VAR_applications": fmt.Sprintf(`{ "billing-api" = { client_id = %q }, "payments" = { client_id = "app-client-2", secret_path = "/app/auth0/" } }`, acctest.AppClientID),
	} {
		t.Setenv(k, v)
	}
	wd := moduleWorkDir(t)
	adopt := filepath.Join("examples", "adopt")
	chdir := "-chdir=" + adopt
	wd.Run(chdir, "init", "-input=false", "-no-color")
	out := wd.Run(chdir, "plan", "-input=false", "-no-color", "-out=adopt.tfplan")
	if !strings.Contains(out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan does not just import the two rotations:\n%s", out)
	}
	for name, id := range made {
		if !strings.Contains(out, fmt.Sprintf(`module.rotations.hanzokms_auth0_client_secret_rotation.this["%s"]: Preparing import... [id=%s]`, name, importID(name, map[string]string{"billing-api": "/", "payments": "/app/auth0/"}[name]))) {
			t.Fatalf("no import of %s (%s) by the function's ID:\n%s", name, id, out)
		}
	}
	wd.Run(chdir, "apply", "-input=false", "-no-color", "adopt.tfplan")
	out = wd.Run(chdir, "output", "-no-color", "-json", "rotation_ids")
	for name, id := range made {
		if !strings.Contains(out, fmt.Sprintf("%q:%q", name, id)) {
			t.Fatalf("rotation_ids %s does not hold %s = %s", out, name, id)
		}
	}
	wd.Run(chdir, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-var=adopt=false")
	if n := env.KMS.RequestCount(routeRotate); n != 0 {
		t.Fatalf("adopting the rotations rotated %d times", n)
	}
	for app, secret := range secrets {
		if env.Tenant.Secret(app) != secret {
			t.Fatalf("adopting the rotations changed %s's Auth0 secret", app)
		}
	}
}

func importID(name, path string) string {
	return strings.Join([]string{acctest.ProjectID, "dev", path, name}, ":")
}
