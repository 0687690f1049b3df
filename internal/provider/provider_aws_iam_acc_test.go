package provider_test

// Acceptance tests of AWS IAM Auth on the real CLI: the provider signs
// sts:GetCallerIdentity with the AWS SDK from the standard variables, the
// local KMS forwards it to the local STS, which verifies the signature, and
// then matches the account and ARN, as the server does.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localsts"
)

// verifiedKeys are the access key ids whose signed request STS answered.
func verifiedKeys(env *acctest.Env) []string {
	var ids []string
	for _, c := range env.STS.Calls() {
		if c.Error == "" {
			ids = append(ids, c.AccessKeyID)
		}
	}
	return ids
}

// The whole lifecycle with AWS IAM Auth only: create, update in place,
// import, destroy, with the runner's role credentials in the standard AWS
// variables and nothing else.
func TestAccAWSIAM_lifecycleWithoutAClientSecret(t *testing.T) {
	env := acctest.Start(t)
	awsOnlyEnv(t, env, localstack.AWSIdentityID, env.AWSPrincipal)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationOnlyHCL(env, basicBody),
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					onlyLoginsOn(env, awsLoginRoute),
				),
			},
			{
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 15", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(rotationAddr, "rotation_interval", "15"),
					onlyLoginsOn(env, awsLoginRoute),
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
			for _, c := range env.STS.Calls() {
				if c.AccessKeyID != env.AWSPrincipal.AccessKeyID || c.Region != localstack.AWSRegion || c.Error != "" {
					return fmt.Errorf("an unexpected STS call: %+v", c)
				}
			}
			return onlyLoginsOn(env, awsLoginRoute)(nil)
		},
	})
}

// Each refused AWS login stops the run at configure time with an error
// that says what to fix, after exactly one login attempt.
func TestAccAWSIAM_refusedLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name, identity string
		principal      func() localsts.Principal
		want           string
	}{
		{"other account", localstack.AWSIdentityID, func() localsts.Principal {
			p := env.NewAWSPrincipal("s")
			p.Account, p.ARN = "444455556666", "arn:aws:sts::444455556666:assumed-role/terraform-runner/s"
			env.STS.AddPrincipal(p)
			return p
		}, `AWS account ID not allowed(.|\n)*allowed account IDs`},
		{"other role", localstack.AWSIdentityID, func() localsts.Principal {
			p := env.NewAWSPrincipal("s")
			p.ARN = "arn:aws:sts::111122223333:assumed-role/developer/s"
			env.STS.AddPrincipal(p)
			return p
		}, `AWS principal ARN not allowed(.|\n)*allowed principal ARNs`},
		{"credentials STS refuses", localstack.AWSIdentityID, func() localsts.Principal {
			p := env.NewAWSPrincipal("s")
			p.SecretAccessKey = "not-the-secret-key"
			return p
		}, `HTTP 500(.|\n)*confirmed by AWS STS(.|\n)*invalid or have expired`},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", func() localsts.Principal { return env.AWSPrincipal },
			`AWS auth method not found(.|\n)*aws_iam_identity_id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			awsOnlyEnv(t, env, tc.identity, tc.principal())
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      rotationOnlyHCL(env, basicBody),
					ExpectError: regexp.MustCompile(`Hanzo KMS authentication failed(.|\n)*` + wrapped(tc.want)),
				}},
			})
			if n := env.KMS.RequestCount(awsLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1:\n%s", n, env.KMS.CountsString())
			}
			if n := env.KMS.TotalRequests(); n != 1 {
				t.Errorf("%d requests, want only the refused login:\n%s", n, env.KMS.CountsString())
			}
		})
	}

	// No region anywhere: refused at configure time, before any request.
	t.Run("no region", func(t *testing.T) {
		awsOnlyEnv(t, env, localstack.AWSIdentityID, env.AWSPrincipal)
		t.Setenv("AWS_REGION", "")
		env.KMS.ResetCounters()
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      rotationOnlyHCL(env, basicBody),
				ExpectError: regexp.MustCompile(`Missing AWS region(.|\n)*` + wrapped(regexp.QuoteMeta(`aws_iam_region (or HANZO_KMS_AWS_IAM_REGION)`))),
			}},
		})
		if n := env.KMS.TotalRequests(); n != 0 {
			t.Errorf("%d requests without a region:\n%s", n, env.KMS.CountsString())
		}
	})
}

// New AWS keys between two runs (a rotated access key, a new role session):
// the second run signs with them. When the KMS access token expires in the
// middle of an apply, the provider logs in once more with a new signature
// (the AWS SDK keeps environment credentials for the life of the process,
// and refreshes role credentials itself before they expire).
func TestAccAWSIAM_credentialsChangeBetweenRuns(t *testing.T) {
	env := acctest.Start(t)
	awsOnlyEnv(t, env, localstack.AWSIdentityID, env.AWSPrincipal)
	second := env.NewAWSPrincipal("second")
	lastVerified := func(key string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			keys := verifiedKeys(env)
			if len(keys) == 0 || keys[len(keys)-1] != key {
				return fmt.Errorf("verified keys %v, want the last to be %s", keys, key)
			}
			return nil
		}
	}
	var callsBefore int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationOnlyHCL(env, basicBody),
				Check:  resource.ComposeTestCheckFunc(lastVerified(env.AWSPrincipal.AccessKeyID), onlyLoginsOn(env, awsLoginRoute)),
			},
			{
				PreConfig: func() {
					awsEnv(t, second, localstack.AWSRegion)
					callsBefore = len(env.STS.Calls())
				},
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 7", 1)),
				Check: resource.ComposeTestCheckFunc(lastVerified(second.AccessKeyID), onlyLoginsOn(env, awsLoginRoute),
					func(*terraform.State) error {
						for _, c := range env.STS.Calls()[callsBefore:] {
							if c.AccessKeyID != second.AccessKeyID || c.Error != "" {
								return fmt.Errorf("after the new keys, an STS call %+v", c)
							}
						}
						return nil
					}),
			},
			{
				PreConfig: func() {
					env.KMS.ResetCounters()
					env.KMS.InjectFault(localkms.Fault{Route: routePatch, ExpireTokens: true})
				},
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 9", 1)),
				Check: resource.ComposeTestCheckFunc(lastVerified(second.AccessKeyID), func(*terraform.State) error {
					if n := env.KMS.RequestCount(routePatch); n != 2 {
						return fmt.Errorf("%d update requests, want 2 (the refused one, then the one after the new login)", n)
					}
					return nil
				}),
			},
		},
	})
}
