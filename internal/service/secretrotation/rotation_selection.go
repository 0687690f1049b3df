package secretrotation

import (
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// rotationFilter is what the list data source and the list resource select
// rotations by; each filter applies when set.
type rotationFilter struct {
	Environment    types.String
	SecretPath     types.String
	ConnectionID   types.String
	ClientID       types.String
	RotationStatus types.String
}

// rotationStatuses are the outcomes the KMS records for a rotation attempt
// (Infisical's backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-enums.ts,
// SecretRotationStatus).
var rotationStatuses = []string{"success", "failed"}

// Descriptions and validators of the filters the two share.
const (
	connectionIDFilterDescription   = "Only rotations performed by this Auth0 app connection (its ID, a UUID)."
	clientIDFilterDescription       = "Only rotations of this Auth0 application (its client ID)."
	rotationStatusFilterDescription = "Only rotations whose last attempt ended so: `success` or `failed` (every failed rotation, before its consumers notice)."
)

func connectionIDFilterValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(framework.UUIDPattern, framework.UUIDRule)}
}

func clientIDFilterValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		stringvalidator.RegexMatches(noSpacePattern, "must be an Auth0 client ID, without spaces"),
	}
}

func rotationStatusFilterValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(rotationStatuses...)}
}

// selectRotations keeps the rotations that match every filter set (a
// trailing slash of the folder is ignored; a connection ID matches in any
// case) and sorts them by environment, folder and name.
func selectRotations(all []kms.Auth0ClientSecretRotation, f rotationFilter) []kms.Auth0ClientSecretRotation {
	found := make([]kms.Auth0ClientSecretRotation, 0, len(all))
	for _, r := range all {
		if !f.Environment.IsNull() && r.Environment.Slug != f.Environment.ValueString() {
			continue
		}
		if !f.SecretPath.IsNull() && r.Folder.Path != normalizeSecretPath(f.SecretPath.ValueString()) {
			continue
		}
		if !f.ConnectionID.IsNull() && !strings.EqualFold(r.ConnectionID, f.ConnectionID.ValueString()) {
			continue
		}
		if !f.ClientID.IsNull() && r.Parameters.ClientID != f.ClientID.ValueString() {
			continue
		}
		if !f.RotationStatus.IsNull() && r.RotationStatus != f.RotationStatus.ValueString() {
			continue
		}
		found = append(found, r)
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Environment.Slug != b.Environment.Slug {
			return a.Environment.Slug < b.Environment.Slug
		}
		if a.Folder.Path != b.Folder.Path {
			return a.Folder.Path < b.Folder.Path
		}
		return a.Name < b.Name
	})
	return found
}
