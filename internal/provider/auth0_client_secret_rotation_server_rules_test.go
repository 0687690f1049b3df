package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// These tests hold the provider to how the KMS server behaves where a
// mistake locks the Auth0 application's consumers out.

const routeSecretRead = "GET /api/v4/secrets/{name}"

// checkAuth0SecretStillWorks proves that the rotated application's secret
// taken before a step still logs in at the tenant: nothing replaced it.
func checkAuth0SecretStillWorks(t *testing.T, env *acctest.Env, secret string) {
	t.Helper()
	clientID := acctest.AppClientID
	if env.Tenant.Secret(clientID) != secret {
		t.Errorf("the Auth0 secret of %s was replaced", clientID)
	}
	if err := env.Auth0Login(clientID, secret); err != nil {
		t.Errorf("the secret %s had before no longer logs in: %v", clientID, err)
	}
}

// A mapped name already taken in the folder: the KMS would replace the
// application's secret at Auth0 and only then refuse. The provider lists the
// folder's names first and never sends the create.
func TestAccServerRules_takenMappedNameIsRefusedBeforeAuth0IsTouched(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET", "an unrelated value")
	before := env.Tenant.Secret(acctest.AppClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotationHCL(env, basicBody),
			ExpectError: wrapTolerant(`(?s)Mapped secret already exists.*secrets_mapping.client_secret names secret "AUTH0_CLIENT_SECRET", ` +
				`which already exists in environment "dev", folder "/".*Nothing was sent`),
		}},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 0 {
		t.Errorf("the create was sent %d times", n)
	}
	if ids := env.KMS.RotationIDs(); len(ids) != 0 {
		t.Errorf("rotations exist: %v", ids)
	}
	checkAuth0SecretStillWorks(t, env, before)
	if v, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); v != "an unrelated value" {
		t.Errorf("the existing secret changed")
	}
}

// A secret the KMS holds back from reads by name (an AI-access policy that
// requires approval: reads by name answer a bare 500) is in the folder's
// listing like any other, which has no such check: it is taken. Free names cost the
// folder's one listing; plan and refresh of the rotation list nothing.
func TestAccServerRules_heldBackSecretIsTakenAndFreeNamesCostOneListing(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_ID", "held")
	env.KMS.SetAIAccessPolicy(acctest.ProjectID, "dev", "/", localkms.AIAccessRequiresApproval)
	before := env.Tenant.Secret(acctest.AppClientID)
	freeNames := strings.NewReplacer(`"AUTH0_CLIENT_ID"`, `"BILLING_CLIENT_ID"`, `"AUTH0_CLIENT_SECRET"`, `"BILLING_CLIENT_SECRET"`).Replace(basicBody)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				ExpectError: wrapTolerant(`(?s)Mapped secret already exists.*secrets_mapping.client_id names secret "AUTH0_CLIENT_ID", ` +
					`which already exists in environment "dev", folder "/"`),
			},
			{
				PreConfig: func() {
					checkAuth0SecretStillWorks(t, env, before)
					env.KMS.SetAIAccessPolicy(acctest.ProjectID, "dev", "/", localkms.AIAccessAutoApprove)
					env.KMS.ResetCounters()
				},
				Config: rotationHCL(env, freeNames),
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "BILLING_CLIENT_ID", "BILLING_CLIENT_SECRET"),
					func(*terraform.State) error {
						// The create phase: one listing at plan, one at apply, one
						// create; no read by name.
						reads, lists, creates := env.KMS.RequestCount(routeSecretRead), env.KMS.RequestCount(routeSecretList), env.KMS.RequestCount(routeCreate)
						if reads != 0 || lists != 2 || creates != 1 {
							return fmt.Errorf("create phase: %d reads by name, %d listings, %d creates; want 0, 2 (plan, apply) and 1\n%s",
								reads, lists, creates, env.KMS.CountsString())
						}
						env.KMS.ResetCounters()
						return nil
					},
				),
			},
			{
				// A PlanOnly step runs no Check: what the plans read is counted
				// in the next step's PreConfig, before anything else runs.
				Config:   rotationHCL(env, freeNames),
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					if n := env.KMS.RequestCount(routeSecretRead) + env.KMS.RequestCount(routeSecretList); n != 0 {
						t.Errorf("the plans and refreshes after create read or listed secrets %d times:\n%s", n, env.KMS.CountsString())
					}
				},
				Config: env.ProviderBlock(),
			},
		},
	})
	if n := env.KMS.RequestCount(routeSecretRead) + env.KMS.RequestCount(routeSecretList); n != 0 {
		t.Errorf("plan, refresh or destroy read or listed secrets %d times:\n%s", n, env.KMS.CountsString())
	}
}

