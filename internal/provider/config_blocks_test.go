package provider_test

import (
	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// rotationBlock is basicBody as a block: the tests that derive variants
// change attributes on a copy instead of rewriting HCL text.
func rotationBlock(env *acctest.Env) *acctest.Block {
	return acctest.Resource("hanzokms_auth0_client_secret_rotation", "test").
		Str("project_id", acctest.ProjectID).
		Str("connection_id", env.ConnectionID).
		Str("name", "billing-auth0").
		Str("environment", "dev").
		Int("rotation_interval", 30).
		Obj("parameters", "client_id", acctest.AppClientID).
		Obj("secrets_mapping", "client_id", "AUTH0_CLIENT_ID", "client_secret", "AUTH0_CLIENT_SECRET")
}

// withProvider is a configuration of the Env's default provider block and blocks.
func withProvider(env *acctest.Env, blocks ...*acctest.Block) string {
	return acctest.Config(env.ProviderBlock(), blocks...)
}
