package appconnection

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/auth0/go-auth0/authentication"
	"github.com/auth0/go-auth0/authentication/oauth"
	"github.com/auth0/go-auth0/management"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// The Management API scopes a client secret rotation needs: the KMS reads
// the rotated application and sets its secret.
var requiredManagementScopes = []string{"read:clients", "update:client_keys"}

const (
	// auth0GrantPlace is where an Auth0 admin grants Management API scopes.
	auth0GrantPlace = "Auth0 dashboard: Applications > APIs > Auth0 Management API > Machine to Machine Applications"
	// preflightTimeout bounds the whole check: a plan must not hang on an
	// Auth0 that a firewall silently drops.
	preflightTimeout = 15 * time.Second
)

// auth0Preflight is what the check needs, every value known.
type auth0Preflight struct {
	domain, clientID, clientSecret, audience string
	rotatedClientIDs                         []string
	rootCAs                                  *x509.CertPool // nil: the system roots
}

// preflightFor decides whether the plan of a connection is checked at Auth0,
// and with what. It is checked on create and whenever something the check
// depends on changes, not on every plan: each check spends a Machine-to-
// Machine token, which Auth0 counts against the tenant's monthly quota.
// A value not known yet (a domain from another resource) skips the check
// quietly: the apply's own plan runs it once the value is known.
func preflightFor(plan, config appConnectionAuth0Model, state *appConnectionAuth0Model, rootCAs *x509.CertPool) (*auth0Preflight, bool) {
	if !plan.Preflight.ValueBool() {
		return nil, false // false, or unknown
	}
	secret := config.ClientSecret
	if !config.ClientSecretWO.IsNull() {
		secret = config.ClientSecretWO
	}
	for _, v := range []types.String{plan.Domain, plan.ClientID, plan.Audience, secret} {
		if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
			return nil, false
		}
	}
	if state != nil && plan.Domain.Equal(state.Domain) && plan.ClientID.Equal(state.ClientID) &&
		plan.Audience.Equal(state.Audience) && plan.ClientSecret.Equal(state.ClientSecret) &&
		plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion) &&
		plan.RotatedClientIDs.Equal(state.RotatedClientIDs) && state.Preflight.ValueBool() {
		return nil, false
	}
	p := &auth0Preflight{
		domain: plan.Domain.ValueString(), clientID: plan.ClientID.ValueString(),
		// The KMS trims the secret before it logs in with it; so does the
		// preflight, or a secret read with file() would fail here only.
		clientSecret: framework.JSTrim(secret.ValueString()), audience: plan.Audience.ValueString(), rootCAs: rootCAs,
	}
	if !plan.RotatedClientIDs.IsUnknown() {
		for _, el := range plan.RotatedClientIDs.Elements() {
			if s, ok := el.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
				p.rotatedClientIDs = append(p.rotatedClientIDs, s.ValueString())
			}
		}
	}
	return p, true
}

// run asks Auth0, from where Terraform runs, for what the KMS will need:
// a Management API token for the audience with the scopes a rotation uses,
// and each listed application existing with a client secret to rotate.
// What Auth0 refuses is an error; an Auth0 that cannot be reached from
// here is a warning (often only the KMS's network reaches it). Neither the
// secret nor the token is ever logged or put in a diagnostic.
func (p *auth0Preflight) run(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	httpClient := p.httpClient()

	auth, err := authentication.New(ctx, p.domain,
		authentication.WithClientID(p.clientID),
		authentication.WithClientSecret(p.clientSecret),
		authentication.WithClient(httpClient),
		// Client credentials answer no ID token; HS256 keeps New from
		// fetching the tenant's JWKS for one.
		authentication.WithIDTokenSigningAlg("HS256"),
		authentication.WithNoRetries(),
		authentication.WithNoAuth0ClientInfo(),
	)
	if err != nil {
		diags.AddAttributeWarning(path.Root("domain"), "Auth0 preflight skipped", fmt.Sprintf(
			"The domain %q could not be used to reach Auth0 (%v); the check was skipped.", p.domain, err))
		return diags
	}
	tokens, err := auth.OAuth.LoginWithClientCredentials(ctx,
		oauth.LoginWithClientCredentialsRequest{Audience: p.audience}, oauth.IDTokenValidationOptions{})
	if err != nil {
		p.tokenFailure(err, &diags)
		return diags
	}

	granted, known := grantedScopes(tokens)
	tflog.Debug(ctx, "hanzokms: Auth0 preflight token issued", map[string]any{
		"client_id": p.clientID, "audience": p.audience, "scopes": strings.Join(granted, " "), "scopes_known": known,
	})
	if known {
		for _, scope := range requiredManagementScopes {
			if slices.Contains(granted, scope) {
				continue
			}
			diags.AddAttributeError(path.Root("client_id"), "Auth0 application lacks the Management API scope "+scope,
				fmt.Sprintf("Auth0 issued application %q a token for %s without the scope %s, which the KMS needs to "+
					"rotate client secrets (it needs %s). Grant it in the %s: authorize %q and tick %s. "+
					"To skip this check, set preflight = false.",
					p.clientID, p.audience, scope, strings.Join(requiredManagementScopes, " and "), auth0GrantPlace, p.clientID, scope))
		}
		if !slices.Contains(granted, "read:clients") {
			return diags // the applications cannot be read with this token
		}
	}
	if len(p.rotatedClientIDs) > 0 {
		p.checkApplications(ctx, httpClient, tokens.AccessToken, &diags)
	}
	return diags
}

