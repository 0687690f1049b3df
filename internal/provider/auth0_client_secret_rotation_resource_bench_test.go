package provider_test

// Benchmarks of the rotation resource's hot paths, called directly as the
// framework calls them: every plan and refresh runs Read, and every plan of a
// change runs ModifyPlan. Read goes to the local KMS on loopback, so its
// numbers include one HTTP round trip and the JSON of the answer.

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// benchRotation creates one rotation and returns the resource and its state.
func benchRotation(b *testing.B) (fwresource.Resource, tfsdk.State) {
	b.Helper()
	ctx := context.Background()
	env := acctest.Start(b)
	r, s := configuredRotationResource(ctx, b, env)
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, fwresource.CreateRequest{Plan: createPlan(ctx, b, s, env)}, &resp)
	if resp.Diagnostics.HasError() {
		b.Fatalf("create: %v", resp.Diagnostics)
	}
	return r, resp.State
}

func BenchmarkRotationRead(b *testing.B) {
	ctx := context.Background()
	r, state := benchRotation(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		resp := fwresource.ReadResponse{State: state}
		r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
}

func benchModifyPlan(b *testing.B, change func(context.Context, *tfsdk.Plan)) {
	ctx := context.Background()
	r, state := benchRotation(b)
	plan := tfsdk.Plan{Schema: state.Schema, Raw: state.Raw.Copy()}
	change(ctx, &plan)
	req := fwresource.ModifyPlanRequest{Plan: plan, State: state, Config: tfsdk.Config{Schema: state.Schema, Raw: plan.Raw}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		resp := fwresource.ModifyPlanResponse{Plan: plan}
		r.(fwresource.ResourceWithModifyPlan).ModifyPlan(ctx, req, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
}

func BenchmarkRotationModifyPlanUnchanged(b *testing.B) {
	benchModifyPlan(b, func(context.Context, *tfsdk.Plan) {})
}

// A new rotation_trigger: a rotation, so every rotation attribute becomes unknown.
func BenchmarkRotationModifyPlanTrigger(b *testing.B) {
	benchModifyPlan(b, func(ctx context.Context, p *tfsdk.Plan) {
		if d := p.SetAttribute(ctx, path.Root("rotation_trigger"), "now"); d.HasError() {
			b.Fatal(d)
		}
	})
}

// A new rotation_interval: a schedule change only.
func BenchmarkRotationModifyPlanSchedule(b *testing.B) {
	benchModifyPlan(b, func(ctx context.Context, p *tfsdk.Plan) {
		if d := p.SetAttribute(ctx, path.Root("rotation_interval"), int64(7)); d.HasError() {
			b.Fatal(d)
		}
	})
}

// A new rotation's plan (no state): the connection check and the warning gate.
func BenchmarkRotationModifyPlanCreate(b *testing.B) {
	ctx := context.Background()
	r, state := benchRotation(b)
	null := tfsdk.State{Schema: state.Schema, Raw: tftypes.NewValue(state.Raw.Type(), nil)}
	plan := tfsdk.Plan{Schema: state.Schema, Raw: state.Raw.Copy()}
	req := fwresource.ModifyPlanRequest{Plan: plan, State: null, Config: tfsdk.Config{Schema: state.Schema, Raw: plan.Raw}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		resp := fwresource.ModifyPlanResponse{Plan: plan}
		r.(fwresource.ResourceWithModifyPlan).ModifyPlan(ctx, req, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
}
