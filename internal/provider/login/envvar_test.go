package login

import (
	"slices"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
)

// Every login attribute reads a variable named in internal/envvar, and
// envvar.All holds it, so that the tests clearing the environment with
// envvar.All leave no login variable of the machine's behind.
func TestEveryLoginVariableIsInEnvvarAll(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			if a.env == "" {
				t.Errorf("login attribute %s has no environment variable", a.name)
			}
			if !slices.Contains(envvar.All, a.env) {
				t.Errorf("login attribute %s reads %s, which envvar.All does not list", a.name, a.env)
			}
			if seen[a.env] {
				t.Errorf("%s is read by two login attributes", a.env)
			}
			seen[a.env] = true
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(envvar.All)))) != len(envvar.All) {
		t.Errorf("envvar.All names a variable twice: %v", envvar.All)
	}
}
