package provider_test

// Tests that run on either server: the local KMS (every leg) and the real
// Infisical backend (.ci/real-kms.sh). They take every id and name from the
// Env (acctest.StartAnyServer), look at the server only through its API and
// at Auth0 only through the local tenant, and so never use the local KMS's
// controls.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// anyRotation is the basic rotation in the Env's project, through the
// Env's seeded app connection, with auto-rotation off (a rotation at
// midnight UTC would change the secrets under a running test).
func anyRotation(env *acctest.Env, name string) *acctest.Block {
	return acctest.Resource("hanzokms_auth0_client_secret_rotation", name).
		Str("project_id", env.ProjectID).
		Str("connection_id", env.ConnectionID).
		Str("name", "billing-auth0").
		Str("environment", "dev").
		Int("rotation_interval", 30).
		Bool("auto_rotation_enabled", false).
		Obj("parameters", "client_id", acctest.AppClientID).
		Obj("secrets_mapping", "client_id", "AUTH0_CLIENT_ID", "client_secret", "AUTH0_CLIENT_SECRET")
}

// addApp registers another application to rotate at the Env's tenant.
func addApp(env *acctest.Env, clientID string) {
	env.Tenant.AddApplication(localauth0.Application{ClientID: clientID, Name: clientID, Audiences: []string{localstack.AppAudience}})
}

// mappedSecretsHold reads the two mapped secrets (dev, /) back through the server:
// they must hold appClientID and that application's current secret at the
// tenant, which the tenant accepts for a login. When oldSecret is set, the
// tenant must refuse it (single-phase rotation: the old secret is dead).
func mappedSecretsHold(env *acctest.Env, appClientID, idName, secretName string, oldSecret *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		clientID, err := env.SecretValue("dev", "/", idName)
		if err != nil || clientID != appClientID {
			return fmt.Errorf("mapped secret %s = %q (%v), want %q", idName, clientID, err, appClientID)
		}
		secret, err := env.SecretValue("dev", "/", secretName)
		if err != nil || secret == "" {
			return fmt.Errorf("mapped secret %s cannot be read: %v", secretName, err)
		}
		if secret != env.Tenant.Secret(appClientID) {
			return fmt.Errorf("mapped secret %s does not hold %s's current Auth0 secret", secretName, appClientID)
		}
		if err := env.Auth0Login(appClientID, secret); err != nil {
			return fmt.Errorf("the tenant refuses the mapped secret %s: %v", secretName, err)
		}
		if oldSecret != nil {
			if *oldSecret == "" || *oldSecret == secret {
				return fmt.Errorf("%s's secret did not change", appClientID)
			}
			if err := env.Auth0Login(appClientID, *oldSecret); err == nil {
				return fmt.Errorf("the tenant still accepts %s's previous secret", appClientID)
			}
		}
		return nil
	}
}

// remember keeps an application's current Auth0 secret in *into.
func remember(env *acctest.Env, appClientID string, into *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		*into = env.Tenant.Secret(appClientID)
		return nil
	}
}

// secretGone checks that the server has no secret by that name in dev, /.
func secretGone(env *acctest.Env, name string) error {
	_, err := env.SecretValue("dev", "/", name)
	var apiErr *realkms.Error
	if errors.As(err, &apiErr) && apiErr.Status == 404 {
		return nil
	}
	if err == nil {
		return fmt.Errorf("secret %s still exists", name)
	}
	return fmt.Errorf("secret %s: want 404, got %v", name, err)
}

// rotationGone checks that the server does not know the rotation id.
func rotationGone(env *acctest.Env, id string) error {
	_, err := env.Client.GetAuth0ClientSecretRotation(context.Background(), id)
	if kms.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("rotation %s after destroy: want not found, got %v", id, err)
}

