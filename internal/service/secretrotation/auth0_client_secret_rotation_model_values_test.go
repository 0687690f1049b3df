package secretrotation

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
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

	fixtures := map[string]auth0RotationModel{"from the API": fromAPI, "with a trigger": withTrigger, "planned": planned, "imported": imported}
	// Fixtures from the schema, every attribute with a value of its own (see
	// distinctRotationFixtures): read through the framework's reflection.
	distinct, err := distinctRotationFixtures(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for i, raw := range distinct {
		var m auth0RotationModel
		if d := (tfsdk.State{Schema: s, Raw: raw}).Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		fixtures[fmt.Sprintf("distinct values #%d", i)] = m
	}
	for name, m := range fixtures {
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

// distinctRotationFixtures are rotation values built by walking the schema,
// in which every attribute holds a value no other attribute holds (in at
// least one fixture): a string its own name, a number its own, each nested
// attribute its own path. Booleans have only two values: each fixture sets
// one of them true and the others false. So any two attributes swapped, in
// either direction of the hand-written conversion, change the result.
func distinctRotationFixtures(ctx context.Context, s rschema.Schema) ([]tftypes.Value, error) {
	names := make([]string, 0, len(s.Attributes))
	for name := range s.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	var bools []string
	for _, name := range names {
		if s.Attributes[name].GetType().TerraformType(ctx).Is(tftypes.Bool) {
			bools = append(bools, name)
		}
	}
	if len(bools) == 0 {
		bools = []string{""}
	}
	objType, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("the schema's type is %T, not an object", s.Type().TerraformType(ctx))
	}
	var fixtures []tftypes.Value
	for _, trueOne := range bools {
		number := 0
		vals := map[string]tftypes.Value{}
		for _, name := range names {
			v, err := distinctValue(name, objType.AttributeTypes[name], name == trueOne, &number)
			if err != nil {
				return nil, err
			}
			vals[name] = v
		}
		fixtures = append(fixtures, tftypes.NewValue(objType, vals))
	}
	return fixtures, nil
}

// distinctValue is a value of typ that only the attribute at path holds.
func distinctValue(path string, typ tftypes.Type, isTrue bool, number *int) (tftypes.Value, error) {
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, "value of "+path), nil
	case typ.Is(tftypes.Number):
		*number++
		return tftypes.NewValue(typ, big.NewFloat(float64(1000+*number))), nil
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, isTrue), nil
	case typ.Is(tftypes.DynamicPseudoType):
		return tftypes.NewValue(tftypes.String, "dynamic value of "+path), nil
	case typ.Is(tftypes.Object{}):
		obj := typ.(tftypes.Object)
		inner := make([]string, 0, len(obj.AttributeTypes))
		for name := range obj.AttributeTypes {
			inner = append(inner, name)
		}
		sort.Strings(inner)
		vals := map[string]tftypes.Value{}
		for _, name := range inner {
			v, err := distinctValue(path+"."+name, obj.AttributeTypes[name], isTrue, number)
			if err != nil {
				return tftypes.Value{}, err
			}
			vals[name] = v
		}
		return tftypes.NewValue(typ, vals), nil
	}
	return tftypes.Value{}, fmt.Errorf("attribute %q: no distinct fixture value for type %s; teach distinctValue", path, typ)
}

// Every attribute of the schema holds, in at least one fixture, a value no
// other attribute holds: a new attribute (or a type the fixtures cannot
// give a distinct value) fails here.
func TestDistinctRotationFixturesGiveEveryAttributeItsOwnValue(t *testing.T) {
	ctx := context.Background()
	var sresp resource.SchemaResponse
	(&auth0ClientSecretRotationResource{}).Schema(ctx, resource.SchemaRequest{}, &sresp)
	fixtures, err := distinctRotationFixtures(ctx, sresp.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	checkEveryAttributeDistinct(t, sresp.Schema, fixtures)
}

// checkEveryAttributeDistinct fails t for each schema attribute that holds,
// in every fixture, a value some other attribute holds too.
func checkEveryAttributeDistinct(t *testing.T, s rschema.Schema, fixtures []tftypes.Value) {
	t.Helper()
	for name := range s.Attributes {
		distinct := false
		for _, f := range fixtures {
			var vals map[string]tftypes.Value
			if err := f.As(&vals); err != nil {
				t.Fatal(err)
			}
			v, ok := vals[name]
			if !ok {
				continue
			}
			clash := false
			for other, w := range vals {
				if other != name && v.Equal(w) {
					clash = true
					break
				}
			}
			if !clash {
				distinct = true
				break
			}
		}
		if !distinct {
			t.Errorf("attribute %q holds no value of its own in any fixture: a swap with it would pass unnoticed", name)
		}
	}
}
