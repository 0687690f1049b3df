package provider_test

// Moving a rotation to another folder, connection or project replaces it.
// Every configuration here sets delete_secrets_on_destroy = true, so the
// replacement's create never meets the old mapped secrets: these tests hold
// whatever a replacement does about mapped secrets whose names stay the same.

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// mappedSecretsAt checks that the mapped secrets exist in a project's dev folder
// and hold credentials Auth0 accepts, and that the KMS holds exactly the
// rotation state knows.
func mappedSecretsAt(env *acctest.Env, projectID, path string) resource.TestCheckFunc {
	const envSlug = "dev"
	return func(s *terraform.State) error {
		if ids := env.KMS.RotationIDs(); len(ids) != 1 || ids[0] != stateAttr(s, "id") {
			return fmt.Errorf("the KMS holds rotations %v, state knows %q", ids, stateAttr(s, "id"))
		}
		clientID, ok := env.KMS.SecretValue(projectID, envSlug, path, "AUTH0_CLIENT_ID")
		if !ok || clientID != acctest.AppClientID {
			return fmt.Errorf("AUTH0_CLIENT_ID in %s %s %s = %q (exists %v)", projectID, envSlug, path, clientID, ok)
		}
		secret, ok := env.KMS.SecretValue(projectID, envSlug, path, "AUTH0_CLIENT_SECRET")
		if !ok || secret != env.Tenant.Secret(acctest.AppClientID) {
			return fmt.Errorf("AUTH0_CLIENT_SECRET in %s %s %s is missing or not the current Auth0 secret", projectID, envSlug, path)
		}
		return env.Auth0Login(clientID, secret)
	}
}

// goneFrom checks that a replaced rotation took its mapped secrets with it.
func goneFrom(env *acctest.Env, projectID, envSlug, path string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range []string{"AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"} {
			if _, ok := env.KMS.SecretValue(projectID, envSlug, path, name); ok {
				return fmt.Errorf("%s still exists in %s %s %s after the replacement", name, projectID, envSlug, path)
			}
		}
		return nil
	}
}

func TestAccAuth0ClientSecretRotation_replaceOnFolderConnectionAndProject(t *testing.T) {
	env := acctest.Start(t)
	second, err := env.Client.CreateAuth0Connection(context.Background(), kms.CreateAuth0ConnectionRequest{
		Name: "acc-auth0-second", Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: env.Tenant.Domain(), ClientID: acctest.ManagementClientID,
			ClientSecret: env.Tenant.Secret(acctest.ManagementClientID), Audience: env.Tenant.ManagementAudience(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	first := rotationBlock(env).Bool("delete_secrets_on_destroy", true)
	moved := first.Clone().Str("secret_path", "/app/auth0")
	otherConnection := moved.Clone().Str("connection_id", second.ID)
	otherProject := otherConnection.Clone().Str("project_id", acctest.OtherProjectID)

	newID := statecheck.CompareValue(compare.ValuesDiffer())
	replaced := func(attr string, want knownvalue.Check) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate),
			plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New(attr), want),
			plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("id")),
		}}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(env, first),
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(rotationAddr, tfjsonpath.New("id"))},
				Check:             mappedSecretsAt(env, acctest.ProjectID, "/"),
			},
			{
				Config:           withProvider(env, moved),
				ConfigPlanChecks: replaced("secret_path", knownvalue.StringExact("/app/auth0")),
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("secret_path"), knownvalue.StringExact("/app/auth0")),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsAt(env, acctest.ProjectID, "/app/auth0"),
					goneFrom(env, acctest.ProjectID, "dev", "/"),
				),
			},
			{
				Config:           withProvider(env, otherConnection),
				ConfigPlanChecks: replaced("connection_id", knownvalue.StringExact(second.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_id"), knownvalue.StringExact(second.ID)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact("acc-auth0-second")),
				},
				Check: mappedSecretsAt(env, acctest.ProjectID, "/app/auth0"),
			},
			{
				Config:           withProvider(env, otherProject),
				ConfigPlanChecks: replaced("project_id", knownvalue.StringExact(acctest.OtherProjectID)),
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(acctest.OtherProjectID)),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsAt(env, acctest.OtherProjectID, "/app/auth0"),
					goneFrom(env, acctest.ProjectID, "dev", "/app/auth0"),
				),
			},
			{
				Config: withProvider(env, otherProject),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			return goneFrom(env, acctest.OtherProjectID, "dev", "/app/auth0")(nil)
		},
	})
}
