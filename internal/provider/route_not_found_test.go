package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// A route the KMS does not serve is not a deleted object. Two rotations and
// their connection are applied; then the KMS answers as a build without the
// secret-rotation routes (Fastify's 404), and the provider is pointed at a
// wrong path prefix (with a ready token, so no login stops it first; the
// KMS's web app answers those reads with a page): each refresh fails with an
// error that names the route or the page and what to check, and the state
// keeps everything, so the next plan against the right KMS is empty and nothing is
// created again (each create would issue a new Auth0 secret). The service's
// own not-found still removes a rotation from state.
func TestAccRouteNotFoundKeepsEveryRotationInState(t *testing.T) {
	env := acctest.Start(t)
	conn := connectionBlock(env)
	rotation := func(name, prefix string) *acctest.Block {
		return acctest.Resource("hanzokms_auth0_client_secret_rotation", name).
			Str("project_id", acctest.ProjectID).
			Set("connection_id", conn.Address()+".id").
			Str("name", "billing-"+name).
			Str("environment", "dev").
			Int("rotation_interval", 30).
			Obj("parameters", "client_id", acctest.AppClientID).
			Obj("secrets_mapping", "client_id", prefix+"_CLIENT_ID", "client_secret", prefix+"_CLIENT_SECRET")
	}
	first, second := rotation("first", "FIRST"), rotation("second", "SECOND")
	config := withProvider(env, conn, first, second)

	var created []string
	// The stack logged in to seed its connection: a ready token, good for
	// hours, so no login (which would fail first) is made.
	tokens := env.KMS.IssuedTokens()
	wrongPrefix := acctest.Config(fmt.Sprintf(`
provider "hanzokms" {
  host        = %q
  token       = %q
  max_retries = 0
}
`, env.KMSURL+"/kms", tokens[len(tokens)-1].Value), conn, first, second)
	rotationsGoneMissing := wrapTolerant(`(?s)Could not read the Auth0 client secret rotation.*` +
		`HTTP 404 Not Found: Route GET:/api/v2/secret-rotations/auth0-client-secret/[0-9a-f-]+ not found.*` +
		`The server at ` + env.KMSURL + ` does not serve the route GET /api/v2/secret-rotations/auth0-client-secret/.*` +
		`Check host \(or HANZO_KMS_HOST\).*path prefix.*serves secret rotations.*` +
		`Nothing was removed from the Terraform state`)
	samePlanAgain := resource.TestStep{
		PreConfig: func() { env.KMS.SetRotationRoutes(true) },
		Config:    config,
		PlanOnly:  true, // fails on any planned change: a lost rotation would be planned for creation
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					created = env.KMS.RotationIDs()
					if n := env.KMS.RequestCount(routeCreate); n != 2 || len(created) != 2 {
						return fmt.Errorf("%d creates, rotations %v; want 2 of each", n, created)
					}
					return nil
				},
			},
			{
				PreConfig:   func() { env.KMS.SetRotationRoutes(false) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: rotationsGoneMissing,
			},
			samePlanAgain,
			{
				Config:   wrongPrefix,
				PlanOnly: true,
				// A standalone KMS answers every GET outside /api with its web
				// app: a read through the wrong prefix gets a web page.
				ExpectError: wrapTolerant(`(?s)Could not read the Auth0 (client secret rotation|app connection).*` +
					`answered with a web page \(HTML\), not the KMS API.*path prefix is probably wrong.*` +
					`Check host \(or HANZO_KMS_HOST\).*Nothing was removed from the Terraform state`),
			},
			samePlanAgain,
			{
				// The service's own not-found: deleted outside Terraform, so
				// the plan creates it again.
				PreConfig: func() {
					if ids := env.KMS.RotationIDs(); len(ids) != 2 || !slices.Contains(ids, created[0]) || !slices.Contains(ids, created[1]) {
						t.Errorf("the KMS holds rotations %v; want the first two, %v", ids, created)
					}
					gone, err := env.Client.GetAuth0ClientSecretRotationByName(context.Background(), acctest.ProjectID, "dev", "/", "billing-first")
					if err != nil {
						t.Fatal(err)
					}
					env.KMS.DeleteRotationOutOfBand(gone.ID, true)
				},
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(first.Address(), plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(second.Address(), plancheck.ResourceActionNoop),
					},
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 2 {
		t.Errorf("%d creates in all, want the first 2 only", n)
	}
}
