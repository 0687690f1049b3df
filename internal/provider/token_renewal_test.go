package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// holdUntilRenewalIsDue is how long to hold requests so that the callers
// that follow them find the token due for renewal but not yet expired: the
// client renews with a fifth of the lifetime left.
func holdUntilRenewalIsDue(ttl time.Duration) time.Duration { return ttl * 83 / 100 }

// Thirty rotations applied ten at a time (the CLI's parallelism) while the
// access token comes due: the first ten creates are held until renewal is
// due, so the next ten ask for the token together. One renew serves them
// all, no request is refused, and every rotation is created once.
func TestAccTokenRenewalUnderManyParallelResources(t *testing.T) {
	const n = 30
	// Long enough that the first wave of creates, however slowly a busy
	// machine dispatches it, is still in the token's lifetime when it ends.
	ttl := 15 * time.Second
	env := acctest.Start(t, acctest.Options{TokenTTL: ttl})
	// Answering as a newer server here too covers the one route the
	// newer-server test cannot reach quickly: renew.
	env.KMS.SetNewerServer(true)
	for i := range n {
		env.Tenant.AddApplication(localauth0.Application{ClientID: fmt.Sprintf("app-%d", i), Name: "app", Audiences: []string{localstack.AppAudience}})
	}
	many := rotationBlock(env).
		Set("count", fmt.Sprint(n)).
		Set("name", `"rotation-${count.index}"`).
		Set("parameters", `{ client_id = "app-${count.index}" }`).
		Set("secrets_mapping", `{ client_id = "ID_${count.index}", client_secret = "SECRET_${count.index}" }`)
	var started time.Time
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.KMS.ResetCounters()
					env.KMS.InjectFault(localkms.Fault{Route: routeCreate, Delay: holdUntilRenewalIsDue(ttl), Times: 10})
					started = time.Now()
				},
				Config: withProvider(env, many),
				Check: func(*terraform.State) error {
					t.Logf("apply took %v; requests:\n%s", time.Since(started).Round(time.Millisecond), env.KMS.CountsString())
					if n := env.KMS.RequestCount(routeRenew); n != 1 {
						return fmt.Errorf("%d token renewals, want exactly 1 shared by every caller", n)
					}
					renewed := 0
					for _, tok := range env.KMS.IssuedTokens() {
						if tok.Renewed {
							renewed++
						}
					}
					if renewed != 1 {
						return fmt.Errorf("the KMS issued %d renewed tokens, want 1", renewed)
					}
					if got := env.KMS.RequestCount(routeCreate); got != n {
						return fmt.Errorf("%d creates for %d rotations: a refused token was retried, or a create repeated", got, n)
					}
					if ids := env.KMS.RotationIDs(); len(ids) != n {
						return fmt.Errorf("the KMS holds %d rotations, want %d", len(ids), n)
					}
					for i := range n {
						app := fmt.Sprintf("app-%d", i)
						if err := checkMappedSecretsWorkFor(env, app, "dev", "/", fmt.Sprintf("ID_%d", i), fmt.Sprintf("SECRET_%d", i))(nil); err != nil {
							return err
						}
					}
					return nil
				},
			},
			{
				Config: withProvider(env, many),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
