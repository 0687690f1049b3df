package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// oidcLoginOption is an OIDC identity token (Terraform Cloud, GitHub
// Actions, a file) for a machine identity with OIDC Auth.
var oidcLoginOption = loginOption{
	title: "OIDC",
	doc: "OIDC workload identity (`oidc_identity_id`, with the identity token of the Terraform Cloud run, a file, " +
		"or GitHub Actions)",
	attributes: []loginAttribute{
		{
			name: "oidc_identity_id", env: envvar.OIDCIdentityID, identityID: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with OIDC Auth: the provider logs in with an OIDC identity " +
					"token instead of a stored secret. The token is read at every login from `oidc_token_file`, or the " +
					"variable `oidc_token_env_var` names, or by default `" + envvar.TFCWorkloadIdentityToken + "` (Terraform " +
					"Cloud workload identity), or requested from GitHub Actions when `" + envvar.GitHubTokenRequestURL + "` and `" +
					envvar.GitHubTokenRequestToken + "` are set. Conflicts with the other login methods' attributes. " +
					"May also be set with `" + envvar.OIDCIdentityID + "`.",
				Optional: true,
			},
		},
		{
			name: "oidc_token_env_var", env: envvar.OIDCTokenEnvVar, conflictsWith: []string{"oidc_token_file"},
			schema: schema.StringAttribute{
				MarkdownDescription: "Name of the environment variable holding the OIDC identity token, e.g. " +
					"`TFC_WORKLOAD_IDENTITY_TOKEN_KMS` for a tagged Terraform Cloud token. Defaults to `" +
					envvar.TFCWorkloadIdentityToken + "`. Conflicts with `oidc_token_file`. May also be set with `" + envvar.OIDCTokenEnvVar + "`.",
				Optional:   true,
				Validators: []validator.String{envVarNameValidator{}},
			},
		},
		{
			name: "oidc_token_file", env: envvar.OIDCTokenFile,
			schema: schema.StringAttribute{
				MarkdownDescription: "Path of a file holding the OIDC identity token, e.g. a Kubernetes projected service " +
					"account token. It is read again at every login, as the kubelet replaces it. Conflicts with " +
					"`oidc_token_env_var`. May also be set with `" + envvar.OIDCTokenFile + "`.",
				Optional: true,
			},
		},
		{
			name: "oidc_audience", env: envvar.OIDCAudience,
			schema: schema.StringAttribute{
				MarkdownDescription: "Audience of the token the provider requests from GitHub Actions (when `" +
					envvar.GitHubTokenRequestURL + "` is set); it must be one of the identity's bound audiences. Without it " +
					"GitHub uses its default audience. Only for the GitHub Actions request: with Terraform Cloud set " +
					"`TFC_WORKLOAD_IDENTITY_AUDIENCE` in the workspace instead. May also be set with `" + envvar.OIDCAudience + "`.",
				Optional: true,
			},
		},
	},
	selectors:    []string{"oidc_identity_id"},
	selectorHint: "the id of the machine identity whose OIDC Auth trusts the token",
	prepare:      chooseOIDCSource,
}

// oidcLogin is an OIDC login whose token source is known.
type oidcLogin struct {
	identityID string
	source     kms.OIDCTokenSource
	// sourceSetting names what chose the token source, for errors.
	sourceSetting string
	s             settings
}

func (o oidcLogin) configure(cfg *kms.Config, logger tfLogger) {
	// Every OIDC token read is masked in the provider's log lines too.
	cfg.Login = kms.OIDCAuth{IdentityID: o.identityID, Token: maskedTokenSource{o.source, logger}}
}

