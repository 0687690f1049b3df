package secretrotation

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// auth0RotationModel is the state of hanzokms_auth0_client_secret_rotation:
// the rotation as the API has it, plus the provider-side lifecycle settings.
type auth0RotationModel struct {
	auth0RotationFields
	RotationTrigger            types.Dynamic `tfsdk:"rotation_trigger"`
	DeleteSecretsOnDestroy     types.Bool    `tfsdk:"delete_secrets_on_destroy"`
	RevokeCredentialsOnDestroy types.Bool    `tfsdk:"revoke_credentials_on_destroy"`
}

// auth0RotationFields are the attributes the API holds; the data source's
// state is exactly these.
type auth0RotationFields struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Description         types.String `tfsdk:"description"`
	ProjectID           types.String `tfsdk:"project_id"`
	ConnectionID        types.String `tfsdk:"connection_id"`
	Environment         types.String `tfsdk:"environment"`
	SecretPath          types.String `tfsdk:"secret_path"`
	AutoRotationEnabled types.Bool   `tfsdk:"auto_rotation_enabled"`
	RotationInterval    types.Int64  `tfsdk:"rotation_interval"`
	RotateAtUTC         types.Object `tfsdk:"rotate_at_utc"`
	Parameters          types.Object `tfsdk:"parameters"`
	SecretsMapping      types.Object `tfsdk:"secrets_mapping"`
	auth0RotationComputed
}

// auth0RotationComputed are the attributes only the API sets.
type auth0RotationComputed struct {
	ActiveIndex             types.Int64  `tfsdk:"active_index"`
	FolderID                types.String `tfsdk:"folder_id"`
	CreatedAt               types.String `tfsdk:"created_at"`
	UpdatedAt               types.String `tfsdk:"updated_at"`
	RotationStatus          types.String `tfsdk:"rotation_status"`
	LastRotationAttemptedAt types.String `tfsdk:"last_rotation_attempted_at"`
	LastRotatedAt           types.String `tfsdk:"last_rotated_at"`
	LastRotationJobID       types.String `tfsdk:"last_rotation_job_id"`
	NextRotationAt          types.String `tfsdk:"next_rotation_at"`
	IsLastRotationManual    types.Bool   `tfsdk:"is_last_rotation_manual"`
	LastRotationMessage     types.String `tfsdk:"last_rotation_message"`
	ConnectionName          types.String `tfsdk:"connection_name"`
	EnvironmentName         types.String `tfsdk:"environment_name"`
}

var (
	rotateAtUTCAttrTypes    = map[string]attr.Type{"hours": types.Int64Type, "minutes": types.Int64Type}
	parametersAttrTypes     = map[string]attr.Type{"client_id": types.StringType}
	secretsMappingAttrTypes = map[string]attr.Type{"client_id": types.StringType, "client_secret": types.StringType}
)

type rotateAtUTCModel struct {
	Hours   types.Int64 `tfsdk:"hours"`
	Minutes types.Int64 `tfsdk:"minutes"`
}

type parametersModel struct {
	ClientID types.String `tfsdk:"client_id"`
}

type secretsMappingModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

func defaultRotateAtUTC() types.Object {
	return types.ObjectValueMust(rotateAtUTCAttrTypes, map[string]attr.Value{
		"hours": types.Int64Value(0), "minutes": types.Int64Value(0),
	})
}

func objectAs[T any](ctx context.Context, obj types.Object, diags *diag.Diagnostics) T {
	var out T
	if obj.IsNull() || obj.IsUnknown() {
		return out
	}
	diags.Append(obj.As(ctx, &out, basetypes.ObjectAsOptions{})...)
	return out
}

func (m auth0RotationFields) rotateAtUTC(ctx context.Context, diags *diag.Diagnostics) kms.RotateAtUTC {
	v := objectAs[rotateAtUTCModel](ctx, m.RotateAtUTC, diags)
	return kms.RotateAtUTC{Hours: v.Hours.ValueInt64(), Minutes: v.Minutes.ValueInt64()}
}

