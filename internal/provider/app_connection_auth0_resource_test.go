package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

const connectionAddr = "hanzokms_app_connection_auth0.test"

func connectionHCL(env *acctest.Env, secretLines string) string {
	return env.ProviderBlock() + fmt.Sprintf(`
resource "hanzokms_app_connection_auth0" "test" {
  name        = "tenant-rotator"
  description = "rotates our Auth0 applications"
  domain      = %q
  client_id   = %q
%s
}
`, env.Tenant.Domain(), acctest.ManagementClientID, secretLines)
}

// moduleHCL composes a connection and two rotations that use it, as a module would.
func moduleHCL(env *acctest.Env, secretLines string) string {
	return connectionHCL(env, secretLines) + fmt.Sprintf(`
resource "hanzokms_auth0_client_secret_rotation" "dev" {
  name              = "billing-auth0"
  project_id        = %[1]q
  connection_id     = hanzokms_app_connection_auth0.test.id
  environment       = "dev"
  rotation_interval = 30
  parameters        = { client_id = %[2]q }
  secrets_mapping   = { client_id = "AUTH0_CLIENT_ID", client_secret = "AUTH0_CLIENT_SECRET" }
}

resource "hanzokms_auth0_client_secret_rotation" "prod" {
  name                  = "billing-auth0"
  project_id            = %[1]q
  connection_id         = hanzokms_app_connection_auth0.test.id
  environment           = "prod"
  secret_path           = "/app/auth0"
  auto_rotation_enabled = false
  rotation_interval     = 90
  parameters            = { client_id = "app-client-2" }
  secrets_mapping       = { client_id = "AUTH0_CLIENT_ID", client_secret = "AUTH0_CLIENT_SECRET" }
}
`, acctest.ProjectID, acctest.AppClientID)
}

func TestAccAppConnectionAuth0_withRotations(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	secret := fmt.Sprintf("client_secret = %q", env.Tenant.Secret(acctest.ManagementClientID))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: moduleHCL(env, secret),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("id"), uuidValue),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("domain"), knownvalue.StringExact(env.Tenant.Domain())),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("audience"), knownvalue.StringExact(env.Tenant.ManagementAudience())),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("method"), knownvalue.StringExact("client-credentials")),
					statecheck.ExpectKnownValue("hanzokms_auth0_client_secret_rotation.dev", tfjsonpath.New("connection_name"), knownvalue.StringExact("tenant-rotator")),
					statecheck.ExpectKnownValue("hanzokms_auth0_client_secret_rotation.prod", tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("hanzokms_auth0_client_secret_rotation.dev", "connection_id", connectionAddr, "id"),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					checkMappedSecretsWorkFor(env, "app-client-2", "prod", "/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				ResourceName:            connectionAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_secret"},
			},
		},
	})
}

// connectionIDFromKMS finds the connection the test configuration made (not
// the one the harness seeded).
func connectionIDFromKMS(t *testing.T, env *acctest.Env) string {
	t.Helper()
	for _, id := range env.KMS.ConnectionIDs() {
		if id != env.ConnectionID {
			return id
		}
	}
	t.Fatal("no connection made by the configuration")
	return ""
}

func TestAccAppConnectionAuth0_refusedCredentials(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The preflight would refuse it at plan; off, the KMS's own check is what refuses it.
				Config:      connectionHCL(env, `client_secret = "not-the-secret"`+"\n  preflight = false"),
				ExpectError: wrapTolerant(`(?s)Could not create the Auth0 app connection.*HTTP 400 BadRequest.*Request failed with status code 401`),
			},
			{
				Config:      connectionHCL(env, ""),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Exactly one of these attributes must be configured: \[client_secret,client_secret_wo\]`),
			},
			{
				Config:      strings.Replace(connectionHCL(env, `client_secret = "x"`), `"tenant-rotator"`, `"Tenant Rotator"`, 1),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Attribute name must be a slug`),
			},
			{Config: env.ProviderBlock()},
		},
	})
	if len(env.KMS.ConnectionIDs()) != 1 {
		t.Errorf("a refused connection was stored: %v", env.KMS.ConnectionIDs())
	}
}

func TestAccAppConnectionAuth0_writeOnlySecret(t *testing.T) {
	env := acctest.Start(t)
	first := env.Tenant.Secret(acctest.ManagementClientID)
	second := "rotated-by-the-admin-0123456789-abcdefghijklmnopqrstuvwxyz"
	wo := func(secret string, version int) string {
		return fmt.Sprintf("client_secret_wo = %q\n  client_secret_wo_version = %d", secret, version)
	}
	noSecretInState := func(secret string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			for k, v := range s.RootModule().Resources[connectionAddr].Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("the write-only secret is in state, in %s", k)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: connectionHCL(env, wo(first, 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("client_secret_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: noSecretInState(first),
			},
			{
				// The admin rotates the connection's secret at Auth0; bumping the version sends the new one.
				PreConfig: func() { env.Tenant.SetSecret(acctest.ManagementClientID, second) },
				Config:    connectionHCL(env, wo(second, 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(noSecretInState(second), func(*terraform.State) error {
					if env.KMS.ConnectionClientSecret(connectionIDFromKMS(t, env)) != second {
						return fmt.Errorf("the new write-only secret did not reach the KMS")
					}
					return nil
				}),
			},
		},
	})
}

func TestAccAppConnectionAuth0_writeOnlyNeedsANewerCLI(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      connectionHCL(env, `client_secret_wo = "s"`+"\n  client_secret_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)WriteOnly Attribute Not Allowed`),
			},
			{Config: env.ProviderBlock()},
		},
	})
}
