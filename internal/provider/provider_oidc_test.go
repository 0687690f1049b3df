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
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

const oidcLoginRoute = "POST /api/v1/auth/oidc-auth/login"

// A Terraform Cloud workspace with workload identity: two non-secret
// variables (host and identity id) and the run's token; no client secret.
func TestProviderLogsInWithTerraformCloudWorkloadIdentityFromEnvironmentAlone(t *testing.T) {
	env := acctest.Start(t)
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.OIDCIdentityID, localstack.OIDCIdentityID)
	t.Setenv(envvar.TFCWorkloadIdentityToken, env.OIDCToken("run-1"))
	resp := configure(t, nil)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if n := env.KMS.RequestCount(oidcLoginRoute); n != 1 {
		t.Errorf("%d OIDC logins, want 1", n)
	}
	if n := env.KMS.RequestCount("POST /api/v1/auth/universal-auth/login"); n != 0 {
		t.Errorf("%d universal auth logins, want 0", n)
	}
	if logins := env.KMS.OIDCLogins(localstack.OIDCIdentityID); len(logins) != 1 || logins[0].TokenID != "run-1" {
		t.Errorf("logins: %v", logins)
	}
}

// Ambiguous or incomplete OIDC settings fail at configure time, naming the
// attributes and variables involved, with no request sent.
func TestProviderOIDCConfigurationErrorsNameTheSettings(t *testing.T) {
	env := acctest.Start(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	cases := []struct {
		name   string
		env    map[string]string
		values map[string]attr.Value
		want   []string
	}{
		{"oidc and client id from the environment", map[string]string{envvar.ClientID: "id", envvar.ClientSecret: "s"},
			map[string]attr.Value{"oidc_identity_id": types.StringValue(localstack.OIDCIdentityID)},
			[]string{"Conflicting Hanzo KMS credentials", "client_id (set by HANZO_KMS_CLIENT_ID)", "oidc_identity_id", "Set only one"}},
		{"oidc and token, both from the environment", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID, envvar.Token: "t"}, nil,
			[]string{"token (set by HANZO_KMS_TOKEN)", "oidc_identity_id (set by HANZO_KMS_OIDC_IDENTITY_ID)"}},
		{"token file without identity", nil, map[string]attr.Value{"oidc_token_file": types.StringValue(tokenFile)},
			[]string{"Incomplete OIDC login", "oidc_token_file", "HANZO_KMS_OIDC_IDENTITY_ID"}},
		{"no token anywhere", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID}, nil,
			[]string{"Missing OIDC identity token", "TFC_WORKLOAD_IDENTITY_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "oidc_token_file"}},
		{"terraform cloud and github both", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID, envvar.TFCWorkloadIdentityToken: "a",
			envvar.GitHubTokenRequestURL: "https://x", envvar.GitHubTokenRequestToken: "b"}, nil,
			[]string{"Ambiguous OIDC token source", "oidc_token_env_var"}},
		{"audience with a terraform cloud token", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID, envvar.TFCWorkloadIdentityToken: "a",
			envvar.OIDCAudience: "aud"}, nil,
			[]string{"oidc_audience does not apply", "oidc_audience (set by HANZO_KMS_OIDC_AUDIENCE)", "TFC_WORKLOAD_IDENTITY_AUDIENCE"}},
		{"file and variable", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID}, map[string]attr.Value{
			"oidc_token_file": types.StringValue(tokenFile), "oidc_token_env_var": types.StringValue("MY_TOKEN")},
			[]string{"Conflicting OIDC token sources", "oidc_token_file", "oidc_token_env_var"}},
		{"bad variable name", map[string]string{envvar.OIDCIdentityID: localstack.OIDCIdentityID, envvar.OIDCTokenEnvVar: "1-bad"}, nil,
			[]string{"oidc_token_env_var (set by HANZO_KMS_OIDC_TOKEN_ENV_VAR)", "environment variable name"}},
		// The server looks identities up in a uuid column: anything else is
		// its bare 500, so it is refused here, with a token at hand.
		{"identity id not a uuid, from the environment", map[string]string{envvar.OIDCIdentityID: "billing-identity",
			envvar.TFCWorkloadIdentityToken: "a"}, nil,
			[]string{"Invalid oidc_identity_id", "oidc_identity_id (set by HANZO_KMS_OIDC_IDENTITY_ID)", "UUID", `"billing-identity"`}},
		{"identity id not a uuid, in the configuration", map[string]string{envvar.TFCWorkloadIdentityToken: "a"},
			map[string]attr.Value{"oidc_identity_id": types.StringValue(localstack.OIDCIdentityID + "x")},
			[]string{"Invalid oidc_identity_id", "oidc_identity_id (or HANZO_KMS_OIDC_IDENTITY_ID) must be", "UUID"}},
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

