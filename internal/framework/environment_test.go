package framework

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The configuration wins, even with ""; a variable fills only a null
// attribute, and only when it is not empty; the fallback comes last.
func TestValueOrEnvPrefersTheConfigurationThenTheVariable(t *testing.T) {
	const env = "HANZO_KMS_FRAMEWORK_TEST_VARIABLE"
	for _, tc := range []struct {
		name        string
		config      types.String
		variable    string
		want        string
		wantFromEnv bool
	}{
		{"configured", types.StringValue("from-config"), "from-env", "from-config", false},
		{"configured empty", types.StringValue(""), "from-env", "", false},
		{"from the variable", types.StringNull(), "from-env", "from-env", true},
		{"empty variable", types.StringNull(), "", "fallback", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(env, tc.variable)
			got, fromEnv := ValueOrEnv(tc.config, env, "fallback")
			if got != tc.want || fromEnv != tc.wantFromEnv {
				t.Errorf("ValueOrEnv = %q, %v; want %q, %v", got, fromEnv, tc.want, tc.wantFromEnv)
			}
		})
	}
}
