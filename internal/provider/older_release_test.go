package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// The provider on an older release: one that serves the Auth0 rotations of
// secret-rotation v2 but not the newer reads (no /api/v4/secrets, no
// /api/v2/folders, no /api/v1/projects), as Infisical's backend as of
// 2025-06-22. The local KMS plays it (acctest.Options.OlderRelease).

// The routes of the older release, and the newer ones it refuses, as the
// local KMS counts them.
const (
	routeSecretListV3  = "GET /api/v3/secrets/raw"
	routeSecretReadV3  = "GET /api/v3/secrets/raw/{name}"
	routeFolderListV1  = "GET /api/v1/folders"
	routeWorkspaceRead = "GET /api/v1/workspace/{workspaceId}"
	routeUnmatched     = "unmatched"
)

func olderRelease(t *testing.T) *acctest.Env {
	return acctest.Start(t, acctest.Options{OlderRelease: true})
}

// A wrong environment or folder is refused at plan as on a current server,
// although the older secret listing answers both with an empty list; then a
// rotation is created (its names checked through the v3 listing), read by
// the data sources, rotated by its trigger and read through the ephemeral
// credentials; every plan after an apply is empty.
func TestAccOlderRelease_rotationLifecycle(t *testing.T) {
	env := olderRelease(t)
	withEnvironment := func(slug, folder string) string {
		return rotationHCL(env, strings.Replace(rotationIn(folder, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			`environment       = "dev"`, `environment       = "`+slug+`"`, 1))
	}
	lookups := `
data "hanzokms_auth0_client_secret_rotation" "by_id" {
  id = hanzokms_auth0_client_secret_rotation.test.id
}

data "hanzokms_auth0_client_secret_rotation" "by_name" {
  project_id  = hanzokms_auth0_client_secret_rotation.test.project_id
  environment = "dev"
  name        = hanzokms_auth0_client_secret_rotation.test.name
}
`
	var pairs []resource.TestCheckFunc
	for _, ds := range []string{"data.hanzokms_auth0_client_secret_rotation.by_id", "data.hanzokms_auth0_client_secret_rotation.by_name"} {
		for _, attr := range []string{"id", "name", "secret_path", "active_index", "last_rotated_at", "secrets_mapping.client_secret"} {
			pairs = append(pairs, resource.TestCheckResourceAttrPair(ds, attr, rotationAddr, attr))
		}
	}
	withTrigger := basicBody + "\n  rotation_trigger = \"2026-11-26\"\n"
	var oldSecret string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithEcho(),
		Steps: []resource.TestStep{
			{
				Config:   withEnvironment("production", "/"),
				PlanOnly: true,
				ExpectError: wrapTolerant(`(?s)Environment not found.*environment "production" does not exist in project ` +
					acctest.ProjectID + `. Its environments are: "dev", "prod" \(use the slug, not the name\)`),
			},
			{
				Config:   withEnvironment("dev", "/app/auth"),
				PlanOnly: true,
				ExpectError: wrapTolerant(`(?s)Folder not found.*secret_path "/app/auth" does not exist in environment "dev" of project ` +
					acctest.ProjectID + `. The folders in "/app" are: "auth0". A rotation does not create its folder`),
			},
			{
				PreConfig: func() {
					if n := env.KMS.RequestCount(routeCreate); n != 0 {
						t.Errorf("%d creates were sent for a wrong environment or folder", n)
					}
					if n := env.KMS.RequestCount(routeWorkspaceRead); n == 0 {
						t.Errorf("the environments were never read through the v1 workspace route:\n%s", env.KMS.CountsString())
					}
				},
				Config: rotationHCL(env, basicBody) + lookups,
				Check: resource.ComposeTestCheckFunc(append(pairs,
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					checkMappedSecretsReadBack(env),
					func(*terraform.State) error {
						if n := env.KMS.RequestCount(routeSecretListV3); n == 0 {
							return fmt.Errorf("the mapped names were not checked through the v3 listing:\n%s", env.KMS.CountsString())
						}
						oldSecret = env.Tenant.Secret(acctest.AppClientID)
						return nil
					})...),
			},
			{
				Config: rotationHCL(env, withTrigger),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("active_index"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rotationAddr, tfjsonpath.New("rotation_status"), knownvalue.StringExact("success")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					checkMappedSecretsReadBack(env),
					func(*terraform.State) error {
						if n := env.KMS.RequestCount(routeRotate); n != 1 {
							return fmt.Errorf("rotate-secrets called %d times, want 1", n)
						}
						if err := env.Auth0Login(acctest.AppClientID, oldSecret); err == nil {
							return fmt.Errorf("the secret from before the rotation still works at Auth0")
						}
						return nil
					},
				),
			},
			{
				SkipFunc: acctest.SkipStepUnless(t, "ephemeral credentials", acctest.FeatureEphemeralResources),
				Config:   rotationHCL(env, withTrigger) + credentialsHCL,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("client_id"), knownvalue.StringExact(acctest.AppClientID)),
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("active_index"), knownvalue.Int64Exact(1)),
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources["echo.credentials"].Primary.Attributes["data.client_secret"]; got != env.Tenant.Secret(acctest.AppClientID) {
						return fmt.Errorf("the ephemeral client_secret is not the application's current Auth0 secret")
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			return nil
		},
	})
	// The provider reads no secret by name; the test's own client read the
	// mapped secrets back four times, and met the missing v4 route once.
	if v4, v3 := env.KMS.RequestCount(routeSecretRead), env.KMS.RequestCount(routeSecretReadV3); v4 != 1 || v3 != 4 {
		t.Errorf("%d v4 and %d v3 reads by name, want 1 (the first, told once) and 4:\n%s", v4, v3, env.KMS.CountsString())
	}
}