// Switching parameters.client_id: the KMS only switches the application
// (it issues nothing), so the provider rotates right after, and the plan
// says so. The old application is not touched.
func TestAccServerRules_switchingApplicationsIssuesTheNewApplicationsSecret(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	switched := strings.Replace(basicBody, `client_id = "app-client-1"`, `client_id = "app-client-2"`, 1)
	var oldAppSecret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				Check: func(*terraform.State) error {
					oldAppSecret = env.Tenant.Secret(acctest.AppClientID)
					env.KMS.ResetCounters()
					return nil
				},
			},
			{
				Config: rotationHCL(env, switched),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("active_index")),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("last_rotated_at")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("parameters").AtMapKey("client_id"), knownvalue.StringExact("app-client-2")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWorkFor(env, "app-client-2", "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(*terraform.State) error {
						if p, r := env.KMS.RequestCount(routePatch), env.KMS.RequestCount(routeRotate); p != 1 || r != 1 {
							return fmt.Errorf("switch: %d PATCH, %d rotate; want 1 and 1", p, r)
						}
						if env.Tenant.Secret(acctest.AppClientID) != oldAppSecret {
							return fmt.Errorf("the old application's secret was replaced")
						}
						return env.Auth0Login(acctest.AppClientID, oldAppSecret)
					},
				),
			},
			{
				Config:           rotationHCL(env, switched),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// When the rotation after a switch fails, the switch has landed: the next
// plan still owes the rotation and the next apply performs it.
func TestAccServerRules_failedRotationAfterASwitchIsOwed(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-2", Name: "Payments API client", Audiences: []string{localstack.AppAudience}})
	switched := strings.Replace(basicBody, `client_id = "app-client-1"`, `client_id = "app-client-2"`, 1)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rotationHCL(env, basicBody)},
			{
				PreConfig:   func() { env.KMS.InjectFault(localkms.Fault{Route: routeRotate, Status: 500}) },
				Config:      rotationHCL(env, switched),
				ExpectError: wrapTolerant(`(?s)Could not rotate the Auth0 client secret`),
			},
			{
				Config: rotationHCL(env, switched),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rotationAddr, tfjsonpath.New("active_index")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
				},
				Check: checkMappedSecretsWorkFor(env, "app-client-2", "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				Config:           rotationHCL(env, switched),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// rotationWithConnectionHCL is basicBody on a given connection.
func rotationWithConnectionHCL(env *acctest.Env, connectionID, extra string) string {
	return env.ProviderBlock() + fmt.Sprintf(`
resource "hanzokms_auth0_client_secret_rotation" "test" {
  project_id    = %q
  connection_id = %q
%s
%s
}
`, acctest.ProjectID, connectionID, basicBody, extra)
}

func secondConnection(t *testing.T, env *acctest.Env) string {
	t.Helper()
	conn, err := env.Client.CreateAuth0Connection(context.Background(), kms.CreateAuth0ConnectionRequest{
		Name: "acc-auth0-second", Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: env.Tenant.Domain(), ClientID: acctest.ManagementClientID,
			ClientSecret: env.Tenant.Secret(acctest.ManagementClientID), Audience: env.Tenant.ManagementAudience(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.KMS.ResetCounters()
	return conn.ID
}

// A new connection_id replaces the rotation in the same folder with the same
// names. With delete_secrets_on_destroy = false the old secrets would stay
// and the new create would be refused, leaving no rotation: the plan fails
// and says what to do. With it set to true first, the replacement works.
func TestAccServerRules_replacementNeverStrandsTheUser(t *testing.T) {
	env := acctest.Start(t)
	second := secondConnection(t, env)
	var firstID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationWithConnectionHCL(env, env.ConnectionID, ""),
				Check:  func(s *terraform.State) error { firstID = stateAttr(s, "id"); return nil },
			},
			{
				Config: rotationWithConnectionHCL(env, second, ""),
				ExpectError: wrapTolerant(`(?s)This replacement would leave the rotation's secrets in the way.*` +
					`Changing connection_id replaces the rotation.*"AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET".*delete_secrets_on_destroy = true.*secrets_mapping`),
			},
			{
				// Refused at plan: the rotation and its secrets are as they were.
				PreConfig: func() {
					if exists, _, _, _ := env.KMS.Rotation(firstID); !exists {
						t.Errorf("the refused replacement destroyed the rotation")
					}
				},
				Config:           rotationWithConnectionHCL(env, env.ConnectionID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				// The way out the error names: an in-place change first ...
				Config: rotationWithConnectionHCL(env, env.ConnectionID, "  delete_secrets_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				// ... then the replacement: old secrets deleted with the old
				// rotation, fresh ones written by the new.
				Config: rotationWithConnectionHCL(env, second, "  delete_secrets_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_id"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact("acc-auth0-second")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					func(s *terraform.State) error {
						if exists, _, _, _ := env.KMS.Rotation(firstID); exists || stateAttr(s, "id") == firstID {
							return fmt.Errorf("the old rotation was not replaced")
						}
						return nil
					},
				),
			},
		},
	})
}

// Renaming the mapped secrets in the same change is the other way out: the
// replacement writes new names, so nothing is in the way.
func TestAccServerRules_replacementWithNewNamesIsAllowed(t *testing.T) {
	env := acctest.Start(t)
	second := secondConnection(t, env)
	renamed := func(connectionID string) string {
		return strings.NewReplacer(`"AUTH0_CLIENT_ID"`, `"AUTH0_CLIENT_ID_V2"`, `"AUTH0_CLIENT_SECRET"`, `"AUTH0_CLIENT_SECRET_V2"`).
			Replace(rotationWithConnectionHCL(env, connectionID, ""))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rotationWithConnectionHCL(env, env.ConnectionID, "")},
			{
				Config: renamed(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID_V2", "AUTH0_CLIENT_SECRET_V2"),
					func(*terraform.State) error {
						// The old secrets stay (delete_secrets_on_destroy = false), as ordinary secrets.
						if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); !ok {
							return fmt.Errorf("the old rotation's secret was deleted")
						}
						return nil
					},
				),
			},
		},
	})
}

