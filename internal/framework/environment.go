package framework

import (
	"os"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValueOrEnv is a provider attribute's value: the configuration's when it
// sets the attribute (even to ""), else its environment variable's when that
// is not empty, else fallback. fromEnv says the variable gave it, so that an
// error can name where the value was set.
func ValueOrEnv(v types.String, env, fallback string) (value string, fromEnv bool) {
	if !v.IsNull() {
		return v.ValueString(), false
	}
	if e := os.Getenv(env); e != "" {
		return e, true
	}
	return fallback, false
}
