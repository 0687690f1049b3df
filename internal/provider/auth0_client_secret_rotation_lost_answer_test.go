package provider_test

// A rotate-now whose answer never arrives: the local KMS carries out
// rotate-secrets (the rotation succeeds, or Auth0 refuses it), then drops the
// connection. The provider must neither rotate a second time nor report a
// rotation that did not happen; state, the KMS and the Auth0 tenant agree.

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
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// auth0Rotations is how many times the tenant issued the application a new
// secret: its secret history less the seeded one.
func auth0Rotations(env *acctest.Env) int {
	return len(env.Tenant.SecretHistory(acctest.AppClientID)) - 1
}

// stateMatchesKMS checks that state's rotation timestamps and slot are the
// KMS's, and that the active slot is the tenant's current secret.
func stateMatchesKMS(env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := stateAttr(s, "id")
		exists, _, activeSecret, status := env.KMS.Rotation(id)
		if !exists {
			return fmt.Errorf("state's rotation %s is not in the KMS", id)
		}
		current, err := env.Client.GetAuth0ClientSecretRotation(context.Background(), id)
		if err != nil {
			return err
		}
		for attr, want := range map[string]string{
			"last_rotated_at": current.LastRotatedAt, "last_rotation_attempted_at": current.LastRotationAttemptedAt,
			"active_index": fmt.Sprint(current.ActiveIndex), "rotation_status": status,
		} {
			if got := stateAttr(s, attr); got != want {
				return fmt.Errorf("state %s = %q, the KMS says %q", attr, got, want)
			}
		}
		if activeSecret != env.Tenant.Secret(acctest.AppClientID) {
			return fmt.Errorf("the KMS's active slot is not the application's current Auth0 secret")
		}
		return nil
	}
}

func TestAccAuth0ClientSecretRotation_lostAnswerAfterRotating(t *testing.T) {
	env := acctest.Start(t)
	base := rotationBlock(env).Str("rotation_trigger", "one")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var rotationsBefore int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(env, base),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(rotationAddr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					rotationsBefore = auth0Rotations(env)
					return nil
				},
			},
			{
				// rotate-secrets rotates, then its connection drops: the
				// provider reads the rotation back and adopts it.
				PreConfig: func() {
					env.KMS.InjectFault(localkms.Fault{Route: routeRotate, DropAfterAct: true, Times: 1})
				},
				Config: withProvider(env, base.Clone().Str("rotation_trigger", "two")),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_trigger"), knownvalue.StringExact("two")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if n := env.KMS.RequestCount(routeRotate); n != 1 {
							return fmt.Errorf("rotate-secrets sent %d times, want 1", n)
						}
						if n := auth0Rotations(env) - rotationsBefore; n != 1 {
							return fmt.Errorf("the tenant rotated the application's secret %d times, want exactly 1", n)
						}
						return nil
					},
					stateMatchesKMS(env),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				Config: withProvider(env, base.Clone().Str("rotation_trigger", "two")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_lostAnswerAfterFailing(t *testing.T) {
	env := acctest.Start(t)
	base := rotationBlock(env).Str("rotation_trigger", "one")
	// The failed step also changes the interval: the PATCH lands before the
	// rotation is asked for, so state must keep it and only the rotation is owed.
	wanted := base.Clone().Str("rotation_trigger", "two").Int("rotation_interval", 14)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var rotationsBefore int
	var secretBefore string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(env, base),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(rotationAddr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					rotationsBefore, secretBefore = auth0Rotations(env), env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				// Auth0 refuses (the connection lost update:client_keys), the
				// KMS records the failure, then the connection drops.
				PreConfig: func() {
					grantManagementScopes(env, "read:clients")
					env.KMS.InjectFault(localkms.Fault{Route: routeRotate, DropAfterAct: true, Times: 1})
				},
				Config:      withProvider(env, wanted),
				ExpectError: wrapTolerant(`(?s)Could not rotate the Auth0 client secret.*rotate-secrets: outcome unknown.*may or may not have carried out the request`),
			},
			{
				// A refresh shows what the KMS holds: the failed attempt,
				// the interval the PATCH set, the old slot still active.
				PreConfig: func() {
					if n := env.KMS.RequestCount(routeRotate); n != 1 {
						t.Errorf("rotate-secrets sent %d times, want 1", n)
					}
					if n := auth0Rotations(env) - rotationsBefore; n != 0 {
						t.Errorf("the tenant rotated %d times, want 0 (Auth0 refused)", n)
					}
					if env.Tenant.Secret(acctest.AppClientID) != secretBefore {
						t.Errorf("the live Auth0 secret changed although the rotation failed")
					}
				},
				// (A refresh step runs Check, not ConfigStateChecks.) The plan
				// after it still holds the rotation owed.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(rotationAddr, "rotation_status", "failed"),
					resource.TestCheckResourceAttr(rotationAddr, "rotation_interval", "14"),
					resource.TestCheckResourceAttr(rotationAddr, "active_index", "0"),
					stateMatchesKMS(env),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				// The plan shows exactly the rotation still owed.
				Config: withProvider(env, wanted),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_trigger"), knownvalue.StringExact("two")),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(14)),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("active_index")),
					},
				},
				PreConfig: func() {
					grantManagementScopes(env, "read:clients", "update:client_keys")
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if n := auth0Rotations(env) - rotationsBefore; n != 1 {
							return fmt.Errorf("the tenant rotated %d times in all, want exactly 1", n)
						}
						return nil
					},
					stateMatchesKMS(env),
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				Config: withProvider(env, wanted),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
