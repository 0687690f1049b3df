package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

const (
	tenantTokenRoute      = "POST /oauth/token"
	tenantReadClientRoute = "GET /api/v2/clients/{id}"
	createConnectionRoute = "POST /api/v1/app-connections/auth0"
	updateConnectionRoute = "PATCH /api/v1/app-connections/auth0/{id}"
)

// preflightHCL is a connection of the application clientID (with its
// current secret at the tenant) on domain, with extra lines.
func preflightHCL(env *acctest.Env, domain, clientID, extra string) string {
	return env.ProviderBlockWith("max_retries = 0") + fmt.Sprintf(`
resource "hanzokms_app_connection_auth0" "test" {
  name          = "preflight"
  domain        = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, domain, clientID, env.Tenant.Secret(clientID), extra)
}

// addPreflightApps gives the tenant the applications the refusals need.
func addPreflightApps(env *acctest.Env) {
	for _, app := range []localauth0.Application{
		{ClientID: "rotator-no-keys", ManagementScopes: []string{localauth0.ScopeReadClients}},
		{ClientID: "rotator-no-read", ManagementScopes: []string{localauth0.ScopeUpdateClientKeys}},
		{ClientID: "rotator-no-grant"},
		{ClientID: "jwt-app", Name: "JWT service", AuthMethod: "private_key_jwt"},
		{ClientID: "spa-app", Name: "Dashboard", AppType: "spa"},
		{ClientID: "native-app", Name: "Phone app", AppType: "native"},
	} {
		env.Tenant.AddApplication(app)
	}
}

// Each setup mistake is a plan-time error that names the cause and where to
// fix it, and nothing reaches the KMS.
func TestAccAppConnectionAuth0Preflight_refusals(t *testing.T) {
	env := acctest.Start(t)
	addPreflightApps(env)
	domain := env.Tenant.Domain()
	rotator := acctest.ManagementClientID
	grantPlace := `Auth0 dashboard: Applications > APIs > Auth0 Management API > Machine to Machine Applications`
	cases := []struct{ config, want string }{
		{preflightHCL(env, domain, "rotator-no-keys", ""),
			`(?s)Auth0 application lacks the Management API scope update:client_keys.*"rotator-no-keys".*without the scope update:client_keys.*` + grantPlace},
		{preflightHCL(env, domain, "rotator-no-read", ""),
			`(?s)lacks the Management API scope read:clients.*` + grantPlace},
		{preflightHCL(env, domain, "rotator-no-grant", ""),
			`(?s)Auth0 application may not use the Management API.*read:clients and update:client_keys.*` + grantPlace},
		{strings.Replace(preflightHCL(env, domain, rotator, ""), env.Tenant.Secret(rotator), "not-the-secret", 1),
			`(?s)Auth0 refused the connection's credentials.*"` + rotator + `"`},
		{preflightHCL(env, domain, rotator, `audience = "https://`+domain+`/no-such-api/"`),
			`(?s)Auth0 has no API with this audience`},
		{preflightHCL(env, domain, rotator, `rotated_client_ids = ["no-such-app"]`),
			`(?s)Auth0 application not found.*rotated_client_ids lists "no-such-app"`},
		{preflightHCL(env, domain, rotator, `rotated_client_ids = ["jwt-app"]`),
			`(?s)no client secret to rotate.*"jwt-app" \(JWT service\), which authenticates with private_key_jwt`},
		{preflightHCL(env, domain, rotator, `rotated_client_ids = ["spa-app"]`),
			`(?s)no client secret to rotate.*"spa-app" \(Dashboard\), which is a public spa application`},
		{preflightHCL(env, domain, rotator, `rotated_client_ids = ["native-app"]`),
			`(?s)no client secret to rotate.*which is a public native application`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: wrapTolerant(c.want)})
	}
	steps = append(steps, resource.TestStep{Config: env.ProviderBlock()})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := env.KMS.RequestCount(createConnectionRoute); n != 0 {
		t.Errorf("refused connections reached the KMS: %d creates", n)
	}
	// The secret-less applications were read, never changed.
	if got := env.Tenant.Requests()["PATCH /api/v2/clients/{id}"] + env.Tenant.Requests()["POST /api/v2/clients/{id}/rotate-secret"]; got != 0 {
		t.Errorf("the preflight changed applications: %d requests", got)
	}
}

