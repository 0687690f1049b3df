package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

const rotationAddr = "hanzokms_auth0_client_secret_rotation.test"

var (
	uuidValue      = knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))
	timestampValue = knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`))
)

// rotationHCL is a rotation in the Env's project with the given extra lines.
func rotationHCL(env *acctest.Env, body string) string {
	return env.ProviderBlock() + fmt.Sprintf(`
resource "hanzokms_auth0_client_secret_rotation" "test" {
  project_id    = %q
  connection_id = %q
%s
}
`, acctest.ProjectID, env.ConnectionID, body)
}

const basicBody = `
  name              = "billing-auth0"
  environment       = "dev"
  rotation_interval = 30
  parameters = {
    client_id = "app-client-1"
  }
  secrets_mapping = {
    client_id     = "AUTH0_CLIENT_ID"
    client_secret = "AUTH0_CLIENT_SECRET"
  }
`

func stateAttr(s *terraform.State, attr string) string {
	rs, ok := s.RootModule().Resources[rotationAddr]
	if !ok {
		return ""
	}
	return rs.Primary.Attributes[attr]
}

// checkMappedSecretsWork proves the rotation wrote the Auth0 credentials into
// the mapped secrets and that a client credentials login with them succeeds.
func checkMappedSecretsWork(env *acctest.Env, env_, path, idName, secretName string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		clientID, ok := env.KMS.SecretValue(acctest.ProjectID, env_, path, idName)
		if !ok || clientID != acctest.AppClientID {
			return fmt.Errorf("mapped secret %s = %q (exists %v), want %q", idName, clientID, ok, acctest.AppClientID)
		}
		secret, ok := env.KMS.SecretValue(acctest.ProjectID, env_, path, secretName)
		if !ok || secret == "" {
			return fmt.Errorf("mapped secret %s is missing", secretName)
		}
		if secret != env.Tenant.Secret(acctest.AppClientID) {
			return fmt.Errorf("mapped secret %s does not hold the application's current Auth0 secret", secretName)
		}
		return env.Auth0Login(clientID, secret)
	}
}

func TestAccAuth0ClientSecretRotation_basic(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("id"), uuidValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("name"), knownvalue.StringExact("billing-auth0")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("secret_path"), knownvalue.StringExact("/")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("auto_rotation_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotate_at_utc"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hours": knownvalue.Int64Exact(0), "minutes": knownvalue.Int64Exact(0),
					})),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("folder_id"), uuidValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("created_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("updated_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotation_attempted_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotated_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotation_job_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotation_message"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact("acc-auth0")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("environment_name"), knownvalue.StringExact("Development")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("delete_secrets_on_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("revoke_credentials_on_destroy"), knownvalue.Bool(false)),
				},
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				ResourceName:      rotationAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      rotationAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return acctest.ProjectID + ":dev:/:billing-auth0", nil },
				ImportStateVerify: true,
			},
			{
				Config: rotationHCL(env, basicBody),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
		CheckDestroy: func(s *terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); !ok {
				return fmt.Errorf("the mapped secret was deleted although delete_secrets_on_destroy is false")
			}
			return nil
		},
	})
	_ = context.Background
}
