package login

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// azureLoginOption is the Azure managed identity of wherever Terraform runs
// (a VM or scale set agent, AKS, App Service, Container Apps).
var azureLoginOption = loginOption{
	title: "Azure Auth",
	doc:   "Azure Auth (`azure_identity_id`, with the managed identity's access token)",
	attributes: []loginAttribute{
		{
			name: "azure_identity_id", env: envvar.AzureIdentityID, identityID: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with Azure Auth: the provider asks the managed identity of the " +
					"machine for an access token for `azure_resource` (from the instance metadata service, or from " +
					"`IDENTITY_ENDPOINT` with `IDENTITY_HEADER` on App Service and Container Apps), and the KMS checks it with " +
					"the signing keys of the identity's tenant, then the tenant and the service principal (object id) against " +
					"the identity's. Conflicts with the other login methods' attributes. May also be set with `" +
					envvar.AzureIdentityID + "`.",
				Optional: true,
			},
		},
		{
			name: "azure_resource", env: envvar.AzureResource,
			schema: schema.StringAttribute{
				MarkdownDescription: "The resource the access token is asked for, which must be the identity's Azure Auth " +
					"resource (the token's audience). Defaults to `" + kms.DefaultAzureResource + "`, the KMS's default. May " +
					"also be set with `" + envvar.AzureResource + "`.",
				Optional: true,
			},
		},
		{
			name: "azure_managed_identity_client_id", env: envvar.AzureManagedIdentityClientID,
			schema: schema.StringAttribute{
				MarkdownDescription: "Client id of a user-assigned managed identity to use, when the machine has several; the " +
					"system-assigned identity by default. May also be set with `" + envvar.AzureManagedIdentityClientID + "`.",
				Optional: true,
			},
		},
	},
	selectors:    []string{"azure_identity_id"},
	selectorHint: "the id of the machine identity whose Azure Auth trusts the managed identity",
	prepare:      prepareAzureLogin,
}

type azureLogin struct {
	identityID, resource, clientID string
	s                              settings
}

func prepareAzureLogin(s settings) (chosenLogin, diag.Diagnostics) {
	var diags diag.Diagnostics
	login := azureLogin{identityID: s.login["azure_identity_id"], resource: s.login["azure_resource"],
		clientID: s.login["azure_managed_identity_client_id"], s: s}
	if login.resource == "" {
		login.resource = kms.DefaultAzureResource
	} else if u, err := url.Parse(login.resource); err != nil || u.Scheme == "" || u.Host == "" {
		diags.AddAttributeError(path.Root("azure_resource"), "Invalid Azure resource",
			fmt.Sprintf("%s must be a resource URI such as %s (the identity's Azure Auth resource), got %q.",
				s.namedAttr("azure_resource"), kms.DefaultAzureResource, login.resource))
		return nil, diags
	}
	return login, nil
}

func (a azureLogin) configure(cfg *kms.Config, logger tfLogger) {
	cfg.Login = kms.AzureAuth{IdentityID: a.identityID,
		Token: maskedTokenSource{kms.AzureManagedIdentityToken(a.resource, a.clientID, ""), logger}}
}

// explainRefusal says what the KMS checked (Infisical's
// backend/src/services/identity-azure-auth/identity-azure-auth-service.ts and
// -fns.ts). Failures of its JWT library come back as 403 TokenError.
func (a azureLogin) explainRefusal(err error) (string, bool) {
	identity := a.s.namedAttr("azure_identity_id")
	var credErr *kms.CredentialError
	if errors.As(err, &credErr) {
		return "No managed identity access token could be obtained: Azure Auth runs on Azure with a managed identity " +
			"(a VM or scale set with an identity assigned, AKS, App Service or Container Apps with an identity turned on). " +
			"With several user-assigned identities, set azure_managed_identity_client_id (or " +
			envvar.AzureManagedIdentityClientID + ").", true
	}
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return "", false
	}
	msg := apiErr.Message
	switch {
	case apiErr.StatusCode == http.StatusNotFound && strings.Contains(msg, "Azure auth method not found"):
		return fmt.Sprintf("No machine identity with Azure Auth has the id %q: check %s, and that the identity has Azure Auth "+
			"configured in the KMS.", a.identityID, identity), true
	case strings.Contains(msg, "audience invalid"):
		return fmt.Sprintf("The access token was issued for the resource %q, not the identity's resource (%s): set "+
			"azure_resource (or %s) to the identity's Azure Auth resource, or change the identity's resource.",
			a.resource, msg, envvar.AzureResource), true
	case strings.Contains(msg, "issuer invalid") || strings.Contains(msg, "Invalid signing key") || msg == "Tenant ID mismatch":
		return "The access token comes from another Azure AD tenant than the identity's: set the identity's Azure Auth tenant " +
			"id to the managed identity's tenant (the Directory ID of the subscription it lives in).", true
	case strings.Contains(msg, "Service principal") && strings.Contains(msg, "not allowed"):
		return "The token checked out, but the managed identity's service principal (its object id, named above) is not one " +
			"of the identity's allowed service principal ids: add it to the identity's Azure Auth, or run with an allowed " +
			"identity (with several user-assigned identities, set azure_managed_identity_client_id).", true
	case apiErr.StatusCode == http.StatusForbidden && apiErr.ErrorName == "TokenError":
		return "The KMS could not verify the managed identity's access token (" + msg + "): it may have expired (check this " +
			"machine's clock).", true
	case apiErr.StatusCode == http.StatusInternalServerError:
		return fmt.Sprintf("The KMS could not read the token or fetch the signing keys of the identity's tenant and does not "+
			"say why: check the tenant id of the identity's Azure Auth, and %s.", identity), true
	case apiErr.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("Check %s and the identity's Azure Auth settings (tenant id, resource, allowed service principal "+
			"ids).", identity), true
	}
	return "", false
}