func TestAccAnyServer_connectionLifecycle(t *testing.T) {
	env := acctest.StartAnyServer(t)
	t.Logf("server: %s", env.ServerName())
	name, renamed := env.Name("tenant-rotator"), env.Name("tenant-rotator-renamed")
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", name).
		Str("description", "rotates our Auth0 applications").
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID)).
		Set("rotated_client_ids", fmt.Sprintf("[%q]", acctest.AppClientID))
	same := statecheck.CompareValue(compare.ValuesSame())
	var id string
	inServer := func(wantName, wantDescription string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			id = s.RootModule().Resources[connectionAddr].Primary.ID
			got, err := env.Client.GetAuth0Connection(context.Background(), id)
			if err != nil {
				return fmt.Errorf("the connection in state is not on the server: %v", err)
			}
			if got.Name != wantName || got.Description == nil || *got.Description != wantDescription {
				return fmt.Errorf("the server's connection is %q (%v), want %q (%q)", got.Name, got.Description, wantName, wantDescription)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withProvider(env, conn),
				ConfigStateChecks: []statecheck.StateCheck{
					same.AddStateValue(connectionAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("id"), uuidValue),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("domain"), knownvalue.StringExact(env.Tenant.Domain())),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("audience"), knownvalue.StringExact(env.Tenant.ManagementAudience())),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("method"), knownvalue.StringExact("client-credentials")),
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("preflight"), knownvalue.Bool(true)),
				},
				Check: inServer(name, "rotates our Auth0 applications"),
			},
			{
				Config: withProvider(env, conn.Clone().Str("name", renamed).Str("description", "renamed")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(connectionAddr, tfjsonpath.New("id"))},
				Check:             inServer(renamed, "renamed"),
			},
			{
				ResourceName:            connectionAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_secret", "preflight", "rotated_client_ids"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.Client.GetAuth0Connection(context.Background(), id); !kms.IsNotFound(err) {
				return fmt.Errorf("connection %s after destroy: want not found, got %v", id, err)
			}
			return nil
		},
	})
}

// A wrong secret is refused by the preflight, before the server is asked:
// the tenant sees the preflight's one token request and nothing from the
// server (which would ask for a token of its own).
func TestAccAnyServer_connectionPreflightRefusesAWrongSecret(t *testing.T) {
	env := acctest.StartAnyServer(t)
	tokens := env.Tenant.Requests()["POST /oauth/token"]
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", env.Name("wrong-secret")).
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", strings.Repeat("x", 48))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      withProvider(env, conn),
			ExpectError: wrapTolerant(`Auth0 refused the connection's credentials`),
		}},
	})
	if n := env.Tenant.Requests()["POST /oauth/token"] - tokens; n != 1 {
		t.Errorf("the tenant got %d token requests, want the preflight's 1 (the server was asked too?)", n)
	}
}

