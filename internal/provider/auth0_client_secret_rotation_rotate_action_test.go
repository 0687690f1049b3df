package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// rotationsAtTenant is how many secrets the Auth0 application has had: one
// more after every rotation the KMS carried out.
func rotationsAtTenant(env *acctest.Env) int {
	return len(env.Tenant.SecretHistory(acctest.AppClientID))
}

// actionHCL is the test rotation, a terraform_data whose update triggers the
// rotate action, and the action itself.
func actionHCL(env *acctest.Env, release string) string {
	return rotationHCL(env, basicBody+"\n  auto_rotation_enabled = false\n") + fmt.Sprintf(`
action "hanzokms_auth0_client_secret_rotation_rotate" "now" {
  config {
    rotation_id = hanzokms_auth0_client_secret_rotation.test.id
  }
}

resource "terraform_data" "release" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.now]
    }
  }
}
`, release)
}

// From lifecycle.action_trigger: one rotation per triggering update, none on
// create or on a plan with nothing to do.
func TestAccAuth0ClientSecretRotationRotateAction_fromActionTrigger(t *testing.T) {
	env := acctest.Start(t)
	var before int
	var oldSecret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureActions)},
		Steps: []resource.TestStep{
			{
				Config: actionHCL(env, "v1"),
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRotate); n != 0 {
						return fmt.Errorf("rotate-secrets called %d times on create, want 0", n)
					}
					before, oldSecret = rotationsAtTenant(env), env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				Config: actionHCL(env, "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("terraform_data.release", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if n := env.KMS.RequestCount(routeRotate); n != 1 {
							return fmt.Errorf("rotate-secrets called %d times, want 1", n)
						}
						if got := rotationsAtTenant(env); got != before+1 {
							return fmt.Errorf("the tenant saw %d rotations, want exactly 1", got-before)
						}
						if err := env.Auth0Login(acctest.AppClientID, oldSecret); err == nil {
							return fmt.Errorf("the secret from before the action still works at Auth0")
						}
						return nil
					},
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				),
			},
			{
				// The same configuration again: the plan has nothing to do (a
				// PlanOnly step would never run this Check), and applying it
				// triggers no action.
				Config: actionHCL(env, "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := rotationsAtTenant(env); got != before+1 {
						return fmt.Errorf("a plan with nothing to do rotated: %d rotations since create", got-before)
					}
					if n := env.KMS.RequestCount(routeRotate); n != 1 {
						return fmt.Errorf("rotate-secrets called %d times in all, want the one of the update", n)
					}
					return nil
				},
			},
		},
	})
}

// `terraform apply -invoke`: each invocation rotates exactly once, also when
// the KMS's answer is lost after it rotated (the action reads the rotation
// back instead of asking again), and not at all when the KMS refused.
func TestAccAuth0ClientSecretRotationRotateAction_invoke(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureActions)
	env := acctest.Start(t)
	wd := acctest.NewWorkDir(t, acctest.ProviderFactories)
	wd.Write("main.tf", actionHCL(env, "v1"))
	wd.Run("init", "-input=false", "-no-color")
	wd.Run("apply", "-input=false", "-no-color", "-auto-approve")
	invoke := []string{"apply", "-input=false", "-no-color", "-auto-approve", "-invoke=action.hanzokms_auth0_client_secret_rotation_rotate.now"}

	for _, tc := range []struct {
		name      string
		fault     *localkms.Fault
		rotations int
		fails     string
	}{
		{name: "plain invocation", rotations: 1},
		{name: "second invocation", rotations: 1},
		{name: "answer lost after rotating", fault: &localkms.Fault{Route: routeRotate, DropAfterAct: true}, rotations: 1},
		{name: "connection dropped before rotating", fault: &localkms.Fault{Route: routeRotate, DropBeforeAct: true}, rotations: 0, fails: "Could not rotate the Auth0 client secret"},
		{name: "refused with 503", fault: &localkms.Fault{Route: routeRotate, Status: 503}, rotations: 0, fails: "Could not rotate the Auth0 client secret"},
	} {
		before, requests := rotationsAtTenant(env), env.KMS.RequestCount(routeRotate)
		if tc.fault != nil {
			env.KMS.InjectFault(*tc.fault)
		}
		out, err := wd.TryRun(invoke...)
		env.KMS.ClearFaults()
		if tc.fails == "" && err != nil {
			t.Fatalf("%s: invoke failed: %v\n%s", tc.name, err, out)
		}
		if tc.fails != "" && (err == nil || !strings.Contains(out, tc.fails)) {
			t.Fatalf("%s: want a failure saying %q, got err=%v\n%s", tc.name, tc.fails, err, out)
		}
		if got := rotationsAtTenant(env) - before; got != tc.rotations {
			t.Fatalf("%s: %d rotations at the tenant, want %d", tc.name, got, tc.rotations)
		}
		if got := env.KMS.RequestCount(routeRotate) - requests; got != 1 {
			t.Fatalf("%s: rotate-secrets asked %d times, want exactly 1", tc.name, got)
		}
		t.Logf("%s: %d rotation(s), 1 rotate request", tc.name, tc.rotations)
	}
	// The mapped secrets follow the last rotation, and the rotation resource
	// sees it on refresh: the next plan is empty.
	if err := checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET")(nil); err != nil {
		t.Fatal(err)
	}
	wd.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
}

// A rotation id that is not a UUID is refused at plan, naming the attribute.
func TestAccAuth0ClientSecretRotationRotateAction_invalidRotationID(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureActions)},
		Steps: []resource.TestStep{
			{
				Config: env.ProviderBlock() + `
action "hanzokms_auth0_client_secret_rotation_rotate" "now" {
  config {
    rotation_id = "billing"
  }
}

resource "terraform_data" "release" {
  input = "v1"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.now]
    }
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)rotation_id.*must be a UUID`),
			},
		},
	})
	if n := env.KMS.RequestCount(routeGet) + env.KMS.RequestCount(routeRotate); n != 0 {
		t.Fatalf("%d rotation requests reached the KMS for an invalid rotation_id", n)
	}
}
