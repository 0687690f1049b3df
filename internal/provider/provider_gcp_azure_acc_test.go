package provider_test

// Acceptance tests of GCP Auth (gce and iam) and Azure Auth on the real
// CLI: the provider gets its credential from the local GCP metadata server
// and IAM Credentials API, or from the local Azure identity endpoint, and
// the local KMS verifies it with the keys those stand-ins publish, as the
// server does with Google's and Microsoft's.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// cloudLogin is one of the three logins, set up with variables alone.
type cloudLogin struct {
	name, identity, route string
	setup                 func(t *testing.T, env *acctest.Env)
	// accepted lists the principals (service account or object id) of the
	// logins the KMS accepted.
	accepted func(env *acctest.Env) []string
}

var cloudLogins = []cloudLogin{
	{"gce", localstack.GCEIdentityID, gcpLoginRoute,
		func(t *testing.T, env *acctest.Env) { gcpOnlyEnv(t, env, localstack.GCEIdentityID, "") },
		func(env *acctest.Env) []string { return env.KMS.GCPLogins(localstack.GCEIdentityID) }},
	{"iam", localstack.GCPIAMIdentityID, gcpLoginRoute,
		func(t *testing.T, env *acctest.Env) {
			gcpOnlyEnv(t, env, localstack.GCPIAMIdentityID, localstack.GCPTerraformServiceAccount)
		},
		func(env *acctest.Env) []string { return env.KMS.GCPLogins(localstack.GCPIAMIdentityID) }},
	{"azure", localstack.AzureIdentityID, azureLoginRoute,
		func(t *testing.T, env *acctest.Env) { azureOnlyEnv(t, env, localstack.AzureIdentityID) },
		func(env *acctest.Env) []string { return env.KMS.AzureLogins(localstack.AzureIdentityID) }},
}

// The whole lifecycle with each login only: create, update in place,
// import, destroy; no client secret in the environment.
func TestAccGCPAzure_lifecycleWithoutAClientSecret(t *testing.T) {
	acctest.SkipOnRealServer(t)
	for _, l := range cloudLogins {
		t.Run(l.name, func(t *testing.T) {
			env := acctest.Start(t)
			l.setup(t, env)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: rotationOnlyHCL(env, basicBody),
						Check: resource.ComposeTestCheckFunc(
							checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
							onlyLoginsOn(env, l.route),
						),
					},
					{
						Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 15", 1)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
						}},
						Check: resource.ComposeTestCheckFunc(
							resource.TestCheckResourceAttr(rotationAddr, "rotation_interval", "15"),
							onlyLoginsOn(env, l.route),
						),
					},
					{
						ResourceName: rotationAddr, ImportState: true, ImportStateVerify: true,
						ImportStateVerifyIgnore: []string{"rotation_trigger", "delete_secrets_on_destroy", "revoke_credentials_on_destroy"},
					},
				},
				CheckDestroy: func(*terraform.State) error {
					if ids := env.KMS.RotationIDs(); len(ids) != 0 {
						return fmt.Errorf("rotations left after destroy: %v", ids)
					}
					if len(l.accepted(env)) == 0 {
						return fmt.Errorf("the KMS accepted no %s login", l.name)
					}
					return onlyLoginsOn(env, l.route)(nil)
				},
			})
		})
	}
}