// checkMappedSecretsReadBack reads the mapped secrets back through the
// server's API, as a consumer would (the v3 read by name, on this release),
// and logs in at Auth0 with them.
func checkMappedSecretsReadBack(env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		id, err := env.Client.GetSecret(ctx, acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_ID")
		if err != nil {
			return fmt.Errorf("reading the mapped client id back: %w", err)
		}
		secret, err := env.Client.GetSecret(ctx, acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET")
		if err != nil {
			return fmt.Errorf("reading the mapped client secret back: %w", err)
		}
		// No isRotatedSecret to check: this release's v3 read leaves it out
		// (seen on the real server).
		return env.Auth0Login(id.SecretValue, secret.SecretValue)
	}
}

// A mapped name taken in the folder is refused before anything is sent to
// Auth0, found through the older release's v3 listing.
func TestAccOlderRelease_takenMappedNameIsRefusedBeforeAuth0IsTouched(t *testing.T) {
	env := olderRelease(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/app/auth0", "AUTH0_CLIENT_SECRET", "an unrelated value")
	before := env.Tenant.Secret(acctest.AppClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotationHCL(env, rotationIn("/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET")),
			ExpectError: wrapTolerant(`(?s)Mapped secret already exists.*secrets_mapping.client_secret names secret "AUTH0_CLIENT_SECRET", ` +
				`which already exists in environment "dev", folder "/app/auth0".*Nothing was sent`),
		}},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 0 {
		t.Errorf("the create was sent %d times", n)
	}
	if n := env.KMS.RequestCount(routeSecretListV3); n == 0 {
		t.Errorf("the folder was not listed through v3:\n%s", env.KMS.CountsString())
	}
	checkAuth0SecretStillWorks(t, env, before)
	if v, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/app/auth0", "AUTH0_CLIENT_SECRET"); v != "an unrelated value" {
		t.Errorf("the existing secret changed")
	}
}