// A good connection passes; the check runs again only when what it checked
// changes, not on every plan, and never sends anything to the KMS.
func TestAccAppConnectionAuth0Preflight_passesAndRunsOnlyOnChange(t *testing.T) {
	env := acctest.Start(t)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-basic", AuthMethod: "client_secret_basic"})
	domain, rotator := env.Tenant.Domain(), acctest.ManagementClientID
	apps := `rotated_client_ids = ["` + acctest.AppClientID + `", "app-basic"]`
	var tokens, reads, patches int
	remember := func() {
		tokens, reads = env.Tenant.Requests()[tenantTokenRoute], env.Tenant.Requests()[tenantReadClientRoute]
		patches = env.KMS.RequestCount(updateConnectionRoute)
	}
	unchanged := func(what string) func() {
		return func() {
			if n := env.Tenant.Requests()[tenantTokenRoute] - tokens; n != 0 {
				t.Errorf("%s: %d token requests to Auth0, want 0", what, n)
			}
			if n := env.Tenant.Requests()[tenantReadClientRoute] - reads; n != 0 {
				t.Errorf("%s: %d application reads at Auth0, want 0", what, n)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: preflightHCL(env, domain, rotator, apps),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(connectionAddr, "preflight", "true"),
					resource.TestCheckResourceAttr(connectionAddr, "rotated_client_ids.#", "2"),
					func(*terraform.State) error {
						// Both applications were read by the preflight (the KMS reads none on create).
						if n := env.Tenant.Requests()[tenantReadClientRoute]; n < 2 {
							return fmt.Errorf("%d application reads at Auth0, want the preflight's", n)
						}
						remember()
						return nil
					}),
			},
			{
				PreConfig: remember,
				Config:    preflightHCL(env, domain, rotator, apps),
				PlanOnly:  true,
			},
			{
				PreConfig: func() { unchanged("a plan with no change")(); remember() },
				// A description is not what the preflight checks.
				Config: strings.Replace(preflightHCL(env, domain, rotator, apps), `name          = "preflight"`,
					`name          = "preflight"`+"\n  description   = \"checked once\"", 1),
			},
			{
				PreConfig: func() { unchanged("a description change")(); remember() },
				Config: strings.Replace(preflightHCL(env, domain, rotator, apps+"\n  preflight = false"), `name          = "preflight"`,
					`name          = "preflight"`+"\n  description   = \"checked once\"", 1),
				Check: func(*terraform.State) error {
					unchanged("turning the preflight off")()
					if n := env.KMS.RequestCount(updateConnectionRoute) - patches; n != 0 {
						return fmt.Errorf("turning the preflight off sent %d updates to the KMS, want 0", n)
					}
					return nil
				},
			},
		},
	})
}

// preflight = false: a connection whose grant lacks a scope is saved (the
// KMS checks only that Auth0 issues a token), and the provider asks Auth0
// nothing.
func TestAccAppConnectionAuth0Preflight_off(t *testing.T) {
	env := acctest.Start(t)
	addPreflightApps(env)
	seeded := env.Tenant.Requests()[tenantTokenRoute] // the harness's own connection
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: preflightHCL(env, env.Tenant.Domain(), "rotator-no-keys", `preflight = false`+"\n  rotated_client_ids = [\"jwt-app\"]"),
			Check:  resource.TestCheckResourceAttr(connectionAddr, "preflight", "false"),
		}},
	})
	if n := env.Tenant.Requests()[tenantTokenRoute] - seeded; n != 1 {
		t.Errorf("%d token requests at Auth0, want 1 (the KMS's check on create)", n)
	}
	if n := env.Tenant.Requests()[tenantReadClientRoute]; n != 0 {
		t.Errorf("%d application reads at Auth0 with the preflight off", n)
	}
}

// warnsBesidesWriteOnly reports a warning other than the one that client_secret
// draws on a CLI with write-only attributes (these configurations set it).
func warnsBesidesWriteOnly(out string) bool {
	return strings.Count(out, "Warning:") > strings.Count(out, "Warning: Prefer client_secret_wo")
}

