package provider_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

const getConnectionRoute = "GET /api/v1/app-connections/auth0/{id}"

// A connection_id that names no connection, or another service's, is a
// plan-time error on connection_id; no rotation is created.
func TestAccRotationConnectionCheck_wrongConnection(t *testing.T) {
	env := acctest.Start(t)
	awsConnection := env.KMS.AddOtherAppConnection("aws", "aws-prod")
	missing := "00000000-0000-4000-8000-000000000000"
	with := func(id string) string { return strings.Replace(rotationHCL(env, basicBody), env.ConnectionID, id, 1) }
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      with(missing),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)App connection not found.*connection_id "` + missing + `": the KMS has no app connection with this ID`),
			},
			{
				Config:      with(awsConnection),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Not an Auth0 app connection.*connection_id "` + awsConnection + `" is an app connection for another service`),
			},
			{Config: env.ProviderBlock()},
		},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 0 {
		t.Errorf("%d rotation creates for a wrong connection, want 0", n)
	}
	if n := env.KMS.RequestCount(getConnectionRoute); n != 2 {
		t.Errorf("%d connection reads for two plans, want 2 (one each)", n)
	}
}

// The check costs one read when the rotation is new or its connection
// changes, and nothing otherwise: a plan and a refresh of an unchanged
// rotation still make exactly one KMS request each (besides the login).
func TestAccRotationConnectionCheck_requestCounts(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	cli := acctest.NewCLI(t)
	other, err := env.Client.CreateAuth0Connection(context.Background(), kms.CreateAuth0ConnectionRequest{
		Name: "second-rotator", Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: env.Tenant.Domain(), ClientID: acctest.ManagementClientID,
			ClientSecret: env.Tenant.Secret(acctest.ManagementClientID), Audience: env.Tenant.ManagementAudience(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// delete_secrets_on_destroy: moving to another connection replaces the
	// rotation in the same folder, which the plan refuses while the old
	// secrets would stay in the way.
	config := rotationHCL(env, basicBody+"\n  delete_secrets_on_destroy = true\n")
	run := func(config string, args ...string) map[string]int {
		t.Helper()
		env.KMS.ResetCounters()
		if out, err := cli.Run(config, args...); err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		counts := env.KMS.Requests()
		delete(counts, "POST /api/v1/auth/universal-auth/login")
		return counts
	}
	expect := func(what string, got map[string]int, want map[string]int) {
		t.Helper()
		for route, n := range want {
			if got[route] != n {
				t.Errorf("%s: %d %s, want %d (all: %v)", what, got[route], route, n, got)
			}
		}
		total := 0
		for _, n := range got {
			total += n
		}
		wantTotal := 0
		for _, n := range want {
			wantTotal += n
		}
		if total != wantTotal {
			t.Errorf("%s: %d KMS requests, want %d: %v", what, total, wantTotal, got)
		}
	}

	expect("plan of a new rotation", run(config, "plan", "-input=false"), map[string]int{getConnectionRoute: 1, routeSecretList: 1})
	run(config, "apply", "-auto-approve", "-input=false")
	getRotation := routeGet
	expect("plan of an unchanged rotation", run(config, "plan", "-input=false", "-detailed-exitcode"), map[string]int{getRotation: 1})
	expect("refresh of an unchanged rotation", run(config, "apply", "-refresh-only", "-auto-approve", "-input=false"), map[string]int{getRotation: 1})
	moved := strings.Replace(config, env.ConnectionID, other.ID, 1)
	// A replacement's create is planned as a new rotation: its folder is listed.
	expect("plan moving the rotation to another connection", run(moved, "plan", "-input=false"),
		map[string]int{getRotation: 1, getConnectionRoute: 1, routeSecretList: 1})
	run(env.ProviderBlock(), "apply", "-auto-approve", "-input=false")
}
