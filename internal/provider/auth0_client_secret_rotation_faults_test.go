package provider_test

// Faults injected into the local KMS and Auth0 during applies: each apply
// converges or stops with a clear error; no rotation is created twice;
// nothing exists remotely that state does not know; the next plan is empty,
// or shows exactly the change still owed.

import (
	"fmt"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const (
	routeCreate = "POST /api/v2/secret-rotations/auth0-client-secret"
	routeGet    = "GET /api/v2/secret-rotations/auth0-client-secret/{id}"
	routeByName = "GET /api/v2/secret-rotations/auth0-client-secret/rotation-name/{name}"
	routePatch  = "PATCH /api/v2/secret-rotations/auth0-client-secret/{id}"
	routeDelete = "DELETE /api/v2/secret-rotations/auth0-client-secret/{id}"
	routeRotate = "POST /api/v2/secret-rotations/auth0-client-secret/{id}/rotate-secrets"
)

// exactlyTheStateRotation checks that the KMS holds one rotation, the one in
// state, and that its mapped secrets work at Auth0.
func exactlyTheStateRotation(env *acctest.Env) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		func(s *terraform.State) error {
			ids := env.KMS.RotationIDs()
			if len(ids) != 1 || ids[0] != stateAttr(s, "id") {
				return fmt.Errorf("the KMS holds rotations %v, state knows %q", ids, stateAttr(s, "id"))
			}
			return nil
		},
		checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
	)
}

func faultTest(t *testing.T, env *acctest.Env, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			return nil
		},
	})
}

func TestAccFaults_createConverges(t *testing.T) {
	acctest.SkipOnRealServer(t)
	cases := []struct {
		name      string
		fault     localkms.Fault
		wantPosts int
	}{
		{"429 with Retry-After", localkms.Fault{Route: routeCreate, Status: 429, RetryAfter: "2", Times: 2}, 3},
		{"503 before acting", localkms.Fault{Route: routeCreate, Status: 503, Times: 1}, 2},
		{"500 before acting", localkms.Fault{Route: routeCreate, Status: 500, Times: 1}, 2},
		{"connection dropped before acting", localkms.Fault{Route: routeCreate, DropBeforeAct: true, Times: 1}, 2},
		{"connection dropped after acting", localkms.Fault{Route: routeCreate, DropAfterAct: true, Times: 1}, 1},
		{"token expired in the middle of the apply", localkms.Fault{Route: routeCreate, ExpireTokens: true, Times: 1}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.Start(t)
			faultTest(t, env, resource.TestStep{
				PreConfig: func() { env.KMS.InjectFault(tc.fault) },
				Config:    rotationHCL(env, basicBody),
				Check: resource.ComposeTestCheckFunc(exactlyTheStateRotation(env), func(*terraform.State) error {
					if n := env.KMS.RequestCount(routeCreate); n != tc.wantPosts {
						return fmt.Errorf("%d create requests, want %d", n, tc.wantPosts)
					}
					// Retry-After is honoured: each retry waited at least as
					// long as asked (the client's own backoff is at most 1s
					// at these attempts). A lower bound only: a busy machine
					// may wait longer.
					if after := tc.fault.RetryAfter; after != "" {
						want, _ := time.ParseDuration(after + "s")
						for i, gap := range env.KMS.Gaps(routeCreate) {
							if gap < want {
								return fmt.Errorf("retry %d came %v after the 429, Retry-After asked for %v", i+1, gap, want)
							}
							t.Logf("retry %d came %v after a 429 with Retry-After: %s", i+1, gap.Round(time.Millisecond), after)
						}
					}
					return nil
				}),
			})
		})
	}
}

// slowStepTimeout is request_timeout in the slow-response step.
const slowStepTimeout = 3 * time.Second

