package provider_test

// Acceptance tests of the server's rules around logging in: the rate limiter
// in front of the login routes, the identity id the OIDC login looks up, and
// the max TTL that bounds renewals.

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// The KMS rate-limits the first login of the run (Retry-After 2 s, as when
// other runs behind the same address used up the window): the provider
// waits as told and logs in again, and the apply succeeds. Exactly one login
// is refused, the next comes at least Retry-After later, for either login
// method.
func TestAccLogin_rateLimitedLoginWaitsAndLogsInAgain(t *testing.T) {
	acctest.SkipOnRealServer(t)
	methods := []struct {
		name, route string
		setup       func(t *testing.T, env *acctest.Env) string // the configuration
	}{
		{"universal auth", routeLogin, func(_ *testing.T, env *acctest.Env) string { return rotationHCL(env, basicBody) }},
		{"OIDC", oidcLoginRoute, func(t *testing.T, env *acctest.Env) string {
			oidcOnlyEnv(t, env, env.OIDCToken("rate-limited-run"))
			return rotationOnlyHCL(env, basicBody)
		}},
	}
	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			env := acctest.Start(t)
			config := m.setup(t, env)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig: func() {
						env.KMS.ResetCounters()
						env.KMS.RateLimitLogins(1500 * time.Millisecond) // Retry-After: 2
					},
					Config: config,
					Check: resource.ComposeTestCheckFunc(
						checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
						func(*terraform.State) error {
							if n := env.KMS.RateLimitedRequests(m.route); n != 1 {
								return fmt.Errorf("%d logins were rate-limited, want 1", n)
							}
							gaps := env.KMS.Gaps(m.route)
							if len(gaps) == 0 || gaps[0] < 2*time.Second {
								return fmt.Errorf("the login after the rate-limited one came %v later, before Retry-After (2s)", gaps)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// An oidc_identity_id that is not a UUID fails before any request, naming
// the attribute and its variable: the KMS would look it up in a uuid column
// and answer a bare 500 "Something went wrong". In the configuration the
// attribute's validator says so at plan time; from the variable, configure.
func TestAccLogin_oidcIdentityIDThatIsNotAUUIDFailsBeforeAnyRequest(t *testing.T) {
	env := acctest.Start(t)
	cases := []struct {
		name, identityFromEnv, config, want string
	}{
		{"from the variable", "billing-deployer", rotationOnlyHCL(env, basicBody),
			`Invalid oidc_identity_id(.|\n)*` + wrapped(regexp.QuoteMeta(`oidc_identity_id (set by HANZO_KMS_OIDC_IDENTITY_ID) must be`)) + `(.|\n)*UUID`},
		{"in the configuration", "", fmt.Sprintf(`
provider "hanzokms" {
  host             = %q
  oidc_identity_id = "billing-deployer"
}
`, env.KMSURL) + rotationOnlyHCL(env, basicBody),
			`Invalid Attribute Value Match(.|\n)*oidc_identity_id(.|\n)*UUID(.|\n)*HANZO_KMS_OIDC_IDENTITY_ID`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oidcOnlyEnv(t, env, env.OIDCToken("run"))
			t.Setenv(envvar.OIDCIdentityID, tc.identityFromEnv)
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
			if n := env.KMS.TotalRequests(); n != 0 {
				t.Errorf("%d requests reached the KMS:\n%s", n, env.KMS.CountsString())
			}
		})
	}
}

// A token whose max TTL is near when it comes due: a renewal would extend it
// past the max TTL, which the server refuses, deleting the token in use, so
// the provider logs in again instead. Twelve rotations, ten at a time: the
// first ten creates are held until the token is due, the next two need it.
func TestAccLogin_renewalThatWouldPassTheMaxTTLIsALogin(t *testing.T) {
	const n = 12
	ttl := 10 * time.Second
	env := acctest.Start(t, acctest.Options{TokenTTL: ttl})
	env.KMS.SetAccessTokenMaxTTL(acctest.IdentityClientID, 14*time.Second)
	for i := range n {
		env.Tenant.AddApplication(localauth0.Application{ClientID: fmt.Sprintf("app-%d", i), Name: "app", Audiences: []string{localstack.AppAudience}})
	}
	many := rotationBlock(env).
		Set("count", fmt.Sprint(n)).
		Set("name", `"rotation-${count.index}"`).
		Set("parameters", `{ client_id = "app-${count.index}" }`).
		Set("secrets_mapping", `{ client_id = "ID_${count.index}", client_secret = "SECRET_${count.index}" }`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.KMS.ResetCounters()
				env.KMS.InjectFault(localkms.Fault{Route: routeCreate, Delay: holdUntilRenewalIsDue(ttl), Times: 10})
			},
			Config: withProvider(env, many),
			Check: func(*terraform.State) error {
				t.Logf("requests:\n%s", env.KMS.CountsString())
				if got := env.KMS.RequestCount(routeRenew); got != 0 {
					return fmt.Errorf("%d renewals of a token whose max TTL is near, want 0 (a login instead)", got)
				}
				for _, tok := range env.KMS.IssuedTokens() {
					if tok.Renewed {
						return fmt.Errorf("the KMS renewed a token")
					}
				}
				if got := env.KMS.RequestCount(routeCreate); got != n {
					return fmt.Errorf("%d creates for %d rotations: a refused request was sent again", got, n)
				}
				if ids := env.KMS.RotationIDs(); len(ids) != n {
					return fmt.Errorf("the KMS holds %d rotations, want %d", len(ids), n)
				}
				return nil
			},
		}},
	})
}
