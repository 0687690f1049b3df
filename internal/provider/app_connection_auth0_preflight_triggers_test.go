package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// preflightTrigger is one change to a saved connection, and whether the
// plan of it must ask Auth0 again.
type preflightTrigger struct {
	name   string
	config string
	reruns bool
	// says is what the plan prints when the check ran but asked Auth0
	// nothing (a domain the tenant cannot be reached at from here).
	says string
}

// checkPreflightTriggers applies base with cli, then plans each change from
// it: a change the check depends on makes the plan ask Auth0 for exactly
// one token (or say the domain is unreachable), any other change asks
// nothing and says nothing of Auth0. Then it destroys the connection.
func checkPreflightTriggers(t *testing.T, env *acctest.Env, cli *acctest.CLI, base string, changes []preflightTrigger) {
	t.Helper()
	if out, err := cli.Run(base, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			before := env.Tenant.Requests()[tenantTokenRoute]
			out, err := cli.Run(tc.config, "plan", "-input=false")
			asked := env.Tenant.Requests()[tenantTokenRoute] - before
			text := acctest.Squash(out)
			switch {
			case !tc.reruns:
				if err != nil || asked != 0 || strings.Contains(text, "Auth0") {
					t.Errorf("a change the preflight does not check ran it: %d token requests at Auth0 (%v):\n%s", asked, err, out)
				}
			case tc.says != "":
				if !strings.Contains(text, tc.says) {
					t.Errorf("the plan did not run the preflight again (%d token requests, %v):\n%s", asked, err, out)
				}
			default:
				if asked != 1 {
					t.Errorf("the plan asked Auth0 for %d tokens, want 1 (the preflight, run again) (%v):\n%s", asked, err, out)
				}
			}
		})
	}
	if out, err := cli.Run(env.ProviderBlockWith("max_retries = 0"), "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("destroy by removal: %v\n%s", err, out)
	}
}

// The preflight runs again when the domain, client_id or audience it checked
// changes (each alone), and not for a new name or description.
func TestAccAppConnectionAuth0Preflight_rerunsOnlyWhenWhatItChecksChanges(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	rotator := acctest.ManagementClientID
	// The rotator's twin: same secret and grant, so that only client_id changes.
	env.Tenant.AddApplication(localauth0.Application{ClientID: "rotator-twin", Secret: env.Tenant.Secret(rotator),
		ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys}})
	domain := env.Tenant.Domain()
	// The audience is set, so that a new domain does not change it too.
	audience := fmt.Sprintf("audience = %q", env.Tenant.ManagementAudience())
	base := preflightHCL(env, domain, rotator, audience)
	checkPreflightTriggers(t, env, acctest.NewCLI(t), base, []preflightTrigger{
		{name: "domain", config: preflightHCL(env, localstack.KMSOnlyAuth0Domain, rotator, audience), reruns: true,
			says: "Warning: Auth0 not reachable from where Terraform runs"},
		{name: "client_id", config: strings.Replace(base, fmt.Sprintf("client_id     = %q", rotator), `client_id     = "rotator-twin"`, 1), reruns: true},
		{name: "audience", config: preflightHCL(env, domain, rotator, `audience = "https://`+domain+`/no-such-api/"`), reruns: true},
		{name: "name", config: strings.Replace(base, `name          = "preflight"`, `name          = "renamed"`, 1)},
		{name: "description", config: preflightHCL(env, domain, rotator, audience+"\n  description = \"described\"")},
	})
}

// A new client_secret_wo_version runs the preflight again (the secret
// itself is write-only: the version is all the plan sees of a new one).
func TestAccAppConnectionAuth0Preflight_rerunsOnANewWriteOnlyVersion(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureWriteOnlyAttributes)
	env := acctest.Start(t)
	rotator := acctest.ManagementClientID
	wo := func(version int, extra string) string {
		return strings.Replace(preflightHCL(env, env.Tenant.Domain(), rotator, extra),
			fmt.Sprintf("client_secret = %q", env.Tenant.Secret(rotator)),
			fmt.Sprintf("client_secret_wo = %q\n  client_secret_wo_version = %d", env.Tenant.Secret(rotator), version), 1)
	}
	checkPreflightTriggers(t, env, acctest.NewCLI(t), wo(1, ""), []preflightTrigger{
		{name: "client_secret_wo_version", config: wo(2, ""), reruns: true},
		{name: "description", config: wo(1, `description = "described"`)},
	})
}
