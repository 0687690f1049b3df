package provider_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localsts"
)

const awsLoginRoute = "POST /api/v1/auth/aws-auth/login"

// awsEnv isolates the AWS SDK's credential chain from the machine (no
// shared files, no instance metadata) and gives it p's credentials in the
// standard variables, as a runner with a role has them.
func awsEnv(t *testing.T, p localsts.Principal, region string) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": p.AccessKeyID, "AWS_SECRET_ACCESS_KEY": p.SecretAccessKey, "AWS_SESSION_TOKEN": p.SessionToken,
		"AWS_REGION": region, "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": none,
		"AWS_SHARED_CREDENTIALS_FILE": none, "AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": "",
		"AWS_ROLE_ARN": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(k, v)
	}
}

// awsOnlyEnv configures the provider with variables alone, as a CI job on
// an AWS runner does.
func awsOnlyEnv(t *testing.T, env *acctest.Env, identity string, p localsts.Principal) {
	t.Helper()
	clearProviderEnv(t)
	awsEnv(t, p, localstack.AWSRegion)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.AWSIAMIdentityID, identity)
}

func TestProviderLogsInWithAWSCredentials(t *testing.T) {
	env := acctest.Start(t)
	awsOnlyEnv(t, env, localstack.AWSIdentityID, env.AWSPrincipal)
	resp := configure(t, nil)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if n := env.KMS.RequestCount(awsLoginRoute); n != 1 {
		t.Errorf("%d AWS logins, want 1", n)
	}
	calls := env.STS.Calls()
	if len(calls) != 1 || calls[0].AccessKeyID != env.AWSPrincipal.AccessKeyID || calls[0].Region != localstack.AWSRegion || calls[0].Error != "" {
		t.Errorf("STS calls: %+v", calls)
	}
}

// aws_iam_region overrides the SDK's region: the request is signed for it.
func TestProviderSignsForTheConfiguredAWSRegion(t *testing.T) {
	env := acctest.Start(t)
	awsOnlyEnv(t, env, localstack.AWSIdentityID, env.AWSPrincipal)
	t.Setenv("AWS_REGION", "")
	resp := configure(t, map[string]attr.Value{"aws_iam_region": types.StringValue("ap-southeast-2")})
	if resp.Diagnostics.HasError() {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if calls := env.STS.Calls(); len(calls) != 1 || calls[0].Region != "ap-southeast-2" {
		t.Errorf("STS calls: %+v", calls)
	}
}

// Ambiguous, incomplete or unusable AWS settings fail at configure time,
// naming the settings, with no request sent.
func TestProviderAWSConfigurationErrorsNameTheSettings(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name   string
		env    map[string]string
		values map[string]attr.Value
		want   []string
	}{
		{"aws and token", map[string]string{envvar.AWSIAMIdentityID: "x", envvar.Token: "t"}, nil,
			[]string{"Conflicting Hanzo KMS credentials", "token (set by HANZO_KMS_TOKEN)", "aws_iam_identity_id (set by HANZO_KMS_AWS_IAM_IDENTITY_ID)"}},
		{"region without identity", map[string]string{envvar.AWSIAMRegion: "us-east-1", envvar.ClientID: "id", envvar.ClientSecret: "s"}, nil,
			[]string{"Incomplete AWS IAM Auth login", "aws_iam_region (set by HANZO_KMS_AWS_IAM_REGION)", "aws_iam_identity_id (or HANZO_KMS_AWS_IAM_IDENTITY_ID)"}},
		{"no region anywhere", map[string]string{envvar.AWSIAMIdentityID: "x", "AWS_REGION": ""}, nil,
			[]string{"Missing AWS region", "aws_iam_region (or HANZO_KMS_AWS_IAM_REGION)", "AWS_REGION", "sts.<region>.amazonaws.com"}},
		{"bad region", map[string]string{envvar.AWSIAMIdentityID: "x"}, map[string]attr.Value{"aws_iam_region": types.StringValue("EU West")},
			[]string{"Invalid AWS region", `"EU West"`, "aws_iam_region"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearProviderEnv(t)
			awsEnv(t, env.AWSPrincipal, localstack.AWSRegion)
			t.Setenv(envvar.Host, env.KMSURL)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp := configure(t, tc.values)
			if !resp.Diagnostics.HasError() {
				t.Fatal("configure succeeded")
			}
			text := resp.Diagnostics.Errors()[0].Summary() + " " + resp.Diagnostics.Errors()[0].Detail()
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("error %q does not say %q", text, want)
				}
			}
		})
	}
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("configuration errors sent %d requests:\n%s", n, env.KMS.CountsString())
	}
}

