package secretrotation

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What the resource keeps in Terraform's private state, beside the
// attributes: marks that change what the next plan does although no
// attribute differs.

// privateState is what both ModifyPlanRequest.Private and
// UpdateRequest.Private offer.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateKeyImported marks a rotation imported and not updated since: its
// rotation_trigger is null only because the KMS does not know triggers, so
// the first one the configuration gives is adopted without rotating.
const privateKeyImported = "imported"

// triggerRotates reports whether the plan's rotation_trigger asks for a
// rotation: a new value that differs from the last one. Removing the trigger
// does not rotate, nor does the first trigger after an import.
func triggerRotates(ctx context.Context, plan, state auth0RotationModel, private privateState) (bool, diag.Diagnostics) {
	if plan.RotationTrigger.IsNull() || plan.RotationTrigger.Equal(state.RotationTrigger) {
		return false, nil
	}
	if state.RotationTrigger.IsNull() && private != nil {
		imported, diags := private.GetKey(ctx, privateKeyImported)
		if diags.HasError() {
			return false, diags
		}
		if string(imported) == "true" {
			return false, nil
		}
	}
	return true, nil
}

// privateKeyRotationOwed marks a rotation whose application was switched
// (parameters.client_id) but whose follow-up rotation failed: the next plan
// rotates even though no attribute differs.
const privateKeyRotationOwed = "rotation_owed"

func rotationOwed(ctx context.Context, private privateState, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	owed, d := private.GetKey(ctx, privateKeyRotationOwed)
	diags.Append(d...)
	return string(owed) == "true"
}