// chooseOIDCSource decides where the OIDC token comes from: a file, a named
// variable, Terraform Cloud's variable, or the GitHub Actions request. When
// both Terraform Cloud's variable and GitHub's are present and nothing says
// which, that is an error rather than a guess.
func chooseOIDCSource(s settings) (chosenLogin, diag.Diagnostics) {
	var diags diag.Diagnostics
	choice := oidcLogin{identityID: s.login["oidc_identity_id"], s: s}
	tokenFile, tokenEnvVar, audience := s.login["oidc_token_file"], s.login["oidc_token_env_var"], s.login["oidc_audience"]
	ghURL, ghToken := os.Getenv(envvar.GitHubTokenRequestURL), os.Getenv(envvar.GitHubTokenRequestToken)
	github := ghURL != "" && ghToken != ""
	tfc := strings.TrimSpace(os.Getenv(envvar.TFCWorkloadIdentityToken)) != ""

	switch {
	case tokenFile != "" && tokenEnvVar != "":
		diags.AddAttributeError(path.Root("oidc_token_file"), "Conflicting OIDC token sources",
			fmt.Sprintf("Both %s and %s are set: set one.", s.named("oidc_token_file", envvar.OIDCTokenFile), s.named("oidc_token_env_var", envvar.OIDCTokenEnvVar)))
		return nil, diags
	case tokenFile != "":
		choice.source, choice.sourceSetting = kms.OIDCTokenFromFile(tokenFile), s.named("oidc_token_file", envvar.OIDCTokenFile)
	case tokenEnvVar != "":
		if !envVarName.MatchString(tokenEnvVar) {
			diags.AddAttributeError(path.Root("oidc_token_env_var"), "Invalid oidc_token_env_var",
				fmt.Sprintf("%s must be an environment variable name (letters, digits and _, not starting with a digit), got %q.",
					s.named("oidc_token_env_var", envvar.OIDCTokenEnvVar), tokenEnvVar))
			return nil, diags
		}
		choice.source, choice.sourceSetting = kms.OIDCTokenFromEnv(tokenEnvVar), s.named("oidc_token_env_var", envvar.OIDCTokenEnvVar)
	case tfc && github:
		diags.AddError("Ambiguous OIDC token source",
			"Both "+envvar.TFCWorkloadIdentityToken+" (Terraform Cloud) and "+envvar.GitHubTokenRequestURL+"/"+envvar.GitHubTokenRequestToken+
				" (GitHub Actions) are set. Say which token to use: set oidc_token_env_var (or "+envvar.OIDCTokenEnvVar+") to "+
				envvar.TFCWorkloadIdentityToken+", or unset it to request one from GitHub Actions.")
		return nil, diags
	case tfc:
		choice.source, choice.sourceSetting = kms.OIDCTokenFromEnv(envvar.TFCWorkloadIdentityToken), envvar.TFCWorkloadIdentityToken
	case github:
		choice.source = kms.OIDCTokenFromGitHubActions(ghURL, ghToken, audience)
		choice.sourceSetting = envvar.GitHubTokenRequestURL + " and " + envvar.GitHubTokenRequestToken
		if audience != "" {
			choice.sourceSetting += " with " + s.named("oidc_audience", envvar.OIDCAudience)
		}
	default:
		diags.AddError("Missing OIDC identity token",
			"OIDC login ("+s.named("oidc_identity_id", envvar.OIDCIdentityID)+") needs an identity token, and none was found: "+
				envvar.TFCWorkloadIdentityToken+" is not set (in Terraform Cloud, set the workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE "+
				"to enable workload identity), and "+envvar.GitHubTokenRequestURL+"/"+envvar.GitHubTokenRequestToken+" are not set (in GitHub "+
				"Actions, give the job `permissions: id-token: write`). Or set oidc_token_env_var (or "+envvar.OIDCTokenEnvVar+
				") or oidc_token_file (or "+envvar.OIDCTokenFile+").")
		return nil, diags
	}
	if audience != "" && !strings.HasPrefix(choice.sourceSetting, envvar.GitHubTokenRequestURL) {
		diags.AddAttributeError(path.Root("oidc_audience"), "oidc_audience does not apply",
			fmt.Sprintf("%s only sets the audience of a token requested from GitHub Actions, but the token comes from %s. "+
				"Remove it (with Terraform Cloud, set the workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE instead).",
				s.named("oidc_audience", envvar.OIDCAudience), choice.sourceSetting))
		return nil, diags
	}
	return choice, nil
}

var envVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// envVarNameValidator refuses an oidc_token_env_var that cannot be a
// variable name, at plan time.
type envVarNameValidator struct{}

func (envVarNameValidator) Description(context.Context) string {
	return "an environment variable name: letters, digits and _, not starting with a digit"
}

