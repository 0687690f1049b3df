package provider

// Configuration resolution: the provider attributes, each filled from its
// environment variable when the configuration leaves it out.

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// Environment variables that stand in for every provider attribute, so that a
// Terraform Cloud workspace needs no provider block.
const (
	EnvHost           = "HANZO_KMS_HOST"
	EnvClientID       = "HANZO_KMS_CLIENT_ID"
	EnvClientSecret   = "HANZO_KMS_CLIENT_SECRET"
	EnvToken          = "HANZO_KMS_TOKEN"
	EnvCACertificate  = "HANZO_KMS_CA_CERTIFICATE"
	EnvRequestTimeout = "HANZO_KMS_REQUEST_TIMEOUT"
	EnvMaxRetries     = "HANZO_KMS_MAX_RETRIES"

	EnvOIDCIdentityID  = "HANZO_KMS_OIDC_IDENTITY_ID"
	EnvOIDCTokenEnvVar = "HANZO_KMS_OIDC_TOKEN_ENV_VAR"
	EnvOIDCTokenFile   = "HANZO_KMS_OIDC_TOKEN_FILE"
	EnvOIDCAudience    = "HANZO_KMS_OIDC_AUDIENCE"
)

// Where CI systems hand a job its OIDC identity token.
const (
	// EnvTFCWorkloadIdentityToken is Terraform Cloud's (tagged tokens are
	// TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>, chosen with oidc_token_env_var).
	EnvTFCWorkloadIdentityToken = "TFC_WORKLOAD_IDENTITY_TOKEN"
	// GitHub Actions gives a URL and a bearer token to ask for one.
	EnvGitHubTokenRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvGitHubTokenRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
)

// settings are the provider attributes after environment variables filled
// the ones the configuration leaves out.
type settings struct {
	host, caCertificate, requestTimeout, maxRetries string

	// login holds every login method's attributes by name ("" when unset).
	login map[string]string
	// fromEnv names the attributes that came from environment variables,
	// so that an error can say where a value was set.
	fromEnv map[string]bool
}

// resolveSettings fills each attribute the configuration leaves out (null)
// from its environment variable.
func resolveSettings(cfg providerModel, login map[string]types.String) settings {
	fromEnv := map[string]bool{}
	pickNamed := func(name string, v types.String, env, fallback string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		if e := os.Getenv(env); e != "" {
			fromEnv[name] = true
			return e
		}
		return fallback
	}
	pick := func(v types.String, env, fallback string) string { return pickNamed("", v, env, fallback) }
	maxRetries := os.Getenv(EnvMaxRetries)
	if !cfg.MaxRetries.IsNull() {
		maxRetries = strconv.FormatInt(cfg.MaxRetries.ValueInt64(), 10)
	}
	s := settings{
		host:           pick(cfg.Host, EnvHost, kms.DefaultHost),
		caCertificate:  pick(cfg.CACertificate, EnvCACertificate, ""),
		requestTimeout: pick(cfg.RequestTimeout, EnvRequestTimeout, ""),
		maxRetries:     maxRetries,
		login:          map[string]string{},
		fromEnv:        fromEnv,
	}
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			s.login[a.name] = pickNamed(a.name, login[a.name], a.env, "")
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

func parseDurationSetting(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not positive", s)
	}
	return d, nil
}
