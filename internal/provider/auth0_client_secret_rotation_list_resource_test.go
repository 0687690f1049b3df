package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// stringAt checks a value against a string known only once an earlier step
// ran (a rotation id), where knownvalue.StringExact needs it up front.
type stringAt struct{ want *string }

func (c stringAt) CheckValue(v any) error {
	if s, ok := v.(string); !ok || s != *c.want {
		return fmt.Errorf("value %v, want %q", v, *c.want)
	}
	return nil
}

func (c stringAt) String() string { return *c.want }

// threeRotations is made "in the KMS UI" (straight through the API): two in
// dev's root folder, one in prod's /app/auth0, each for its own application.
func threeRotations(t *testing.T, env *acctest.Env) map[string]string {
	t.Helper()
	for _, app := range []string{"app-client-2", "app-client-3"} {
		env.Tenant.AddApplication(localauth0.Application{ClientID: app, Name: app, Audiences: []string{localstack.AppAudience}})
	}
	ids := map[string]string{}
	for _, r := range []struct{ name, env, path, app, prefix string }{
		{"alpha", "dev", "/", acctest.AppClientID, "ALPHA"},
		{"beta", "dev", "/", "app-client-2", "BETA"},
		{"gamma", "prod", "/app/auth0", "app-client-3", "GAMMA"},
	} {
		description := "made in the UI"
		created, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
			Name: r.name, ProjectID: acctest.ProjectID, Description: &description, ConnectionID: env.ConnectionID,
			Environment: r.env, SecretPath: r.path, IsAutoRotationEnabled: r.name != "gamma", RotationInterval: 30,
			RotateAtUTC:    kms.RotateAtUTC{Hours: 3, Minutes: 15},
			Parameters:     kms.Auth0RotationParameters{ClientID: r.app},
			SecretsMapping: kms.Auth0SecretsMapping{ClientID: r.prefix + "_CLIENT_ID", ClientSecret: r.prefix + "_CLIENT_SECRET"},
		})
		if err != nil {
			t.Fatalf("creating rotation %s: %v", r.name, err)
		}
		ids[r.name] = created.ID
	}
	return ids
}

func listHCL(name, filters, extra string) string {
	return fmt.Sprintf(`
list "hanzokms_auth0_client_secret_rotation" %q {
  provider = hanzokms
  %s
  config {
    project_id = %q
    %s
  }
}
`, name, extra, acctest.ProjectID, filters)
}

