package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// invalidRotationConfigs each break one rule of the API; every one must
// fail at plan, naming the attribute and what is allowed, before any request.
var invalidRotationConfigs = []struct {
	name   string
	change func(b *acctest.Block) // applied to rotationBlock
	want   string
}{
	{"upper-case name", func(b *acctest.Block) { b.Str("name", "Billing-Auth0") }, `(?s)Attribute name .*must be a slug`},
	{"name with double hyphen", func(b *acctest.Block) { b.Str("name", "billing--auth0") }, `(?s)Attribute name .*must be a slug`},
	{"name with trailing hyphen", func(b *acctest.Block) { b.Str("name", "billing-") }, `(?s)Attribute name .*must be a slug`},
	{"empty name", func(b *acctest.Block) { b.Str("name", "") }, `(?s)Attribute name string length must be between 1 and 64`},
	{"name too long", func(b *acctest.Block) { b.Str("name", strings.Repeat("a", 65)) }, `(?s)Attribute name string length must be between 1 and 64`},
	{"description too long", func(b *acctest.Block) { b.Str("description", strings.Repeat("d", 257)) }, `(?s)Attribute description string length must be at most 256`},
	{"environment with spaces", func(b *acctest.Block) { b.Str("environment", "my env") }, `(?s)Attribute environment .*environment slug`},
	{"environment too long", func(b *acctest.Block) { b.Str("environment", strings.Repeat("e", 65)) }, `(?s)Attribute environment string length must be between 1 and 64`},
	{"secret path without leading slash", func(b *acctest.Block) { b.Str("secret_path", "app") }, `(?s)Attribute secret_path .*must be a folder path starting with "/"`},
	{"secret path with double slash", func(b *acctest.Block) { b.Str("secret_path", "/app//auth0") }, `(?s)Attribute secret_path .*folder path`},
	{"interval zero", func(b *acctest.Block) { b.Int("rotation_interval", 0) }, `(?s)Attribute rotation_interval value must be at least 1`},
	{"interval negative", func(b *acctest.Block) { b.Int("rotation_interval", -5) }, `(?s)Attribute rotation_interval value must be at least 1`},
	{"hours 24", func(b *acctest.Block) { b.Set("rotate_at_utc", "{ hours = 24, minutes = 0 }") }, `(?s)Attribute rotate_at_utc.hours value must be between 0 and 23`},
	{"minutes 60", func(b *acctest.Block) { b.Set("rotate_at_utc", "{ hours = 1, minutes = 60 }") }, `(?s)Attribute rotate_at_utc.minutes value must be between 0 and 59`},
	{"negative hours", func(b *acctest.Block) { b.Set("rotate_at_utc", "{ hours = -1 }") }, `(?s)Attribute rotate_at_utc.hours value must be between 0 and 23`},
	{"empty application client id", func(b *acctest.Block) { b.Obj("parameters", "client_id", "") }, `(?s)Attribute parameters.client_id string length must be at least 1`},
	{"mapped names equal", func(b *acctest.Block) {
		b.Obj("secrets_mapping", "client_id", "AUTH0_CLIENT_ID", "client_secret", "AUTH0_CLIENT_ID")
	}, `(?s)Mapped secret names must differ.*secrets_mapping.client_id and secrets_mapping.client_secret`},
	{"mapped name empty", func(b *acctest.Block) {
		b.Obj("secrets_mapping", "client_id", "AUTH0_CLIENT_ID", "client_secret", "")
	}, `(?s)Attribute secrets_mapping.client_secret string length must be between 1 and 255`},
	{"mapped name with space", func(b *acctest.Block) {
		b.Obj("secrets_mapping", "client_id", "AUTH0 CLIENT ID", "client_secret", "AUTH0_CLIENT_SECRET")
	}, `(?s)Attribute secrets_mapping.client_id must be a secret name`},
	{"mapped name with slash", func(b *acctest.Block) {
		b.Obj("secrets_mapping", "client_id", "AUTH0_CLIENT_ID", "client_secret", "auth0/secret")
	}, `(?s)Attribute secrets_mapping.client_secret must be a secret name`},
	{"missing parameters", func(b *acctest.Block) { b.Unset("parameters") }, `(?s)The argument "parameters" is required`},
	{"connection id not a UUID", func(b *acctest.Block) { b.Str("connection_id", "not-a-uuid") }, `(?s)Attribute connection_id must be a UUID`},
	{"empty project id", func(b *acctest.Block) { b.Str("project_id", "") }, `(?s)Attribute project_id string length must be at least 1`},
}

// Each bad input is its own subtest, with its own request count: a case that
// reached the KMS fails by name.
func TestAccAuth0ClientSecretRotation_invalidConfigFailsAtPlan(t *testing.T) {
	env := acctest.Start(t)
	for _, c := range invalidRotationConfigs {
		t.Run(c.name, func(t *testing.T) {
			bad := rotationBlock(env)
			c.change(bad)
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      withProvider(env, bad),
					PlanOnly:    true,
					ExpectError: wrapTolerant(c.want),
				}},
			})
			// Not in CheckDestroy: with nothing ever applied, the harness skips it.
			if n := env.KMS.TotalRequests(); n != 0 {
				t.Errorf("refused, but only after %d requests to the KMS:\n%s", n, env.KMS.CountsString())
			} else {
				t.Logf("refused at plan with 0 requests to the KMS")
			}
		})
	}
}

