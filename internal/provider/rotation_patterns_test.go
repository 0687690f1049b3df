package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

// The patterns of docs/guides/rotation-patterns.md, on the CLIs that run them.

// patternHCL is the test rotation (rotating only on demand), the rotate
// action, and extra blocks.
func patternHCL(env *acctest.Env, extra string) string {
	return rotationHCL(env, basicBody+"\n  auto_rotation_enabled = false\n") + `
action "hanzokms_auth0_client_secret_rotation_rotate" "now" {
  config {
    rotation_id = hanzokms_auth0_client_secret_rotation.test.id
  }
}
` + extra
}

// releaseHCL is a release that rotates after every update; onFailure is the
// action_trigger's on_failure line, or "" for the default (halt).
func releaseHCL(release, onFailure string) string {
	return fmt.Sprintf(`
resource "terraform_data" "release" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.now]
      %s
    }
  }
}
`, release, onFailure)
}

func setRotateScope(env *acctest.Env, allowed bool) {
	scopes := []string{localauth0.ScopeReadClients}
	if allowed {
		scopes = append(scopes, localauth0.ScopeUpdateClientKeys)
	}
	grantManagementScopes(env, scopes...)
}

// on_failure = continue (Terraform 1.16): a rotation that fails after a
// release is a warning, and the release's apply succeeds; without it (halt,
// the default) the same failure fails the apply.
func TestAccRotationPatterns_actionOnFailureContinue(t *testing.T) {
	env := acctest.Start(t)
	var secret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureActionOnFailureAndDestroyEvents)},
		Steps: []resource.TestStep{
			{
				Config: patternHCL(env, releaseHCL("v1", "on_failure = continue")),
				Check: func(*terraform.State) error {
					secret = env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				// Auth0 now refuses the rotation: the release still applies.
				PreConfig: func() { setRotateScope(env, false) },
				Config:    patternHCL(env, releaseHCL("v2", "on_failure = continue")),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("terraform_data.release", "input", "v2"),
					func(*terraform.State) error {
						if n := env.KMS.RequestCount(routeRotate); n != 1 {
							return fmt.Errorf("rotate-secrets called %d times, want 1", n)
						}
						if env.Tenant.Secret(acctest.AppClientID) != secret {
							return fmt.Errorf("the Auth0 secret changed although the rotation failed")
						}
						return nil
					},
				),
			},
			{
				Config:      patternHCL(env, releaseHCL("v3", "")),
				ExpectError: regexp.MustCompile(`update:client_keys`),
			},
			{
				PreConfig: func() { setRotateScope(env, true) },
				Config:    patternHCL(env, releaseHCL("v4", "on_failure = continue")),
				Check: func(*terraform.State) error {
					if env.Tenant.Secret(acctest.AppClientID) == secret {
						return fmt.Errorf("the rotation after the release did not rotate")
					}
					return nil
				},
			},
		},
	})
}

// after_destroy of a consumer (Terraform 1.16): replacing the consumer (a
// new deployment instead of the old, which held the secret) rotates the
// secret after the old one is gone; nothing rotates on its create.
func TestAccRotationPatterns_rotateAfterConsumerReplaced(t *testing.T) {
	env := acctest.Start(t)
	consumer := func(deployment string) string {
		return patternHCL(env, fmt.Sprintf(`
resource "terraform_data" "consumer" {
  triggers_replace = %q
  lifecycle {
    action_trigger {
      events  = [after_destroy]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.now]
    }
  }
}
`, deployment))
	}
	var secret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureActionOnFailureAndDestroyEvents)},
		Steps: []resource.TestStep{
			{
				Config: consumer("blue"),
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 0 {
						return fmt.Errorf("rotate-secrets called %d times on create, want 0", n)
					}
					secret = env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				Config: consumer("green"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.consumer", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 1 {
						return fmt.Errorf("rotate-secrets called %d times, want 1", n)
					}
					if env.Tenant.Secret(acctest.AppClientID) == secret {
						return fmt.Errorf("replacing the consumer did not rotate the secret")
					}
					return nil
				},
			},
		},
	})
}

// destroyFalseHCL is the test rotation with lifecycle { destroy = false },
// and destroy options that would delete its secrets and revoke its Auth0
// secret if the provider were asked to delete it.
func destroyFalseHCL(env *acctest.Env) string {
	return rotationHCL(env, basicBody+`
  delete_secrets_on_destroy     = true
  revoke_credentials_on_destroy = true
  lifecycle {
    destroy = false
  }
`)
}

