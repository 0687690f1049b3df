package provider_test

// A newer KMS release adds fields to its answers. The local KMS's newer
// server switch adds unknown fields (string, number, object, array) to every
// object of every JSON answer; a whole lifecycle of every resource, data
// source and the ephemeral resource must work unchanged and plan nothing
// after each apply.

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

func TestAccNewerServerAnswersWithUnknownFields(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.SetNewerServer(true)
	// The switch must really be on, or the test proves nothing.
	resp, err := http.Post(env.KMSURL+"/api/v1/auth/universal-auth/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"clientId":%q,"clientSecret":"wrong"}`, acctest.IdentityClientID)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"addedInANewerRelease"`) || !strings.Contains(string(body), `"newerObject"`) {
		t.Fatalf("the local KMS does not add fields: %s", body)
	}
	env.KMS.ResetCounters()
	ephemeralSupported := acctest.Has(t, acctest.FeatureEphemeralResources)

	conn := connectionBlock(env)
	rotation := rotationBlock(env).Set("connection_id", conn.Address()+".id").Str("rotation_trigger", "one")
	byName := acctest.Data("hanzokms_auth0_client_secret_rotation", "one").
		Set("project_id", rotation.Address()+".project_id").Str("environment", "dev").
		Set("name", rotation.Address()+".name")
	list := acctest.Data("hanzokms_auth0_client_secret_rotations", "all").
		Set("project_id", rotation.Address()+".project_id").Str("environment", "dev")
	changed := rotation.Clone().Int("rotation_interval", 14).Str("rotation_trigger", "two")
	changedConn := conn.Clone().Str("description", "changed on a newer server")
	emptyAfter := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEcho(),
		Steps: []resource.TestStep{
			{
				Config:           withProvider(env, conn, rotation, byName, list),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact("tenant-rotator")),
					statecheck.ExpectKnownValue(byName.Address(), tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(list.Address(), tfjsonpath.New("rotations"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("method"), knownvalue.StringExact("client-credentials")),
				},
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				// PATCH of both resources, and a rotation.
				Config:           withProvider(env, changedConn, changed, byName, list),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(14)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("description"), knownvalue.StringExact("changed on a newer server")),
				},
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				ResourceName:            rotationAddr,
				ImportState:             true,
				ImportStateIdFunc:       func(*terraform.State) (string, error) { return acctest.ProjectID + ":dev:/:billing-auth0", nil },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"rotation_trigger"},
			},
			{
				SkipFunc:         acctest.SkipStepUnless(t, "ephemeral credentials", acctest.FeatureEphemeralResources),
				Config:           withProvider(env, changedConn, changed) + credentialsHCL,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("client_id"), knownvalue.StringExact(acctest.AppClientID)),
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("active_index"), knownvalue.Int64Exact(1)),
				},
			},
			// The harness's destroy sends both DELETEs.
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			if ids := env.KMS.ConnectionIDs(); len(ids) != 1 {
				return fmt.Errorf("connections after destroy: %v, want only the seeded one", ids)
			}
			return nil
		},
	})

	// Token renew is answered as a newer server in TestAccTokenRenewalUnderManyParallelResources.
	routes := []string{
		"POST /api/v1/auth/universal-auth/login",
		routeCreate, routeGet, routeByName, routePatch, routeDelete, routeRotate,
		"GET /api/v2/secret-rotations/auth0-client-secret",
		"POST /api/v1/app-connections/auth0", "GET /api/v1/app-connections/auth0/{id}",
		"PATCH /api/v1/app-connections/auth0/{id}", "DELETE /api/v1/app-connections/auth0/{id}",
	}
	if ephemeralSupported {
		routes = append(routes, "GET /api/v2/secret-rotations/auth0-client-secret/{id}/generated-credentials")
	}
	for _, route := range routes {
		if env.KMS.RequestCount(route) == 0 {
			t.Errorf("no request reached %s: the newer answers were not tried there\n%s", route, env.KMS.CountsString())
		} else {
			t.Logf("%-80s answered with unknown fields %d times", route, env.KMS.RequestCount(route))
		}
	}
}