// wrapTolerant compiles a pattern whose spaces also match the line breaks
// the CLI puts into long diagnostics.
func wrapTolerant(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// Provider configurations and import IDs that are wrong: refused with the
// attribute and what is allowed, before any rotation request.
func TestAccInvalidProviderConfigAndImportIDs(t *testing.T) {
	env := acctest.Start(t)
	resourceOnly := strings.TrimPrefix(rotationHCL(env, basicBody), env.ProviderBlock())
	provider := func(body string) string { return "provider \"hanzokms\" {\n" + body + "\n}\n" + resourceOnly }
	steps := []resource.TestStep{
		{
			Config:      provider(`host = "` + env.KMSURL + `"` + "\n token = \"t\"\n client_id = \"x\"\n client_secret = \"y\""),
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)These attributes cannot be configured together: \[token,client_id\]`),
		},
		{
			Config:      provider(`host = "` + env.KMSURL + `"` + "\n token = \"t\"\n max_retries = 11"),
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)Attribute max_retries value must be between 0 and 10`),
		},
		{
			Config:      provider(`host = "` + env.KMSURL + `"` + "\n token = \"t\"\n request_timeout = \"soon\""),
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)request_timeout: "soon" is not a duration`),
		},
		{
			Config:      provider(`host = "kms.example.com"` + "\n token = \"t\""),
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)Invalid Hanzo KMS host.*must start with https://`),
		},
		{
			Config:      provider(`host = "` + env.KMSURL + `"` + "\n client_id = \"x\""),
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)Missing Hanzo KMS credentials.*client_secret \(or HANZO_KMS_CLIENT_SECRET\)`),
		},
	}
	for _, bad := range []struct{ id, want string }{
		{"not-an-id", `expected a rotation ID \(UUID\) or <project_id>:<environment>:<secret_path>:<name>`},
		{acctest.ProjectID + ":dev:app:billing-auth0", `secret_path "app" must be a folder path`},
		{acctest.ProjectID + ":DEV:/:billing-auth0", `environment "DEV" must be an environment slug`},
		{acctest.ProjectID + ":dev:/:Billing", `name "Billing" must be a slug`},
		{":dev:/:billing-auth0", `the project_id part is empty`},
	} {
		steps = append(steps, resource.TestStep{
			Config:        rotationHCL(env, basicBody),
			ResourceName:  rotationAddr,
			ImportState:   true,
			ImportStateId: bad.id,
			ExpectError:   wrapTolerant(`(?s)Invalid import ID.*` + bad.want),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	for route, n := range env.KMS.Requests() {
		if strings.Contains(route, "secret-rotations") {
			t.Errorf("invalid provider configurations or import IDs reached the KMS: %d %s", n, route)
		}
	}
}

// What only the server knows: each apply fails with the server's reason and
// leaves nothing half-created.
func TestAccServerSideRefusalsLeaveNothingBehind(t *testing.T) {
	env := acctest.Start(t)
	env.KMS.PutSecret(acctest.ProjectID, "dev", "/app/auth0", "AUTH0_CLIENT_SECRET", "an ordinary secret")
	cases := []struct {
		name, from, to, want string
	}{
		// Refused at plan by the folder check (the KMS would refuse them too).
		{"unknown environment", `environment       = "dev"`, `environment       = "staging"`,
			`Environment not found.*environment "staging" does not exist in project.*Its environments are: "dev", "prod"`},
		{"missing folder", `environment       = "dev"`, `environment       = "dev"
  secret_path       = "/no/such/folder"`, `Folder not found.*secret_path "/no/such/folder" does not exist in environment "dev".*There is no folder in "/no/such"`},
		// Refused by the provider before the create: the KMS would change
		// the Auth0 secret before refusing it.
		{"mapped secret exists", `environment       = "dev"`, `environment       = "dev"
  secret_path       = "/app/auth0"`, `Mapped secret already exists.*"AUTH0_CLIENT_SECRET", which already exists in environment "dev", folder "/app/auth0"`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      rotationHCL(env, strings.Replace(basicBody, c.from, c.to, 1)),
			ExpectError: wrapTolerant(`(?s)` + c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: env.ProviderBlock() + `
resource "hanzokms_auth0_client_secret_rotation" "test" {
  project_id    = "` + acctest.ProjectID + `"
  connection_id = "00000000-0000-4000-8000-000000000000"
` + basicBody + `}`,
		// Refused at plan by the rotation's connection check.
		ExpectError: wrapTolerant(`(?s)App connection not found.*connection_id "00000000-0000-4000-8000-000000000000"`),
	}, resource.TestStep{Config: env.ProviderBlock()})
	before := env.Tenant.Secret(acctest.AppClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if ids := env.KMS.RotationIDs(); len(ids) != 0 {
		t.Errorf("refused creates left rotations: %v", ids)
	}
	if env.Tenant.Secret(acctest.AppClientID) != before {
		t.Errorf("a refused create rotated the Auth0 secret anyway")
	}
	if v, _ := env.KMS.SecretValue(acctest.ProjectID, "dev", "/app/auth0", "AUTH0_CLIENT_SECRET"); v != "an ordinary secret" {
		t.Errorf("a refused create overwrote an existing secret")
	}
}
