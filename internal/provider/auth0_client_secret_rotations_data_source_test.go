package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

func TestAccAuth0ClientSecretRotationsDataSource(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	secret := fmt.Sprintf("client_secret = %q", env.Tenant.Secret(acctest.ManagementClientID))
	lists := fmt.Sprintf(`
data "hanzokms_auth0_client_secret_rotations" "all" {
  project_id = %[1]q
  depends_on = [hanzokms_auth0_client_secret_rotation.dev, hanzokms_auth0_client_secret_rotation.prod]
}

data "hanzokms_auth0_client_secret_rotations" "prod_folder" {
  project_id  = %[1]q
  environment = "prod"
  secret_path = "/app/auth0/"
  depends_on  = [hanzokms_auth0_client_secret_rotation.dev, hanzokms_auth0_client_secret_rotation.prod]
}

data "hanzokms_auth0_client_secret_rotations" "none" {
  project_id  = %[1]q
  environment = "prod"
  secret_path = "/"
  depends_on  = [hanzokms_auth0_client_secret_rotation.dev, hanzokms_auth0_client_secret_rotation.prod]
}
`, acctest.ProjectID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: moduleHCL(env, secret) + lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hanzokms_auth0_client_secret_rotations.all", tfjsonpath.New("rotations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"environment": knownvalue.StringExact("dev"), "secret_path": knownvalue.StringExact("/"),
							"client_id": knownvalue.StringExact(acctest.AppClientID), "auto_rotation_enabled": knownvalue.Bool(true),
							"next_rotation_at": timestampValue, "rotation_status": knownvalue.StringExact("success"),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"environment": knownvalue.StringExact("prod"), "secret_path": knownvalue.StringExact("/app/auth0"),
							"client_id": knownvalue.StringExact("app-client-2"), "auto_rotation_enabled": knownvalue.Bool(false),
							"next_rotation_at": knownvalue.Null(), "rotation_interval": knownvalue.Int64Exact(90),
						}),
					})),
					statecheck.ExpectKnownValue("data.hanzokms_auth0_client_secret_rotations.prod_folder", tfjsonpath.New("rotations"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("data.hanzokms_auth0_client_secret_rotations.none", tfjsonpath.New("rotations"), knownvalue.ListSizeExact(0)),
				},
				Check: resource.TestCheckResourceAttrPair("data.hanzokms_auth0_client_secret_rotations.prod_folder", "rotations.0.id",
					"hanzokms_auth0_client_secret_rotation.prod", "id"),
			},
		},
	})
}
