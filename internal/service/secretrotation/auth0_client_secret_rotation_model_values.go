package secretrotation

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The rotation's model is read from and written to the framework's raw values
// by hand rather than with Plan.Get and State.Set: their struct reflection
// (which parses every field's tag with a regular expression, per call) was
// most of the provider's own CPU in every plan and refresh. The two functions
// below list every attribute once; a unit test holds them equal to the
// framework's reflection, so a new attribute missed here fails there.

// rotationObjectType is the resource schema's Terraform type. The schema is
// static, so it is computed once per process.
var rotationObjectType = sync.OnceValue(func() tftypes.Type {
	var resp resource.SchemaResponse
	(&auth0ClientSecretRotationResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(context.Background())
})

var (
	rotateAtUTCType    = types.ObjectType{AttrTypes: rotateAtUTCAttrTypes}
	parametersType     = types.ObjectType{AttrTypes: parametersAttrTypes}
	secretsMappingType = types.ObjectType{AttrTypes: secretsMappingAttrTypes}
)

// rotationModelFromRaw reads a plan or state of the rotation resource.
func rotationModelFromRaw(ctx context.Context, raw tftypes.Value) (auth0RotationModel, diag.Diagnostics) {
	var m auth0RotationModel
	var diags diag.Diagnostics
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered reading the rotation's values. "+
			"This is always an error in the provider. Please report it to the provider developer:\n\n"+err.Error())
		return m, diags
	}
	var firstErr error
	read := func(name string, typ attr.Type) attr.Value {
		v, ok := vals[name]
		if !ok {
			if firstErr == nil {
				firstErr = fmt.Errorf("attribute %q is missing", name)
			}
			return nil
		}
		out, err := typ.ValueFromTerraform(ctx, v)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("attribute %q: %w", name, err)
		}
		return out
	}
	str := func(name string) types.String { s, _ := read(name, types.StringType).(types.String); return s }
	boolean := func(name string) types.Bool { b, _ := read(name, types.BoolType).(types.Bool); return b }
	integer := func(name string) types.Int64 { i, _ := read(name, types.Int64Type).(types.Int64); return i }
	object := func(name string, typ types.ObjectType) types.Object { o, _ := read(name, typ).(types.Object); return o }

	m.ID = str("id")
	m.Name = str("name")
	m.Description = str("description")
	m.ProjectID = str("project_id")
	m.ConnectionID = str("connection_id")
	m.Environment = str("environment")
	m.SecretPath = str("secret_path")
	m.AutoRotationEnabled = boolean("auto_rotation_enabled")
	m.RotationInterval = integer("rotation_interval")
	m.RotateAtUTC = object("rotate_at_utc", rotateAtUTCType)
	m.Parameters = object("parameters", parametersType)
	m.SecretsMapping = object("secrets_mapping", secretsMappingType)
	m.ActiveIndex = integer("active_index")
	m.FolderID = str("folder_id")
	m.CreatedAt = str("created_at")
	m.UpdatedAt = str("updated_at")
	m.RotationStatus = str("rotation_status")
	m.LastRotationAttemptedAt = str("last_rotation_attempted_at")
	m.LastRotatedAt = str("last_rotated_at")
	m.LastRotationJobID = str("last_rotation_job_id")
	m.NextRotationAt = str("next_rotation_at")
	m.IsLastRotationManual = boolean("is_last_rotation_manual")
	m.LastRotationMessage = str("last_rotation_message")
	m.ConnectionName = str("connection_name")
	m.EnvironmentName = str("environment_name")
	m.RotationTrigger, _ = read("rotation_trigger", types.DynamicType).(types.Dynamic)
	m.DeleteSecretsOnDestroy = boolean("delete_secrets_on_destroy")
	m.RevokeCredentialsOnDestroy = boolean("revoke_credentials_on_destroy")
	if firstErr == nil && len(vals) != 28 {
		firstErr = fmt.Errorf("%d attributes, the model has 28", len(vals))
	}
	if firstErr != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered reading the rotation's values. "+
			"This is always an error in the provider. Please report it to the provider developer:\n\n"+firstErr.Error())
	}
	return m, diags
}

// raw is m as the framework's plan or state value.
func (m auth0RotationModel) raw(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs := map[string]attr.Value{
		"id":                            m.ID,
		"name":                          m.Name,
		"description":                   m.Description,
		"project_id":                    m.ProjectID,
		"connection_id":                 m.ConnectionID,
		"environment":                   m.Environment,
		"secret_path":                   m.SecretPath,
		"auto_rotation_enabled":         m.AutoRotationEnabled,
		"rotation_interval":             m.RotationInterval,
		"rotate_at_utc":                 m.RotateAtUTC,
		"parameters":                    m.Parameters,
		"secrets_mapping":               m.SecretsMapping,
		"active_index":                  m.ActiveIndex,
		"folder_id":                     m.FolderID,
		"created_at":                    m.CreatedAt,
		"updated_at":                    m.UpdatedAt,
		"rotation_status":               m.RotationStatus,
		"last_rotation_attempted_at":    m.LastRotationAttemptedAt,
		"last_rotated_at":               m.LastRotatedAt,
		"last_rotation_job_id":          m.LastRotationJobID,
		"next_rotation_at":              m.NextRotationAt,
		"is_last_rotation_manual":       m.IsLastRotationManual,
		"last_rotation_message":         m.LastRotationMessage,
		"connection_name":               m.ConnectionName,
		"environment_name":              m.EnvironmentName,
		"rotation_trigger":              m.RotationTrigger,
		"delete_secrets_on_destroy":     m.DeleteSecretsOnDestroy,
		"revoke_credentials_on_destroy": m.RevokeCredentialsOnDestroy,
	}
	vals := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered writing the rotation's "+
				"%s. This is always an error in the provider. Please report it to the provider developer:\n\n%s", name, err))
			return tftypes.Value{}, diags
		}
		vals[name] = tv
	}
	typ := rotationObjectType()
	if err := tftypes.ValidateValue(typ, vals); err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered writing the rotation's values. "+
			"This is always an error in the provider. Please report it to the provider developer:\n\n"+err.Error())
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, vals), diags
}

// getRotation is Plan.Get or State.Get for the rotation's model.
func getRotation(ctx context.Context, raw tftypes.Value, diags *diag.Diagnostics) auth0RotationModel {
	m, d := rotationModelFromRaw(ctx, raw)
	diags.Append(d...)
	return m
}

// setRotation is Plan.Set or State.Set for the rotation's model.
func setRotation(ctx context.Context, target *tftypes.Value, m auth0RotationModel, diags *diag.Diagnostics) {
	v, d := m.raw(ctx)
	diags.Append(d...)
	if !d.HasError() {
		*target = v
	}
}
