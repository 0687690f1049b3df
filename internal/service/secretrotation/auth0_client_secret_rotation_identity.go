package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ resource.ResourceWithIdentity = (*auth0ClientSecretRotationResource)(nil)

// IdentitySchema: a rotation is identified by its id (see idIdentitySchema).
func (r *auth0ClientSecretRotationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("rotation")
}