// One rotation through its whole life: create, read back, import by id and
// by name, in-place update (mapped names renamed), rotate by trigger,
// switch of application, replace (another connection), destroy keeping the
// secrets. After each apply the mapped secrets, read back through the
// server, work at Auth0 and the secret they replaced does not.
func TestAccAnyServer_rotationLifecycle(t *testing.T) {
	env := acctest.StartAnyServer(t)
	t.Logf("server: %s", env.ServerName())
	addApp(env, "app-client-2")
	rotation := anyRotation(env, "test").Bool("auto_rotation_enabled", true)
	updated := rotation.Clone().
		Str("description", "billing API").
		Int("rotation_interval", 7).
		Bool("auto_rotation_enabled", false).
		Set("rotate_at_utc", "{ hours = 3, minutes = 30 }").
		Obj("secrets_mapping", "client_id", "BILLING_CLIENT_ID", "client_secret", "BILLING_CLIENT_SECRET")
	triggered := updated.Clone().Str("rotation_trigger", "one")
	switched := triggered.Clone().Obj("parameters", "client_id", "app-client-2")
	second := acctest.Resource("hanzokms_app_connection_auth0", "second").
		Str("name", env.Name("second-connection")).
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID))
	replaced := switched.Clone().Set("connection_id", second.Address()+".id").
		Obj("secrets_mapping", "client_id", "PAYMENTS_CLIENT_ID", "client_secret", "PAYMENTS_CLIENT_SECRET")

	sameRotation := statecheck.CompareValue(compare.ValuesSame())
	newRotation := statecheck.CompareValue(compare.ValuesDiffer())
	var secret1, secret2, app2Before, lastID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withProvider(env, rotation),
				ConfigStateChecks: []statecheck.StateCheck{
					sameRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					newRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("id"), uuidValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("secret_path"), knownvalue.StringExact("/")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), timestampValue),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotate_at_utc"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hours": knownvalue.Int64Exact(0), "minutes": knownvalue.Int64Exact(0),
					})),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("is_last_rotation_manual"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact(env.ConnectionName)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("environment_name"), knownvalue.StringExact("Development")),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsHold(env, acctest.AppClientID, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", nil),
					remember(env, acctest.AppClientID, &secret1),
					remember(env, "app-client-2", &app2Before),
				),
			},
			{
				ResourceName:      rotationAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      rotationAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return env.ProjectID + ":dev:/:billing-auth0", nil },
				ImportStateVerify: true,
			},
			{
				// In place: the settings, and the mapped secrets renamed (same values).
				Config: withProvider(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("description"), knownvalue.StringExact("billing API")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_interval"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("next_rotation_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotate_at_utc"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"hours": knownvalue.Int64Exact(3), "minutes": knownvalue.Int64Exact(30),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsHold(env, acctest.AppClientID, "BILLING_CLIENT_ID", "BILLING_CLIENT_SECRET", nil),
					func(*terraform.State) error {
						if env.Tenant.Secret(acctest.AppClientID) != secret1 {
							return fmt.Errorf("an in-place update rotated the secret")
						}
						return errors.Join(secretGone(env, "AUTH0_CLIENT_ID"), secretGone(env, "AUTH0_CLIENT_SECRET"))
					},
				),
			},
			{
				// Rotate now: the old secret dies, the mapped one is the new one.
				Config: withProvider(env, triggered),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsHold(env, acctest.AppClientID, "BILLING_CLIENT_ID", "BILLING_CLIENT_SECRET", &secret1),
					remember(env, acctest.AppClientID, &secret2),
				),
			},
			{
				// Another application: in place, and its fresh secret is issued.
				Config: withProvider(env, switched),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameRotation.AddStateValue(rotationAddr, tfjsonpath.New("id"))},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsHold(env, "app-client-2", "BILLING_CLIENT_ID", "BILLING_CLIENT_SECRET", &app2Before),
					func(*terraform.State) error {
						if env.Tenant.Secret(acctest.AppClientID) != secret2 {
							return fmt.Errorf("switching applications changed the previous application's secret")
						}
						return nil
					},
				),
			},
			{
				// Another connection: replaced, with the mapped names changed in
				// the same step (the old secrets stay in the folder).
				Config: withProvider(env, second, replaced),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newRotation.AddStateValue(rotationAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("connection_name"), knownvalue.StringExact(env.Name("second-connection"))),
				},
				Check: resource.ComposeTestCheckFunc(
					mappedSecretsHold(env, "app-client-2", "PAYMENTS_CLIENT_ID", "PAYMENTS_CLIENT_SECRET", nil),
					func(s *terraform.State) error {
						lastID = stateAttr(s, "id")
						if v, err := env.SecretValue("dev", "/", "BILLING_CLIENT_ID"); err != nil || v != "app-client-2" {
							return fmt.Errorf("the replaced rotation's secrets were not kept: %q, %v", v, err)
						}
						return nil
					},
				),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if lastID == "" {
				return nil // an earlier step failed
			}
			// Destroyed with both flags false: the secrets stay, holding the
			// credentials, which Auth0 still accepts.
			return errors.Join(rotationGone(env, lastID),
				mappedSecretsHold(env, "app-client-2", "PAYMENTS_CLIENT_ID", "PAYMENTS_CLIENT_SECRET", nil)(nil))
		},
	})
}

