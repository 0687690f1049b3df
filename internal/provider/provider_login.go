package provider

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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

type loginMethod int

const (
	loginToken loginMethod = iota
	loginUniversalAuth
	loginOIDC
)

// loginChoice is how the provider logs in, decided at configure time from
// the attributes and environment variables that are set; nothing is guessed.
type loginChoice struct {
	method     loginMethod
	oidcSource kms.OIDCTokenSource
	// oidcSourceSetting names what chose the OIDC token source, for errors.
	oidcSourceSetting string
}

// named says an attribute and, when it came from one, its variable.
func (s settings) named(attr, env string) string {
	if s.fromEnv[attr] {
		return fmt.Sprintf("%s (set by %s)", attr, env)
	}
	return attr
}

// chooseLogin picks exactly one login method, or says which settings
// conflict or are missing.
func chooseLogin(s settings) (loginChoice, diag.Diagnostics) {
	var diags diag.Diagnostics
	var set []string
	if s.token != "" {
		set = append(set, s.named("token", EnvToken))
	}
	if s.clientID != "" || s.clientSecret != "" {
		var pair []string
		if s.clientID != "" {
			pair = append(pair, s.named("client_id", EnvClientID))
		}
		if s.clientSecret != "" {
			pair = append(pair, s.named("client_secret", EnvClientSecret))
		}
		set = append(set, strings.Join(pair, " and "))
	}
	if s.oidcIdentityID != "" {
		set = append(set, s.named("oidc_identity_id", EnvOIDCIdentityID))
	}
	if len(set) > 1 {
		diags.AddError("Conflicting Hanzo KMS credentials",
			"More than one login method is set: "+strings.Join(set, "; ")+". Set only one of them: universal auth "+
				"(client_id and client_secret, or "+EnvClientID+" and "+EnvClientSecret+"), OIDC (oidc_identity_id or "+
				EnvOIDCIdentityID+"), or an access token (token or "+EnvToken+").")
		return loginChoice{}, diags
	}
	oidcOnly := map[string]string{
		"oidc_token_env_var": s.oidcTokenEnvVar, "oidc_token_file": s.oidcTokenFile, "oidc_audience": s.oidcAudience,
	}
	if s.oidcIdentityID == "" {
		for _, attr := range []string{"oidc_token_env_var", "oidc_token_file", "oidc_audience"} {
			if oidcOnly[attr] != "" {
				diags.AddAttributeError(path.Root(attr), "Incomplete OIDC login",
					fmt.Sprintf("%s is set, but oidc_identity_id (or %s) is not: set the id of the machine identity "+
						"whose OIDC Auth trusts the token, or remove %s.", s.named(attr, envOf[attr]), EnvOIDCIdentityID, attr))
				return loginChoice{}, diags
			}
		}
	}
	if s.oidcIdentityID != "" && !uuidPattern.MatchString(s.oidcIdentityID) {
		identitySetting := "oidc_identity_id (or " + EnvOIDCIdentityID + ")"
		if s.fromEnv["oidc_identity_id"] {
			identitySetting = s.named("oidc_identity_id", EnvOIDCIdentityID)
		}
		diags.AddAttributeError(path.Root("oidc_identity_id"), "Invalid oidc_identity_id",
			fmt.Sprintf("%s must be the machine identity's ID, %s (the KMS shows it on the identity's page), got %q. "+
				"The KMS looks the identity up by that ID and fails with a bare server error on anything else.",
				identitySetting, oidcIdentityIDRule, s.oidcIdentityID))
		return loginChoice{}, diags
	}
	switch {
	case s.token != "":
		return loginChoice{method: loginToken}, nil
	case s.oidcIdentityID != "":
		return chooseOIDCSource(s)
	case s.clientID != "" && s.clientSecret != "":
		return loginChoice{method: loginUniversalAuth}, nil
	}
	missing := "client_id (or " + EnvClientID + ") and client_secret (or " + EnvClientSecret + ")"
	switch {
	case s.clientID != "":
		missing = "client_secret (or " + EnvClientSecret + ")"
	case s.clientSecret != "":
		missing = "client_id (or " + EnvClientID + ")"
	}
	diags.AddError("Missing Hanzo KMS credentials",
		"The provider needs a machine identity or an access token. Set "+missing+
			"; or oidc_identity_id (or "+EnvOIDCIdentityID+") to log in with an OIDC identity token; "+
			"or set token (or "+EnvToken+") instead.")
	return loginChoice{}, diags
}

// oidcIdentityIDRule is what oidc_identity_id must be: the server keeps
// identity ids in a uuid column (Infisical's
// backend/src/services/identity-oidc-auth/identity-oidc-auth-service.ts looks
// the OIDC auth up by it), so any other value fails its query as a bare 500.
const oidcIdentityIDRule = "a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"

var envOf = map[string]string{
	"oidc_token_env_var": EnvOIDCTokenEnvVar, "oidc_token_file": EnvOIDCTokenFile, "oidc_audience": EnvOIDCAudience,
}

