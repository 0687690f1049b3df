package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

func factoriesWithEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range acctest.ProviderFactories {
		f[k] = v
	}
	return f
}

const credentialsHCL = `
ephemeral "hanzokms_auth0_client_secret_rotation_credentials" "active" {
  rotation_id = hanzokms_auth0_client_secret_rotation.test.id
}

provider "echo" {
  data = ephemeral.hanzokms_auth0_client_secret_rotation_credentials.active
}

resource "echo" "credentials" {}
`

// The echo test provider copies the ephemeral value into its own state, the
// one place a test can look at it; the rotation's state must not hold it.
func TestAccAuth0ClientSecretRotationCredentialsEphemeral(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEcho(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{Config: rotationHCL(env, basicBody)},
			{
				Config: rotationHCL(env, basicBody) + credentialsHCL,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("client_id"), knownvalue.StringExact(acctest.AppClientID)),
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("active_index"), knownvalue.Int64Exact(0)),
				},
				Check: func(s *terraform.State) error {
					got := s.RootModule().Resources["echo.credentials"].Primary.Attributes["data.client_secret"]
					if want := env.Tenant.Secret(acctest.AppClientID); got != want {
						return fmt.Errorf("the ephemeral client_secret is not the application's current Auth0 secret")
					}
					for k, v := range s.RootModule().Resources[rotationAddr].Primary.Attributes {
						if v == got {
							return fmt.Errorf("the rotation's state holds the secret in %s", k)
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAccAuth0ClientSecretRotationCredentialsEphemeral_olderCLIRefuses(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEcho(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_9_0)},
		Steps: []resource.TestStep{
			{
				Config:      rotationHCL(env, basicBody) + credentialsHCL,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unsupported block type.*ephemeral`),
			},
			// A valid last step, so that the harness's destroy can parse the configuration.
			{Config: rotationHCL(env, basicBody)},
		},
	})
}