// delete_secrets_on_destroy and revoke_credentials_on_destroy, each alone
// and both, set in place after create (the value in state is what destroy
// uses).
func TestAccAnyServer_destroyFlags(t *testing.T) {
	env := acctest.StartAnyServer(t)
	type flags struct {
		name           string
		delete, revoke bool
	}
	cases := []flags{{"delete", true, false}, {"revoke", false, true}, {"both", true, true}}
	var created, withFlags []*acctest.Block
	for _, c := range cases {
		app := "app-" + c.name
		addApp(env, app)
		upper := strings.ToUpper(c.name)
		b := anyRotation(env, c.name).Str("name", "rotation-"+c.name).
			Obj("parameters", "client_id", app).
			Obj("secrets_mapping", "client_id", upper+"_CLIENT_ID", "client_secret", upper+"_CLIENT_SECRET")
		created = append(created, b)
		withFlags = append(withFlags, b.Clone().Bool("delete_secrets_on_destroy", c.delete).Bool("revoke_credentials_on_destroy", c.revoke))
	}
	ids := map[string]string{}
	secrets := map[string]string{}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: withProvider(env, created...)},
			{
				Config: withProvider(env, withFlags...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hanzokms_auth0_client_secret_rotation.delete", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("hanzokms_auth0_client_secret_rotation.revoke", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("hanzokms_auth0_client_secret_rotation.both", plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error {
					for _, c := range cases {
						ids[c.name] = s.RootModule().Resources["hanzokms_auth0_client_secret_rotation."+c.name].Primary.ID
						secrets[c.name] = env.Tenant.Secret("app-" + c.name)
					}
					return nil
				},
			},
			{
				// Every rotation removed from the configuration: destroyed.
				Config: env.ProviderBlock(),
				Check: func(*terraform.State) error {
					var errs []error
					for _, c := range cases {
						app, upper := "app-"+c.name, strings.ToUpper(c.name)
						errs = append(errs, rotationGone(env, ids[c.name]))
						if c.delete {
							errs = append(errs, secretGone(env, upper+"_CLIENT_ID"), secretGone(env, upper+"_CLIENT_SECRET"))
						} else if v, err := env.SecretValue("dev", "/", upper+"_CLIENT_SECRET"); err != nil || v != secrets[c.name] {
							errs = append(errs, fmt.Errorf("%s: the mapped secret was not kept with its value (%v)", c.name, err))
						}
						revoked := env.Auth0Login(app, secrets[c.name]) != nil
						if revoked != c.revoke {
							errs = append(errs, fmt.Errorf("%s: the last secret revoked at Auth0 = %v, want %v", c.name, revoked, c.revoke))
						}
					}
					return errors.Join(errs...)
				},
			},
		},
	})
}

// A mapped name that a plain secret, or another rotation, already takes is
// refused before anything is created: Auth0 never sees a request for that
// application (its secret is unchanged) and the folder's secret keeps its
// value.
func TestAccAnyServer_takenMappedNameRefusedBeforeAuth0(t *testing.T) {
	env := acctest.StartAnyServer(t)
	addApp(env, "app-client-2")
	if err := env.PutSecret("dev", "/", "TAKEN_CLIENT_SECRET", "an unrelated value"); err != nil {
		t.Fatal(err)
	}
	first := anyRotation(env, "test")
	takenByPlainSecret := anyRotation(env, "plain").Str("name", "second").
		Obj("parameters", "client_id", "app-client-2").
		Obj("secrets_mapping", "client_id", "SECOND_CLIENT_ID", "client_secret", "TAKEN_CLIENT_SECRET")
	takenByRotation := takenByPlainSecret.Clone().
		Obj("secrets_mapping", "client_id", "SECOND_CLIENT_ID", "client_secret", "AUTH0_CLIENT_SECRET")
	app2 := env.Tenant.Secret("app-client-2")
	app2History := len(env.Tenant.SecretHistory("app-client-2"))
	untouched := func() error {
		if env.Tenant.Secret("app-client-2") != app2 || len(env.Tenant.SecretHistory("app-client-2")) != app2History {
			return fmt.Errorf("the application's Auth0 secret changed although the create was refused")
		}
		if v, err := env.SecretValue("dev", "/", "TAKEN_CLIENT_SECRET"); err != nil || v != "an unrelated value" {
			return fmt.Errorf("the taken secret changed: %q, %v", v, err)
		}
		rotations, err := env.Client.ListAuth0ClientSecretRotations(context.Background(), env.ProjectID)
		if err != nil {
			return err
		}
		for _, r := range rotations {
			if r.Name == "second" {
				return fmt.Errorf("the refused rotation exists on the server")
			}
		}
		return errors.Join(secretGone(env, "SECOND_CLIENT_ID"))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      withProvider(env, takenByPlainSecret),
				ExpectError: wrapTolerant(`(?s)TAKEN_CLIENT_SECRET.*already exists`),
			},
			{
				PreConfig: func() {
					if err := untouched(); err != nil {
						t.Fatal(err)
					}
				},
				Config: withProvider(env, first),
				Check:  mappedSecretsHold(env, acctest.AppClientID, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", nil),
			},
			{
				Config:      withProvider(env, first, takenByRotation),
				ExpectError: wrapTolerant(`(?s)AUTH0_CLIENT_SECRET.*already exists`),
			},
			{
				PreConfig: func() {
					if err := untouched(); err != nil {
						t.Fatal(err)
					}
				},
				Config: withProvider(env, first),
				Check:  mappedSecretsHold(env, acctest.AppClientID, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", nil),
			},
		},
	})
}