// httpClient trusts the system roots plus the provider's ca_certificate:
// the same authorities as the provider's calls to the KMS, no fewer checks.
func (p *auth0Preflight) httpClient() *http.Client {
	transport := cleanhttp.DefaultTransport()
	transport.TLSClientConfig = &tls.Config{RootCAs: p.rootCAs, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: transport, Timeout: preflightTimeout}
}

func (p *auth0Preflight) tokenFailure(err error, diags *diag.Diagnostics) {
	var authErr *authentication.Error
	if !errors.As(err, &authErr) {
		p.unreachable(err, diags)
		return
	}
	said := authErr.Err
	if authErr.Message != "" {
		said += ": " + authErr.Message
	}
	switch {
	case authErr.StatusCode == http.StatusUnauthorized:
		diags.AddAttributeError(path.Root("client_id"), "Auth0 refused the connection's credentials", fmt.Sprintf(
			"Auth0 at %s refused the client credentials of application %q (%s). Check client_id and the client "+
				"secret (client_secret or client_secret_wo). To skip this check, set preflight = false.", p.domain, p.clientID, said))
	case authErr.StatusCode == http.StatusForbidden && strings.Contains(authErr.Message, "Service not found"):
		diags.AddAttributeError(path.Root("audience"), "Auth0 has no API with this audience", fmt.Sprintf(
			"Auth0 at %s has no API with the identifier %q (%s). The Management API's is https://<tenant domain>/api/v2/; "+
				"leave audience unset to use it.", p.domain, p.audience, said))
	case authErr.StatusCode == http.StatusForbidden:
		diags.AddAttributeError(path.Root("client_id"), "Auth0 application may not use the Management API", fmt.Sprintf(
			"Auth0 refused application %q a token for %s (%s). It needs a grant for the Auth0 Management API with "+
				"the scopes %s: in the %s, authorize %q and tick both. To skip this check, set preflight = false.",
			p.clientID, p.audience, said, strings.Join(requiredManagementScopes, " and "), auth0GrantPlace, p.clientID))
	default:
		diags.AddAttributeWarning(path.Root("domain"), "Auth0 preflight could not finish", fmt.Sprintf(
			"Auth0 at %s answered HTTP %d (%s) to the token request, so the connection's scopes were not checked. "+
				"The KMS checks the credentials again when it saves the connection.", p.domain, authErr.StatusCode, said))
	}
}

func (p *auth0Preflight) unreachable(err error, diags *diag.Diagnostics) {
	diags.AddAttributeWarning(path.Root("domain"), "Auth0 not reachable from where Terraform runs", fmt.Sprintf(
		"The Auth0 preflight could not reach %s: %s. The connection's scopes and applications were not checked "+
			"here; the KMS, which may reach Auth0 from its own network, checks the credentials when it saves the "+
			"connection. If Auth0 is only reachable from the KMS, set preflight = false to skip this check. For a "+
			"TLS-intercepting proxy, add its CA to the provider's ca_certificate.", p.domain, transportCause(err)))
}