// Each refused OIDC login: one attempt, and an error that says what to fix.
func TestProviderRefusedOIDCLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	good := localoidc.Claims{Subject: localstack.OIDCSubject, Audience: []string{localstack.OIDCAudience}}
	with := func(f func(*localoidc.Claims)) string {
		c := good
		f(&c)
		return env.Issuer.MustMint(c)
	}
	cases := []struct {
		name, identity, token string
		want                  []string
	}{
		{"wrong audience", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Audience = []string{"aws.workload.identity"} }),
			[]string{"OIDC audience not allowed", "TFC_WORKLOAD_IDENTITY_AUDIENCE", "oidc_audience"}},
		{"wrong subject", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) {
			c.Subject = "organization:acme:project:default:workspace:payroll:run_phase:apply"
		}), []string{"OIDC subject not allowed", "bound subject", "organization:<org>:project:<project>:workspace:<workspace>"}},
		{"wrong issuer", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Issuer = "https://app.terraform.io" }),
			[]string{"jwt issuer invalid", "bound issuer", "https://app.terraform.io"}},
		{"expired token", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Lifetime = -time.Minute }),
			[]string{"jwt expired", "has expired", "TFC_WORKLOAD_IDENTITY_TOKEN"}},
		{"bad signature", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.ForeignKey = true }),
			[]string{"invalid signature", "discovery URL"}},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", env.OIDCToken("x"),
			[]string{"OIDC auth method not found", "00000000-0000-4000-8000-000000000000", "oidc_identity_id (set by HANZO_KMS_OIDC_IDENTITY_ID)"}},
		{"identity without OIDC", localstack.IdentityWithoutOIDCID, env.OIDCToken("y"),
			[]string{"OIDC auth method not found", "has OIDC Auth configured"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearProviderEnv(t)
			env.KMS.ResetCounters()
			t.Setenv(envvar.Host, env.KMSURL)
			t.Setenv(envvar.OIDCIdentityID, tc.identity)
			t.Setenv(envvar.TFCWorkloadIdentityToken, tc.token)
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
			if strings.Contains(text, tc.token) {
				t.Error("the error repeats the OIDC token")
			}
			if n := env.KMS.RequestCount(oidcLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1", n)
			}
		})
	}
}

// GitHub Actions: the provider asks the runner's endpoint for a token with
// the request token and the configured audience.
func TestProviderRequestsTheTokenFromGitHubActions(t *testing.T) {
	env := acctest.Start(t)
	requestURL := env.Issuer.EnableGitHubActions("runner-request-token", localoidc.Claims{Subject: localstack.OIDCSubject})
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.OIDCIdentityID, localstack.OIDCIdentityID)
	t.Setenv(envvar.GitHubTokenRequestURL, requestURL)
	t.Setenv(envvar.GitHubTokenRequestToken, "runner-request-token")
	values := map[string]attr.Value{
		"oidc_audience": types.StringValue(localstack.OIDCAudience), "ca_certificate": types.StringValue(string(env.Issuer.CACertPEM())),
	}
	if resp := configure(t, values); resp.Diagnostics.HasError() {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if got := env.Issuer.GitHubAudiences(); len(got) != 1 || got[0] != localstack.OIDCAudience {
		t.Errorf("token requests with audiences %v", got)
	}

	t.Setenv(envvar.GitHubTokenRequestToken, "stale-request-token")
	resp := configure(t, values)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "HTTP 401") ||
		strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "stale-request-token") {
		t.Fatalf("a refused token request: %v", resp.Diagnostics)
	}
	if n := env.KMS.RequestCount(oidcLoginRoute); n != 1 {
		t.Errorf("%d OIDC logins, want 1 (none without a token)", n)
	}
}

// The token file is read at configure time of each run: a replaced file is
// the token the next run uses.
func TestProviderRereadsTheTokenFile(t *testing.T) {
	env := acctest.Start(t)
	file := filepath.Join(t.TempDir(), "token")
	clearProviderEnv(t)
	values := map[string]attr.Value{
		"host": types.StringValue(env.KMSURL), "oidc_identity_id": types.StringValue(localstack.OIDCIdentityID),
		"oidc_token_file": types.StringValue(file),
	}
	for _, run := range []string{"run-1", "run-2"} {
		if err := os.WriteFile(file, []byte(env.OIDCToken(run)), 0o600); err != nil {
			t.Fatal(err)
		}
		if resp := configure(t, values); resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", run, resp.Diagnostics)
		}
	}
	logins := env.KMS.OIDCLogins(localstack.OIDCIdentityID)
	if len(logins) != 2 || logins[0].TokenID != "run-1" || logins[1].TokenID != "run-2" {
		t.Errorf("logins: %v", logins)
	}
}

// The token sources in the documented order: oidc_token_file, or the
// variable oidc_token_env_var names, comes before Terraform Cloud's
// TFC_WORKLOAD_IDENTITY_TOKEN, which a run may carry as well (a workspace
// with workload identity that logs in with another token).
func TestProviderPrefersTheConfiguredTokenSourceToTerraformCloudsVariable(t *testing.T) {
	env := acctest.Start(t)
	for _, c := range []struct {
		name   string
		source func(t *testing.T, token string) map[string]attr.Value
	}{
		{"oidc_token_file", func(t *testing.T, token string) map[string]attr.Value {
			file := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
				t.Fatal(err)
			}
			return map[string]attr.Value{"oidc_token_file": types.StringValue(file)}
		}},
		{"oidc_token_env_var", func(t *testing.T, token string) map[string]attr.Value {
			t.Setenv("KMS_OIDC_TOKEN", token)
			return map[string]attr.Value{"oidc_token_env_var": types.StringValue("KMS_OIDC_TOKEN")}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clearProviderEnv(t)
			env.KMS.ResetCounters()
			t.Setenv(envvar.TFCWorkloadIdentityToken, env.OIDCToken(c.name+" Terraform Cloud's token"))
			values := c.source(t, env.OIDCToken(c.name+" configured token"))
			values["host"] = types.StringValue(env.KMSURL)
			values["oidc_identity_id"] = types.StringValue(localstack.OIDCIdentityID)
			if resp := configure(t, values); resp.Diagnostics.HasError() {
				t.Fatalf("configure: %v", resp.Diagnostics)
			}
			var used []string
			for _, login := range env.KMS.OIDCLogins(localstack.OIDCIdentityID) {
				if strings.HasPrefix(login.TokenID, c.name+" ") {
					used = append(used, login.TokenID)
				}
			}
			if len(used) != 1 || used[0] != c.name+" configured token" {
				t.Errorf("logged in with %q, want the token from %s", used, c.name)
			}
		})
	}
}
