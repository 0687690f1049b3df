package kms

import (
	"context"
	"net/http"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// LoginAzure names Azure Auth in messages.
const LoginAzure = "Azure Auth"

// DefaultAzureResource is the resource the KMS's Azure Auth expects a token
// for unless the identity says otherwise.
const DefaultAzureResource = "https://management.azure.com/"

// AzureAuth logs in with an Azure managed identity access token for the
// machine identity whose Azure Auth trusts it
// (POST /api/v1/auth/azure-auth/login {identityId, jwt}). The KMS verifies
// the token with the signing keys of the identity's tenant
// (https://login.microsoftonline.com/<tenant>/discovery/keys), its issuer
// (https://sts.windows.net/<tenant>/) and its audience (the identity's
// resource), then the tenant (tid) and the service principal (oid) against
// the identity's allowed ones (Infisical's
// backend/src/services/identity-azure-auth/identity-azure-auth-fns.ts).
// Token is asked again at every login.
type AzureAuth struct {
	IdentityID string
	Token      OIDCTokenSource
}

type azureLoginRequest struct {
	IdentityID string `json:"identityId"`
	JWT        string `json:"jwt"`
}

// Name implements LoginMethod.
func (AzureAuth) Name() string { return LoginAzure }

// Login implements LoginMethod.
func (a AzureAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	jwt, err := a.Token.Token(ctx, c.rawHTTP)
	if err != nil {
		return nil, &CredentialError{Method: LoginAzure, Source: a.Token.Describe(), Err: err}
	}
	return c.AzureLogin(ctx, a.IdentityID, jwt)
}

// AzureLogin sends one Azure Auth login with a given token, outside c's own
// token.
func (c *Client) AzureLogin(ctx context.Context, identityID, jwt string) (*TokenResponse, error) {
	return c.postLogin(ctx, "/api/v1/auth/azure-auth/login", azureLoginRequest{IdentityID: identityID, JWT: jwt})
}

// AzureManagedIdentityToken asks the environment's managed identity for an
// access token for resource, with azidentity's ManagedIdentityCredential:
// App Service, Functions and Container Apps (IDENTITY_ENDPOINT and
// IDENTITY_HEADER), Azure Arc, Service Fabric, Cloud Shell, Azure ML, and
// otherwise the instance metadata service of a VM, a scale set or AKS
// (http://169.254.169.254). clientID selects a user-assigned identity ("" is
// the system-assigned one). transport replaces the HTTP transport (tests).
func AzureManagedIdentityToken(resource, clientID string, transport policy.Transporter) OIDCTokenSource {
	if resource == "" {
		resource = DefaultAzureResource
	}
	return azureTokenSource{resource: resource, clientID: clientID, transport: transport}
}

type azureTokenSource struct {
	resource, clientID string
	transport          policy.Transporter
}

func (a azureTokenSource) Token(ctx context.Context, _ *http.Client) (string, error) {
	opts := &azidentity.ManagedIdentityCredentialOptions{}
	if a.clientID != "" {
		opts.ID = azidentity.ClientID(a.clientID)
	}
	if a.transport != nil {
		opts.ClientOptions.Transport = a.transport
	}
	// A credential per login: nothing cached across logins, so a login
	// always carries a token the identity endpoint has just issued.
	cred, err := azidentity.NewManagedIdentityCredential(opts)
	if err != nil {
		return "", err
	}
	// A managed identity token is asked for a resource; azidentity takes it
	// as a scope, "<resource>/.default".
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{a.resource + "/.default"}})
	if err != nil {
		return "", err
	}
	return tok.Token, nil
}


func (a azureTokenSource) Describe() string {
	where := "the Azure instance metadata service (169.254.169.254)"
	if os.Getenv("IDENTITY_ENDPOINT") != "" {
		where = "the managed identity endpoint IDENTITY_ENDPOINT (" + strings.TrimSpace(os.Getenv("IDENTITY_ENDPOINT")) + ")"
	}
	id := "the system-assigned managed identity"
	if a.clientID != "" {
		id = "the user-assigned managed identity " + a.clientID
	}
	return id + " from " + where + ", for the resource " + a.resource
}
