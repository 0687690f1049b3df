package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// A rotation's identity is its id: recorded on create, kept by every read and
// update, and enough for an import block with identity = { id = ... }, which
// plans no change. Import by string id (command and block) keeps working.
func TestAccAuth0ClientSecretRotation_identity(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureResourceIdentity)},
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(rotationAddr, map[string]knownvalue.Check{"id": uuidValue}),
					statecheck.ExpectIdentityValueMatchesState(rotationAddr, tfjsonpath.New("id")),
				},
			},
			{
				// An in-place update keeps the identity.
				Config: rotationHCL(env, basicBody+"\n  description = \"renamed in place\"\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(rotationAddr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    rotationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    rotationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				ResourceName:      rotationAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// An identity that is not a UUID is refused, naming the attribute.
func TestAccAuth0ClientSecretRotation_identityImportRefusesANonUUID(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureResourceIdentity)},
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody) + `
import {
  to       = hanzokms_auth0_client_secret_rotation.test
  identity = { id = "not-a-uuid" }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)identity.id "not-a-uuid": expected the rotation's ID`),
			},
		},
	})
}

// The app connection's identity is its id. The KMS never returns the secret,
// so an import (by identity as by id) plans one update: sending the
// configured secret again.
func TestAccAppConnectionAuth0_identity(t *testing.T) {
	env := acctest.Start(t)
	secret := fmt.Sprintf("client_secret = %q", env.Tenant.Secret(acctest.ManagementClientID))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureResourceIdentity)},
		Steps: []resource.TestStep{
			{
				Config: connectionHCL(env, secret),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(connectionAddr, map[string]knownvalue.Check{"id": uuidValue}),
					statecheck.ExpectIdentityValueMatchesState(connectionAddr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:       connectionAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionUpdate)},
				},
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