func TestAccFaults_readUpdateDeleteConverge(t *testing.T) {
	env := acctest.Start(t)
	var served502 atomic.Int32
	base := rotationBlock(env)
	updated := base.Clone().Int("rotation_interval", 14)
	faultTest(t, env,
		resource.TestStep{Config: withProvider(env, base)},
		resource.TestStep{
			// Refresh through 502s and a response slower than the timeout;
			// the update's PATCH is acted on, then its connection drops.
			PreConfig: func() {
				env.KMS.InjectFault(localkms.Fault{Route: routeGet, Status: 502, Times: 2, OnFire: func() { served502.Add(1) }})
				env.KMS.InjectFault(localkms.Fault{Route: routePatch, DropAfterAct: true, Times: 1})
			},
			Config: withProvider(env, updated),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(14)),
			},
			Check: resource.ComposeTestCheckFunc(exactlyTheStateRotation(env), func(*terraform.State) error {
				// Acted on, dropped, sent again (a PATCH of the same fields
				// is safe to repeat): two, not one, not three.
				if n := env.KMS.RequestCount(routePatch); n != 2 {
					return fmt.Errorf("%d PATCH requests, want 2", n)
				}
				// The refresh went through both injected 502s, not around them.
				if n := served502.Load(); n != 2 {
					return fmt.Errorf("%d of the 2 injected 502s were served", n)
				}
				return nil
			}),
		},
		resource.TestStep{
			// One read is held far longer than request_timeout: the client
			// hangs up at the timeout and reads again. Only that route is
			// slowed, and the timeout leaves login ample time on a busy machine.
			PreConfig: func() {
				env.KMS.ResetCounters()
				env.KMS.InjectFault(localkms.Fault{Route: routeGet, Delay: 3 * slowStepTimeout, Times: 1})
			},
			Config: acctest.Config(env.ProviderBlockWith(fmt.Sprintf("request_timeout = %q\n  max_retries = 2", slowStepTimeout)), updated),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if n := env.KMS.AbandonedRequests(routeGet); n != 1 {
					return fmt.Errorf("the client gave up on %d held reads, want 1: the timeout did not fire", n)
				}
				gaps := env.KMS.Gaps(routeGet)
				if len(gaps) == 0 || gaps[0] < slowStepTimeout {
					return fmt.Errorf("reads came %v apart: the retry did not wait for request_timeout (%v)", gaps, slowStepTimeout)
				}
				t.Logf("the held read was abandoned and sent again %v later (request_timeout %v)", gaps[0].Round(time.Millisecond), slowStepTimeout)
				return nil
			},
		},
		resource.TestStep{
			// The delete is acted on, then its connection drops: the retry
			// finds it gone, which is success.
			PreConfig: func() {
				env.KMS.ResetCounters()
				env.KMS.InjectFault(localkms.Fault{Route: routeDelete, DropAfterAct: true, Times: 1})
			},
			Config:  withProvider(env, updated),
			Destroy: true,
		},
		resource.TestStep{
			PreConfig: func() {
				if n := env.KMS.RequestCount(routeDelete); n != 2 {
					t.Errorf("%d DELETE requests, want 2 (acted on and dropped, then answered 404)", n)
				}
			},
			Config: env.ProviderBlock(),
		},
	)
}

func TestAccFaults_rotationRefusedByAuth0(t *testing.T) {
	env := acctest.Start(t)
	trigger := func(v string) string { return withProvider(env, rotationBlock(env).Str("rotation_trigger", v)) }
	var liveSecret string
	faultTest(t, env,
		resource.TestStep{
			Config: trigger("one"),
			Check: func(*terraform.State) error {
				liveSecret = env.Tenant.Secret(acctest.AppClientID)
				return nil
			},
		},
		resource.TestStep{
			// The connection loses update:client_keys: the rotation fails
			// with Auth0's reason, and nothing is half-done.
			PreConfig: func() {
				grantManagementScopes(env, "read:clients")
			},
			Config:      trigger("two"),
			ExpectError: wrapTolerant(`(?s)Could not rotate the Auth0 client secret.*HTTP 500.*Insufficient scope, expected any of: update:client_keys`),
		},
		resource.TestStep{
			// Nothing is half-done: the live Auth0 secret is the one from
			// before, and the mapped secrets still hold it and work.
			PreConfig: func() {
				if env.Tenant.Secret(acctest.AppClientID) != liveSecret {
					t.Errorf("the refused rotation changed the live Auth0 secret")
				}
				if got, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); got != liveSecret {
					t.Errorf("the refused rotation changed the mapped secret")
				}
				if err := checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET")(nil); err != nil {
					t.Errorf("after the refused rotation: %v", err)
				}
			},
			// The plan shows exactly the rotation still owed.
			Config:             trigger("two"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			PreConfig: func() {
				grantManagementScopes(env, "read:clients", "update:client_keys")
			},
			Config: trigger("two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_trigger"), knownvalue.StringExact("two")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
			},
			Check: exactlyTheStateRotation(env),
		},
	)
}

func TestAccFaults_auth0Unreachable(t *testing.T) {
	env := acctest.Start(t)
	faultTest(t, env,
		resource.TestStep{
			PreConfig:   func() { env.Tenant.SetUnreachable(true) },
			Config:      rotationHCL(env, basicBody),
			ExpectError: regexp.MustCompile(`(?s)Could not create the Auth0 client secret rotation.*HTTP 400`),
		},
		resource.TestStep{
			PreConfig: func() {
				if ids := env.KMS.RotationIDs(); len(ids) != 0 {
					t.Errorf("a create that Auth0 never saw left rotations: %v", ids)
				}
				env.Tenant.SetUnreachable(false)
			},
			Config: rotationHCL(env, basicBody),
			Check:  exactlyTheStateRotation(env),
		},
	)
}

func TestAccFaults_rateLimitedEverywhereGivesAClearError(t *testing.T) {
	env := acctest.Start(t)
	faultTest(t, env,
		resource.TestStep{
			PreConfig: func() {
				env.KMS.InjectFault(localkms.Fault{Route: routeCreate, Status: 429, RetryAfter: "0", Times: 10})
			},
			Config:      rotationHCL(env, basicBody),
			ExpectError: wrapTolerant(`(?s)Could not create the Auth0 client secret rotation.*HTTP 429 RateLimitExceeded`),
		},
		resource.TestStep{
			PreConfig: func() {
				env.KMS.ClearFaults()
				if n := env.KMS.RequestCount(routeCreate); n != 3 {
					t.Errorf("%d create attempts with max_retries = 2, want 3", n)
				}
			},
			Config: rotationHCL(env, basicBody),
			Check:  exactlyTheStateRotation(env),
		},
	)
}
