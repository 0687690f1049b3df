package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localk8s"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

const kubernetesLoginRoute = "POST /api/v1/auth/kubernetes-auth/login"

// kubernetesOnlyEnv configures the provider as a pod does with nothing but
// variables: the KMS host, the identity id and the token file's path.
func kubernetesOnlyEnv(t *testing.T, env *acctest.Env, identity, token string) string {
	t.Helper()
	clearProviderEnv(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.KubernetesIdentityID, identity)
	t.Setenv(envvar.KubernetesServiceAccountTokenPath, file)
	return file
}

func TestProviderLogsInWithAKubernetesServiceAccountToken(t *testing.T) {
	env := acctest.Start(t)
	token, id := env.KubernetesToken()
	kubernetesOnlyEnv(t, env, localstack.KubernetesIdentityID, token)
	resp := configure(t, nil)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if n := env.KMS.RequestCount(kubernetesLoginRoute); n != 1 {
		t.Errorf("%d Kubernetes logins, want 1", n)
	}
	reviews := env.Cluster.Reviews()
	if len(reviews) != 1 || reviews[0].TokenID != id || !reviews[0].Authenticated ||
		reviews[0].Reviewer != "system:serviceaccount:kube-system:kms-token-reviewer" {
		t.Errorf("reviews: %+v", reviews)
	}
}

// Ambiguous or incomplete Kubernetes settings fail at configure time,
// naming the attributes and variables, with no request sent.
func TestProviderKubernetesConfigurationErrorsNameTheSettings(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name   string
		env    map[string]string
		values map[string]attr.Value
		want   []string
	}{
		{"kubernetes and client id", map[string]string{envvar.ClientID: "id", envvar.ClientSecret: "s",
			envvar.KubernetesIdentityID: "x"}, nil,
			[]string{"Conflicting Hanzo KMS credentials", "kubernetes_identity_id (set by HANZO_KMS_KUBERNETES_IDENTITY_ID)",
				"client_id (set by HANZO_KMS_CLIENT_ID)", "Set only one"}},
		{"kubernetes and aws", map[string]string{envvar.AWSIAMIdentityID: "y"},
			map[string]attr.Value{"kubernetes_identity_id": types.StringValue("x")},
			[]string{"Conflicting Hanzo KMS credentials", "kubernetes_identity_id", "aws_iam_identity_id (set by HANZO_KMS_AWS_IAM_IDENTITY_ID)"}},
		{"token path without identity", map[string]string{envvar.KubernetesServiceAccountTokenPath: "/tmp/x"}, nil,
			[]string{"Incomplete Kubernetes Auth login", "kubernetes_service_account_token_path (set by HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)",
				"kubernetes_identity_id (or HANZO_KMS_KUBERNETES_IDENTITY_ID)"}},
		{"path and token", map[string]string{envvar.KubernetesIdentityID: "x", envvar.KubernetesServiceAccountToken: "t"},
			map[string]attr.Value{"kubernetes_service_account_token_path": types.StringValue("/tmp/x")},
			[]string{"Conflicting Kubernetes service account tokens", "kubernetes_service_account_token (set by HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearProviderEnv(t)
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

// Each refused Kubernetes login: one attempt, and an error that says what
// the KMS checked and what to change.
func TestProviderRefusedKubernetesLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	issue := func(ns, name string, o localk8s.TokenOptions) func() string {
		return func() string {
			tok, _ := env.Cluster.IssueToken(localk8s.ServiceAccount{Namespace: ns, Name: name}, o)
			return tok
		}
	}
	cases := []struct {
		name, identity string
		token          func() string
		want           []string
	}{
		{"wrong namespace", localstack.KubernetesIdentityID, issue("payroll", "terraform", localk8s.TokenOptions{}),
			[]string{"K8s namespace not allowed", "allowed namespaces"}},
		{"wrong service account", localstack.KubernetesIdentityID, issue("ci", "default", localk8s.TokenOptions{}),
			[]string{"K8s name not allowed", "serviceAccountName"}},
		{"expired token", localstack.KubernetesIdentityID, issue("ci", "terraform", localk8s.TokenOptions{Lifetime: -time.Minute}),
			[]string{"service account token has expired", "did not authenticate", "may have expired"}},
		{"token of another cluster", localstack.KubernetesIdentityID, func() string { return "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" },
			[]string{"invalid bearer token", "did not authenticate", "another cluster"}},
		{"wrong audience", localstack.KubernetesAudienceIdentityID, issue("ci", "terraform", localk8s.TokenOptions{CanReview: true}),
			[]string{"is invalid for the target audiences", "projected service account token with that audience",
				"HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH"}},
		{"login token may not review", localstack.KubernetesAudienceIdentityID,
			issue("ci", "terraform", localk8s.TokenOptions{Audiences: []string{localstack.KubernetesAudience}}),
			[]string{`cannot create resource "tokenreviews"`, "system:auth-delegator"}},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", issue("ci", "terraform", localk8s.TokenOptions{}),
			[]string{"Kubernetes auth method not found", "00000000-0000-4000-8000-000000000000", "kubernetes_identity_id (set by HANZO_KMS_KUBERNETES_IDENTITY_ID)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := tc.token()
			kubernetesOnlyEnv(t, env, tc.identity, token)
			env.KMS.ResetCounters()
			resp := configure(t, nil)
			if !resp.Diagnostics.HasError() {
				t.Fatal("configure succeeded")
			}
			text := resp.Diagnostics.Errors()[0].Summary() + " " + resp.Diagnostics.Errors()[0].Detail()
			for _, want := range append(tc.want, "Hanzo KMS authentication failed", "not retried") {
				if !strings.Contains(text, want) {
					t.Errorf("error %q does not say %q", text, want)
				}
			}
			if strings.Contains(text, token) {
				t.Error("the error repeats the service account token")
			}
			if n := env.KMS.RequestCount(kubernetesLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1", n)
			}
		})
	}
}

// A missing token file is said plainly, and nothing is sent.
func TestProviderKubernetesTokenFileMissing(t *testing.T) {
	env := acctest.Start(t)
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.KubernetesIdentityID, localstack.KubernetesIdentityID)
	t.Setenv(envvar.KubernetesServiceAccountTokenPath, filepath.Join(t.TempDir(), "absent"))
	resp := configure(t, nil)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "could not be read") ||
		!strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "kubernetes_service_account_token_path (set by HANZO_KMS_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)") {
		t.Fatalf("a missing token file: %v", resp.Diagnostics)
	}
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("%d requests without a token", n)
	}
}
