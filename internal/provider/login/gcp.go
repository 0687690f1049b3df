package login

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// gcpLoginOption is the Google Cloud identity of wherever Terraform runs:
// the instance's service account (gce), or a service account the ambient
// Google credentials may sign JWTs for (iam).
var gcpLoginOption = loginOption{
	title: "GCP Auth",
	doc:   "GCP Auth (`gcp_identity_id`, with the instance's identity token or a JWT signed for a service account)",
	attributes: []loginAttribute{
		{
			name: "gcp_identity_id", env: envvar.GCPIdentityID, identityID: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with GCP Auth. With `gcp_auth_type = \"gce\"` (the default) the " +
					"provider asks the GCE metadata server (`GCE_METADATA_HOST`, or metadata.google.internal) for an identity " +
					"token of the instance's service account with this id as audience, in the full format, and the KMS checks " +
					"it with Google's certificates against the identity's allowed service accounts, projects and zones. With " +
					"`gcp_auth_type = \"iam\"` see `gcp_service_account_email`. Conflicts with the other login methods' " +
					"attributes. May also be set with `" + envvar.GCPIdentityID + "`.",
				Optional: true,
			},
		},
		{
			name: "gcp_auth_type", env: envvar.GCPAuthType,
			schema: schema.StringAttribute{
				MarkdownDescription: "The identity's GCP Auth type: `gce` (Compute Engine, GKE nodes, Cloud Run, Cloud Build: " +
					"the metadata server's identity token; the default) or `iam` (a JWT signed by the IAM Credentials API for " +
					"`gcp_service_account_email`). It must be the type the identity is configured with. May also be set with `" +
					envvar.GCPAuthType + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(kms.GCPAuthTypeGCE, kms.GCPAuthTypeIAM)},
			},
		},
		{
			name: "gcp_service_account_email", env: envvar.GCPServiceAccountEmail,
			schema: schema.StringAttribute{
				MarkdownDescription: "For `gcp_auth_type = \"iam\"` (and required by it): the service account " +
					"(`name@project.iam.gserviceaccount.com`) the JWT is signed for, with the IAM Credentials API's " +
					"`signJwt`. The call is made with the Google Application Default Credentials of the environment " +
					"(`GOOGLE_APPLICATION_CREDENTIALS`, gcloud's, or the metadata server's), which need " +
					"`iam.serviceAccounts.signJwt` on this account (Service Account Token Creator, or being it). May also be " +
					"set with `" + envvar.GCPServiceAccountEmail + "`.",
				Optional: true,
			},
		},
		{
			name: "gcp_iam_credentials_endpoint", env: envvar.GCPIAMCredentialsEndpoint,
			schema: schema.StringAttribute{
				MarkdownDescription: "For `gcp_auth_type = \"iam\"`: the IAM Credentials API's base URL, for a Private Service " +
					"Connect endpoint. Defaults to `" + kms.DefaultIAMCredentialsURL + "`. May also be set with `" +
					envvar.GCPIAMCredentialsEndpoint + "`.",
				Optional: true,
			},
		},
	},
	selectors:    []string{"gcp_identity_id"},
	selectorHint: "the id of the machine identity whose GCP Auth trusts the service account",
	prepare:      prepareGCPLogin,
}

// gcpServiceAccountEmail is the form the KMS accepts as an iam login's
// subject (Infisical's backend/src/services/identity-gcp-auth/identity-gcp-auth-fns.ts):
// a user-managed service account; the Compute Engine default service
// account (...@developer.gserviceaccount.com) is refused.
var gcpServiceAccountEmail = regexp.MustCompile(`^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$`)

type gcpLogin struct {
	identityID, authType, email, endpoint string
	s                                     settings
}

