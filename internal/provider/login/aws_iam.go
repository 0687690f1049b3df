package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// awsIAMLoginOption is the AWS identity of wherever Terraform runs (EC2,
// ECS, EKS, Lambda, a CI runner with a role), proven with a signed
// sts:GetCallerIdentity request that the KMS sends to STS.
var awsIAMLoginOption = loginOption{
	title: "AWS IAM Auth",
	doc:   "AWS IAM Auth (`aws_iam_identity_id`, with the AWS credentials of the environment)",
	attributes: []loginAttribute{
		{
			name: "aws_iam_identity_id", env: envvar.AWSIAMIdentityID, identityID: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with AWS Auth: the provider signs an `sts:GetCallerIdentity` " +
					"request with the AWS credentials of the environment (the AWS SDK's chain: environment variables, shared " +
					"config and credentials files with `AWS_PROFILE`, web identity as on EKS, ECS and EC2 metadata) and the KMS " +
					"sends it to AWS STS, then matches the answered account and ARN against the identity's. No AWS credential " +
					"leaves the machine: only the signature does. Conflicts with the other login methods' attributes. May also " +
					"be set with `" + envvar.AWSIAMIdentityID + "`.",
				Optional: true,
			},
		},
		{
			name: "aws_iam_region", env: envvar.AWSIAMRegion,
			schema: schema.StringAttribute{
				MarkdownDescription: "AWS region whose STS endpoint (`sts.<region>.amazonaws.com`) the request is signed for; " +
					"the KMS sends it there. Defaults to the AWS SDK's region (`AWS_REGION`, `AWS_DEFAULT_REGION`, or the " +
					"profile's `region`); with none of them set, configuring fails. May also be set with `" + envvar.AWSIAMRegion + "`.",
				Optional: true,
			},
		},
	},
	selectors:    []string{"aws_iam_identity_id"},
	selectorHint: "the id of the machine identity whose AWS Auth trusts the AWS principal",
	prepare:      prepareAWSIAMLogin,
}

// awsRegionPattern is what the KMS accepts as a region (lowercase letters,
// digits and dashes, at most 20 characters).
var awsRegionPattern = regexp.MustCompile(`^[a-z0-9-]{1,20}$`)

type awsIAMLogin struct {
	identityID, region string
	// regionSetting names where the region came from, for errors.
	regionSetting string
	credentials   aws.CredentialsProvider
	s             settings
}

func prepareAWSIAMLogin(s settings) (chosenLogin, diag.Diagnostics) {
	var diags diag.Diagnostics
	login := awsIAMLogin{identityID: s.login["aws_iam_identity_id"], s: s}
	var opts []func(*awsconfig.LoadOptions) error
	if r := s.login["aws_iam_region"]; r != "" {
		opts = append(opts, awsconfig.WithRegion(r))
		login.regionSetting = s.namedAttr("aws_iam_region")
	}
	// Loading reads only the environment and the shared files; credentials
	// are asked for at login.
	cfg, err := awsconfig.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		diags.AddError("Invalid AWS configuration",
			fmt.Sprintf("AWS IAM Auth (%s) could not load the AWS configuration: %v. Check AWS_PROFILE, AWS_CONFIG_FILE and "+
				"AWS_SHARED_CREDENTIALS_FILE.", s.namedAttr("aws_iam_identity_id"), err))
		return nil, diags
	}
	login.region, login.credentials = cfg.Region, cfg.Credentials
	if login.regionSetting == "" {
		login.regionSetting = "the AWS SDK's region (AWS_REGION, AWS_DEFAULT_REGION or the profile's region)"
		if v := os.Getenv("AWS_REGION"); v != "" && v == cfg.Region {
			login.regionSetting = "AWS_REGION"
		}
	}
	switch {
	case login.region == "":
		diags.AddAttributeError(path.Root("aws_iam_region"), "Missing AWS region",
			fmt.Sprintf("AWS IAM Auth signs its request for a regional STS endpoint (sts.<region>.amazonaws.com), which the KMS "+
				"then calls, and no region is set. Set aws_iam_region (or %s), or AWS_REGION, to the region Terraform runs "+
				"in, e.g. us-east-1.", envvar.AWSIAMRegion))
		return nil, diags
	case !awsRegionPattern.MatchString(login.region):
		diags.AddAttributeError(path.Root("aws_iam_region"), "Invalid AWS region",
			fmt.Sprintf("The region %q (from %s) is not an AWS region name: lowercase letters, digits and dashes, e.g. us-east-1.",
				login.region, login.regionSetting))
		return nil, diags
	}
	return login, nil
}