// Each refused login stops the run at configure time with an error that
// says what the KMS checked and what to fix, after exactly one login
// attempt (none when the credential itself could not be had).
func TestAccGCPAzure_refusedLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	runner := localstack.GCPRunner()
	cases := []struct {
		name   string
		setup  func(t *testing.T)
		route  string
		logins int
		want   string
	}{
		{"gce other service account", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCEIdentityID, "")
			i := runner
			i.ServiceAccount = localstack.GCPOtherServiceAccount
			env.GCP.SetInstance(i)
		}, gcpLoginRoute, 1, `GCP service account not allowed(.|\n)*instance's service account(.|\n)*allowed service accounts`},
		{"gce other project", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCEIdentityID, "")
			i := runner
			i.ProjectID = "acme-sandbox"
			env.GCP.SetInstance(i)
		}, gcpLoginRoute, 1, `GCP project not allowed(.|\n)*run Terraform in an allowed project, or add the project id`},
		{"gce other zone", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCEIdentityID, "")
			i := runner
			i.Zone = "us-central1-a"
			env.GCP.SetInstance(i)
		}, gcpLoginRoute, 1, `GCP zone not allowed(.|\n)*run Terraform in an allowed zone, or add the zone`},
		{"gce to an iam identity", func(t *testing.T) { gcpOnlyEnv(t, env, localstack.GCPIAMIdentityID, "") },
			gcpLoginRoute, 1, `Invalid service account identifier(.|\n)*type IAM(.|\n)*gcp_auth_type = "iam"`},
		{"iam to a gce identity", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCEIdentityID, localstack.GCPTerraformServiceAccount)
		}, gcpLoginRoute, 1, `HTTP 500(.|\n)*could not fetch the public keys(.|\n)*gcp_auth_type = "gce"`},
		{"gce unknown identity", func(t *testing.T) { gcpOnlyEnv(t, env, "00000000-0000-4000-8000-000000000000", "") },
			gcpLoginRoute, 1, `GCP auth method not found(.|\n)*gcp_identity_id`},
		{"iam service account not allowed", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCPIAMIdentityID, localstack.GCPRunnerServiceAccount)
		}, gcpLoginRoute, 1, `GCP service account not allowed(.|\n)*` + regexp.QuoteMeta(localstack.GCPRunnerServiceAccount)},
		{"iam signJwt refused", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCPIAMIdentityID, localstack.GCPOtherServiceAccount)
		}, gcpLoginRoute, 0, `PERMISSION_DENIED(.|\n)*Service Account Token Creator`},
		{"gce no metadata server identity", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCEIdentityID, "")
			i := runner
			i.ServiceAccount = ""
			env.GCP.SetInstance(i)
		}, gcpLoginRoute, 0, `metadata server(.|\n)*service account attached`},
		{"azure other service principal", func(t *testing.T) {
			azureOnlyEnv(t, env, localstack.AzureIdentityID)
			env.Azure.SetSystemAssigned(localazure.Identity{ClientID: "c", ObjectID: "0badc0de-0000-4000-8000-000000000000"})
		}, azureLoginRoute, 1, `Service principal '0badc0de-0000-4000-8000-000000000000' not allowed(.|\n)*allowed service principal ids`},
		{"azure other resource", func(t *testing.T) {
			azureOnlyEnv(t, env, localstack.AzureIdentityID)
			t.Setenv(envvar.AzureResource, "https://vault.azure.net/")
		}, azureLoginRoute, 1, `jwt audience invalid(.|\n)*azure_resource`},
		{"azure unknown identity", func(t *testing.T) { azureOnlyEnv(t, env, "00000000-0000-4000-8000-000000000000") },
			azureLoginRoute, 1, `Azure auth method not found(.|\n)*azure_identity_id`},
		{"azure no identity endpoint", func(t *testing.T) {
			azureOnlyEnv(t, env, localstack.AzureIdentityID)
			t.Setenv("IDENTITY_HEADER", "wrong")
		}, azureLoginRoute, 0, `managed identity endpoint answered HTTP 401(.|\n)*managed identity`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup(t)
			t.Cleanup(func() {
				env.GCP.SetInstance(runner)
				env.Azure.SetSystemAssigned(localazure.Identity{ClientID: localstack.AzureClientID, ObjectID: localstack.AzureServicePrincipalID})
			})
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      rotationOnlyHCL(env, basicBody),
					ExpectError: regexp.MustCompile(`Hanzo KMS authentication failed(.|\n)*` + wrapped(tc.want)),
				}},
			})
			if n := env.KMS.RequestCount(tc.route); n != tc.logins {
				t.Errorf("%d login attempts, want %d:\n%s", n, tc.logins, env.KMS.CountsString())
			}
			if n := env.KMS.TotalRequests(); n != tc.logins {
				t.Errorf("%d requests, want only the refused login:\n%s", n, env.KMS.CountsString())
			}
		})
	}
}

