package provider_test

// Acceptance tests of the token rules the server has: a token that never
// expires, the two ways an expired token is refused, a client secret's usage
// limit and the lockout's lock contention.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const (
	routeLogin = "POST /api/v1/auth/universal-auth/login"
	routeRenew = "POST /api/v1/auth/token/renew"
)

// An identity whose tokens never expire (expiresIn 0), on the real CLI.
// What this shows: every CLI command's provider logs in with universal auth
// and renews nothing; and a token issued 400 days earlier (by the KMS's
// clock), given to the provider as `token`, is presented as is, renewed
// never, replaced by no login, and honoured by the KMS. What it cannot show,
// since each CLI command starts a provider afresh, is one process keeping a
// never-expiring token while its own clock moves on: the client's test
// TestTokenThatNeverExpiresIsNeverRenewed (internal/kms) does that with the
// client's clock (kms.Config.Now) 400 days on between requests.
func TestAccTokens_neverExpiringTokenIsKept(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.SetAccessTokenTTL(acctest.IdentityClientID, 0)
	// A token of the identity issued now: 400 days old by the second step.
	old, err := env.Client.UniversalAuthLogin(context.Background(), acctest.IdentityClientID, env.IdentityClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if old.ExpiresIn != 0 {
		t.Fatalf("the KMS issued a token that expires in %ds, want 0 (never)", old.ExpiresIn)
	}
	withOldToken := fmt.Sprintf(`
provider "hanzokms" {
  host        = %q
  token       = %q
  max_retries = 2
}
`, env.KMSURL, old.AccessToken) + rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 10", 1))
	env.KMS.ResetCounters()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationHCL(env, basicBody),
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeRenew); n != 0 {
						return fmt.Errorf("%d renewals of a token that never expires", n)
					}
					if n := env.KMS.RequestCount(routeLogin); n == 0 {
						return fmt.Errorf("no universal auth login")
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					env.Clock.Advance(400 * 24 * time.Hour)
					env.KMS.ResetCounters()
				},
				Config: withOldToken,
				Check: func(*terraform.State) error {
					if n := env.KMS.RequestCount(routePatch); n != 1 {
						return fmt.Errorf("%d updates with the 400-day-old token, want 1:\n%s", n, env.KMS.CountsString())
					}
					if renews, logins := env.KMS.RequestCount(routeRenew), env.KMS.RequestCount(routeLogin); renews != 0 || logins != 0 {
						return fmt.Errorf("%d renewals and %d logins, want none: the given token is kept", renews, logins)
					}
					return nil
				},
			},
		},
	})
}

// A token refused by the server's TTL bookkeeping (401 UnauthorizedError,
// not 403 TokenError) in the middle of an apply: one new login, the request
// sent again, and the apply converges.
func TestAccTokens_tokenRefusedWith401MidApplyLogsInAgainOnce(t *testing.T) {
	env := acctest.Start(t)
	faultTest(t, env, resource.TestStep{
		PreConfig: func() { env.KMS.InjectFault(localkms.Fault{Route: routeCreate, ExpireTokensByTTL: true}) },
		Config:    rotationHCL(env, basicBody),
		Check: resource.ComposeTestCheckFunc(exactlyTheStateRotation(env), func(*terraform.State) error {
			if n := env.KMS.RequestCount(routeCreate); n != 2 {
				return fmt.Errorf("%d create requests, want 2", n)
			}
			return nil
		}),
	})
}

// A client secret whose usage limit is reached: one login attempt, and an
// error that says what happened and that a new secret is needed.
func TestAccTokens_usageLimitReachedIsOneAttemptAndSaysSo(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.SetClientSecretUsesLimit(acctest.IdentityClientID, 1)
	if _, err := env.Client.UniversalAuthLogin(context.Background(), acctest.IdentityClientID, env.IdentityClientSecret); err != nil {
		t.Fatal(err) // uses the secret's only use
	}
	env.KMS.ResetCounters()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      rotationHCL(env, basicBody),
			ExpectError: regexp.MustCompile(wrapped(`client secret usage limit reached`) + `(.|\n)*` + wrapped(`Create a new client secret`)),
		}},
	})
	if n := env.KMS.RequestCount(routeLogin); n != 1 {
		t.Errorf("%d login attempts, want 1", n)
	}
}

// While the lockout bookkeeping is busy the server answers a refused login
// with 429: it is a refused login, and is not retried like other 429s.
func TestAccTokens_loginLockContentionIsNotRetried(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.InjectFault(localkms.Fault{Route: routeLogin, Status: 429, RetryAfter: "1", Message: "Failed to acquire lock: rate limit exceeded", Times: 5})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      rotationHCL(env, basicBody), // max_retries = 2
			ExpectError: regexp.MustCompile(wrapped(`Failed to acquire lock`) + `(.|\n)*` + wrapped(`fix the credentials`)),
		}},
	})
	if n := env.KMS.RequestCount(routeLogin); n != 1 {
		t.Errorf("%d login attempts, want 1", n)
	}
	env.KMS.ClearFaults()
}