// forgotten checks that the KMS was never asked to delete the rotation and
// that it, its mapped secret and the Auth0 secret are as they were.
func forgotten(env *acctest.Env, id, secret *string) error {
	if n := env.KMS.RequestCount(routeDelete); n != 0 {
		return fmt.Errorf("the KMS was asked %d times to delete the rotation", n)
	}
	if exists, _, _, _ := env.KMS.Rotation(*id); !exists {
		return fmt.Errorf("the rotation %s is gone from the KMS", *id)
	}
	if v, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); !ok || v != *secret {
		return fmt.Errorf("the mapped secret is gone or changed (present %v)", ok)
	}
	if env.Tenant.Secret(acctest.AppClientID) != *secret {
		return fmt.Errorf("the Auth0 secret was revoked")
	}
	return nil
}

// lifecycle { destroy = false } when the block is removed from the
// configuration. OpenTofu 1.12 keeps the setting in state and forgets the
// rotation: the KMS is not asked to delete anything, so the rotation goes on
// and its secrets stay, whatever delete_secrets_on_destroy and
// revoke_credentials_on_destroy say. Terraform 1.16 reads the setting from
// the configuration only, so a removed block is destroyed as usual (the
// destroy options then apply): its destroy = false acts on `terraform
// destroy` (the next test).
func TestAccRotationPatterns_lifecycleDestroyFalseRemovedBlock(t *testing.T) {
	env := acctest.Start(t)
	var id, secret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureLifecycleDestroyFalse)},
		Steps: []resource.TestStep{
			{
				Config: destroyFalseHCL(env),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[rotationAddr].Primary.ID
					secret = env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				Config: env.ProviderBlock(),
				Check: func(*terraform.State) error {
					cli, err := acctest.CurrentCLI()
					if err != nil {
						return err
					}
					if cli.OpenTofu {
						return forgotten(env, &id, &secret)
					}
					if exists, _, _, _ := env.KMS.Rotation(id); exists || env.KMS.RequestCount(routeDelete) != 1 {
						return fmt.Errorf("Terraform did not delete the removed rotation (it exists: %v)", exists)
					}
					if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); ok {
						return fmt.Errorf("delete_secrets_on_destroy = true left the mapped secret")
					}
					return nil
				},
			},
		},
	})
}

// lifecycle { destroy = false } on `terraform destroy` (Terraform 1.16):
// the rotation is forgotten, not deleted. (OpenTofu forgets it too, but its
// destroy then exits with an error unless -suppress-forget-errors.)
func TestAccRotationPatterns_lifecycleDestroyFalseOnDestroy(t *testing.T) {
	env := acctest.Start(t)
	var id, secret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{acctest.Needs(
			acctest.Feature{Name: "destroy = false honoured by a destroy that succeeds", Terraform: "1.16.0"})},
		CheckDestroy: func(*terraform.State) error { return forgotten(env, &id, &secret) },
		Steps: []resource.TestStep{
			{
				Config: destroyFalseHCL(env),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[rotationAddr].Primary.ID
					secret = env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
		},
	})
}

// A rotation_trigger derived from plantimestamp() (what the guide offers when
// the hashicorp/time provider's time_rotating is not at hand): the same
// window plans nothing, a new window rotates once.
func TestAccRotationPatterns_triggerFromPlanTimestamp(t *testing.T) {
	env := acctest.Start(t)
	windowed := func(format string) string {
		return rotationHCL(env, basicBody+fmt.Sprintf("\n  auto_rotation_enabled = false\n  rotation_trigger = formatdate(%q, plantimestamp())\n", format))
	}
	var secret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The monthly window: set on create, it does not rotate again;
				// the plan after the apply is empty in the same month.
				Config: windowed("YYYY-MM"),
				Check: func(*terraform.State) error {
					secret = env.Tenant.Secret(acctest.AppClientID)
					if n := env.KMS.RequestCount(routeRotate); n != 0 {
						return fmt.Errorf("rotate-secrets called %d times on create, want 0", n)
					}
					return nil
				},
			},
			{
				// A new window (here: daily instead of monthly) rotates once.
				Config: windowed("YYYY-MM-DD"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 1 {
						return fmt.Errorf("rotate-secrets called %d times, want 1", n)
					}
					if env.Tenant.Secret(acctest.AppClientID) == secret {
						return fmt.Errorf("the new window did not rotate the secret")
					}
					return nil
				},
			},
		},
	})
}
