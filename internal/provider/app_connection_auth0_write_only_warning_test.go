package provider_test

import (
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// A connection given client_secret warns, on a CLI that supports write-only
// attributes, that client_secret_wo keeps the secret out of state (without
// printing the configuration line that holds it); an older
// CLI, which could not send client_secret_wo, gets no such warning.
func TestAccAppConnectionAuth0_clientSecretPrefersWriteOnly(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	env := acctest.Start(t)
	wd := acctest.NewWorkDir(t, acctest.ProviderFactories)
	wd.Write("main.tf", withProvider(env, connectionBlock(env)))
	wd.Run("init", "-input=false", "-no-color")
	out := wd.Run("plan", "-input=false", "-no-color")
	const warning = "Prefer client_secret_wo: it keeps the secret out of state"
	warned := strings.Contains(out, warning)
	if acctest.Has(t, acctest.FeatureWriteOnlyAttributes) {
		if !warned {
			t.Fatalf("no warning pointing to client_secret_wo on a CLI with write-only attributes:\n%s", out)
		}
		if !strings.Contains(out, "hanzokms_app_connection_auth0.test") {
			t.Fatalf("the warning does not name the resource:\n%s", out)
		}
		// It is raised on the resource, not the attribute, whose source
		// line the CLI would print with the secret in it.
		if strings.Contains(out, env.Tenant.Secret(acctest.ManagementClientID)) {
			t.Fatalf("the warning shows the secret:\n%s", out)
		}
	} else if strings.Contains(out, warning) {
		t.Fatalf("a CLI without write-only attributes was told to use one:\n%s", out)
	}
	// With client_secret_wo, no warning on any CLI that runs it.
	if acctest.Has(t, acctest.FeatureWriteOnlyAttributes) {
		wo := connectionBlock(env).Clone()
		wd.Write("main.tf", withProvider(env, wo.Unset("client_secret").
			Str("client_secret_wo", env.Tenant.Secret(acctest.ManagementClientID)).Int("client_secret_wo_version", 1)))
		if out := wd.Run("plan", "-input=false", "-no-color"); strings.Contains(out, warning) {
			t.Fatalf("warned although client_secret_wo is used:\n%s", out)
		}
	}
}
