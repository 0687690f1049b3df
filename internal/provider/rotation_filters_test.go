package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// dayTwoRotations is threeRotations (alpha and beta in dev's root folder,
// gamma in prod's /app/auth0, all on the seeded connection) plus delta, on a
// second app connection, for its own application; beta's last rotation then
// fails (the management client loses update:client_keys for it). It returns
// the rotation ids by name and the second connection's id.
func dayTwoRotations(t *testing.T, env *acctest.Env) (map[string]string, string) {
	t.Helper()
	ctx := context.Background()
	ids := threeRotations(t, env)
	env.Tenant.AddApplication(localauth0.Application{ClientID: "app-client-4", Name: "app-client-4", Audiences: []string{localstack.AppAudience}})
	second, err := env.Client.CreateAuth0Connection(ctx, kms.CreateAuth0ConnectionRequest{
		Name: "second-auth0", Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: env.Tenant.Domain(), ClientID: acctest.ManagementClientID,
			ClientSecret: env.Tenant.Secret(acctest.ManagementClientID), Audience: env.Tenant.ManagementAudience(),
		},
	})
	if err != nil {
		t.Fatalf("creating the second connection: %v", err)
	}
	delta, err := env.Client.CreateAuth0ClientSecretRotation(ctx, kms.CreateAuth0ClientSecretRotationRequest{
		Name: "delta", ProjectID: acctest.ProjectID, ConnectionID: second.ID, Environment: "dev", SecretPath: "/app/auth0",
		IsAutoRotationEnabled: true, RotationInterval: 30,
		Parameters:     kms.Auth0RotationParameters{ClientID: "app-client-4"},
		SecretsMapping: kms.Auth0SecretsMapping{ClientID: "DELTA_CLIENT_ID", ClientSecret: "DELTA_CLIENT_SECRET"},
	})
	if err != nil {
		t.Fatalf("creating rotation delta: %v", err)
	}
	ids["delta"] = delta.ID
	grantManagementScopes(env, localauth0.ScopeReadClients)
	beta, err := env.Client.GetAuth0ClientSecretRotation(ctx, ids["beta"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client.RotateAuth0ClientSecret(ctx, ids["beta"], beta.LastRotatedAt); err == nil {
		t.Fatal("beta rotated without update:client_keys")
	}
	grantManagementScopes(env, localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys)
	for name, id := range ids {
		want := "success"
		if name == "beta" {
			want = "failed"
		}
		if _, _, _, status := env.KMS.Rotation(id); status != want {
			t.Fatalf("rotation %s: status %q, want %q", name, status, want)
		}
	}
	return ids, second.ID
}

func rotationsDataHCL(name, filters string) string {
	return fmt.Sprintf(`
data "hanzokms_auth0_client_secret_rotations" %q {
  project_id = %q
  %s
}
`, name, acctest.ProjectID, filters)
}

// namesAre checks a list of rotations by their names, in order.
func namesAre(names ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	return knownvalue.ListExact(checks)
}

// The list data source selects by app connection, by application and by the
// outcome of the last rotation, alone or together; a status it does not know
// is refused at plan time, naming the attribute and the values allowed.
func TestAccAuth0ClientSecretRotationsDataSource_filters(t *testing.T) {
	env := acctest.Start(t)
	_, second := dayTwoRotations(t, env)
	rotations := func(name string) string { return "data.hanzokms_auth0_client_secret_rotations." + name }
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderBlock() + rotationsDataHCL("bad", `rotation_status = "error"`),
				ExpectError: regexp.MustCompile(`(?s)rotation_status.*value must be one of.*"success".*"failed".*"error"`),
			},
			{
				Config:      env.ProviderBlock() + rotationsDataHCL("bad", `connection_id = "acc-auth0"`),
				ExpectError: regexp.MustCompile(`(?s)connection_id.*must be a UUID`),
			},
			{
				Config: env.ProviderBlock() +
					rotationsDataHCL("seeded_connection", fmt.Sprintf("connection_id = %q", env.ConnectionID)) +
					rotationsDataHCL("second_connection", fmt.Sprintf("connection_id = %q", second)) +
					rotationsDataHCL("app_2", `client_id = "app-client-2"`) +
					rotationsDataHCL("failed", `rotation_status = "failed"`) +
					rotationsDataHCL("succeeded_in_dev", `rotation_status = "success"
  environment = "dev"`) +
					rotationsDataHCL("failed_on_second", fmt.Sprintf(`rotation_status = "failed"
  connection_id = %q`, second)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotations("seeded_connection"), tfjsonpath.New("rotations"), namesAre("alpha", "beta", "gamma")),
					statecheck.ExpectKnownValue(rotations("second_connection"), tfjsonpath.New("rotations"), namesAre("delta")),
					statecheck.ExpectKnownValue(rotations("app_2"), tfjsonpath.New("rotations"), namesAre("beta")),
					statecheck.ExpectKnownValue(rotations("failed"), tfjsonpath.New("rotations"), namesAre("beta")),
					statecheck.ExpectKnownValue(rotations("failed"), tfjsonpath.New("rotations").AtSliceIndex(0).AtMapKey("last_rotation_message"),
						knownvalue.StringRegexp(regexp.MustCompile(`update:client_keys`))),
					statecheck.ExpectKnownValue(rotations("succeeded_in_dev"), tfjsonpath.New("rotations"), namesAre("alpha", "delta")),
					statecheck.ExpectKnownValue(rotations("failed_on_second"), tfjsonpath.New("rotations"), namesAre()),
				},
			},
		},
	})
}

// `terraform query` selects by the same filters as the data source.
func TestAccAuth0ClientSecretRotationList_filters(t *testing.T) {
	env := acctest.Start(t)
	ids, second := dayTwoRotations(t, env)
	alpha, beta, delta := ids["alpha"], ids["beta"], ids["delta"]
	list := "hanzokms_auth0_client_secret_rotation."
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureListResources)},
		Steps: []resource.TestStep{
			{Config: env.ProviderBlock()},
			{
				Query: true,
				Config: listHCL("second_connection", fmt.Sprintf("connection_id = %q", second), "") +
					listHCL("app_1", `client_id = "app-client-1"`, "") +
					listHCL("failed", `rotation_status = "failed"`, "") +
					listHCL("succeeded_in_dev", `rotation_status = "success"
    environment = "dev"`, ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(list+"second_connection", 1),
					querycheck.ExpectIdentity(list+"second_connection", map[string]knownvalue.Check{"id": stringAt{&delta}}),
					querycheck.ExpectLength(list+"app_1", 1),
					querycheck.ExpectIdentity(list+"app_1", map[string]knownvalue.Check{"id": stringAt{&alpha}}),
					querycheck.ExpectLength(list+"failed", 1),
					querycheck.ExpectIdentity(list+"failed", map[string]knownvalue.Check{"id": stringAt{&beta}}),
					querycheck.ExpectLength(list+"succeeded_in_dev", 2),
					querycheck.ExpectIdentity(list+"succeeded_in_dev", map[string]knownvalue.Check{"id": stringAt{&alpha}}),
					querycheck.ExpectIdentity(list+"succeeded_in_dev", map[string]knownvalue.Check{"id": stringAt{&delta}}),
				},
			},
			{
				Query:       true,
				Config:      listHCL("bad", `rotation_status = "error"`, ""),
				ExpectError: regexp.MustCompile(`(?s)rotation_status.*value must be one of.*"error"`),
			},
		},
	})
}
