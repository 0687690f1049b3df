package secretrotation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

var _ resource.ResourceWithMoveState = (*auth0ClientSecretRotationResource)(nil)

// The resource type of Infisical's provider that manages the same rotation
// through the same API (Hanzo KMS is a fork of Infisical).
const infisicalAuth0RotationType = "infisical_secret_rotation_auth0_client_secret"

// MoveState takes over a rotation from Infisical's provider
// (`moved { from = infisical_secret_rotation_auth0_client_secret.x
// to = hanzokms_auth0_client_secret_rotation.x }`, Terraform 1.8+). Recreating
// the rotation instead would issue a new Auth0 secret and break every client
// of the old one; moving keeps the rotation, its id and its secret. The
// refresh that follows the move fills in what Infisical's state does not
// hold (the timestamps, the slot, the names).
func (r *auth0ClientSecretRotationResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveFromInfisicalAuth0Rotation}}
}

// infisicalAuth0RotationState is the part of Infisical's state this provider
// takes. Read from the raw JSON, so attributes Infisical adds later are
// ignored rather than refused.
type infisicalAuth0RotationState struct {
	ID                  *string `json:"id"`
	Name                *string `json:"name"`
	Description         *string `json:"description"`
	AutoRotationEnabled *bool   `json:"auto_rotation_enabled"`
	ProjectID           *string `json:"project_id"`
	ConnectionID        *string `json:"connection_id"`
	Environment         *string `json:"environment"`
	SecretPath          *string `json:"secret_path"`
	RotationInterval    *int64  `json:"rotation_interval"`
	RotateAtUTC         *struct {
		Hours   *int64 `json:"hours"`
		Minutes *int64 `json:"minutes"`
	} `json:"rotate_at_utc"`
	Parameters *struct {
		ClientID *string `json:"client_id"`
	} `json:"parameters"`
	SecretsMapping *struct {
		ClientID     *string `json:"client_id"`
		ClientSecret *string `json:"client_secret"`
	} `json:"secrets_mapping"`
}

// isInfisicalProvider accepts Infisical's provider address in full
// (registry.terraform.io/infisical/infisical, or the OpenTofu registry's) or
// short (infisical/infisical); CLIs have sent both.
func isInfisicalProvider(address string) bool {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(address)), "/")
	switch len(parts) {
	case 2:
		return parts[0] == "infisical" && parts[1] == "infisical"
	case 3:
		return (parts[0] == "registry.terraform.io" || parts[0] == "registry.opentofu.org") &&
			parts[1] == "infisical" && parts[2] == "infisical"
	}
	return false
}

func moveFromInfisicalAuth0Rotation(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	// Anything else is not ours to move: leaving the response empty lets the
	// framework say no mover applies.
	if req.SourceTypeName != infisicalAuth0RotationType || !isInfisicalProvider(req.SourceProviderAddress) {
		return
	}
	if req.SourceRawState == nil {
		resp.Diagnostics.AddError("Cannot move the Infisical rotation", "The source state is empty.")
		return
	}
	var src infisicalAuth0RotationState
	if err := json.Unmarshal(req.SourceRawState.JSON, &src); err != nil {
		resp.Diagnostics.AddError("Cannot move the Infisical rotation",
			fmt.Sprintf("The state of %s is not the JSON this provider knows: %v", infisicalAuth0RotationType, err))
		return
	}
	missing := []string{}
	need := func(name string, ok bool) {
		if !ok {
			missing = append(missing, name)
		}
	}
	need("id", src.ID != nil && framework.UUIDPattern.MatchString(*src.ID))
	need("name", src.Name != nil)
	need("project_id", src.ProjectID != nil)
	need("connection_id", src.ConnectionID != nil)
	need("environment", src.Environment != nil)
	need("secret_path", src.SecretPath != nil)
	need("rotation_interval", src.RotationInterval != nil)
	need("parameters.client_id", src.Parameters != nil && src.Parameters.ClientID != nil)
	need("secrets_mapping.client_id", src.SecretsMapping != nil && src.SecretsMapping.ClientID != nil)
	need("secrets_mapping.client_secret", src.SecretsMapping != nil && src.SecretsMapping.ClientSecret != nil)
	if len(missing) > 0 {
		resp.Diagnostics.AddError("Cannot move the Infisical rotation",
			fmt.Sprintf("The state of %s lacks %s (or id is not a UUID). Refresh it with the Infisical provider first, then move it.",
				infisicalAuth0RotationType, strings.Join(missing, ", ")))
		return
	}
	hours, minutes := int64(0), int64(0)
	if at := src.RotateAtUTC; at != nil {
		if at.Hours != nil {
			hours = *at.Hours
		}
		if at.Minutes != nil {
			minutes = *at.Minutes
		}
	}
	autoRotation := true // Infisical's default, like this provider's
	if src.AutoRotationEnabled != nil {
		autoRotation = *src.AutoRotationEnabled
	}
	target := auth0RotationModel{
		auth0RotationFields: auth0RotationFields{
			ID:                  types.StringValue(*src.ID),
			Name:                types.StringValue(*src.Name),
			Description:         types.StringPointerValue(src.Description),
			ProjectID:           types.StringValue(*src.ProjectID),
			ConnectionID:        types.StringValue(*src.ConnectionID),
			Environment:         types.StringValue(*src.Environment),
			SecretPath:          types.StringValue(*src.SecretPath),
			AutoRotationEnabled: types.BoolValue(autoRotation),
			RotationInterval:    types.Int64Value(*src.RotationInterval),
			RotateAtUTC: types.ObjectValueMust(rotateAtUTCAttrTypes, map[string]attr.Value{
				"hours": types.Int64Value(hours), "minutes": types.Int64Value(minutes),
			}),
			Parameters: types.ObjectValueMust(parametersAttrTypes, map[string]attr.Value{
				"client_id": types.StringValue(*src.Parameters.ClientID),
			}),
			SecretsMapping: types.ObjectValueMust(secretsMappingAttrTypes, map[string]attr.Value{
				"client_id":     types.StringValue(*src.SecretsMapping.ClientID),
				"client_secret": types.StringValue(*src.SecretsMapping.ClientSecret),
			}),
			// The API-only attributes stay null until the refresh after the move.
			auth0RotationComputed: auth0RotationComputed{},
		},
		RotationTrigger:            types.DynamicNull(),
		DeleteSecretsOnDestroy:     types.BoolValue(false),
		RevokeCredentialsOnDestroy: types.BoolValue(false),
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &target)...)
	framework.SetIDIdentity(ctx, resp.TargetIdentity, target.ID, &resp.Diagnostics)
	// Like an import: Infisical's state knows no rotation_trigger, so the first
	// one the configuration gives is adopted without rotating.
	if resp.TargetPrivate != nil {
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, privateKeyImported, []byte(`true`))...)
	}
}
