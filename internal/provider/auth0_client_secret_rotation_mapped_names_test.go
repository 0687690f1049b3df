package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// The mapped-name check: one listing of the folder's own secret names per
// folder and provider process, at plan and before the creates.

const (
	routeSecretList  = "GET /api/v4/secrets"
	routeFolderList  = "GET /api/v2/folders"
	routeProjectRead = "GET /api/v1/projects/{projectId}"
)

// rotationIn is basicBody in another folder, with other mapped names.
func rotationIn(folder, idName, secretName string) string {
	return strings.NewReplacer(
		`environment       = "dev"`, `environment       = "dev"`+"\n  secret_path       = \""+folder+"\"",
		`"AUTH0_CLIENT_ID"`, `"`+idName+`"`, `"AUTH0_CLIENT_SECRET"`, `"`+secretName+`"`,
	).Replace(basicBody)
}

// A secret of the same name that only reaches the folder through a secret
// import is not in the folder: the KMS's own check does not count it, so
// neither does the provider (the read by name, which follows imports, did).
func TestAccMappedNames_nameReachingTheFolderThroughAnImportIsFree(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/app", "AUTH0_CLIENT_SECRET", "the parent folder's own secret")
	if err := env.KMS.AddSecretImport(acctest.ProjectID, "dev", "/app/auth0", "dev", "/app"); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotationHCL(env, rotationIn("/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET")),
			Check: resource.ComposeTestCheckFunc(
				checkMappedSecretsWork(env, "dev", "/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
				func(*terraform.State) error {
					if v, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/app", "AUTH0_CLIENT_SECRET"); v != "the parent folder's own secret" {
						return fmt.Errorf("the imported folder's secret changed: %q", v)
					}
					if n := env.KMS.RequestCount(routeSecretRead); n != 0 {
						return fmt.Errorf("the check read %d secrets by name", n)
					}
					return nil
				},
			),
		}},
	})
}

// A name the folder itself holds is refused before the create: no create
// is sent, and the application's secret at Auth0 is the one it had.
func TestAccMappedNames_takenNameIsRefusedWithNoCreate(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/app/auth0", "TAKEN_CLIENT_ID", "an unrelated value")
	before := env.Tenant.Secret(acctest.AppClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotationHCL(env, rotationIn("/app/auth0", "TAKEN_CLIENT_ID", "FREE_CLIENT_SECRET")),
			ExpectError: wrapTolerant(`(?s)Mapped secret already exists.*secrets_mapping.client_id names secret "TAKEN_CLIENT_ID", ` +
				`which already exists in environment "dev", folder "/app/auth0".*Nothing was sent`),
		}},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 0 {
		t.Errorf("%d creates were sent", n)
	}
	if ids := env.KMS.RotationIDs(); len(ids) != 0 {
		t.Errorf("rotations exist: %v", ids)
	}
	if v, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/app/auth0", "TAKEN_CLIENT_ID"); v != "an unrelated value" {
		t.Errorf("the existing secret changed: %q", v)
	}
	checkAuth0SecretStillWorks(t, env, before)
}

