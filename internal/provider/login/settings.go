package login

// The login methods' attributes, each filled from its environment variable
// (internal/envvar) when the configuration leaves it out.

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// settings are the login methods' attributes after environment variables
// filled the ones the configuration leaves out.
type settings struct {
	// login holds every login method's attributes by name ("" when unset).
	login map[string]string
	// fromEnv names the attributes that came from environment variables,
	// so that an error can say where a value was set.
	fromEnv map[string]bool
}

// resolveSettings fills each attribute the configuration leaves out (null)
// from its environment variable.
func resolveSettings(config map[string]types.String) settings {
	s := settings{login: map[string]string{}, fromEnv: map[string]bool{}}
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			s.login[a.name], s.fromEnv[a.name] = framework.ValueOrEnv(config[a.name], a.env, "")
		}
	}
	return s
}

// secrets are the values of the login attributes that are never logged.
func (s settings) secrets() []string {
	var out []string
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			if a.secret && s.login[a.name] != "" {
				out = append(out, s.login[a.name])
			}
		}
	}
	return out
}
