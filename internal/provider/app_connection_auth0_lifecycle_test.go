package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// connectionBlock is an Auth0 app connection with the tenant's rotator
// application and its sensitive (not write-only) secret.
func connectionBlock(env *acctest.Env) *acctest.Block {
	return acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", "tenant-rotator").
		Str("description", "rotates our Auth0 applications").
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID))
}

// The connection is updated in place, replaced (its rotation with it, since
// connection_id changes), and destroyed; the KMS agrees with state each time.
func TestAccAppConnectionAuth0_updateReplaceDestroy(t *testing.T) {
	env := acctest.Start(t)
	conn := connectionBlock(env)
	rotation := rotationBlock(env).
		Set("connection_id", conn.Address()+".id").
		Bool("delete_secrets_on_destroy", true)
	renamed := conn.Clone().Str("name", "tenant-rotator-renamed").Str("description", "renamed")
	moved := renamed.Clone().Str("project_id", acctest.ProjectID)

	sameConnection := statecheck.CompareValue(compare.ValuesSame())
	replacedConnection := statecheck.CompareValue(compare.ValuesDiffer())
	replacedRotation := statecheck.CompareValue(compare.ValuesDiffer())
	connectionInKMS := func(wantName string, wantProject *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			id := s.RootModule().Resources[connectionAddr].Primary.ID
			got, err := env.Client.GetAuth0Connection(context.Background(), id)
			if err != nil {
				return fmt.Errorf("the connection in state is not in the KMS: %v", err)
			}
			if got.Name != wantName {
				return fmt.Errorf("the KMS's connection is named %q, want %q", got.Name, wantName)
			}
			if (got.ProjectID == nil) != (wantProject == nil) || wantProject != nil && *got.ProjectID != *wantProject {
				return fmt.Errorf("the KMS's connection project = %v, want %v", got.ProjectID, wantProject)
			}
			if ids := env.KMS.ConnectionIDs(); len(ids) != 2 || !slices.Contains(ids, id) {
				return fmt.Errorf("the KMS holds connections %v: want the seeded one and %s", ids, id)
			}
			return nil
		}
	}
	project := acctest.ProjectID
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withProvider(env, conn, rotation),
				ConfigStateChecks: []statecheck.StateCheck{
					sameConnection.AddStateValue(connectionAddr, tfjsonpath.New("id")),
					replacedRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					connectionInKMS("tenant-rotator", nil),
					resource.TestCheckResourceAttrPair(rotationAddr, "connection_id", connectionAddr, "id"),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				// Name and description change in place; the rotation is untouched.
				Config: withProvider(env, renamed, rotation),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameConnection.AddStateValue(connectionAddr, tfjsonpath.New("id")),
					replacedConnection.AddStateValue(connectionAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("name"), knownvalue.StringExact("tenant-rotator-renamed")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("description"), knownvalue.StringExact("renamed")),
				},
				Check: connectionInKMS("tenant-rotator-renamed", nil),
			},
			{
				// A project replaces the connection, and the rotation that
				// names it is replaced too (connection_id changes).
				Config: withProvider(env, moved, rotation),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					replacedConnection.AddStateValue(connectionAddr, tfjsonpath.New("id")),
					replacedRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(acctest.ProjectID)),
				},
				Check: resource.ComposeTestCheckFunc(
					connectionInKMS("tenant-rotator-renamed", &project),
					resource.TestCheckResourceAttrPair(rotationAddr, "connection_id", connectionAddr, "id"),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				// Nothing left to do; the refresh brings the connection's new
				// name into the rotation's connection_name.
				Config: withProvider(env, moved, rotation),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact("tenant-rotator-renamed")),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.ConnectionIDs(); len(ids) != 1 || ids[0] != env.ConnectionID {
				return fmt.Errorf("connections after destroy: %v, want only the seeded %s", ids, env.ConnectionID)
			}
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			return nil
		},
	})
}