func prepareGCPLogin(s settings) (chosenLogin, diag.Diagnostics) {
	var diags diag.Diagnostics
	login := gcpLogin{identityID: s.login["gcp_identity_id"], authType: s.login["gcp_auth_type"],
		email: s.login["gcp_service_account_email"], endpoint: s.login["gcp_iam_credentials_endpoint"], s: s}
	if login.authType == "" {
		login.authType = kms.GCPAuthTypeGCE
		if login.email != "" {
			diags.AddAttributeError(path.Root("gcp_auth_type"), "Incomplete GCP Auth login",
				fmt.Sprintf("%s is set, which only applies to gcp_auth_type \"iam\", but gcp_auth_type (or %s) is not set "+
					"(it defaults to \"gce\"). Set gcp_auth_type to \"iam\" if the identity's GCP Auth type is IAM, or remove "+
					"gcp_service_account_email.", s.namedAttr("gcp_service_account_email"), envvar.GCPAuthType))
			return nil, diags
		}
	}
	switch login.authType {
	case kms.GCPAuthTypeGCE:
		for _, attr := range []string{"gcp_service_account_email", "gcp_iam_credentials_endpoint"} {
			if s.login[attr] != "" {
				diags.AddAttributeError(path.Root(attr), "Conflicting GCP Auth settings",
					fmt.Sprintf("%s only applies to gcp_auth_type \"iam\", but %s is \"gce\": a gce login uses the instance's "+
						"own service account. Remove %s, or set gcp_auth_type to \"iam\".", s.namedAttr(attr),
						s.namedAttr("gcp_auth_type"), attr))
				return nil, diags
			}
		}
	case kms.GCPAuthTypeIAM:
		switch {
		case login.email == "":
			diags.AddAttributeError(path.Root("gcp_service_account_email"), "Incomplete GCP Auth login",
				fmt.Sprintf("%s is \"iam\", which signs a JWT for a service account, but gcp_service_account_email (or %s) "+
					"is not set: set the service account's email (name@project.iam.gserviceaccount.com).",
					s.namedAttr("gcp_auth_type"), envvar.GCPServiceAccountEmail))
			return nil, diags
		case !gcpServiceAccountEmail.MatchString(login.email):
			diags.AddAttributeError(path.Root("gcp_service_account_email"), "Invalid GCP service account",
				fmt.Sprintf("%s is %q, which the KMS refuses as an IAM login's service account: it accepts user-managed "+
					"service accounts only, name@project.iam.gserviceaccount.com (lowercase letters, digits and dashes); "+
					"the Compute Engine default service account (...@developer.gserviceaccount.com) is not one.",
					s.namedAttr("gcp_service_account_email"), login.email))
			return nil, diags
		}
		if login.endpoint != "" {
			if u, err := url.Parse(login.endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				diags.AddAttributeError(path.Root("gcp_iam_credentials_endpoint"), "Invalid IAM Credentials endpoint",
					fmt.Sprintf("%s must be a URL such as %s, got %q.", s.namedAttr("gcp_iam_credentials_endpoint"),
						kms.DefaultIAMCredentialsURL, login.endpoint))
				return nil, diags
			}
		}
	default:
		diags.AddAttributeError(path.Root("gcp_auth_type"), "Invalid GCP Auth type",
			fmt.Sprintf("%s must be \"gce\" or \"iam\", got %q.", s.namedAttr("gcp_auth_type"), login.authType))
		return nil, diags
	}
	return login, nil
}

func (g gcpLogin) configure(cfg *kms.Config, logger tfLogger) {
	var source kms.OIDCTokenSource
	if g.authType == kms.GCPAuthTypeIAM {
		// The access token for signJwt, and the signed JWT, are masked as
		// soon as they are read.
		source = kms.IAMSignedJWT(g.email, g.identityID, g.endpoint, logger.addSecret)
	} else {
		source = maskedTokenSource{kms.GCEIdentityToken(g.identityID), logger}
	}
	cfg.Login = kms.GCPAuth{IdentityID: g.identityID, Type: g.authType, Token: source}
}

