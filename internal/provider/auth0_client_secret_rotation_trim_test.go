package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// The KMS trims a rotation's description, project id and client id before
// it stores them: such values are refused at plan time, naming the
// attribute, before any request; a chomped heredoc applies and the next plan
// is empty.
func TestAccAuth0ClientSecretRotation_valuesTheKMSTrims(t *testing.T) {
	env := acctest.Start(t)
	rotation := rotationBlock(env)
	refused := func(block *acctest.Block, pattern string) resource.TestStep {
		return resource.TestStep{Config: withProvider(env, block), PlanOnly: true, ExpectError: wrapTolerant(pattern)}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			refused(rotation.Clone().Set("description", heredocDescription), `(?s)White space at the edge of description.*description ends with "\\n".*chomp`),
			refused(rotation.Clone().Str("project_id", acctest.ProjectID+" "), `(?s)White space at the edge of project_id.*project_id ends with " "`),
			// A no-break space, which the client id's own no-space rule
			// (ASCII white space) lets through.
			refused(rotation.Clone().Obj("parameters", "client_id", acctest.AppClientID+"\u00a0"),
				`(?s)White space at the edge of parameters.client_id.*parameters.client_id ends with "\\u00a0"`),
			{
				PreConfig: func() {
					if n := env.KMS.RequestCount(routeCreate); n != 0 {
						t.Errorf("%d creates reached the KMS with refused values", n)
					}
				},
				Config: withProvider(env, rotation.Clone().Set("description", "chomp("+heredocDescription+"\n)")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.StringExact("rotates our Auth0 applications")),
				},
			},
		},
	})
}