// `terraform query` finds rotations by project, environment and folder; each
// result carries the identity and display name, and with include_resource
// the whole resource as a read after import would give it.
func TestAccAuth0ClientSecretRotationList_query(t *testing.T) {
	env := acctest.Start(t)
	var alpha, beta, gamma string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureListResources)},
		Steps: []resource.TestStep{
			{
				// The rotations exist before Terraform looks for them.
				Config: env.ProviderBlock(),
				Check: func(*terraform.State) error {
					ids := threeRotations(t, env)
					alpha, beta, gamma = ids["alpha"], ids["beta"], ids["gamma"]
					return nil
				},
			},
			{
				Query: true,
				// The provider block is the previous step's configuration, kept beside the query file.
				Config: listHCL("project", "", "") +
					listHCL("dev", `environment = "dev"`, "") +
					listHCL("prod_folder", `environment = "prod"
    secret_path = "/app/auth0/"`, "include_resource = true") +
					listHCL("empty_folder", `secret_path = "/app/auth0"
    environment = "dev"`, ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("hanzokms_auth0_client_secret_rotation.project", 3),
					querycheck.ExpectLength("hanzokms_auth0_client_secret_rotation.dev", 2),
					querycheck.ExpectLength("hanzokms_auth0_client_secret_rotation.prod_folder", 1),
					querycheck.ExpectLength("hanzokms_auth0_client_secret_rotation.empty_folder", 0),
					querycheck.ExpectIdentity("hanzokms_auth0_client_secret_rotation.dev", map[string]knownvalue.Check{"id": stringAt{&alpha}}),
					querycheck.ExpectIdentity("hanzokms_auth0_client_secret_rotation.dev", map[string]knownvalue.Check{"id": stringAt{&beta}}),
					querycheck.ExpectResourceDisplayName("hanzokms_auth0_client_secret_rotation.dev",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": stringAt{&beta}}), knownvalue.StringExact("dev:/:beta")),
					querycheck.ExpectIdentity("hanzokms_auth0_client_secret_rotation.prod_folder", map[string]knownvalue.Check{"id": stringAt{&gamma}}),
					querycheck.ExpectResourceKnownValues("hanzokms_auth0_client_secret_rotation.prod_folder",
						queryfilter.ByDisplayName(knownvalue.StringExact("prod:/app/auth0:gamma")), []querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: stringAt{&gamma}},
							{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("gamma")},
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("made in the UI")},
							{Path: tfjsonpath.New("secret_path"), KnownValue: knownvalue.StringExact("/app/auth0")},
							{Path: tfjsonpath.New("auto_rotation_enabled"), KnownValue: knownvalue.Bool(false)},
							{Path: tfjsonpath.New("rotate_at_utc").AtMapKey("minutes"), KnownValue: knownvalue.Int64Exact(15)},
							{Path: tfjsonpath.New("parameters").AtMapKey("client_id"), KnownValue: knownvalue.StringExact("app-client-3")},
							{Path: tfjsonpath.New("secrets_mapping").AtMapKey("client_secret"), KnownValue: knownvalue.StringExact("GAMMA_CLIENT_SECRET")},
							{Path: tfjsonpath.New("delete_secrets_on_destroy"), KnownValue: knownvalue.Bool(false)},
							{Path: tfjsonpath.New("rotation_trigger"), KnownValue: knownvalue.Null()},
						}),
				},
			},
			{
				Query:       true,
				Config:      listHCL("bad", `environment = "Prod Env"`, ""),
				ExpectError: regexp.MustCompile(`(?s)environment.*Prod Env`),
			},
		},
	})
}

// `terraform query -generate-config-out` writes import blocks and resource
// configuration for every rotation found; planning that imports them all
// with no change and no rotation, and after the apply the next plan is empty.
func TestAccAuth0ClientSecretRotationList_generateConfigImportsQuietly(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureListResources)
	env := acctest.Start(t)
	threeRotations(t, env)
	tenantBefore := rotationsAtTenant(env)
	wd := acctest.NewWorkDir(t, acctest.ProviderFactories)
	wd.Write("main.tf", env.ProviderBlock())
	wd.Write("rotations.tfquery.hcl", listHCL("all", "", "include_resource = true"))
	wd.Run("init", "-input=false", "-no-color")
	wd.Run("query", "-no-color", "-generate-config-out=generated.tf")
	generated := wd.Read("generated.tf")
	t.Logf("generated.tf:\n%s", generated)
	if n := strings.Count(generated, "import {"); n != 3 {
		t.Fatalf("generated %d import blocks, want 3:\n%s", n, generated)
	}
	if n := strings.Count(generated, `resource "hanzokms_auth0_client_secret_rotation"`); n != 3 {
		t.Fatalf("generated %d resources, want 3:\n%s", n, generated)
	}
	out := wd.Run("plan", "-input=false", "-no-color", "-out=import.tfplan")
	if !strings.Contains(out, "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan does not just import the three rotations:\n%s", out)
	}
	wd.Run("apply", "-input=false", "-no-color", "import.tfplan")
	wd.Run("plan", "-input=false", "-no-color", "-detailed-exitcode") // exit 2 would mean changes
	if n := env.KMS.RequestCount(routeRotate); n != 0 {
		t.Fatalf("bringing the rotations under management called rotate-secrets %d times", n)
	}
	if got := rotationsAtTenant(env); got != tenantBefore {
		t.Fatalf("the tenant saw %d rotations during the import", got-tenantBefore)
	}
}