func (a awsIAMLogin) configure(cfg *kms.Config, logger tfLogger) {
	cfg.Login = kms.AWSIAMAuth{IdentityID: a.identityID, Region: a.region,
		Credentials: maskedAWSCredentials{inner: a.credentials, logger: logger}}
}

// maskedAWSCredentials hands the secret parts of every AWS credential it
// reads to the provider's log masks before the signer uses them.
type maskedAWSCredentials struct {
	inner  aws.CredentialsProvider
	logger tfLogger
}

func (m maskedAWSCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := m.inner.Retrieve(ctx)
	if err == nil {
		m.logger.addSecret(creds.SecretAccessKey)
		m.logger.addSecret(creds.SessionToken)
	}
	return creds, err
}

// explainRefusal says what the KMS and STS checked (Infisical's
// backend/src/services/identity-aws-auth/identity-aws-auth-service.ts).
func (a awsIAMLogin) explainRefusal(err error) (string, bool) {
	var credErr *kms.CredentialError
	if errors.As(err, &credErr) {
		return "No AWS credentials were found: the provider uses the AWS SDK's chain (AWS_ACCESS_KEY_ID and " +
			"AWS_SECRET_ACCESS_KEY, AWS_PROFILE with the shared files, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN as on EKS, " +
			"the ECS task role, the EC2 instance profile). Give the runner an AWS identity, or set those variables.", true
	}
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return "", false
	}
	msg := apiErr.Message
	switch {
	case apiErr.StatusCode == http.StatusNotFound && strings.Contains(msg, "AWS auth method not found"):
		return fmt.Sprintf("No machine identity with AWS Auth has the id %q: check %s, and that the identity has AWS Auth "+
			"configured in the KMS.", a.identityID, a.s.namedAttr("aws_iam_identity_id")), true
	case strings.Contains(msg, "account ID not allowed"):
		return "AWS STS confirmed the caller, but its AWS account is not one of the identity's allowed account IDs: run with " +
			"credentials of an allowed account, or add the account ID to the identity's AWS Auth. (`aws sts " +
			"get-caller-identity` shows the account of the current credentials.)", true
	case strings.Contains(msg, "principal ARN not allowed"):
		return "AWS STS confirmed the caller, but its ARN is not one of the identity's allowed principal ARNs. An assumed " +
			"role (arn:aws:sts::<account>:assumed-role/<role>/<session>) matches as its role, " +
			"arn:aws:iam::<account>:role/<role>; allow that ARN (or a pattern with *) in the identity's AWS Auth, or run " +
			"with an allowed role or user. (`aws sts get-caller-identity` shows the ARN of the current credentials.)", true
	case strings.Contains(msg, "Invalid AWS region"):
		return fmt.Sprintf("The KMS did not accept the region the request was signed for (%q, from %s): set aws_iam_region "+
			"(or %s) to an AWS region such as us-east-1.", a.region, a.regionSetting, envvar.AWSIAMRegion), true
	case apiErr.StatusCode == http.StatusInternalServerError:
		// The KMS answers a refusal by STS (an invalid or expired key, a
		// session token that has expired, a clock too far off) as a 500.
		return fmt.Sprintf("The KMS could not have the signed request confirmed by AWS STS in %s. Most often STS refused it: "+
			"the AWS credentials are invalid or have expired (renew the session or role credentials), or this machine's "+
			"clock is off by more than 5 minutes. Check that `aws sts get-caller-identity --region %s` works with the same "+
			"credentials.", a.region, a.region), true
	case apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusBadRequest:
		return fmt.Sprintf("Check %s and the identity's AWS Auth settings (allowed account IDs and principal ARNs).",
			a.s.namedAttr("aws_iam_identity_id")), true
	}
	return "", false
}