// namedConnectionHCL is an app connection with the given name and audience
// line (empty: the default audience).
func namedConnectionHCL(env *acctest.Env, name, audienceLine string) string {
	return env.ProviderBlock() + fmt.Sprintf(`
resource "hanzokms_app_connection_auth0" "test" {
  name          = %q
  domain        = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, name, env.Tenant.Domain(), acctest.ManagementClientID, env.Tenant.Secret(acctest.ManagementClientID), audienceLine)
}

// Names: the KMS refuses upper case (422) rather than lowercasing it, and a
// connection name may have up to 64 characters. An audience must end in "/"
// (the KMS appends clients/<id> to it). All judged at plan, before any request.
func TestAccServerRules_namesAndAudience(t *testing.T) {
	env := acctest.Start(t)
	long := strings.Repeat("a", 30) + "-" + strings.Repeat("b", 33) // 64 characters
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      namedConnectionHCL(env, "Tenant-Rotator", ""),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Attribute name must be a slug: lowercase letters`),
			},
			{
				Config:      namedConnectionHCL(env, long+"c", ""),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Attribute name string length must be between 1 and 64`),
			},
			{
				Config:      namedConnectionHCL(env, "tenant-rotator", fmt.Sprintf("audience = %q", strings.TrimSuffix(env.Tenant.ManagementAudience(), "/"))),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Attribute audience must be the Management API's URL ending in "/".*appends clients/<client id>`),
			},
			{
				Config:      rotationHCL(env, strings.Replace(basicBody, `"billing-auth0"`, `"Billing-Auth0"`, 1)),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Attribute name must be a slug`),
			},
			{
				PreConfig: func() {
					if n := env.KMS.TotalRequests(); n != 0 {
						t.Errorf("invalid names sent %d requests:\n%s", n, env.KMS.CountsString())
					}
				},
				Config: namedConnectionHCL(env, long, fmt.Sprintf("audience = %q", env.Tenant.ManagementAudience())),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("name"), knownvalue.StringExact(long)),
				},
			},
		},
	})
}

// stateScheduleIsTheKMSs checks that the rotation's schedule in state is
// what the KMS answers now: the provider computes no schedule, it shows the
// KMS's (whose rules, such as a day more after a late manual rotation, are
// the local KMS's tests: TestScheduleAfterManualRotationsAndFailures).
func stateScheduleIsTheKMSs(env *acctest.Env, wantStatus string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rot, err := env.Client.GetAuth0ClientSecretRotation(context.Background(), stateAttr(s, "id"))
		if err != nil {
			return err
		}
		if rot.NextRotationAt == nil || *rot.NextRotationAt == "" {
			return fmt.Errorf("the KMS has no next rotation: the check would prove nothing")
		}
		if got := stateAttr(s, "next_rotation_at"); got != *rot.NextRotationAt {
			return fmt.Errorf("next_rotation_at in state = %q, the KMS answers %q", got, *rot.NextRotationAt)
		}
		if got := stateAttr(s, "rotation_status"); got != wantStatus || got != rot.RotationStatus {
			return fmt.Errorf("rotation_status in state = %q, the KMS answers %q, want %q", got, rot.RotationStatus, wantStatus)
		}
		return nil
	}
}

// After a manual rotation (the create) late in the day, the KMS schedules
// the next one a day further out; the state shows the KMS's date.
func TestAccServerRules_scheduleAfterALateManualRotationIsTheKMSs(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotationHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 2", 1)),
			Check:  stateScheduleIsTheKMSs(env, "success"),
		}},
	})
}

// A failed manual rotation makes the KMS set next_rotation_at even with
// auto-rotation off: the refresh shows the KMS's date and the failure; once
// fixed, the owed rotation succeeds and next_rotation_at is null again.
func TestAccServerRules_failedRotationShowsTheKMSsNextRotationWithAutoRotationOff(t *testing.T) {
	env := acctest.Start(t)
	body := func(trigger string) string {
		return strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 30\n  auto_rotation_enabled = false\n  rotation_trigger = \""+trigger+"\"", 1)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, body("one")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
				},
			},
			{
				PreConfig:   func() { grantManagementScopes(env, "read:clients") },
				Config:      rotationHCL(env, body("two")),
				ExpectError: wrapTolerant(`(?s)Could not rotate the Auth0 client secret`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the rotation is still owed
				Check:              stateScheduleIsTheKMSs(env, "failed"),
			},
			{
				// Fixed: the owed rotation succeeds; auto-rotation being off,
				// next_rotation_at is null again.
				PreConfig: func() {
					grantManagementScopes(env, "read:clients", "update:client_keys")
				},
				Config: rotationHCL(env, body("two")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
				},
			},
		},
	})
}

// A connection that a rotation still uses cannot be deleted: destroying it
// fails with the KMS's reason and leaves it in state.
func TestAccServerRules_connectionInUseIsNotDeleted(t *testing.T) {
	env := acctest.Start(t)
	var rotationID string
	config := namedConnectionHCL(env, "tenant-rotator", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					// A rotation made outside Terraform uses the connection.
					rot, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
						Name: "outside", ProjectID: acctest.ProjectID, ConnectionID: s.RootModule().Resources[connectionAddr].Primary.ID,
						Environment: "dev", SecretPath: "/", IsAutoRotationEnabled: false, RotationInterval: 30,
						Parameters:     kms.Auth0RotationParameters{ClientID: acctest.AppClientID},
						SecretsMapping: kms.Auth0SecretsMapping{ClientID: "OUTSIDE_ID", ClientSecret: "OUTSIDE_SECRET"},
					})
					if err != nil {
						return err
					}
					rotationID = rot.ID
					return nil
				},
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: wrapTolerant(`(?s)Cannot delete App Connection with existing connections`),
			},
			{
				PreConfig: func() {
					if len(env.KMS.ConnectionIDs()) != 2 {
						t.Errorf("the connection in use was deleted: %v", env.KMS.ConnectionIDs())
					}
					env.KMS.DeleteRotationOutOfBand(rotationID, true)
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// With create_before_destroy the new rotation is created while the old one
// still holds the mapped names: even with delete_secrets_on_destroy = true
// the create is refused before it is sent, and the old rotation is kept.
func TestAccServerRules_createBeforeDestroyKeepsTheOldRotation(t *testing.T) {
	env := acctest.Start(t)
	second := secondConnection(t, env)
	cbd := "  delete_secrets_on_destroy = true\n  lifecycle {\n    create_before_destroy = true\n  }"
	var firstID, secretBefore string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationWithConnectionHCL(env, env.ConnectionID, cbd),
				Check: func(s *terraform.State) error {
					firstID, secretBefore = stateAttr(s, "id"), env.Tenant.Secret(acctest.AppClientID)
					return nil
				},
			},
			{
				Config:      rotationWithConnectionHCL(env, second, cbd),
				ExpectError: wrapTolerant(`(?s)Mapped secret already exists.*"AUTH0_CLIENT_ID".*create_before_destroy`),
			},
			{
				PreConfig: func() {
					if exists, _, _, _ := env.KMS.Rotation(firstID); !exists {
						t.Errorf("the old rotation is gone")
					}
					checkAuth0SecretStillWorks(t, env, secretBefore)
				},
				Config:           rotationWithConnectionHCL(env, env.ConnectionID, cbd),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}
