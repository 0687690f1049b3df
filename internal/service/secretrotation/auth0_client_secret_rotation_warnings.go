package secretrotation

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// What every Auth0 rotation type (the resource, the data source, the rotate
// action) warns of.

// singlePhaseWarning stands in the docs of everything that rotates, and in
// the plan warning of a change that rotates.
const singlePhaseWarning = "Auth0 client secret rotation is single-phase: an Auth0 application has exactly one " +
	"client secret, so the old secret stops working the moment a rotation happens, and clients that still hold it " +
	"fail to authenticate until they read the new one from the mapped secret. Automatic rotation can therefore " +
	"interrupt services; where continuity matters, set `auto_rotation_enabled = false` and rotate by changing " +
	"`rotation_trigger` when the consumers are ready."

// warnIfRotationFailed warns when the KMS says the last rotation failed.
func warnIfRotationFailed(r *kms.Auth0ClientSecretRotation, diags *diag.Diagnostics) {
	if r.RotationStatus != "failed" {
		return
	}
	message := "(no message)"
	if r.LastRotationMessage != nil && *r.LastRotationMessage != "" {
		message = *r.LastRotationMessage
	}
	diags.AddWarning(fmt.Sprintf("The last rotation of %q failed", r.Name),
		fmt.Sprintf("Rotation %s (last attempted %s) failed: %s\n\nThe mapped secrets still hold the credentials of the last "+
			"successful rotation (%s). Fix the cause (often the Auth0 connection's permissions), then rotate by changing rotation_trigger.",
			r.ID, r.LastRotationAttemptedAt, message, r.LastRotatedAt))
}