// explainRefusal says what the KMS checked (Infisical's
// backend/src/services/identity-gcp-auth/identity-gcp-auth-service.ts and
// -fns.ts). The KMS does not catch the failures of Google's library that
// checks gce tokens (wrong audience, expired, unknown key): they come back
// as a bare 500.
func (g gcpLogin) explainRefusal(err error) (string, bool) {
	identity := g.s.namedAttr("gcp_identity_id")
	var signErr *kms.SignJWTError
	if errors.As(err, &signErr) {
		return fmt.Sprintf("Google refused to sign the JWT for %s: the Application Default Credentials of this environment "+
			"(GOOGLE_APPLICATION_CREDENTIALS, gcloud's, or the metadata server's service account) need the permission "+
			"iam.serviceAccounts.signJwt on that service account: grant them Service Account Token Creator "+
			"(roles/iam.serviceAccountTokenCreator) on it, and check that the account exists and that the IAM Service "+
			"Account Credentials API is enabled in its project.", g.email), true
	}
	var credErr *kms.CredentialError
	if errors.As(err, &credErr) {
		if g.authType == kms.GCPAuthTypeIAM {
			return "No Google credentials to call signJwt with: set GOOGLE_APPLICATION_CREDENTIALS to a credentials file, " +
				"run `gcloud auth application-default login`, or run on Google Cloud with a service account attached.", true
		}
		return "The GCE metadata server gave no identity token: a gce login runs on Google Cloud (Compute Engine, GKE with " +
			"workload identity, Cloud Run, Cloud Build) with a service account attached. Elsewhere, use gcp_auth_type " +
			"\"iam\" with an identity of type IAM.", true
	}
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return "", false
	}
	msg := apiErr.Message
	switch {
	case apiErr.StatusCode == http.StatusNotFound && strings.Contains(msg, "GCP auth method not found"):
		return fmt.Sprintf("No machine identity with GCP Auth has the id %q: check %s, and that the identity has GCP Auth "+
			"configured in the KMS.", g.identityID, identity), true
	case strings.Contains(msg, "service account not allowed"):
		who := "the instance's service account"
		if g.authType == kms.GCPAuthTypeIAM {
			who = "the service account " + g.email
		}
		return fmt.Sprintf("Google's signature checked out, but %s is not one of the identity's allowed service accounts: "+
			"add its email to the identity's GCP Auth (allowed service accounts, comma-separated), or run with an allowed "+
			"one.", who), true
	case strings.Contains(msg, "project not allowed"):
		return "The instance's project is not one of the identity's allowed projects: run Terraform in an allowed project, or " +
			"add the project id to the identity's GCP Auth.", true
	case strings.Contains(msg, "zone not allowed"):
		return "The instance's zone is not one of the identity's allowed zones: run Terraform in an allowed zone, or add the " +
			"zone (e.g. europe-west1-b) to the identity's GCP Auth.", true
	case strings.Contains(msg, "Invalid service account identifier"):
		return fmt.Sprintf("The KMS's identity %s has GCP Auth type IAM, which needs a JWT signed for a service account "+
			"(name@project.iam.gserviceaccount.com); this login sent something else. Set gcp_auth_type = \"iam\" (or %s) "+
			"and gcp_service_account_email, or change the identity's type to GCE.", g.identityID, envvar.GCPAuthType), true
	case strings.Contains(msg, "Invalid audience in GCP IAM Token"):
		return fmt.Sprintf("The signed JWT's audience is not the identity id: check %s.", identity), true
	case apiErr.StatusCode == http.StatusForbidden && apiErr.ErrorName == "TokenError":
		return fmt.Sprintf("The KMS could not verify the signed JWT with %s's public keys (%s): the JWT may have expired "+
			"(check this machine's clock) or the service account's key may have been deleted.", g.email, msg), true
	case apiErr.StatusCode == http.StatusInternalServerError && g.authType == kms.GCPAuthTypeGCE:
		return fmt.Sprintf("The KMS could not verify the identity token with Google's certificates and does not say why. "+
			"Most often the identity's GCP Auth type is IAM while this login is gce (set gcp_auth_type = \"iam\" or %s), "+
			"or this machine's clock is off; check %s too.", envvar.GCPAuthType, identity), true
	case apiErr.StatusCode == http.StatusInternalServerError:
		return fmt.Sprintf("The KMS could not fetch the public keys of %s from Google (an unknown service account?) or "+
			"could not read the JWT; if the identity's GCP Auth type is GCE, set gcp_auth_type = \"gce\".", g.email), true
	case apiErr.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("Check %s and the identity's GCP Auth settings (type, allowed service accounts, projects, zones).",
			identity), true
	}
	return "", false
}
