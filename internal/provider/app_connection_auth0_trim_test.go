package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

const routeCreateConnection = "POST /api/v1/app-connections/auth0"

// heredocDescription is a description as a heredoc gives it: with a final
// newline.
const heredocDescription = "<<-EOT\n    rotates our Auth0 applications\n  EOT"

// The KMS trims a connection's description, domain, client id and audience
// before it stores them: such values are refused at plan time, naming the
// attribute, before any request; a chomped heredoc applies and the next plan
// is empty, and so does a secret with a final newline.
func TestAccAppConnectionAuth0_valuesTheKMSTrims(t *testing.T) {
	env := acctest.Start(t)
	conn := connectionBlock(env)
	refused := func(block *acctest.Block, pattern string) resource.TestStep {
		return resource.TestStep{Config: withProvider(env, block), PlanOnly: true, ExpectError: wrapTolerant(pattern)}
	}
	createsBefore := env.KMS.RequestCount(routeCreateConnection)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			refused(conn.Clone().Set("description", heredocDescription), `(?s)White space at the edge of description.*description ends with "\\n".*chomp`),
			refused(conn.Clone().Str("domain", " "+env.Tenant.Domain()), `(?s)White space at the edge of domain.*domain begins with " "`),
			refused(conn.Clone().Str("client_id", acctest.ManagementClientID+"\t"), `(?s)White space at the edge of client_id.*client_id ends with "\\t"`),
			refused(conn.Clone().Str("audience", "\u00a0"+env.Tenant.ManagementAudience()+"\n"),
				`(?s)White space at the edge of audience.*audience begins with "\\u00a0" and ends with "\\n"`),
			{
				PreConfig: func() {
					if n := env.KMS.RequestCount(routeCreateConnection) - createsBefore; n != 0 {
						t.Errorf("%d creates reached the KMS with refused values", n)
					}
				},
				// The secret is never read back, so it may keep a final
				// newline (as file() gives it): the KMS trims it, and so
				// does the preflight, which would otherwise be refused.
				Config: withProvider(env, conn.Clone().
					Set("description", "chomp("+heredocDescription+"\n)").
					Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID)+"\n")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("description"), knownvalue.StringExact("rotates our Auth0 applications")),
				},
			},
		},
	})
}
