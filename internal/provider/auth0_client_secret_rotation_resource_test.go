package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
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
	return checkMappedSecretsWorkFor(env, acctest.AppClientID, env_, path, idName, secretName)
}

func checkMappedSecretsWorkFor(env *acctest.Env, appClientID, env_, path, idName, secretName string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		clientID, ok := env.KMS.SecretValue(acctest.ProjectID, env_, path, idName)
		if !ok || clientID != appClientID {
			return fmt.Errorf("mapped secret %s = %q (exists %v), want %q", idName, clientID, ok, appClientID)
		}
		secret, ok := env.KMS.SecretValue(acctest.ProjectID, env_, path, secretName)
		if !ok || secret == "" {
			return fmt.Errorf("mapped secret %s is missing", secretName)
		}
		if secret != env.Tenant.Secret(appClientID) {
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
					// The KMS counts creating as a manual rotation.
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
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
}

func TestAccAuth0ClientSecretRotation_updateInPlace(t *testing.T) {
	env := acctest.Start(t)
	updated := `
  name                  = "billing-auth0-renamed"
  description           = "rotates the billing API's Auth0 secret"
  environment           = "dev"
  secret_path           = "/app/auth0/"
  rotation_interval     = 7
  auto_rotation_enabled = false
  rotate_at_utc = {
    hours   = 3
    minutes = 30
  }
  parameters = {
    client_id = "app-client-1"
  }
  secrets_mapping = {
    client_id     = "BILLING_AUTH0_CLIENT_ID"
    client_secret = "BILLING_AUTH0_CLIENT_SECRET"
  }
`
	original := strings.Replace(basicBody, `environment       = "dev"`, `environment       = "dev"
  secret_path       = "/app/auth0/"`, 1)
	var firstID, firstRotatedAt string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, original),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("secret_path"), knownvalue.StringExact("/app/auth0/")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(s *terraform.State) error {
						firstID, firstRotatedAt = stateAttr(s, "id"), stateAttr(s, "last_rotated_at")
						return nil
					},
				),
			},
			{
				Config: rotationHCL(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("next_rotation_at")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("updated_at")),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotated_at"), timestampValue),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("name"), knownvalue.StringExact("billing-auth0-renamed")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.StringExact("rotates the billing API's Auth0 secret")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("auto_rotation_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotate_at_utc"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hours": knownvalue.Int64Exact(3), "minutes": knownvalue.Int64Exact(30),
					})),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/app/auth0", "BILLING_AUTH0_CLIENT_ID", "BILLING_AUTH0_CLIENT_SECRET"),
					func(s *terraform.State) error {
						if got := stateAttr(s, "id"); got != firstID {
							return fmt.Errorf("the rotation was replaced (id %s -> %s), want an update in place", firstID, got)
						}
						if got := stateAttr(s, "last_rotated_at"); got != firstRotatedAt {
							return fmt.Errorf("an update without a trigger rotated the secret (%s -> %s)", firstRotatedAt, got)
						}
						if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/app/auth0", "AUTH0_CLIENT_SECRET"); ok {
							return fmt.Errorf("the old mapped secret name still exists after the rename")
						}
						return nil
					},
				),
			},
			{
				// Back to auto-rotation, and the description removed: sent as null.
				Config: rotationHCL(env, strings.Replace(strings.Replace(updated, `auto_rotation_enabled = false`, ``, 1),
					`description           = "rotates the billing API's Auth0 secret"`, ``, 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("auto_rotation_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_replaceOnEnvironmentChange(t *testing.T) {
	env := acctest.Start(t)
	var firstID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				Check: func(s *terraform.State) error {
					firstID = stateAttr(s, "id")
					return nil
				},
			},
			{
				Config: rotationHCL(env, strings.Replace(basicBody, `"dev"`, `"prod"`, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("environment"), knownvalue.StringExact("prod")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("environment_name"), knownvalue.StringExact("Production")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "prod", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(s *terraform.State) error {
						if stateAttr(s, "id") == firstID {
							return fmt.Errorf("environment change did not replace the rotation")
						}
						if exists, _, _, _ := env.KMS.Rotation(firstID); exists {
							return fmt.Errorf("the replaced rotation %s still exists", firstID)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_rotationTrigger(t *testing.T) {
	env := acctest.Start(t)
	var oldSecret string
	withTrigger := func(v string) string { return basicBody + "\n  rotation_trigger = " + v + "\n" }
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A trigger on create does not rotate a second time.
				Config: rotationHCL(env, withTrigger(`"2026-11-01"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
					// Creating counts as a manual rotation; active_index 0 shows there was no second.
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount("POST /api/v2/secret-rotations/auth0-client-secret/{id}/rotate-secrets"); n != 0 {
						return fmt.Errorf("create called rotate-secrets %d times", n)
					}
					oldSecret = env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				Config: rotationHCL(env, withTrigger(`{ reason = "compromised", at = "2026-11-26" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("active_index")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("last_rotated_at")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("last_rotation_attempted_at")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("next_rotation_at")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(*terraform.State) error {
						if n := env.KMS.RequestCount("POST /api/v2/secret-rotations/auth0-client-secret/{id}/rotate-secrets"); n != 1 {
							return fmt.Errorf("rotate-secrets called %d times, want 1", n)
						}
						if err := env.Auth0Login(acctest.AppClientID, oldSecret); err == nil {
							return fmt.Errorf("the secret from before the rotation still works at Auth0")
						}
						return nil
					},
				),
			},
			{
				Config: rotationHCL(env, withTrigger(`{ reason = "compromised", at = "2026-11-26" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_drift(t *testing.T) {
	env := acctest.Start(t)
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				Check: func(s *terraform.State) error {
					id = stateAttr(s, "id")
					return nil
				},
			},
			{
				// Changed outside Terraform: the plan puts it back.
				PreConfig: func() {
					env.KMS.EditRotationOutOfBand(id, func(interval *int64, auto *bool, description **string) {
						*interval, *auto = 90, false
						d := "edited in the UI"
						*description = &d
					})
				},
				Config: rotationHCL(env, basicBody),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(30)),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("auto_rotation_enabled"), knownvalue.Bool(true)),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), timestampValue),
				},
			},
			{
				// Deleted outside Terraform: the plan creates it again. The
				// mapped secrets are deleted too, as a user cleaning up would.
				PreConfig: func() {
					env.KMS.DeleteRotationOutOfBand(id, true)
				},
				Config: rotationHCL(env, basicBody),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(s *terraform.State) error {
						if stateAttr(s, "id") == id {
							return fmt.Errorf("the rotation deleted outside Terraform was not created again")
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_destroyDeletesAndRevokes(t *testing.T) {
	env := acctest.Start(t)
	var lastSecret string
	body := basicBody + `
  delete_secrets_on_destroy     = true
  revoke_credentials_on_destroy = true
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("delete_secrets_on_destroy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("revoke_credentials_on_destroy"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					lastSecret = env.Tenant.Secret(acctest.AppClientID)
					return env.Auth0Login(acctest.AppClientID, lastSecret)
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			for _, name := range []string{"AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"} {
				if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", name); ok {
					return fmt.Errorf("mapped secret %s survived delete_secrets_on_destroy", name)
				}
			}
			if err := env.Auth0Login(acctest.AppClientID, lastSecret); err == nil {
				return fmt.Errorf("the last issued secret still works after revoke_credentials_on_destroy")
			}
			return nil
		},
	})
}

func TestAccAuth0ClientSecretRotation_destroyOptionsOnlyChangeSendsNothing(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rotationHCL(env, basicBody)},
			{
				PreConfig: env.KMS.ResetCounters,
				Config:    rotationHCL(env, basicBody+"\n  delete_secrets_on_destroy = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("updated_at"), timestampValue),
					},
				},
				Check: func(*terraform.State) error {
					for route, n := range env.KMS.Requests() {
						if strings.HasPrefix(route, "PATCH") || strings.HasPrefix(route, "POST /api/v2") {
							return fmt.Errorf("changing only a destroy option sent %d %s", n, route)
						}
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); ok {
				return fmt.Errorf("delete_secrets_on_destroy = true set by update was not honoured")
			}
			return nil
		},
	})
}

func TestAccAuth0ClientSecretRotation_scheduledFailureShowsAsFailed(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 1", 1)),
			},
			{
				// Auth0 stops granting update:client_keys; the scheduler's
				// five tries fail, and a refresh shows the failure.
				PreConfig: func() {
					grantManagementScopes(env, "read:clients")
					env.Clock.Advance(49 * time.Hour)
					for range 5 {
						if env.KMS.Tick() != 1 {
							t.Errorf("the scheduler did not attempt the due rotation")
						}
						env.Clock.Advance(20 * time.Minute)
					}
				},
				Config: rotationHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 1", 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("failed")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("last_rotation_message"),
						knownvalue.StringRegexp(regexp.MustCompile(`^Failed to generate new credentials: .*Insufficient scope, expected any of: update:client_keys`))),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
				},
				// The mapped secret still holds the last good credentials.
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}

func TestAccAuth0ClientSecretRotation_auth0RefusesCreate(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.SetAuthMethod(acctest.AppClientID, "private_key_jwt")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      rotationHCL(env, basicBody),
				ExpectError: regexp.MustCompile(`(?s)Could not create the Auth0 client secret rotation.*HTTP 400.*private_key_jwt`),
			},
		},
	})
	// Checked here, not in CheckDestroy: with nothing in state the harness skips it.
	if ids := env.KMS.RotationIDs(); len(ids) != 0 {
		t.Errorf("a refused create left rotations behind: %v", ids)
	}
	if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_ID"); ok {
		t.Errorf("a refused create wrote a mapped secret")
	}
}

