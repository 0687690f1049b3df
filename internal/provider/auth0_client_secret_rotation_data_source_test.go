package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

func TestAccAuth0ClientSecretRotationDataSource(t *testing.T) {
	env := acctest.Start(t)
	lookups := `
data "hanzokms_auth0_client_secret_rotation" "by_id" {
  id = hanzokms_auth0_client_secret_rotation.test.id
}

data "hanzokms_auth0_client_secret_rotation" "by_name" {
  project_id  = hanzokms_auth0_client_secret_rotation.test.project_id
  environment = "dev"
  name        = hanzokms_auth0_client_secret_rotation.test.name
}
`
	var pairs []resource.TestCheckFunc
	for _, ds := range []string{"data.hanzokms_auth0_client_secret_rotation.by_id", "data.hanzokms_auth0_client_secret_rotation.by_name"} {
		for _, attr := range []string{"id", "name", "project_id", "connection_id", "environment", "secret_path", "rotation_interval",
			"auto_rotation_enabled", "rotate_at_utc.hours", "parameters.client_id", "secrets_mapping.client_secret", "active_index",
			"folder_id", "created_at", "last_rotated_at", "next_rotation_at", "rotation_status", "connection_name", "environment_name"} {
			pairs = append(pairs, resource.TestCheckResourceAttrPair(ds, attr, rotationAddr, attr))
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderBlock() + `
data "hanzokms_auth0_client_secret_rotation" "missing" {
  project_id  = "` + acctest.ProjectID + `"
  environment = "dev"
  name        = "no-such-rotation"
}
`,
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)HTTP 404 NotFound: Could not find Auth0 Client Secret Rotation with name "no-such-rotation"`),
			},
			{
				Config: env.ProviderBlock() + `
data "hanzokms_auth0_client_secret_rotation" "ambiguous" {
  name = "x"
}
`,
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)These attributes must be configured together`),
			},
			{
				Config: rotationHCL(env, basicBody) + lookups,
				Check:  resource.ComposeAggregateTestCheckFunc(pairs...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hanzokms_auth0_client_secret_rotation.by_name", tfjsonpath.New("secrets_mapping"),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"client_id": knownvalue.StringExact("AUTH0_CLIENT_ID"), "client_secret": knownvalue.StringExact("AUTH0_CLIENT_SECRET"),
						})),
				},
			},
		},
	})
}