// checkApplications reads each application the connection is meant to
// rotate: it must exist and authenticate with a client secret.
func (p *auth0Preflight) checkApplications(ctx context.Context, httpClient *http.Client, token string, diags *diag.Diagnostics) {
	m, err := management.New(p.managementDomain(),
		management.WithStaticToken(token),
		management.WithClient(httpClient),
		management.WithNoRetries(),
		management.WithNoAuth0ClientInfo(),
	)
	if err != nil {
		diags.AddAttributeWarning(path.Root("audience"), "Auth0 applications not checked", err.Error())
		return
	}
	attr := path.Root("rotated_client_ids")
	for _, id := range p.rotatedClientIDs {
		app, err := m.Client.Read(ctx, id,
			management.IncludeFields("client_id", "name", "app_type", "token_endpoint_auth_method", "client_authentication_methods"))
		var mgmtErr management.Error
		switch {
		case errors.As(err, &mgmtErr) && mgmtErr.Status() == http.StatusNotFound:
			diags.AddAttributeError(attr, "Auth0 application not found", fmt.Sprintf(
				"rotated_client_ids lists %q, but the tenant at %s has no application with this client ID. "+
					"Copy the client ID from the application's settings in the Auth0 dashboard.", id, p.domain))
			continue
		case errors.As(err, &mgmtErr):
			diags.AddAttributeError(attr, "Auth0 application could not be read", fmt.Sprintf(
				"Auth0 refused to read application %q with the connection's token: %v. The KMS reads it the same way "+
					"to rotate its secret.", id, mgmtErr))
			continue
		case err != nil:
			p.unreachable(err, diags)
			return
		}
		if why := noSecretReason(app); why != "" {
			diags.AddAttributeError(attr, "Auth0 application has no client secret to rotate", fmt.Sprintf(
				"rotated_client_ids lists %q (%s), which %s. The KMS can only rotate the secret of an application "+
					"that authenticates with a client secret (token endpoint authentication method "+
					"client_secret_post or client_secret_basic).", id, app.GetName(), why))
		}
	}
}

// noSecretReason says why an application has no client secret to rotate,
// or "" when it has one.
func noSecretReason(app *management.Client) string {
	switch appType := app.GetAppType(); appType {
	case "spa", "native":
		return fmt.Sprintf("is a public %s application: it authenticates with no secret", appType)
	}
	switch method := app.GetTokenEndpointAuthMethod(); method {
	case "none":
		return "is a public application (token endpoint authentication method none)"
	case "private_key_jwt":
		return "authenticates with private_key_jwt, not a secret"
	case "":
		// Auth0 leaves the method out when the application uses one of
		// client_authentication_methods instead of a secret.
		if methods := app.ClientAuthenticationMethods; methods != nil {
			switch {
			case methods.PrivateKeyJWT != nil:
				return "authenticates with private_key_jwt, not a secret"
			case methods.TLSClientAuth != nil || methods.SelfSignedTLSClientAuth != nil:
				return "authenticates with mutual TLS, not a secret"
			}
		}
	}
	return ""
}

// managementDomain is where the KMS sends Management API calls: the host of
// the audience (<audience>clients/<id>), which for a tenant on a custom
// domain differs from the domain of the token endpoint.
func (p *auth0Preflight) managementDomain() string {
	if u, err := url.Parse(p.audience); err == nil && u.Scheme == "https" && u.Host != "" {
		return u.Host
	}
	return p.domain
}

// grantedScopes are the scopes Auth0 granted: the token response's scope,
// or, when the answer leaves it out, the access token's scope claim (read,
// not verified: the token came straight from Auth0 over TLS, and nothing is
// trusted on its strength).
func grantedScopes(tokens *oauth.TokenSet) ([]string, bool) {
	if tokens.Scope != "" {
		return strings.Fields(tokens.Scope), true
	}
	parts := strings.Split(tokens.AccessToken, ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	var claims struct {
		Scope *string `json:"scope"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Scope == nil {
		return nil, false
	}
	return strings.Fields(*claims.Scope), true
}

// transportCause is a transport error without the URL around it.
func transportCause(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return err.Error()
}