func (v envVarNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (envVarNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !envVarName.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid environment variable name",
			fmt.Sprintf("%s must name an environment variable (letters, digits and _, not starting with a digit), got %q.",
				req.Path, req.ConfigValue.ValueString()))
	}
}

// explainRefusal words the KMS's judgement of the OIDC token, and a token
// that could not be obtained.
func (o oidcLogin) explainRefusal(err error) (string, bool) {
	var apiErr *kms.APIError
	var tokenErr *kms.OIDCTokenError
	switch {
	case errors.As(err, &tokenErr):
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden ||
		(apiErr.StatusCode == http.StatusNotFound && strings.Contains(apiErr.Message, "OIDC auth method not found"))):
	default:
		return "", false
	}
	return oidcFailureHint(o, err), true
}

func oidcFailureHint(login oidcLogin, err error) string {
	s := login.s
	identity := s.named("oidc_identity_id", envvar.OIDCIdentityID)
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Sprintf("The OIDC identity token could not be obtained (from %s): fix that setting, or the CI job that provides the token.", login.sourceSetting)
	}
	msg := apiErr.Message
	lower := strings.ToLower(msg)
	switch {
	case apiErr.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("No machine identity with OIDC Auth has the id %q: check %s, and that the identity has OIDC Auth configured in the KMS.", login.identityID, identity)
	// The KMS's failures to read the issuer's discovery document or keys
	// embed the transport error (e.g. "certificate has expired") and the
	// URL, which may read like the token's own faults: they come first.
	// Messages of Infisical's
	// backend/src/services/identity-oidc-auth/identity-oidc-auth-service.ts.
	case strings.Contains(lower, "discovery document"):
		return "The KMS could not read the OIDC discovery document at the identity's discovery URL (the KMS's own request " +
			"failed, as quoted above; nothing is wrong with the token): check the identity's discovery URL, that the KMS can " +
			"reach it, and the identity's CA certificate if the issuer's TLS chain is private."
	case strings.Contains(lower, "failed to retrieve signing key"), strings.Contains(lower, "no signing keys available"):
		return "The KMS could not read the signing keys (JWKS) the issuer's discovery document points to (the KMS's own " +
			"request failed, as quoted above; nothing is wrong with the token): check that the KMS can reach the issuer's " +
			"jwks_uri, and the identity's CA certificate if the issuer's TLS chain is private."
	case apiErr.StatusCode == http.StatusForbidden && strings.Contains(msg, "subject"):
		return "The token's subject (sub) does not match the identity's bound subject. In Terraform Cloud the subject is " +
			"organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>: set the identity's subject " +
			"to match it (e.g. ending in run_phase:*), or run from the workspace it names."
	case strings.Contains(msg, "audience"):
		return fmt.Sprintf("The token's audience (aud) is not one of the identity's bound audiences. Set the audience the token is "+
			"issued for to one of them (Terraform Cloud: the workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE; GitHub Actions: "+
			"oidc_audience or %s), or add it to the identity.", envvar.OIDCAudience)
	case strings.Contains(msg, "issuer"):
		return "The token's issuer (iss) is not the identity's bound issuer: set the identity's issuer to the token's " +
			"(https://app.terraform.io for Terraform Cloud, https://token.actions.githubusercontent.com for GitHub Actions), " +
			"or use a token from that issuer."
	case strings.Contains(msg, "expired"):
		return fmt.Sprintf("The OIDC identity token (from %s) has expired: the provider reads it at every login, so provide a current one "+
			"(a token file must be refreshed by whatever writes it).", login.sourceSetting)
	case strings.Contains(msg, "signature") || strings.Contains(msg, "signing key"):
		return "The token's signature does not verify with the keys published at the identity's OIDC discovery URL: " +
			"check that the identity's discovery URL is the token issuer's (and its CA certificate, if private)."
	case strings.Contains(msg, "claim") || strings.Contains(msg, "field"):
		return "The token lacks a claim the identity requires, or its value is not allowed: compare the identity's bound claims with the token's claims."
	case strings.Contains(msg, "Invalid JWT"):
		return fmt.Sprintf("The value read from %s is not a JWT: check that it holds the OIDC identity token itself.", login.sourceSetting)
	}
	return fmt.Sprintf("Check %s and the identity's OIDC Auth settings against the token from %s.", identity, login.sourceSetting)
}