// The data sources read what the resource made; the ephemeral credentials
// are the application's current secret, and the rotation's state does not
// hold it.
func TestAccAnyServer_dataSourcesAndEphemeralCredentials(t *testing.T) {
	env := acctest.StartAnyServer(t)
	rotation := anyRotation(env, "test")
	byID := acctest.Data("hanzokms_auth0_client_secret_rotation", "by_id").Set("id", rotationAddr+".id")
	byName := acctest.Data("hanzokms_auth0_client_secret_rotation", "by_name").
		Set("project_id", rotationAddr+".project_id").Str("environment", "dev").Set("name", rotationAddr+".name")
	all := acctest.Data("hanzokms_auth0_client_secret_rotations", "all").
		Str("project_id", env.ProjectID).Set("depends_on", "["+rotationAddr+"]")
	var pairs []resource.TestCheckFunc
	for _, ds := range []string{byID.Address(), byName.Address()} {
		for _, attr := range []string{"id", "name", "project_id", "connection_id", "environment", "secret_path", "rotation_interval",
			"auto_rotation_enabled", "parameters.client_id", "secrets_mapping.client_secret", "active_index", "folder_id",
			"created_at", "last_rotated_at", "rotation_status", "connection_name", "environment_name"} {
			pairs = append(pairs, resource.TestCheckResourceAttrPair(ds, attr, rotationAddr, attr))
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEcho(),
		Steps: []resource.TestStep{
			{Config: withProvider(env, rotation)},
			{
				Config: withProvider(env, rotation, byID, byName, all),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all.Address(), tfjsonpath.New("rotations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("billing-auth0"), "environment": knownvalue.StringExact("dev"),
							"secret_path": knownvalue.StringExact("/"), "client_id": knownvalue.StringExact(acctest.AppClientID),
							"auto_rotation_enabled": knownvalue.Bool(false), "next_rotation_at": knownvalue.Null(),
							"rotation_status": knownvalue.StringExact("success"),
						}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(pairs...),
			},
			{
				SkipFunc: acctest.SkipStepUnless(t, "ephemeral credentials", acctest.FeatureEphemeralResources),
				Config:   withProvider(env, rotation) + credentialsHCL,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("client_id"), knownvalue.StringExact(acctest.AppClientID)),
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("active_index"), knownvalue.Int64Exact(0)),
				},
				Check: func(s *terraform.State) error {
					got := s.RootModule().Resources["echo.credentials"].Primary.Attributes["data.client_secret"]
					if got == "" || got != env.Tenant.Secret(acctest.AppClientID) {
						return fmt.Errorf("the ephemeral client_secret is not the application's current Auth0 secret")
					}
					if err := env.Auth0Login(acctest.AppClientID, got); err != nil {
						return err
					}
					for k, v := range s.RootModule().Resources[rotationAddr].Primary.Attributes {
						if v == got {
							return fmt.Errorf("the rotation's state holds the secret in %s", k)
						}
					}
					return nil
				},
			},
		},
	})
}

// jwtShape matches a JSON Web Token: the KMS's access tokens are JWTs, and
// on the real server the test cannot know which ones it issued, so none
// may appear at all.
var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`)

// TF_LOG=TRACE (the CLI's and the provider's) over a connection, a rotation
// and a rotation by trigger holds none of the secrets involved: the
// identity's client secret, the connection's secret, every secret the
// application had, every Auth0 token, and no JWT at all (the server's
// access tokens).
func TestAccAnyServer_traceLogHoldsNoSecret(t *testing.T) {
	env := acctest.StartAnyServer(t)
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.ClientID, env.IdentityClientID)
	t.Setenv(envvar.ClientSecret, env.IdentityClientSecret)
	t.Setenv(envvar.Token, "")
	t.Setenv(envvar.CACertificate, string(env.Tenant.CACertPEM()))
	t.Setenv("TF_VAR_rotator_secret", env.Tenant.Secret(acctest.ManagementClientID))
	header := `
