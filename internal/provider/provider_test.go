package provider_test

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
)

func configure(t *testing.T, values map[string]attr.Value) fwprovider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := provider.New("test")()
	var ps fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &ps)
	var resp fwprovider.ConfigureResponse
	p.Configure(ctx, fwprovider.ConfigureRequest{Config: tfsdk.Config{Schema: ps.Schema, Raw: objectOf(ctx, t, ps.Schema.Type().TerraformType(ctx), values)}}, &resp)
	return resp
}

func clearProviderEnv(t *testing.T) {
	for _, k := range envvar.All {
		t.Setenv(k, "")
	}
}

func TestProviderConfiguresFromEnvironmentAlone(t *testing.T) {
	env := acctest.Start(t)
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.ClientID, acctest.IdentityClientID)
	t.Setenv(envvar.ClientSecret, env.IdentityClientSecret)
	resp := configure(t, nil)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil {
		t.Fatalf("configure from environment variables: %v", resp.Diagnostics)
	}
	if n := env.KMS.RequestCount("POST /api/v1/auth/universal-auth/login"); n != 1 {
		t.Errorf("%d logins at configure, want 1", n)
	}
}

func TestProviderConfigurationErrorsSayWhatToSet(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name   string
		env    map[string]string
		values map[string]attr.Value
		want   []string
	}{
		{"nothing set", nil, nil, []string{"Missing Hanzo KMS credentials", "client_id (or HANZO_KMS_CLIENT_ID)", "token (or HANZO_KMS_TOKEN)"}},
		{"client id without secret", map[string]string{envvar.ClientID: "id"}, nil, []string{"client_secret (or HANZO_KMS_CLIENT_SECRET)"}},
		{"token and identity", map[string]string{envvar.Token: "t"}, map[string]attr.Value{
			"client_id": types.StringValue("id"), "client_secret": types.StringValue("s")}, []string{"Conflicting Hanzo KMS credentials", "Set only one"}},
		{"bad host", nil, map[string]attr.Value{"host": types.StringValue("kms.example.com"), "token": types.StringValue("t")},
			[]string{"Invalid Hanzo KMS host", "HANZO_KMS_HOST", "https://"}},
		{"bad timeout", map[string]string{envvar.RequestTimeout: "soon"}, map[string]attr.Value{"token": types.StringValue("t")},
			[]string{"request_timeout (or HANZO_KMS_REQUEST_TIMEOUT)"}},
		{"refused login", nil, map[string]attr.Value{"host": types.StringValue(env.KMSURL),
			"client_id": types.StringValue(acctest.IdentityClientID), "client_secret": types.StringValue("not-the-secret")},
			[]string{"Hanzo KMS authentication failed", "Invalid credentials", "HANZO_KMS_CLIENT_SECRET"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearProviderEnv(t)
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
			if strings.Contains(text, "not-the-secret") {
				t.Errorf("the error repeats the client secret")
			}
		})
	}
	if n := env.KMS.RequestCount("POST /api/v1/auth/universal-auth/login"); n != 1 {
		t.Errorf("%d login attempts, want 1 (the refused one, not retried)", n)
	}
}

func TestProviderTrustsAPrivateCAOnlyWhenGivenIt(t *testing.T) {
	env := acctest.Start(t)
	tlsKMS := httptest.NewTLSServer(env.KMS.Handler())
	t.Cleanup(tlsKMS.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsKMS.Certificate().Raw}))
	clearProviderEnv(t)
	values := map[string]attr.Value{
		"host": types.StringValue(tlsKMS.URL), "client_id": types.StringValue(acctest.IdentityClientID),
		"client_secret": types.StringValue(env.IdentityClientSecret), "max_retries": types.Int64Value(0),
	}
	resp := configure(t, values)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "certificate") {
		t.Fatalf("a private chain was trusted without ca_certificate: %v", resp.Diagnostics)
	}
	values["ca_certificate"] = types.StringValue(caPEM)
	if resp := configure(t, values); resp.Diagnostics.HasError() {
		t.Fatalf("with ca_certificate: %v", resp.Diagnostics)
	}
	t.Setenv(envvar.CACertificate, "not a certificate")
	delete(values, "ca_certificate")
	resp = configure(t, values)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "no PEM-encoded certificate") {
		t.Errorf("a bad HANZO_KMS_CA_CERTIFICATE: %v", resp.Diagnostics)
	}
}

func TestProviderUsesAPreIssuedTokenWithoutLoggingIn(t *testing.T) {
	env := acctest.Start(t)
	login, err := env.Client.UniversalAuthLogin(context.Background(), acctest.IdentityClientID, env.IdentityClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	env.KMS.ResetCounters()
	clearProviderEnv(t)
	t.Setenv(envvar.Token, login.AccessToken)
	resp := configure(t, map[string]attr.Value{"host": types.StringValue(env.KMSURL)})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("configure with a token sent %d requests:\n%s", n, env.KMS.CountsString())
	}
}