func TestAccAuth0ClientSecretRotation_switchApplication(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rotationHCL(env, basicBody)},
			{
				// Another application: updated in place, and its first
				// secret is issued into the mapped secrets.
				Config: rotationHCL(env, strings.Replace(basicBody, `client_id = "app-client-1"`, `client_id = "app-client-2"`, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("active_index")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("parameters").AtMapKey("client_id"), knownvalue.StringExact("app-client-2")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
				},
				Check: checkMappedSecretsWorkFor(env, "app-client-2", "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}

// An imported rotation has no trigger in state (the KMS knows none): the first
// trigger the configuration gives is adopted without rotating; the next
// change rotates.
func TestAccAuth0ClientSecretRotation_importThenTriggerDoesNotRotate(t *testing.T) {
	env := acctest.Start(t)
	withTrigger := func(v string) string { return rotationHCL(env, basicBody+"\n  rotation_trigger = \""+v+"\"\n") }
	var secretAtImport string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
						Name: "billing-auth0", ProjectID: acctest.ProjectID, ConnectionID: env.ConnectionID, Environment: "dev",
						SecretPath: "/", IsAutoRotationEnabled: true, RotationInterval: 30,
						Parameters:     kms.Auth0RotationParameters{ClientID: acctest.AppClientID},
						SecretsMapping: kms.Auth0SecretsMapping{ClientID: "AUTH0_CLIENT_ID", ClientSecret: "AUTH0_CLIENT_SECRET"},
					})
					if err != nil {
						t.Fatal(err)
					}
					secretAtImport = env.Tenant.Secret(acctest.AppClientID)
				},
				Config:             withTrigger("first"),
				ResourceName:       rotationAddr,
				ImportState:        true,
				ImportStateId:      acctest.ProjectID + ":dev:/:billing-auth0",
				ImportStatePersist: true,
			},
			{
				Config: withTrigger("first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
					},
				},
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 0 || env.Tenant.Secret(acctest.AppClientID) != secretAtImport {
						return fmt.Errorf("adopting the trigger after an import rotated the secret (%d rotate calls)", n)
					}
					return nil
				},
			},
			{
				Config: withTrigger("second"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
				},
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				// Removing the trigger does not rotate.
				Config: rotationHCL(env, basicBody),
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 1 {
						return fmt.Errorf("%d rotate calls, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// A Terraform Cloud workspace: no provider block at all, the configuration
// comes from HANZO_KMS_* environment variables.
func TestAccAuth0ClientSecretRotation_providerFromEnvironmentOnly(t *testing.T) {
	env := acctest.Start(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.ClientID, acctest.IdentityClientID)
	t.Setenv(envvar.ClientSecret, env.IdentityClientSecret)
	t.Setenv(envvar.Token, "")
	config := strings.TrimPrefix(rotationHCL(env, basicBody), env.ProviderBlock())
	if strings.Contains(config, `provider "hanzokms"`) {
		t.Fatal("the configuration still has a provider block")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}

// Spellings the API normalises or fills in plan nothing on the second run:
// an empty description, a partial rotate_at_utc, a trailing slash, a map trigger.
func TestAccAuth0ClientSecretRotation_quietSecondPlan(t *testing.T) {
	env := acctest.Start(t)
	body := strings.Replace(basicBody, `environment       = "dev"`, `environment       = "dev"
  secret_path       = "/app/auth0/"
  description       = ""
  rotate_at_utc     = { hours = 5 }
  rotation_trigger  = { by = "ops", n = 1 }`, 1)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotate_at_utc"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hours": knownvalue.Int64Exact(5), "minutes": knownvalue.Int64Exact(0),
					})),
				},
			},
			{
				Config: rotationHCL(env, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