provider "hanzokms" {
  max_retries = 2
}

variable "rotator_secret" {
  type      = string
  sensitive = true
}
`
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", env.Name("traced")).Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).Set("client_secret", "var.rotator_secret")
	rotation := anyRotation(env, "test").Set("connection_id", conn.Address()+".id").Str("rotation_trigger", "one")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: acctest.Config(header, conn, rotation)},
			{
				Config: acctest.Config(header, conn, rotation.Clone().Str("rotation_trigger", "two")),
				Check:  mappedSecretsHold(env, acctest.AppClientID, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", nil),
			},
		},
	})

	needles := acctest.NewNeedles()
	needles.Add(acctest.KindIdentitySecret, "the leg's identity", env.IdentityClientSecret)
	for _, app := range env.Tenant.Applications() {
		needles.AddAll(acctest.KindAuth0Secret, app, env.Tenant.SecretHistory(app))
	}
	needles.AddAll(acctest.KindAuth0Token, "tenant token", env.Tenant.IssuedAccessTokens())
	if !env.OnRealServer() {
		// The local KMS lists the tokens it issued; the real one's are
		// found by their shape below.
		for i, tok := range env.KMS.IssuedTokens() {
			needles.Add(acctest.KindAccessToken, fmt.Sprintf("token #%d", i), tok.Value)
		}
		needles.Expect(acctest.KindAccessToken, 1)
	}
	needles.Expect(acctest.KindIdentitySecret, 1)
	// The rotator's, and the application's seeded, created and rotated secrets.
	needles.Expect(acctest.KindAuth0Secret, 4)
	// The provider's preflight logs in to the tenant.
	needles.Expect(acctest.KindAuth0Token, 1)
	corpora := acctest.ReadTree(t, logDir)
	var logs []byte
	for name, data := range corpora {
		logs = append(logs, data...)
		if loc := jwtShape.FindIndex(data); loc != nil {
			t.Errorf("log %s holds a JWT at byte %d (an access token?)", name, loc[0])
		}
	}
	for _, want := range []string{"[TRACE]", "hanzokms: request", "hanzokms: response body", "/rotate-secrets"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the TRACE log does not hold %q: the search would prove less than it claims", want)
		}
	}
	if os.Getenv("HANZOKMS_KEEP_TRACE") != "" {
		t.Logf("trace logs in %s", logDir)
	}
	needles.Check(t, corpora)
}

// The rotate action (Terraform 1.14 and later), invoked on its own: one
// rotation per invocation, the mapped secrets follow, the old secret dies,
// and the rotation resource then plans nothing.
func TestAccAnyServer_rotateAction(t *testing.T) {
	acctest.RunsOnAnyServer(t)
	acctest.SkipUnless(t, acctest.FeatureActions)
	env := acctest.StartAnyServer(t)
	wd := acctest.NewWorkDir(t, acctest.ProviderFactories)
	wd.Write("main.tf", withProvider(env, anyRotation(env, "test"))+`
