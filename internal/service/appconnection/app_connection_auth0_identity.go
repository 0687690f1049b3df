package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ resource.ResourceWithIdentity = (*appConnectionAuth0Resource)(nil)

// IdentitySchema: an app connection is identified by its id (see idIdentitySchema).
func (r *appConnectionAuth0Resource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("app connection")
}
