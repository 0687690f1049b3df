package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// The functions on the real CLI: rotation_import_id builds what the import
// by name takes (the folder as written), parse_rotation_import_id takes it
// apart again or reads a rotation ID, and a bad argument is an error that
// names it. They need no configured provider (no provider block here).
func TestAccProviderFunctions_rotationImportID(t *testing.T) {
	const config = `
output "id" {
  value = provider::hanzokms::rotation_import_id("3c90c3cc-0d44-4b50-8888-8dd25736052a", "prod", "/app/auth0/", "billing-api")
}

output "parsed" {
  value = provider::hanzokms::parse_rotation_import_id(provider::hanzokms::rotation_import_id("p-1", "dev_eu", "/", "payments"))
}

output "by_uuid" {
  value = provider::hanzokms::parse_rotation_import_id("3C90C3CC-0D44-4B50-8888-8DD25736052A")
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.FeatureProviderFunctions)},
		Steps: []resource.TestStep{
			{
				Config:      `output "x" { value = provider::hanzokms::rotation_import_id("p", "Prod", "/", "billing") }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "environment" parameter: environment\s+"Prod"\s+must\s+be\s+an\s+environment\s+slug`),
			},
			{
				Config:      `output "x" { value = provider::hanzokms::rotation_import_id("p", "prod", "app/auth0", "billing") }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "secret_path" parameter: secret_path\s+"app/auth0"\s+must\s+be\s+a\s+folder\s+path`),
			},
			{
				Config:      `output "x" { value = provider::hanzokms::parse_rotation_import_id("p:prod:/:Billing") }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "id" parameter: import ID "p:prod:/:Billing":\s+name\s+"Billing"\s+must\s+be\s+a\s+slug`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("id", knownvalue.StringExact("3c90c3cc-0d44-4b50-8888-8dd25736052a:prod:/app/auth0/:billing-api")),
					statecheck.ExpectKnownOutputValue("parsed", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rotation_id": knownvalue.Null(), "project_id": knownvalue.StringExact("p-1"), "environment": knownvalue.StringExact("dev_eu"),
						"secret_path": knownvalue.StringExact("/"), "name": knownvalue.StringExact("payments"),
					})),
					statecheck.ExpectKnownOutputValue("by_uuid", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rotation_id": knownvalue.StringExact("3c90c3cc-0d44-4b50-8888-8dd25736052a"), "project_id": knownvalue.Null(),
						"environment": knownvalue.Null(), "secret_path": knownvalue.Null(), "name": knownvalue.Null(),
					})),
				},
			},
		},
	})
}