func (m auth0RotationFields) parameters(ctx context.Context, diags *diag.Diagnostics) kms.Auth0RotationParameters {
	v := objectAs[parametersModel](ctx, m.Parameters, diags)
	return kms.Auth0RotationParameters{ClientID: v.ClientID.ValueString()}
}

func (m auth0RotationFields) secretsMapping(ctx context.Context, diags *diag.Diagnostics) kms.Auth0SecretsMapping {
	v := objectAs[secretsMappingModel](ctx, m.SecretsMapping, diags)
	return kms.Auth0SecretsMapping{ClientID: v.ClientID.ValueString(), ClientSecret: v.ClientSecret.ValueString()}
}

// normalizeSecretPath is the server's form of a folder path: a trailing slash
// is removed (but "/" stays "/").
func normalizeSecretPath(p string) string {
	if len(p) > 1 {
		return strings.TrimRight(p, "/")
	}
	return p
}

// setFromAPI writes what the API answered into m. prior is the configuration
// or state the values are compared with, so that spellings the server
// normalises (a trailing slash, an empty description) do not show as drift.
func (m *auth0RotationFields) setFromAPI(r *kms.Auth0ClientSecretRotation, prior auth0RotationFields) {
	m.ID = types.StringValue(r.ID)
	m.Name = types.StringValue(r.Name)
	m.Description = framework.DescriptionFromAPI(r.Description, prior.Description)
	m.ProjectID = types.StringValue(r.ProjectID)
	m.ConnectionID = types.StringValue(r.ConnectionID)
	m.Environment = types.StringValue(r.Environment.Slug)
	m.SecretPath = types.StringValue(r.Folder.Path)
	if p := prior.SecretPath.ValueString(); !prior.SecretPath.IsNull() && normalizeSecretPath(p) == r.Folder.Path {
		m.SecretPath = types.StringValue(p)
	}
	m.AutoRotationEnabled = types.BoolValue(r.IsAutoRotationEnabled)
	m.RotationInterval = types.Int64Value(r.RotationInterval)
	m.RotateAtUTC = types.ObjectValueMust(rotateAtUTCAttrTypes, map[string]attr.Value{
		"hours": types.Int64Value(r.RotateAtUTC.Hours), "minutes": types.Int64Value(r.RotateAtUTC.Minutes),
	})
	m.Parameters = types.ObjectValueMust(parametersAttrTypes, map[string]attr.Value{
		"client_id": types.StringValue(r.Parameters.ClientID),
	})
	m.SecretsMapping = types.ObjectValueMust(secretsMappingAttrTypes, map[string]attr.Value{
		"client_id":     types.StringValue(r.SecretsMapping.ClientID),
		"client_secret": types.StringValue(r.SecretsMapping.ClientSecret),
	})
	m.auth0RotationComputed = computedFromAPI(r)
}

func computedFromAPI(r *kms.Auth0ClientSecretRotation) auth0RotationComputed {
	return auth0RotationComputed{
		ActiveIndex:             types.Int64Value(r.ActiveIndex),
		FolderID:                types.StringValue(r.FolderID),
		CreatedAt:               types.StringValue(r.CreatedAt),
		UpdatedAt:               types.StringValue(r.UpdatedAt),
		RotationStatus:          types.StringValue(r.RotationStatus),
		LastRotationAttemptedAt: types.StringValue(r.LastRotationAttemptedAt),
		LastRotatedAt:           types.StringValue(r.LastRotatedAt),
		LastRotationJobID:       types.StringPointerValue(r.LastRotationJobID),
		NextRotationAt:          types.StringPointerValue(r.NextRotationAt),
		IsLastRotationManual:    types.BoolValue(r.IsLastRotationManual),
		LastRotationMessage:     types.StringPointerValue(r.LastRotationMessage),
		ConnectionName:          types.StringValue(r.Connection.Name),
		EnvironmentName:         types.StringValue(r.Environment.Name),
	}
}
