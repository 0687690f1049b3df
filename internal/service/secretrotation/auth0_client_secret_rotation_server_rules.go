package secretrotation

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// This file holds the rules the rotation resource follows because of how the
// KMS server behaves, each one a way a user's Auth0 consumers could otherwise
// be locked out.

// refuseStrandingReplacement fails the plan of a replacement that would leave
// the user with no rotation: the replacing rotation goes into the same folder
// with a mapped name the old one used, and the old one keeps its secrets on
// destroy (delete_secrets_on_destroy false in state). The new create would
// then be refused (safely, by checkMappedNames) after the old
// rotation was already gone.
func refuseStrandingReplacement(ctx context.Context, plan, state auth0RotationModel, diags *diag.Diagnostics) {
	if state.DeleteSecretsOnDestroy.ValueBool() {
		return
	}
	// Only a new connection replaces the rotation in the same folder: a new
	// project, environment or folder puts it where the old secrets are not.
	if !plan.ConnectionID.IsUnknown() && plan.ConnectionID.Equal(state.ConnectionID) {
		return
	}
	sameFolder := plan.ProjectID.Equal(state.ProjectID) && plan.Environment.Equal(state.Environment) &&
		!plan.SecretPath.IsUnknown() && normalizeSecretPath(plan.SecretPath.ValueString()) == normalizeSecretPath(state.SecretPath.ValueString())
	if !sameFolder {
		return
	}
	oldMapping := objectAs[secretsMappingModel](ctx, state.SecretsMapping, diags)
	newMapping := secretsMappingModel{ClientID: types.StringUnknown(), ClientSecret: types.StringUnknown()}
	if !plan.SecretsMapping.IsUnknown() && !plan.SecretsMapping.IsNull() {
		newMapping = objectAs[secretsMappingModel](ctx, plan.SecretsMapping, diags)
	}
	if diags.HasError() {
		return
	}
	var reused []string
	for _, newName := range []types.String{newMapping.ClientID, newMapping.ClientSecret} {
		for _, oldName := range []types.String{oldMapping.ClientID, oldMapping.ClientSecret} {
			// An unknown new name may turn out to be an old one.
			if newName.IsUnknown() || newName.IsNull() || newName.Equal(oldName) {
				reused = append(reused, oldName.ValueString())
			}
		}
	}
	if len(reused) == 0 {
		return
	}
	diags.AddAttributeError(path.Root("connection_id"), "This replacement would leave the rotation's secrets in the way",
		fmt.Sprintf("Changing connection_id replaces the rotation, in the same folder (environment %q, folder %q) and with the mapped secret "+
			"name(s) %s. With delete_secrets_on_destroy = false (the value in state) the old rotation's secrets stay when it is "+
			"destroyed, and the KMS refuses to create a rotation whose mapped names are taken: you would be left with no rotation.\n\n"+
			"Either:\n"+
			"  - first set delete_secrets_on_destroy = true and apply (an in-place change that sends nothing to the KMS), then "+
			"make this change: the old secrets are deleted with the old rotation and the new rotation writes fresh ones under the "+
			"same names (consumers read a new client secret, as after any rotation); or\n"+
			"  - rename both secrets in secrets_mapping in this same change, and move consumers to the new names.",
			state.Environment.ValueString(), normalizeSecretPath(state.SecretPath.ValueString()),
			framework.QuoteAll(framework.UniqueStrings(reused))))
}