action "hanzokms_auth0_client_secret_rotation_rotate" "now" {
  config {
    rotation_id = hanzokms_auth0_client_secret_rotation.test.id
  }
}
`)
	wd.Run("init", "-input=false", "-no-color")
	wd.Run("apply", "-input=false", "-no-color", "-auto-approve")
	for i := 1; i <= 2; i++ {
		old := env.Tenant.Secret(acctest.AppClientID)
		before := len(env.Tenant.SecretHistory(acctest.AppClientID))
		wd.Run("apply", "-input=false", "-no-color", "-auto-approve", "-invoke=action.hanzokms_auth0_client_secret_rotation_rotate.now")
		if got := len(env.Tenant.SecretHistory(acctest.AppClientID)) - before; got != 1 {
			t.Fatalf("invocation %d: %d rotations at the tenant, want 1", i, got)
		}
		if err := mappedSecretsHold(env, acctest.AppClientID, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", &old)(nil); err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
	}
	wd.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	wd.Run("destroy", "-input=false", "-no-color", "-auto-approve")
}

// The server release the real-server leg runs (the backend as of 2025-06-22)
// has no project-scoped app connections: a create with projectId answers 200
// without the field. The provider deletes that connection again and fails
// naming project_id; the same name is then free for a connection without
// project_id (names are unique in the organization), so nothing was left.
// The local KMS plays that release here (SetOlderRelease).
func TestAccAnyServer_connectionProjectIDOnAnOlderRelease(t *testing.T) {
	env := acctest.StartAnyServer(t)
	if env.Real == nil {
		env.KMS.SetOlderRelease(true)
	}
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", env.Name("project-scoped")).
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withProvider(env, conn.Clone().Str("project_id", env.ProjectID)),
				ExpectError: wrapTolerant(`(?s)Server release does not support project_id.*no projectId field.*Omit project_id.*` +
					`has been deleted again`),
			},
			{
				Config: withProvider(env, conn),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
				},
			},
		},
	})
}

// A connection a rotation still uses cannot be deleted: the server refuses
// with 400 "Cannot delete App Connection with existing connections. ...";
// the destroy fails with that reason and keeps the connection in state, and
// succeeds once the rotation is gone.
func TestAccAnyServer_connectionInUseIsNotDeleted(t *testing.T) {
	env := acctest.StartAnyServer(t)
	addApp(env, "app-in-use")
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", env.Name("in-use")).
		Str("domain", env.Tenant.Domain()).
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID))
	var connectionID, rotationID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withProvider(env, conn),
				Check: func(s *terraform.State) error {
					// A rotation made outside Terraform uses the connection.
					connectionID = s.RootModule().Resources[connectionAddr].Primary.ID
					rot, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
						Name: "outside", ProjectID: env.ProjectID, ConnectionID: connectionID,
						Environment: "dev", SecretPath: "/", IsAutoRotationEnabled: false, RotationInterval: 30,
						Parameters:     kms.Auth0RotationParameters{ClientID: "app-in-use"},
						SecretsMapping: kms.Auth0SecretsMapping{ClientID: "IN_USE_CLIENT_ID", ClientSecret: "IN_USE_CLIENT_SECRET"},
					})
					if err != nil {
						return err
					}
					rotationID = rot.ID
					return nil
				},
			},
			{
				Config:  withProvider(env, conn),
				Destroy: true,
				ExpectError: wrapTolerant(`(?s)Could not delete the Auth0 app connection.*HTTP 400.*` +
					`Cannot delete App Connection with existing connections. Remove all existing connections and try again.*` +
					`still uses this connection: a secret rotation`),
			},
			{
				PreConfig: func() {
					if _, err := env.Client.GetAuth0Connection(context.Background(), connectionID); err != nil {
						t.Errorf("the connection in use is gone after the refused destroy: %v", err)
					}
					if err := env.Client.DeleteAuth0ClientSecretRotation(context.Background(), rotationID,
						kms.DeleteOptions{DeleteSecrets: true, RevokeGeneratedCredentials: true}); err != nil {
						t.Errorf("deleting the rotation: %v", err)
					}
				},
				Config:           withProvider(env, conn),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.Client.GetAuth0Connection(context.Background(), connectionID); !kms.IsNotFound(err) {
				return fmt.Errorf("connection %s after destroy: want not found, got %v", connectionID, err)
			}
			return nil
		},
	})
}

// A connection to localhost is refused by the server itself (its URL check
// refuses the name localhost always), which the preflight, turned off here,
// would otherwise have met first.
func TestAccAnyServer_connectionToLocalhostRefused(t *testing.T) {
	env := acctest.StartAnyServer(t)
	conn := acctest.Resource("hanzokms_app_connection_auth0", "test").
		Str("name", env.Name("localhost")).
		Str("domain", "localhost:1").
		Str("client_id", acctest.ManagementClientID).
		Str("client_secret", env.Tenant.Secret(acctest.ManagementClientID)).
		Bool("preflight", false)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      withProvider(env, conn),
			ExpectError: wrapTolerant(`(?s)Could not create the Auth0 app connection.*HTTP 400.*Local IPs not allowed as URL.*domain that is localhost`),
		}},
	})
}