// Each refused AWS login: one attempt, and an error that says what the KMS
// and STS checked and what to change.
func TestProviderRefusedAWSLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	principal := func(f func(*localsts.Principal)) func() localsts.Principal {
		return func() localsts.Principal {
			p := env.NewAWSPrincipal("refused")
			f(&p)
			env.STS.AddPrincipal(p)
			return p
		}
	}
	cases := []struct {
		name, identity string
		principal      func() localsts.Principal
		want           []string
	}{
		{"other account", localstack.AWSIdentityID, principal(func(p *localsts.Principal) {
			p.Account, p.ARN = "444455556666", "arn:aws:sts::444455556666:assumed-role/terraform-runner/s"
		}), []string{"AWS account ID not allowed", "allowed account IDs", "aws sts get-caller-identity"}},
		{"other role", localstack.AWSIdentityID, principal(func(p *localsts.Principal) {
			p.ARN = "arn:aws:sts::111122223333:assumed-role/developer/s"
		}), []string{"AWS principal ARN not allowed", "arn:aws:sts::111122223333:assumed-role/developer", "arn:aws:iam::<account>:role/<role>"}},
		{"unknown key", localstack.AWSIdentityID, func() localsts.Principal {
			p := env.NewAWSPrincipal("forgotten")
			p.AccessKeyID = "ASIAUNKNOWN000000000"
			return p
		}, []string{"HTTP 500", "confirmed by AWS STS", "invalid or have expired", "clock"}},
		{"wrong secret key", localstack.AWSIdentityID, func() localsts.Principal {
			p := env.NewAWSPrincipal("mistyped")
			p.SecretAccessKey += "x"
			return p
		}, []string{"HTTP 500", "confirmed by AWS STS"}},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", func() localsts.Principal { return env.AWSPrincipal },
			[]string{"AWS auth method not found", "00000000-0000-4000-8000-000000000000", "aws_iam_identity_id (set by HANZO_KMS_AWS_IAM_IDENTITY_ID)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.principal()
			awsOnlyEnv(t, env, tc.identity, p)
			env.KMS.ResetCounters()
			resp := configure(t, nil)
			if !resp.Diagnostics.HasError() {
				t.Fatal("configure succeeded")
			}
			text := resp.Diagnostics.Errors()[0].Summary() + " " + resp.Diagnostics.Errors()[0].Detail()
			for _, want := range append(tc.want, "Hanzo KMS authentication failed", "not retried") {
				if !strings.Contains(text, want) {
					t.Errorf("error %q does not say %q", text, want)
				}
			}
			for _, secret := range []string{p.SecretAccessKey, p.SessionToken} {
				if strings.Contains(text, secret) {
					t.Error("the error repeats an AWS secret")
				}
			}
			if n := env.KMS.RequestCount(awsLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1", n)
			}
		})
	}
}

// Without any AWS credentials the provider says where it looked, and sends
// nothing.
func TestProviderAWSWithoutCredentials(t *testing.T) {
	env := acctest.Start(t)
	awsOnlyEnv(t, env, localstack.AWSIdentityID, localsts.Principal{})
	resp := configure(t, nil)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "No AWS credentials were found") {
		t.Fatalf("no credentials: %v", resp.Diagnostics)
	}
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("%d requests without credentials", n)
	}
}
