package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
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

// DefaultAzureIMDSTokenURL is the token endpoint of Azure's instance
// metadata service, the same on every VM, scale set and AKS node.
const DefaultAzureIMDSTokenURL = "http://169.254.169.254/metadata/identity/oauth2/token"

// AzureManagedIdentityToken asks the environment's managed identity for an
// access token for resource: from the App Service / Functions / Container
// Apps identity endpoint when IDENTITY_ENDPOINT and IDENTITY_HEADER are set
// (API version 2019-08-01), otherwise from the instance metadata service of
// a VM, a scale set or an AKS node (imdsURL, DefaultAzureIMDSTokenURL when
// ""). clientID selects a user-assigned identity ("" is the system-assigned
// one).
//
// This is one GET, written here rather than with azidentity's
// ManagedIdentityCredential: that library (v1.15.0) adds 87 packages and
// 1.4 MB to a binary for it, keeps a process-wide token cache (a login
// would not get a fresh token, which this client asks for at every login),
// and cannot be pointed at a local metadata service for tests.
func AzureManagedIdentityToken(resource, clientID, imdsURL string) OIDCTokenSource {
	if resource == "" {
		resource = DefaultAzureResource
	}
	if imdsURL == "" {
		imdsURL = DefaultAzureIMDSTokenURL
	}
	return azureTokenSource{resource: resource, clientID: clientID, imdsURL: imdsURL}
}

type azureTokenSource struct {
	resource, clientID, imdsURL string
}

// appServiceEndpoint is IDENTITY_ENDPOINT and IDENTITY_HEADER, when both are set.
func appServiceEndpoint() (endpoint, header string, ok bool) {
	endpoint, header = strings.TrimSpace(os.Getenv("IDENTITY_ENDPOINT")), strings.TrimSpace(os.Getenv("IDENTITY_HEADER"))
	return endpoint, header, endpoint != "" && header != ""
}

func (a azureTokenSource) Token(ctx context.Context, _ *http.Client) (string, error) {
	q := url.Values{"resource": {a.resource}}
	if a.clientID != "" {
		q.Set("client_id", a.clientID)
	}
	target, headerName, headerValue := a.imdsURL, "Metadata", "true"
	if endpoint, header, ok := appServiceEndpoint(); ok {
		q.Set("api-version", "2019-08-01")
		target, headerName, headerValue = endpoint, "X-IDENTITY-HEADER", header
	} else {
		q.Set("api-version", "2018-02-01")
	}
	// The identity endpoint is local to the machine (plain HTTP); a client of
	// its own, never a proxy.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	var lastErr error
	// Microsoft asks clients of IMDS to retry 404, 410, 429 and 5xx (the
	// service may still be starting): three tries, a second apart.
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(time.Duration(attempt) * time.Second):
			}
		}
		tok, retry, err := a.get(ctx, client, target+"?"+q.Encode(), headerName, headerValue)
		if err == nil || !retry {
			return tok, err
		}
		lastErr = err
	}
	return "", lastErr
}

func (a azureTokenSource) get(ctx context.Context, client *http.Client, target, headerName, headerValue string) (string, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", false, err
	}
	req.Header.Set(headerName, headerValue)
	resp, err := client.Do(req)
	if err != nil {
		return "", false, fmt.Errorf("no managed identity endpoint answered at %s (not on Azure, or no identity attached?): %w",
			req.URL.Host, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		// Its error body names the problem ("Identity not found"); it holds
		// no credential.
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(data, &e)
		retry := resp.StatusCode == 404 || resp.StatusCode == 410 || resp.StatusCode == 429 || resp.StatusCode >= 500
		msg := fmt.Sprintf("the managed identity endpoint answered HTTP %d", resp.StatusCode)
		if e.Error != "" || e.Description != "" {
			msg += ": " + strings.TrimSpace(e.Error+" "+e.Description)
		}
		return "", retry, errors.New(msg)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.AccessToken == "" {
		return "", false, errors.New("the managed identity endpoint answered no access_token")
	}
	return out.AccessToken, false, nil
}

func (a azureTokenSource) Describe() string {
	where := "the Azure instance metadata service (" + a.imdsURL + ")"
	if endpoint, _, ok := appServiceEndpoint(); ok {
		where = "the managed identity endpoint IDENTITY_ENDPOINT (" + endpoint + ")"
	}
	id := "the system-assigned managed identity"
	if a.clientID != "" {
		id = "the user-assigned managed identity " + a.clientID
	}
	return id + " from " + where + ", for the resource " + a.resource
}
