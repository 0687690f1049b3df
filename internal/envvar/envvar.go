// Package envvar names every environment variable the provider reads. Each
// provider attribute has one, so that a Terraform Cloud workspace or a CI job
// needs no provider block; the provider code, the tests and the module tests
// all take the names from here rather than spelling them out.
package envvar

// The provider's own attributes.
const (
	Host           = "HANZO_KMS_HOST"
	CACertificate  = "HANZO_KMS_CA_CERTIFICATE"
	RequestTimeout = "HANZO_KMS_REQUEST_TIMEOUT"
	MaxRetries     = "HANZO_KMS_MAX_RETRIES"
)

// Universal auth and a ready access token.
const (
	ClientID     = "HANZO_KMS_CLIENT_ID"
	ClientSecret = "HANZO_KMS_CLIENT_SECRET"
	Token        = "HANZO_KMS_TOKEN"
)

// OIDC Auth.
const (
	OIDCIdentityID  = "HANZO_KMS_OIDC_IDENTITY_ID"
	OIDCTokenEnvVar = "HANZO_KMS_OIDC_TOKEN_ENV_VAR"
	OIDCTokenFile   = "HANZO_KMS_OIDC_TOKEN_FILE"
	OIDCAudience    = "HANZO_KMS_OIDC_AUDIENCE"
)

// Where CI systems hand a job its OIDC identity token.
const (
	// TFCWorkloadIdentityToken is Terraform Cloud's (tagged tokens are
	// TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>, chosen with oidc_token_env_var).
	TFCWorkloadIdentityToken = "TFC_WORKLOAD_IDENTITY_TOKEN"
	// GitHub Actions gives a URL and a bearer token to ask for one.
	GitHubTokenRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	GitHubTokenRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
)

// Kubernetes Auth.
const (
	KubernetesIdentityID              = "HANZO_KMS_KUBERNETES_IDENTITY_ID"
	KubernetesServiceAccountTokenPath = "HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH"
	KubernetesServiceAccountToken     = "HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN"
)

// AWS IAM Auth (the AWS SDK's own, such as AWS_REGION and AWS_PROFILE, apply
// too).
const (
	AWSIAMIdentityID = "HANZO_KMS_AWS_IAM_IDENTITY_ID"
	AWSIAMRegion     = "HANZO_KMS_AWS_IAM_REGION"
)

// GCP Auth (Google's own, such as GOOGLE_APPLICATION_CREDENTIALS and
// GCE_METADATA_HOST, apply too).
const (
	GCPIdentityID             = "HANZO_KMS_GCP_IDENTITY_ID"
	GCPAuthType               = "HANZO_KMS_GCP_AUTH_TYPE"
	GCPServiceAccountEmail    = "HANZO_KMS_GCP_SERVICE_ACCOUNT_EMAIL"
	GCPIAMCredentialsEndpoint = "HANZO_KMS_GCP_IAM_CREDENTIALS_ENDPOINT"
)

// Azure Auth (IDENTITY_ENDPOINT and IDENTITY_HEADER, set by App Service and
// Container Apps, apply too).
const (
	AzureIdentityID              = "HANZO_KMS_AZURE_IDENTITY_ID"
	AzureResource                = "HANZO_KMS_AZURE_RESOURCE"
	AzureManagedIdentityClientID = "HANZO_KMS_AZURE_MANAGED_IDENTITY_CLIENT_ID"
)

// All is every variable above, for tests that clear the environment the
// provider reads (internal/provider/login checks that no login attribute's
// variable is missing here).
var All = []string{
	Host, CACertificate, RequestTimeout, MaxRetries,
	ClientID, ClientSecret, Token,
	OIDCIdentityID, OIDCTokenEnvVar, OIDCTokenFile, OIDCAudience,
	TFCWorkloadIdentityToken, GitHubTokenRequestURL, GitHubTokenRequestToken,
	KubernetesIdentityID, KubernetesServiceAccountTokenPath, KubernetesServiceAccountToken,
	AWSIAMIdentityID, AWSIAMRegion,
	GCPIdentityID, GCPAuthType, GCPServiceAccountEmail, GCPIAMCredentialsEndpoint,
	AzureIdentityID, AzureResource, AzureManagedIdentityClientID,
}