// Each provider process meets each missing newer route once, however many
// rotations and folders it checks in parallel: a plan of 5 new rotations in
// 2 empty folders asks the v4 listing and the v2 folder listing once each,
// then lists each folder through v3 and confirms it through the v1 folder
// listing (the v3 listing answers a missing folder with an empty list).
// The apply (a plan and an apply, each in its own process) costs twice that
// and the creates; a plan of the unchanged rotations lists nothing.
func TestAccOlderRelease_generationToldOncePerProcess(t *testing.T) {
	acctest.PreCheck(t)
	env := olderRelease(t)
	cli := acctest.NewCLI(t)
	rotations := func(label, folder string, n int) string {
		return fmt.Sprintf(`
resource "hanzokms_auth0_client_secret_rotation" %q {
  count                 = %d
  name                  = "%s-${count.index}"
  project_id            = %q
  connection_id         = %q
  environment           = "dev"
  secret_path           = %q
  auto_rotation_enabled = false
  rotation_interval     = 30
  parameters            = { client_id = %q }
  secrets_mapping = {
    client_id     = "%s_ID_${count.index}"
    client_secret = "%s_SECRET_${count.index}"
  }
}
`, label, n, label, acctest.ProjectID, env.ConnectionID, folder, acctest.AppClientID, strings.ToUpper(label), strings.ToUpper(label))
	}
	config := env.ProviderBlock() + rotations("root", "/", 3) + rotations("nested", "/app/auth0", 2)
	run := func(what string, args ...string) map[string]int {
		t.Helper()
		env.KMS.ResetCounters()
		if out, err := cli.Run(config, args...); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, out)
		}
		counts := env.KMS.Requests()
		delete(counts, routeLogin)
		return counts
	}
	expect := func(what string, got, want map[string]int) {
		t.Helper()
		for route := range mergedKeys(got, want) {
			if got[route] != want[route] {
				t.Errorf("%s: %d × %s, want %d (all: %v)", what, got[route], route, want[route], got)
			}
		}
	}
	perProcess := func(processes int, more map[string]int) map[string]int {
		want := map[string]int{
			routeSecretList: processes, routeFolderList: processes, routeUnmatched: 2 * processes,
			routeSecretListV3: 2 * processes, routeFolderListV1: 2 * processes, getConnectionRoute: processes,
		}
		for route, n := range more {
			want[route] = n
		}
		return want
	}
	expect("plan of 5 new rotations in 2 folders", run("plan", "plan", "-input=false"), perProcess(1, nil))
	expect("apply of 5 new rotations in 2 folders", run("apply", "apply", "-auto-approve", "-input=false"),
		perProcess(2, map[string]int{routeCreate: 5}))
	expect("plan of the unchanged rotations", run("plan", "plan", "-input=false", "-detailed-exitcode"),
		map[string]int{routeGet: 5})
	if n := len(env.KMS.RotationIDs()); n != 5 {
		t.Errorf("%d rotations, want 5", n)
	}
	config = env.ProviderBlock()
	run("destroy", "apply", "-auto-approve", "-input=false")
}

func mergedKeys(counts ...map[string]int) map[string]bool {
	keys := map[string]bool{}
	for _, m := range counts {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

// A release without project-scoped app connections answers a create with
// projectId 200 and no projectId field (it made an organization-wide
// connection): the provider deletes that connection again and fails naming
// project_id, so nothing is left half-created. When that delete fails too,
// the connection is kept in state (tainted), and the destroy deletes it.
func TestAccOlderRelease_connectionProjectIDRefused(t *testing.T) {
	env := olderRelease(t)
	before := len(env.KMS.ConnectionIDs())
	const routeConnectionDelete = "DELETE /api/v1/app-connections/auth0/{id}"
	withProject := connectionHCL(env, fmt.Sprintf("  client_secret = %q\n  project_id    = %q", env.Tenant.Secret(acctest.ManagementClientID), acctest.ProjectID))
	refused := `(?s)Server release does not support project_id.*project_id "` + acctest.ProjectID + `".*no projectId field.*Omit project_id`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      withProject,
				ExpectError: wrapTolerant(refused + `.*has been deleted again`),
			},
			{
				PreConfig: func() {
					if n := len(env.KMS.ConnectionIDs()); n != before {
						t.Errorf("%d connections after the refused create, want %d", n, before)
					}
					if n := env.KMS.RequestCount(routeConnectionDelete); n != 1 {
						t.Errorf("the connection was deleted %d times, want 1", n)
					}
					env.KMS.InjectFault(localkms.Fault{Route: routeConnectionDelete, Status: 400, Message: "refused by the test"})
				},
				Config:      withProject,
				ExpectError: wrapTolerant(refused + `.*failed too, so it is kept in state.*refused by the test`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.KMS.ConnectionIDs()); n != before {
				return fmt.Errorf("%d connections after destroy, want %d", n, before)
			}
			return nil
		},
	})
}
