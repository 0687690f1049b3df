package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The resources' identity (Terraform 1.12+) is their KMS id alone.
//
// The id is a UUID the KMS assigns once and never changes, unique across the
// KMS instance, and the API addresses a rotation or an app connection by it
// alone. Everything else a practitioner might add (project_id, environment,
// folder, name) is either derivable from the object or can change (a rename
// is an in-place update), and the KMS instance itself is provider
// configuration. An identity of one attribute keeps `import { identity = {
// id = ... } }` as short as an import by string id.

// IDIdentitySchema is the identity schema of a resource identified by its id.
func IDIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       fmt.Sprintf("The %s's ID (a UUID), as the KMS assigned it.", what),
				RequiredForImport: true,
			},
		},
	}
}

// SetIDIdentity records id as the resource's identity. identity is nil when
// the CLI does not support resource identity (Terraform < 1.12, OpenTofu).
func SetIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String, diags *diag.Diagnostics) {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("id"), id)...)
}

// IDFromIdentity reads the id an `import` block's identity gives, checked as
// a UUID, adding an error naming the attribute when it is not one.
func IDFromIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, what string, diags *diag.Diagnostics) (string, bool) {
	if identity == nil {
		diags.AddError("Missing import ID", fmt.Sprintf("Import the %s by its ID, or with an import block's identity = { id = ... }.", what))
		return "", false
	}
	var id types.String
	diags.Append(identity.GetAttribute(ctx, path.Root("id"), &id)...)
	if diags.HasError() {
		return "", false
	}
	raw := strings.TrimSpace(id.ValueString())
	if !UUIDPattern.MatchString(raw) {
		diags.AddAttributeError(path.Root("id"), "Invalid import identity",
			fmt.Sprintf("identity.id %q: expected the %s's ID, %s", id.ValueString(), what, UUIDRule))
		return "", false
	}
	return strings.ToLower(raw), true
}
