package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// invalidRotationConfigs each break one rule of the contract; every one must
// fail at plan, naming the attribute and what is allowed, before any request.
var invalidRotationConfigs = []struct {
	name    string
	replace [2]string // a substitution in basicBody
	want    string
}{
	{"upper-case name", [2]string{`"billing-auth0"`, `"Billing-Auth0"`}, `(?s)Attribute name .*must be a slug`},
	{"name with double hyphen", [2]string{`"billing-auth0"`, `"billing--auth0"`}, `(?s)Attribute name .*must be a slug`},
	{"name with trailing hyphen", [2]string{`"billing-auth0"`, `"billing-"`}, `(?s)Attribute name .*must be a slug`},
	{"empty name", [2]string{`"billing-auth0"`, `""`}, `(?s)Attribute name string length must be between 1 and 64`},
	{"name too long", [2]string{`"billing-auth0"`, `"` + strings.Repeat("a", 65) + `"`}, `(?s)Attribute name string length must be between 1 and 64`},
	{"description too long", [2]string{`name `, `description = "` + strings.Repeat("d", 257) + `"
  name `}, `(?s)Attribute description string length must be at most 256`},
	{"environment with spaces", [2]string{`"dev"`, `"my env"`}, `(?s)Attribute environment .*environment slug`},
	{"environment too long", [2]string{`"dev"`, `"` + strings.Repeat("e", 65) + `"`}, `(?s)Attribute environment string length must be between 1 and 64`},
	{"secret path without leading slash", [2]string{`environment       = "dev"`, `environment = "dev"
  secret_path = "app"`}, `(?s)Attribute secret_path .*must be a folder path starting with "/"`},
	{"secret path with double slash", [2]string{`environment       = "dev"`, `environment = "dev"
  secret_path = "/app//auth0"`}, `(?s)Attribute secret_path .*folder path`},
	{"interval zero", [2]string{`rotation_interval = 30`, `rotation_interval = 0`}, `(?s)Attribute rotation_interval value must be at least 1`},
	{"interval negative", [2]string{`rotation_interval = 30`, `rotation_interval = -5`}, `(?s)Attribute rotation_interval value must be at least 1`},
	{"hours 24", [2]string{`rotation_interval = 30`, `rotation_interval = 30
  rotate_at_utc = { hours = 24, minutes = 0 }`}, `(?s)Attribute rotate_at_utc.hours value must be between 0 and 23`},
	{"minutes 60", [2]string{`rotation_interval = 30`, `rotation_interval = 30
  rotate_at_utc = { hours = 1, minutes = 60 }`}, `(?s)Attribute rotate_at_utc.minutes value must be between 0 and 59`},
	{"negative hours", [2]string{`rotation_interval = 30`, `rotation_interval = 30
  rotate_at_utc = { hours = -1 }`}, `(?s)Attribute rotate_at_utc.hours value must be between 0 and 23`},
	{"empty application client id", [2]string{`client_id = "app-client-1"`, `client_id = ""`}, `(?s)Attribute parameters.client_id string length must be at least 1`},
	{"mapped names equal", [2]string{`"AUTH0_CLIENT_SECRET"`, `"AUTH0_CLIENT_ID"`}, `(?s)Mapped secret names must differ.*secrets_mapping.client_id and secrets_mapping.client_secret`},
	{"mapped name empty", [2]string{`"AUTH0_CLIENT_SECRET"`, `""`}, `(?s)Attribute secrets_mapping.client_secret string length must be between 1 and 255`},
	{"mapped name with space", [2]string{`"AUTH0_CLIENT_ID"`, `"AUTH0 CLIENT ID"`}, `(?s)Attribute secrets_mapping.client_id must be a secret name`},
	{"mapped name with slash", [2]string{`"AUTH0_CLIENT_SECRET"`, `"auth0/secret"`}, `(?s)Attribute secrets_mapping.client_secret must be a secret name`},
	{"missing parameters", [2]string{`parameters = {
    client_id = "app-client-1"
  }`, ``}, `(?s)The argument "parameters" is required`},
}

func TestAccAuth0ClientSecretRotation_invalidConfigFailsAtPlan(t *testing.T) {
	env := acctest.Start(t)
	steps := make([]resource.TestStep, 0, len(invalidRotationConfigs)+2)
	for _, c := range invalidRotationConfigs {
		if !strings.Contains(basicBody, c.replace[0]) {
			t.Fatalf("%s: %q is not in the base configuration", c.name, c.replace[0])
		}
		steps = append(steps, resource.TestStep{
			Config:      rotationHCL(env, strings.Replace(basicBody, c.replace[0], c.replace[1], 1)),
			PlanOnly:    true,
			ExpectError: wrapTolerant(c.want),
		})
	}
	steps = append(steps,
		resource.TestStep{
			Config: env.ProviderBlock() + `
resource "hanzokms_auth0_client_secret_rotation" "test" {
  project_id    = "p"
  connection_id = "not-a-uuid"
` + basicBody + `}`,
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)Attribute connection_id must be a UUID`),
		},
		resource.TestStep{
			Config: env.ProviderBlock() + `
resource "hanzokms_auth0_client_secret_rotation" "test" {
  project_id    = ""
  connection_id = "` + env.ConnectionID + `"
` + basicBody + `}`,
			PlanOnly:    true,
			ExpectError: wrapTolerant(`(?s)Attribute project_id string length must be at least 1`),
		},
	)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	// Not in CheckDestroy: with nothing ever applied, the harness skips it.
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("invalid configurations sent %d requests to the KMS:\n%s", n, env.KMS.CountsString())
	}
}

// wrapTolerant compiles a pattern whose spaces also match the line breaks
// the CLI puts into long diagnostics.
func wrapTolerant(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