// Two rotations of one apply that map the same name: the plan cannot tell
// (the folder has neither), but the first create claims the names, so the
// second is refused before it is sent, and the first rotation's secret is
// not replaced behind its back.
func TestAccMappedNames_twoRotationsCannotClaimOneName(t *testing.T) {
	env := acctest.Start(t)
	config := env.ProviderBlock() + `
resource "hanzokms_auth0_client_secret_rotation" "first" {
  project_id    = "` + acctest.ProjectID + `"
  connection_id = "` + env.ConnectionID + `"
` + strings.Replace(rotationIn("/", "FIRST_CLIENT_ID", "SHARED_CLIENT_SECRET"), "billing-auth0", "first", 1) + `}
resource "hanzokms_auth0_client_secret_rotation" "second" {
  project_id    = "` + acctest.ProjectID + `"
  connection_id = "` + env.ConnectionID + `"
` + strings.Replace(rotationIn("/", "SECOND_CLIENT_ID", "SHARED_CLIENT_SECRET"), "billing-auth0", "second", 1) + `}`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: wrapTolerant(`(?s)Mapped secret name used twice.*secrets_mapping.client_secret names secret ` +
				`"SHARED_CLIENT_SECRET" in environment "dev", folder "/".*another rotation created in this run already maps`),
		}, {
			PreConfig: func() {
				if n := env.KMS.RequestCount(routeCreate); n != 1 {
					t.Errorf("%d creates were sent, want 1 (the second refused before it was sent)", n)
				}
				if ids := env.KMS.RotationIDs(); len(ids) != 1 {
					t.Errorf("rotations: %v, want one", ids)
				}
				secret, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "SHARED_CLIENT_SECRET")
				if err := env.Auth0Login(acctest.AppClientID, secret); err != nil || env.Tenant.Secret(acctest.AppClientID) != secret {
					t.Errorf("the first rotation's mapped secret no longer logs in: %v", err)
				}
			},
			// The one that was created is in state, whichever it was.
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// The requests: a plan of N new rotations lists each folder once; the apply
// (a plan and an apply, each in its own provider process) lists each folder
// twice and sends one create per rotation, and nothing else per rotation; a
// plan of the unchanged rotations lists nothing.
func TestAccMappedNames_oneListingPerFolder(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
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
	config := env.ProviderBlock() + rotations("root", "/", 6) + rotations("nested", "/app/auth0", 4)
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
		for route, n := range got {
			if want[route] != n {
				t.Errorf("%s: %d × %s, want %d (all: %v)", what, n, route, want[route], got)
			}
		}
		for route, n := range want {
			if got[route] != n {
				t.Errorf("%s: %d × %s, want %d (all: %v)", what, got[route], route, n, got)
			}
		}
	}
	expect("plan of 10 new rotations in 2 folders", run("plan", "plan", "-input=false"),
		map[string]int{routeSecretList: 2, getConnectionRoute: 1})
	// The CLI plans again in a provider process of its own before it
	// applies: each process lists each folder once.
	expect("apply of 10 new rotations in 2 folders", run("apply", "apply", "-auto-approve", "-input=false"),
		map[string]int{routeSecretList: 4, getConnectionRoute: 2, routeCreate: 10})
	expect("plan of the unchanged rotations", run("plan", "plan", "-input=false", "-detailed-exitcode"),
		map[string]int{routeGet: 10})
	if n := len(env.KMS.RotationIDs()); n != 10 {
		t.Errorf("%d rotations, want 10", n)
	}
	config = env.ProviderBlock()
	run("destroy", "apply", "-auto-approve", "-input=false")
}

// A wrong environment or folder is refused at plan, naming what exists,
// before any rotation is created: the environments of the project, or the
// folders beside the missing one.
func TestAccMappedNames_wrongEnvironmentOrFolderRefusedAtPlan(t *testing.T) {
	env := acctest.Start(t)
	withEnvironment := func(slug, folder string) string {
		return rotationHCL(env, strings.Replace(rotationIn(folder, "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			`environment       = "dev"`, `environment       = "`+slug+`"`, 1))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
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
				Config:      withEnvironment("prod", "/nope/deeper"),
				PlanOnly:    true,
				ExpectError: wrapTolerant(`(?s)Folder not found.*secret_path "/nope/deeper" does not exist in environment "prod".*There is no folder in "/nope"`),
			},
		},
	})
	if n := env.KMS.RequestCount(routeCreate); n != 0 {
		t.Errorf("%d creates were sent", n)
	}
	// Each refusal cost its folder's listing and one look around it (and
	// the project's environments for the missing environment), per plan.
	if n := env.KMS.RequestCount(routeProjectRead); n == 0 {
		t.Errorf("the environments were never read")
	}
	if n := env.KMS.RequestCount(routeFolderList); n == 0 {
		t.Errorf("the folders were never listed")
	}
}