// The credential changes between two runs (the runner moved to another
// service account, IAM signs for another account, the managed identity
// was recreated): the second run logs in with the new one. When the KMS
// access token expires in the middle of an apply, the provider logs in
// once more with a credential obtained again.
func TestAccGCPAzure_credentialChangesBetweenRuns(t *testing.T) {
	acctest.SkipOnRealServer(t)
	const newObjectID = "7e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	changes := map[string]struct {
		allowBoth func(env *acctest.Env) error
		change    func(t *testing.T, env *acctest.Env)
		newOne    string
	}{
		"gce": {
			func(env *acctest.Env) error {
				return env.KMS.AddGCPIdentity(localkms.GCPIdentity{ID: localstack.GCEIdentityID, Type: "gce",
					AllowedServiceAccounts: localstack.GCPRunnerServiceAccount + ", " + localstack.GCPOtherServiceAccount})
			},
			func(t *testing.T, env *acctest.Env) {
				i := localstack.GCPRunner()
				i.ServiceAccount = localstack.GCPOtherServiceAccount
				env.GCP.SetInstance(i)
			}, localstack.GCPOtherServiceAccount,
		},
		"iam": {
			func(env *acctest.Env) error {
				return env.KMS.AddGCPIdentity(localkms.GCPIdentity{ID: localstack.GCPIAMIdentityID, Type: "iam",
					AllowedServiceAccounts: localstack.GCPTerraformServiceAccount + "," + localstack.GCPRunnerServiceAccount})
			},
			func(t *testing.T, env *acctest.Env) {
				t.Setenv(envvar.GCPServiceAccountEmail, localstack.GCPRunnerServiceAccount)
			}, localstack.GCPRunnerServiceAccount,
		},
		"azure": {
			func(env *acctest.Env) error {
				return env.KMS.AddAzureIdentity(localkms.AzureIdentity{ID: localstack.AzureIdentityID, TenantID: localstack.AzureTenantID,
					AllowedServicePrincipalIDs: localstack.AzureServicePrincipalID + "," + newObjectID})
			},
			func(t *testing.T, env *acctest.Env) {
				env.Azure.SetSystemAssigned(localazure.Identity{ClientID: localstack.AzureClientID, ObjectID: newObjectID})
			}, newObjectID,
		},
	}
	for _, l := range cloudLogins {
		t.Run(l.name, func(t *testing.T) {
			env := acctest.Start(t)
			l.setup(t, env)
			ch := changes[l.name]
			if err := ch.allowBoth(env); err != nil {
				t.Fatal(err)
			}
			first := map[string]string{"gce": localstack.GCPRunnerServiceAccount, "iam": localstack.GCPTerraformServiceAccount,
				"azure": localstack.AzureServicePrincipalID}[l.name]
			var before int
			acceptedSince := func(want string, atLeast int) resource.TestCheckFunc {
				return func(*terraform.State) error {
					got := l.accepted(env)[before:]
					if len(got) < atLeast {
						return fmt.Errorf("%d logins since the change, want at least %d", len(got), atLeast)
					}
					for _, p := range got {
						if p != want {
							return fmt.Errorf("logins since the change carried %v, want only %s", got, want)
						}
					}
					return nil
				}
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: rotationOnlyHCL(env, basicBody),
						Check:  resource.ComposeTestCheckFunc(acceptedSince(first, 1), onlyLoginsOn(env, l.route)),
					},
					{
						PreConfig: func() {
							ch.change(t, env)
							before = len(l.accepted(env))
						},
						Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 7", 1)),
						Check:  resource.ComposeTestCheckFunc(acceptedSince(ch.newOne, 1), onlyLoginsOn(env, l.route)),
					},
					{
						PreConfig: func() {
							env.KMS.ResetCounters()
							env.KMS.InjectFault(localkms.Fault{Route: routePatch, ExpireTokens: true})
							before = len(l.accepted(env))
						},
						Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 9", 1)),
						Check: resource.ComposeTestCheckFunc(acceptedSince(ch.newOne, 2), func(*terraform.State) error {
							if n := env.KMS.RequestCount(routePatch); n != 2 {
								return fmt.Errorf("%d update requests, want 2 (the refused one, then the one after the new login)", n)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}
