package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

const movedRotationBody = `
  name                  = "billing-auth0"
  description           = "managed by Infisical's provider until now"
  auto_rotation_enabled = false
  project_id            = %[1]q
  connection_id         = %[2]q
  environment           = "dev"
  secret_path           = "/app/auth0"
  rotation_interval     = 45
  rotate_at_utc         = { hours = 4, minutes = 30 }
  parameters            = { client_id = %[3]q }
  secrets_mapping       = { client_id = "AUTH0_CLIENT_ID", client_secret = "AUTH0_CLIENT_SECRET" }
`

// A rotation managed with Infisical's provider moves to this one with a
// `moved` block: the plan moves it without replacing or updating it, the
// apply sends nothing that rotates or recreates, and the next plan is empty.
func TestAccAuth0ClientSecretRotation_movedFromInfisical(t *testing.T) {
	if !acctest.Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.SkipUnless(t, acctest.FeatureMoveResourceState)
	env := acctest.Start(t)
	wd := acctest.NewWorkDir(t, map[string]func() (tfprotov6.ProviderServer, error){
		"hanzokms":            acctest.ProviderFactories["hanzokms"],
		"infisical/infisical": providerserver.NewProtocol6WithError(&infisicalStandIn{client: env.Client}),
	})
	body := fmt.Sprintf(movedRotationBody, acctest.ProjectID, env.ConnectionID, acctest.AppClientID)

	// Infisical's provider creates the rotation.
	wd.Write("main.tf", `
terraform {
  required_providers {
    infisical = { source = "infisical/infisical" }
  }
}

resource "infisical_secret_rotation_auth0_client_secret" "billing" {`+body+`}
`)
	wd.Run("init", "-input=false", "-no-color")
	wd.Run("apply", "-input=false", "-no-color", "-auto-approve")
	ids := env.KMS.RotationIDs()
	if len(ids) != 1 {
		t.Fatalf("the stand-in made rotations %v, want one", ids)
	}
	secretBefore := env.Tenant.Secret(acctest.AppClientID)
	rotationsBefore := rotationsAtTenant(env)
	env.KMS.ResetCounters()

	// The configuration switches providers; Infisical's is gone from it.
	wd.Write("main.tf", env.ProviderBlock()+`
resource "hanzokms_auth0_client_secret_rotation" "billing" {`+body+`}

moved {
  from = infisical_secret_rotation_auth0_client_secret.billing
  to   = hanzokms_auth0_client_secret_rotation.billing
}
`)
	wd.Run("init", "-input=false", "-no-color")
	plan := wd.Run("plan", "-input=false", "-no-color", "-out=move.tfplan")
	for _, want := range []string{
		"infisical_secret_rotation_auth0_client_secret.billing has moved to hanzokms_auth0_client_secret_rotation.billing",
		"Plan: 0 to add, 0 to change, 0 to destroy.",
	} {
		if !strings.Contains(plan, want) {
			t.Fatalf("the plan does not say %q:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "must be replaced") || strings.Contains(plan, "will be updated") {
		t.Fatalf("the move plans a change:\n%s", plan)
	}
	wd.Run("apply", "-input=false", "-no-color", "move.tfplan")
	wd.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	state := wd.Run("state", "show", "-no-color", "hanzokms_auth0_client_secret_rotation.billing")
	if !strings.Contains(state, ids[0]) || !strings.Contains(state, `folder_id`) {
		t.Fatalf("the moved state is not the rotation %s refreshed:\n%s", ids[0], state)
	}

	for route, n := range env.KMS.Requests() {
		if !strings.HasPrefix(route, "GET ") && !strings.HasPrefix(route, "POST /api/v1/auth/") && n > 0 {
			t.Errorf("the move sent %d × %s; it should only read", n, route)
		}
	}
	if got := env.KMS.RotationIDs(); len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("the KMS holds rotations %v after the move, want exactly %s", got, ids[0])
	}
	if rotationsAtTenant(env) != rotationsBefore || env.Tenant.Secret(acctest.AppClientID) != secretBefore {
		t.Fatal("the move rotated the Auth0 secret")
	}
	t.Logf("KMS requests during the move:\n%s", env.KMS.CountsString())
}
