package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// The hand-written conversions must agree with the framework's reflection
// (State.Get and State.Set) for every kind of value the model holds.
func TestRotationModelRawMatchesTheFrameworksReflection(t *testing.T) {
	ctx := context.Background()
	var sresp resource.SchemaResponse
	(&auth0ClientSecretRotationResource{}).Schema(ctx, resource.SchemaRequest{}, &sresp)
	s := sresp.Schema

	job, msg := "job-1", "denied"
	var fromAPI auth0RotationModel
	fromAPI.setFromAPI(&kms.Auth0ClientSecretRotation{
		ID: "0f7a", Name: "n", ProjectID: "p", ConnectionID: "c", RotationInterval: 3, ActiveIndex: 1,
		LastRotationJobID: &job, LastRotationMessage: &msg, RotationStatus: "failed", IsAutoRotationEnabled: true,
	}, auth0RotationFields{})
	fromAPI.DeleteSecretsOnDestroy = types.BoolValue(true)
	fromAPI.RevokeCredentialsOnDestroy = types.BoolValue(false)

	withTrigger := fromAPI
	withTrigger.RotationTrigger = types.DynamicValue(types.ObjectValueMust(
		map[string]attr.Type{"v": types.NumberType, "s": types.StringType},
		map[string]attr.Value{"v": types.NumberUnknown(), "s": types.StringValue("x")}))
	withTrigger.Description = types.StringValue("")

	planned := withTrigger
	planned.RotationTrigger = types.DynamicValue(types.StringValue("now"))
	planned.UpdatedAt = types.StringUnknown()
	planned.ActiveIndex = types.Int64Unknown()
	planned.IsLastRotationManual = types.BoolUnknown()
	planned.SecretsMapping = types.ObjectUnknown(secretsMappingAttrTypes)
	planned.RotationTrigger = types.DynamicUnknown()

	// An import's state: only the id is known, every other value null.
	var imported auth0RotationModel
	imported.ID = types.StringValue("0f7a")
	imported.RotateAtUTC = types.ObjectNull(rotateAtUTCAttrTypes)
	imported.Parameters = types.ObjectNull(parametersAttrTypes)
	imported.SecretsMapping = types.ObjectNull(secretsMappingAttrTypes)
	imported.RotationTrigger = types.DynamicNull()

	for name, m := range map[string]auth0RotationModel{"from the API": fromAPI, "with a trigger": withTrigger, "planned": planned, "imported": imported} {
		t.Run(name, func(t *testing.T) {
			want := tfsdk.State{Schema: s}
			if d := want.Set(ctx, &m); d.HasError() {
				t.Fatal(d)
			}
			var got tftypes.Value
			var diags diag.Diagnostics
			setRotation(ctx, &got, m, &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if !got.Equal(want.Raw) || !got.Type().Equal(want.Raw.Type()) {
				t.Fatalf("raw() differs from State.Set:\n got %v\nwant %v", got, want.Raw)
			}

			var viaFramework auth0RotationModel
			if d := want.Get(ctx, &viaFramework); d.HasError() {
				t.Fatal(d)
			}
			viaHand := getRotation(ctx, want.Raw, &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if !reflect.DeepEqual(viaHand, viaFramework) {
				t.Fatalf("rotationModelFromRaw differs from State.Get:\n got %+v\nwant %+v", viaHand, viaFramework)
			}
		})
	}
}

// A value of another shape is an error, not a panic or a silent zero.
func TestRotationModelFromRawRefusesAnotherShape(t *testing.T) {
	ctx := context.Background()
	other := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}},
		map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")})
	if _, d := rotationModelFromRaw(ctx, other); !d.HasError() {
		t.Fatal("a one-attribute object was read as a rotation")
	}
}
