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
)

const (
	gcpLoginRoute   = "POST /api/v1/auth/gcp-auth/login"
	azureLoginRoute = "POST /api/v1/auth/azure-auth/login"
)

// gcpEnv is a GCE runner's Google environment: the metadata server at
// GCE_METADATA_HOST, and no key file or gcloud credentials of the machine.
func gcpEnv(t *testing.T, env *acctest.Env) {
	t.Helper()
	t.Setenv("GCE_METADATA_HOST", env.GCP.MetadataHost())
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", filepath.Join(t.TempDir(), "no-gcloud"))
}

// gcpOnlyEnv configures the provider with variables alone, as a CI job on a
// GCE runner does: gce, or iam with the service account's email.
func gcpOnlyEnv(t *testing.T, env *acctest.Env, identity, email string) {
	t.Helper()
	clearProviderEnv(t)
	gcpEnv(t, env)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.GCPIdentityID, identity)
	if email != "" {
		t.Setenv(envvar.GCPAuthType, "iam")
		t.Setenv(envvar.GCPServiceAccountEmail, email)
		t.Setenv(envvar.GCPIAMCredentialsEndpoint, env.GCP.URL())
	}
}

// azureOnlyEnv configures the provider with variables alone, as an app on
// App Service or Container Apps with a managed identity.
func azureOnlyEnv(t *testing.T, env *acctest.Env, identity string) {
	t.Helper()
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.AzureIdentityID, identity)
	t.Setenv("IDENTITY_ENDPOINT", env.Azure.IdentityEndpoint())
	t.Setenv("IDENTITY_HEADER", env.Azure.IdentityHeader)
}

func TestProviderLogsInWithGCPAndAzure(t *testing.T) {
	env := acctest.Start(t)
	for _, c := range []struct {
		name  string
		setup func(t *testing.T)
		route string
		check func() string
	}{
		{"gce", func(t *testing.T) { gcpOnlyEnv(t, env, localstack.GCEIdentityID, "") }, gcpLoginRoute,
			func() string { return strings.Join(env.KMS.GCPLogins(localstack.GCEIdentityID), ",") }},
		{"iam", func(t *testing.T) {
			gcpOnlyEnv(t, env, localstack.GCPIAMIdentityID, localstack.GCPTerraformServiceAccount)
		}, gcpLoginRoute,
			func() string { return strings.Join(env.KMS.GCPLogins(localstack.GCPIAMIdentityID), ",") }},
		{"azure", func(t *testing.T) { azureOnlyEnv(t, env, localstack.AzureIdentityID) }, azureLoginRoute,
			func() string { return strings.Join(env.KMS.AzureLogins(localstack.AzureIdentityID), ",") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.setup(t)
			env.KMS.ResetCounters()
			resp := configure(t, nil)
			if resp.Diagnostics.HasError() || resp.ResourceData == nil {
				t.Fatalf("configure: %v", resp.Diagnostics)
			}
			if n := env.KMS.RequestCount(c.route); n != 1 {
				t.Errorf("%d logins on %s, want 1", n, c.route)
			}
			want := map[string]string{"gce": localstack.GCPRunnerServiceAccount, "iam": localstack.GCPTerraformServiceAccount,
				"azure": localstack.AzureServicePrincipalID}[c.name]
			if got := c.check(); got != want {
				t.Errorf("the KMS accepted logins of %q, want %q", got, want)
			}
		})
	}
}

func TestProviderGCPAndAzureConfigurationErrorsNameTheSettings(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name   string
		env    map[string]string
		values map[string]attr.Value
		want   []string
	}{
		{"gcp and azure", map[string]string{envvar.GCPIdentityID: "x", envvar.AzureIdentityID: "y"}, nil,
			[]string{"Conflicting Hanzo KMS credentials", "gcp_identity_id (set by HANZO_KMS_GCP_IDENTITY_ID)",
				"azure_identity_id (set by HANZO_KMS_AZURE_IDENTITY_ID)"}},
		{"email without identity", map[string]string{envvar.GCPServiceAccountEmail: localstack.GCPTerraformServiceAccount,
			envvar.ClientID: "id", envvar.ClientSecret: "s"}, nil,
			[]string{"Incomplete GCP Auth login", "gcp_service_account_email (set by HANZO_KMS_GCP_SERVICE_ACCOUNT_EMAIL)",
				"gcp_identity_id (or HANZO_KMS_GCP_IDENTITY_ID)"}},
		{"iam without email", map[string]string{envvar.GCPIdentityID: "x", envvar.GCPAuthType: "iam"}, nil,
			[]string{"Incomplete GCP Auth login", "gcp_auth_type (set by HANZO_KMS_GCP_AUTH_TYPE)",
				"gcp_service_account_email (or HANZO_KMS_GCP_SERVICE_ACCOUNT_EMAIL)"}},
		{"email without type", map[string]string{envvar.GCPIdentityID: "x"},
			map[string]attr.Value{"gcp_service_account_email": types.StringValue(localstack.GCPTerraformServiceAccount)},
			[]string{"Incomplete GCP Auth login", "gcp_service_account_email", `gcp_auth_type (or HANZO_KMS_GCP_AUTH_TYPE)`, `"iam"`}},
		{"endpoint with gce", map[string]string{envvar.GCPIdentityID: "x", envvar.GCPAuthType: "gce",
			envvar.GCPIAMCredentialsEndpoint: "https://iam.example"}, nil,
			[]string{"Conflicting GCP Auth settings", "gcp_iam_credentials_endpoint (set by HANZO_KMS_GCP_IAM_CREDENTIALS_ENDPOINT)", `"gce"`}},
		{"default compute service account", map[string]string{envvar.GCPIdentityID: "x", envvar.GCPAuthType: "iam",
			envvar.GCPServiceAccountEmail: "123456789012-compute@developer.gserviceaccount.com"}, nil,
			[]string{"Invalid GCP service account", "gcp_service_account_email (set by HANZO_KMS_GCP_SERVICE_ACCOUNT_EMAIL)",
				"user-managed"}},
		{"unknown type", map[string]string{envvar.GCPIdentityID: "x", envvar.GCPAuthType: "gke"}, nil,
			[]string{"Invalid GCP Auth type", "gcp_auth_type (set by HANZO_KMS_GCP_AUTH_TYPE)", `"gke"`}},
		{"resource without identity", map[string]string{envvar.AzureResource: "https://vault.azure.net/",
			envvar.ClientID: "id", envvar.ClientSecret: "s"}, nil,
			[]string{"Incomplete Azure Auth login", "azure_resource (set by HANZO_KMS_AZURE_RESOURCE)",
				"azure_identity_id (or HANZO_KMS_AZURE_IDENTITY_ID)"}},
		{"bad resource", map[string]string{envvar.AzureIdentityID: "x"},
			map[string]attr.Value{"azure_resource": types.StringValue("management")},
			[]string{"Invalid Azure resource", "azure_resource", `"management"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearProviderEnv(t)
			gcpEnv(t, env)
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