// chooseOIDCSource decides where the OIDC token comes from: a file, a named
// variable, Terraform Cloud's variable, or the GitHub Actions request. When
// both Terraform Cloud's variable and GitHub's are present and nothing says
// which, that is an error rather than a guess.
func chooseOIDCSource(s settings) (loginChoice, diag.Diagnostics) {
	var diags diag.Diagnostics
	choice := loginChoice{method: loginOIDC}
	ghURL, ghToken := os.Getenv(EnvGitHubTokenRequestURL), os.Getenv(EnvGitHubTokenRequestToken)
	github := ghURL != "" && ghToken != ""
	tfc := strings.TrimSpace(os.Getenv(EnvTFCWorkloadIdentityToken)) != ""

	switch {
	case s.oidcTokenFile != "" && s.oidcTokenEnvVar != "":
		diags.AddAttributeError(path.Root("oidc_token_file"), "Conflicting OIDC token sources",
			fmt.Sprintf("Both %s and %s are set: set one.", s.named("oidc_token_file", EnvOIDCTokenFile), s.named("oidc_token_env_var", EnvOIDCTokenEnvVar)))
		return choice, diags
	case s.oidcTokenFile != "":
		choice.oidcSource, choice.oidcSourceSetting = kms.OIDCTokenFromFile(s.oidcTokenFile), s.named("oidc_token_file", EnvOIDCTokenFile)
	case s.oidcTokenEnvVar != "":
		if !envVarName.MatchString(s.oidcTokenEnvVar) {
			diags.AddAttributeError(path.Root("oidc_token_env_var"), "Invalid oidc_token_env_var",
				fmt.Sprintf("%s must be an environment variable name (letters, digits and _, not starting with a digit), got %q.",
					s.named("oidc_token_env_var", EnvOIDCTokenEnvVar), s.oidcTokenEnvVar))
			return choice, diags
		}
		choice.oidcSource, choice.oidcSourceSetting = kms.OIDCTokenFromEnv(s.oidcTokenEnvVar), s.named("oidc_token_env_var", EnvOIDCTokenEnvVar)
	case tfc && github:
		diags.AddError("Ambiguous OIDC token source",
			"Both "+EnvTFCWorkloadIdentityToken+" (Terraform Cloud) and "+EnvGitHubTokenRequestURL+"/"+EnvGitHubTokenRequestToken+
				" (GitHub Actions) are set. Say which token to use: set oidc_token_env_var (or "+EnvOIDCTokenEnvVar+") to "+
				EnvTFCWorkloadIdentityToken+", or unset it to request one from GitHub Actions.")
		return choice, diags
	case tfc:
		choice.oidcSource, choice.oidcSourceSetting = kms.OIDCTokenFromEnv(EnvTFCWorkloadIdentityToken), EnvTFCWorkloadIdentityToken
	case github:
		choice.oidcSource = kms.OIDCTokenFromGitHubActions(ghURL, ghToken, s.oidcAudience)
		choice.oidcSourceSetting = EnvGitHubTokenRequestURL + " and " + EnvGitHubTokenRequestToken
		if s.oidcAudience != "" {
			choice.oidcSourceSetting += " with " + s.named("oidc_audience", EnvOIDCAudience)
		}
	default:
		diags.AddError("Missing OIDC identity token",
			"OIDC login ("+s.named("oidc_identity_id", EnvOIDCIdentityID)+") needs an identity token, and none was found: "+
				EnvTFCWorkloadIdentityToken+" is not set (in Terraform Cloud, set the workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE "+
				"to enable workload identity), and "+EnvGitHubTokenRequestURL+"/"+EnvGitHubTokenRequestToken+" are not set (in GitHub "+
				"Actions, give the job `permissions: id-token: write`). Or set oidc_token_env_var (or "+EnvOIDCTokenEnvVar+
				") or oidc_token_file (or "+EnvOIDCTokenFile+").")
		return choice, diags
	}
	if s.oidcAudience != "" && !strings.HasPrefix(choice.oidcSourceSetting, EnvGitHubTokenRequestURL) {
		diags.AddAttributeError(path.Root("oidc_audience"), "oidc_audience does not apply",
			fmt.Sprintf("%s only sets the audience of a token requested from GitHub Actions, but the token comes from %s. "+
				"Remove it (with Terraform Cloud, set the workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE instead).",
				s.named("oidc_audience", EnvOIDCAudience), choice.oidcSourceSetting))
		return choice, diags
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

// loginFailure is the diagnostic for a failed login. A login still
// rate-limited after the waits allowed, the KMS's judgement of OIDC tokens,
// and universal-auth refusals the KMS client explains (usage limit, lockout,
// lock contention), are worded here; everything else (a
// wrong host, scheme, CA, an unreachable KMS, a refused secret) by
// kmsLoginFailure.
func loginFailure(login loginChoice, s settings, err error, host string) (summary, detail string) {
	var apiErr *kms.APIError
	isAPIErr := errors.As(err, &apiErr)
	var tokenErr *kms.OIDCTokenError
	var loginErr *kms.LoginError
	switch {
	case errors.As(err, &loginErr) && loginErr.RateLimited():
		return "Hanzo KMS rate-limited the login", fmt.Sprintf("%v\n\nThe KMS refused the login before looking at the "+
			"credentials: too many requests from this address in its rate-limit window, which every run behind the same "+
			"address shares. The provider waits as the KMS asks and logs in again, up to max_retries (or %s) times, "+
			"and makes no wait longer than request_timeout (or %s). Try again later, or raise those settings.",
			err, EnvMaxRetries, EnvRequestTimeout)
	case login.method == loginOIDC && errors.As(err, &tokenErr):
		return "Hanzo KMS authentication failed", loginFailureDetail(login, s, err)
	case login.method == loginOIDC && isAPIErr && (apiErr.StatusCode == http.StatusUnauthorized ||
		apiErr.StatusCode == http.StatusForbidden ||
		(apiErr.StatusCode == http.StatusNotFound && strings.Contains(apiErr.Message, "OIDC auth method not found"))):
		return "Hanzo KMS authentication failed", loginFailureDetail(login, s, err)
	case login.method == loginUniversalAuth && errors.As(err, &loginErr) && loginErr.Reason() != "":
		return "Hanzo KMS authentication failed", loginFailureDetail(login, s, err)
	}
	return kmsLoginFailure(err, host)
}

// loginFailureDetail explains a refused login: the KMS's answer, then what
// to change, naming the attributes and variables involved. It is the one
// place the configure error path words a login failure.
func loginFailureDetail(login loginChoice, s settings, err error) string {
	var b strings.Builder
	b.WriteString(err.Error())
	b.WriteString("\n\n")
	switch login.method {
	case loginUniversalAuth:
		// The error says why already (kms.LoginError.Reason); name the settings.
		fmt.Fprintf(&b, "The identity is client_id (or %s) with client_secret (or %s). A refused login is not retried.",
			EnvClientID, EnvClientSecret)
	case loginOIDC:
		b.WriteString(oidcFailureHint(login, s, err))
		b.WriteString(" A refused login is not retried.")
	}
	return b.String()
}

func oidcFailureHint(login loginChoice, s settings, err error) string {
	identity := s.named("oidc_identity_id", EnvOIDCIdentityID)
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Sprintf("The OIDC identity token could not be obtained (from %s): fix that setting, or the CI job that provides the token.", login.oidcSourceSetting)
	}
	msg := apiErr.Message
	lower := strings.ToLower(msg)
	switch {
	case apiErr.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("No machine identity with OIDC Auth has the id %q: check %s, and that the identity has OIDC Auth configured in the KMS.", s.oidcIdentityID, identity)
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
			"oidc_audience or %s), or add it to the identity.", EnvOIDCAudience)
	case strings.Contains(msg, "issuer"):
		return "The token's issuer (iss) is not the identity's bound issuer: set the identity's issuer to the token's " +
			"(https://app.terraform.io for Terraform Cloud, https://token.actions.githubusercontent.com for GitHub Actions), " +
			"or use a token from that issuer."
	case strings.Contains(msg, "expired"):
		return fmt.Sprintf("The OIDC identity token (from %s) has expired: the provider reads it at every login, so provide a current one "+
			"(a token file must be refreshed by whatever writes it).", login.oidcSourceSetting)
	case strings.Contains(msg, "signature") || strings.Contains(msg, "signing key"):
		return "The token's signature does not verify with the keys published at the identity's OIDC discovery URL: " +
			"check that the identity's discovery URL is the token issuer's (and its CA certificate, if private)."
	case strings.Contains(msg, "claim") || strings.Contains(msg, "field"):
		return "The token lacks a claim the identity requires, or its value is not allowed: compare the identity's bound claims with the token's claims."
	case strings.Contains(msg, "Invalid JWT"):
		return fmt.Sprintf("The value read from %s is not a JWT: check that it holds the OIDC identity token itself.", login.oidcSourceSetting)
	}
	return fmt.Sprintf("Check %s and the identity's OIDC Auth settings against the token from %s.", identity, login.oidcSourceSetting)
}

// maskedTokenSource hands each OIDC token it reads to the provider's log
// masks before the client uses it: should it ever reach a log line, it is
// replaced there.
type maskedTokenSource struct {
	inner  kms.OIDCTokenSource
	logger tfLogger
}

func (m maskedTokenSource) Token(ctx context.Context, httpClient *http.Client) (string, error) {
	token, err := m.inner.Token(ctx, httpClient)
	if err == nil {
		m.logger.addSecret(token)
	}
	return token, err
}

func (m maskedTokenSource) Describe() string { return m.inner.Describe() }
