package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ resource.ResourceWithIdentity = (*auth0ConnectionResource)(nil)

// IdentitySchema: an app connection is identified by its id (see idIdentitySchema).
func (r *auth0ConnectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("app connection")
}