// Auth0 reachable from the KMS only: a warning that says so and how to turn
// the check off, and the apply goes on. A domain known only at apply: the
// plan says nothing, and the apply's own plan runs the check.
func TestAccAppConnectionAuth0Preflight_unreachableAndUnknown(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	cli := acctest.NewCLI(t)
	rotator := acctest.ManagementClientID

	kmsOnly := preflightHCL(env, localstack.KMSOnlyAuth0Domain, rotator, "")
	out, err := cli.Run(kmsOnly, "apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("apply with Auth0 reachable only from the KMS: %v\n%s", err, out)
	}
	text := acctest.Squash(out)
	for _, want := range []string{
		"Warning: Auth0 not reachable from where Terraform runs",
		"could not reach " + localstack.KMSOnlyAuth0Domain + ": dial tcp " + localstack.KMSOnlyAuth0Domain + ": connect: connection refused",
		"set preflight = false to skip this check",
		"Apply complete! Resources: 1 added",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("apply output does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, env.Tenant.Secret(rotator)) {
		t.Error("the output holds the connection's secret")
	}
	if out, err := cli.Run(kmsOnly, "plan", "-detailed-exitcode", "-input=false"); err != nil || warnsBesidesWriteOnly(out) {
		t.Errorf("second plan is not quiet and empty (%v):\n%s", err, out)
	}
	if out, err := cli.Run(env.ProviderBlock(), "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("destroy by removal: %v\n%s", err, out)
	}

	// The domain comes from another resource, known only after apply.
	env.Tenant.AddApplication(localauth0.Application{ClientID: "rotator-no-keys", ManagementScopes: []string{localauth0.ScopeReadClients}})
	deferred := func(clientID string) string {
		return strings.Replace(preflightHCL(env, "DOMAIN", clientID, ""), `"DOMAIN"`, "terraform_data.tenant.output", 1) +
			fmt.Sprintf("\nresource \"terraform_data\" \"tenant\" {\n  input = %q\n}\n", env.Tenant.Domain())
	}
	before := env.Tenant.Requests()[tenantTokenRoute]
	out, err = cli.Run(deferred("rotator-no-keys"), "plan", "-input=false")
	if err != nil || warnsBesidesWriteOnly(out) || strings.Contains(out, "Auth0") {
		t.Errorf("a plan with the domain unknown is not quiet (%v):\n%s", err, out)
	}
	if n := env.Tenant.Requests()[tenantTokenRoute] - before; n != 0 {
		t.Errorf("the plan asked Auth0 %d times with the domain unknown", n)
	}
	// At apply the domain is known: the missing scope stops it before the KMS.
	out, err = cli.Run(deferred("rotator-no-keys"), "apply", "-auto-approve", "-input=false")
	if err == nil || !strings.Contains(acctest.Squash(out), "Auth0 application lacks the Management API scope update:client_keys") {
		t.Errorf("apply with the domain known late did not run the preflight (%v):\n%s", err, out)
	}
	if n := env.KMS.RequestCount(createConnectionRoute); n != 1 {
		t.Errorf("%d connection creates, want 1 (the reachable-only-from-the-KMS one)", n)
	}
	out, err = cli.Run(deferred(rotator), "apply", "-auto-approve", "-input=false")
	if err != nil || warnsBesidesWriteOnly(out) {
		t.Errorf("apply with the domain known late (%v):\n%s", err, out)
	}
	if out, err := cli.Run(env.ProviderBlock(), "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("destroy by removal: %v\n%s", err, out)
	}
}

// A write-only secret is in the configuration at plan time, never in the
// plan: the preflight uses it from there.
func TestAccAppConnectionAuth0Preflight_writeOnlySecret(t *testing.T) {
	env := acctest.Start(t)
	addPreflightApps(env)
	wo := func(clientID string) string {
		return strings.Replace(preflightHCL(env, env.Tenant.Domain(), clientID, ""),
			fmt.Sprintf("client_secret = %q", env.Tenant.Secret(clientID)),
			fmt.Sprintf("client_secret_wo = %q\n  client_secret_wo_version = 1", env.Tenant.Secret(clientID)), 1)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:      wo("rotator-no-keys"),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Auth0 application lacks the Management API scope update:client_keys`),
			},
			{Config: wo(acctest.ManagementClientID)},
		},
	})
}
