package login

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
)

// The credentials a login reads when it logs in (a Kubernetes or OIDC token
// file, the Azure and GCE metadata endpoints' tokens, the access token and
// signed JWT of GCP's iam type, the AWS secret key and session token) are
// masked in every later log line of the provider: a line that carries one
// in plain text, in its message or in a field (an error text, a header),
// comes out masked. None of them is among the settings masked from the
// start; the client's redaction of login bodies hides them from its own
// request lines, so this test logs them itself to hold the masks alone.
func TestCredentialsALoginReadsAreMaskedInEveryLogLine(t *testing.T) {
	const identityID = "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"
	const runner, target = "ci-runner@acme-ci.iam.gserviceaccount.com", "terraform@acme-ci.iam.gserviceaccount.com"
	cases := []struct {
		name string
		// setup makes the environment the login reads, and returns the
		// login's settings and what else the login reads besides the token
		// it logs in with (nil: nothing else).
		setup func(t *testing.T) (login map[string]string, issued func() []string)
	}{
		{"OIDC token file", func(t *testing.T) (map[string]string, func() []string) {
			return map[string]string{"oidc_identity_id": identityID,
				"oidc_token_file": tokenFile(t, "eyJhbGciOiJSUzI1NiJ9.oidc-token-read-from-the-file.c2lnbmF0dXJl")}, nil
		}},
		{"Kubernetes token file", func(t *testing.T) (map[string]string, func() []string) {
			return map[string]string{"kubernetes_identity_id": identityID,
				"kubernetes_service_account_token_path": tokenFile(t, "eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.c2ln")}, nil
		}},
		{"Azure managed identity", func(t *testing.T) (map[string]string, func() []string) {
			azure, err := localazure.Start(localazure.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(azure.Close)
			t.Setenv("IDENTITY_ENDPOINT", azure.IdentityEndpoint())
			t.Setenv("IDENTITY_HEADER", azure.IdentityHeader)
			return map[string]string{"azure_identity_id": identityID}, nil
		}},
		{"GCE identity token", func(t *testing.T) (map[string]string, func() []string) {
			startGCP(t, runner, target)
			return map[string]string{"gcp_identity_id": identityID}, nil
		}},
		{"GCP iam: the access token and the signed JWT", func(t *testing.T) (map[string]string, func() []string) {
			gcp := startGCP(t, runner, target)
			return map[string]string{"gcp_identity_id": identityID, "gcp_auth_type": kms.GCPAuthTypeIAM,
					"gcp_service_account_email": target, "gcp_iam_credentials_endpoint": gcp.URL()},
				func() []string { // the access token signJwt was called with
					var access []string
					for _, tok := range gcp.Issued() {
						if tok.Kind == "access" {
							access = append(access, tok.Value)
						}
					}
					return access
				}
		}},
		{"AWS secret key and session token", func(t *testing.T) (map[string]string, func() []string) {
			t.Setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEKEY000001")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-access-key-0123456789abcdef")
			t.Setenv("AWS_SESSION_TOKEN", "aws-session-token-0123456789abcdefghij")
			return map[string]string{"aws_iam_identity_id": identityID, "aws_iam_region": "eu-west-1"}, nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			isolateLoginEnvironment(t)
			login, issued := c.setup(t)
			s := settings{login: login, fromEnv: map[string]bool{}}
			chosen, diags := chooseLogin(s)
			if diags.HasError() {
				t.Fatalf("choosing the login: %v", diags)
			}
			logger := newTFLogger(logMasked(s)...)
			var cfg kms.Config
			chosen.configure(&cfg, logger)
			read := readCredentials(t, cfg.Login)
			if issued != nil {
				read = append(read, issued()...)
			}
			if len(read) == 0 {
				t.Fatal("the login read no credential: the test would prove nothing")
			}
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			for _, secret := range read {
				if slices.Contains(logMasked(s), secret) {
					t.Fatalf("a credential the login reads is among the settings masked from the start: the test would prove nothing")
				}
				logger.Debug(ctx, "hanzokms: login failed: "+secret, map[string]any{
					"error": "401 for " + secret, "header": "Bearer " + secret})
			}
			if got := strings.Count(logs.String(), "hanzokms: login failed"); got != len(read) {
				t.Fatalf("%d lines logged, want %d:\n%s", got, len(read), logs.String())
			}
			for i, secret := range read {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("credential #%d the login read is in the log", i)
				}
			}
		})
	}
}

// readCredentials reads the credentials of a login method as it does when it
// logs in.
func readCredentials(t *testing.T, method kms.LoginMethod) []string {
	t.Helper()
	ctx := context.Background()
	var source kms.OIDCTokenSource
	switch m := method.(type) {
	case kms.OIDCAuth:
		source = m.Token
	case kms.KubernetesAuth:
		source = m.Token
	case kms.AzureAuth:
		source = m.Token
	case kms.GCPAuth:
		source = m.Token
	case kms.AWSIAMAuth:
		creds, err := m.Credentials.Retrieve(ctx)
		if err != nil {
			t.Fatalf("AWS credentials: %v", err)
		}
		return []string{creds.SecretAccessKey, creds.SessionToken}
	default:
		t.Fatalf("no credential to read from a %T", method)
	}
	token, err := source.Token(ctx, http.DefaultClient)
	if err != nil {
		t.Fatalf("reading the token from %s: %v", source.Describe(), err)
	}
	return []string{token}
}

// isolateLoginEnvironment clears what the login methods read from the
// environment besides their settings, so that the machine's own variables
// and files choose nothing.
func isolateLoginEnvironment(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{envvar.TFCWorkloadIdentityToken, envvar.GitHubTokenRequestURL, envvar.GitHubTokenRequestToken,
		"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "GCE_METADATA_HOST", "GOOGLE_APPLICATION_CREDENTIALS",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	t.Setenv("CLOUDSDK_CONFIG", filepath.Join(dir, "no-gcloud"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-aws-credentials"))
}

func tokenFile(t *testing.T, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startGCP is a GCE instance's metadata server at GCE_METADATA_HOST, whose
// service account runner may sign JWTs for target.
func startGCP(t *testing.T, runner, target string) *localgcp.Server {
	t.Helper()
	gcp, err := localgcp.Start(localgcp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gcp.Close)
	gcp.SetInstance(localgcp.Instance{ServiceAccount: runner, ProjectID: "acme-ci", ProjectNumber: 123456789012,
		Zone: "europe-west1-b", Name: "ci-runner-1"})
	if err := gcp.AddServiceAccount(target, runner); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GCE_METADATA_HOST", gcp.MetadataHost())
	return gcp
}
