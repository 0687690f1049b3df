package provider_test

// The resource's methods called directly, without a CLI, against the local
// KMS and Auth0: CRUD, import and the trigger, that Read never mutates, and
// that a whole lifecycle under TRACE logging leaves no secret in the log.

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/service/secretrotation"
)

// configuredRotationResource configures the provider through its public
// Configure, then hands its data to a fresh rotation resource.
func configuredRotationResource(ctx context.Context, t testing.TB, env *acctest.Env) (fwresource.Resource, schema.Schema) {
	t.Helper()
	p := provider.New("test")()
	var ps fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &ps)
	cfg := objectOf(ctx, t, ps.Schema.Type().TerraformType(ctx), map[string]attr.Value{
		"host": types.StringValue(env.KMSURL), "client_id": types.StringValue(acctest.IdentityClientID),
		"client_secret": types.StringValue(env.IdentityClientSecret),
	})
	var presp fwprovider.ConfigureResponse
	p.Configure(ctx, fwprovider.ConfigureRequest{Config: tfsdk.Config{Schema: ps.Schema, Raw: cfg}}, &presp)
	if presp.Diagnostics.HasError() {
		t.Fatalf("configure: %v", presp.Diagnostics)
	}
	r := secretrotation.NewAuth0ClientSecretRotationResource()
	var cresp fwresource.ConfigureResponse
	r.(fwresource.ResourceWithConfigure).Configure(ctx, fwresource.ConfigureRequest{ProviderData: presp.ResourceData}, &cresp)
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	return r, sresp.Schema
}

// objectOf builds a schema object value: the given attributes, and null for
// every other one.
func objectOf(ctx context.Context, t testing.TB, typ tftypes.Type, values map[string]attr.Value) tftypes.Value {
	t.Helper()
	objType := typ.(tftypes.Object)
	out := map[string]tftypes.Value{}
	for name, at := range objType.AttributeTypes {
		v, ok := values[name]
		if !ok {
			out[name] = tftypes.NewValue(at, nil)
			continue
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = tv
	}
	return tftypes.NewValue(objType, out)
}

// createPlan is the plan the framework would hand to Create for basicBody:
// defaults applied, every computed attribute unknown.
func createPlan(ctx context.Context, t testing.TB, s schema.Schema, env *acctest.Env) tfsdk.Plan {
	t.Helper()
	values := map[string]attr.Value{
		"name": types.StringValue("billing-auth0"), "project_id": types.StringValue(acctest.ProjectID),
		"connection_id": types.StringValue(env.ConnectionID), "environment": types.StringValue("dev"),
		"secret_path": types.StringValue("/"), "auto_rotation_enabled": types.BoolValue(false),
		"rotation_interval": types.Int64Value(30),
		"rotate_at_utc": types.ObjectValueMust(map[string]attr.Type{"hours": types.Int64Type, "minutes": types.Int64Type},
			map[string]attr.Value{"hours": types.Int64Value(6), "minutes": types.Int64Value(15)}),
		"parameters": types.ObjectValueMust(map[string]attr.Type{"client_id": types.StringType},
			map[string]attr.Value{"client_id": types.StringValue(acctest.AppClientID)}),
		"secrets_mapping": types.ObjectValueMust(map[string]attr.Type{"client_id": types.StringType, "client_secret": types.StringType},
			map[string]attr.Value{"client_id": types.StringValue("AUTH0_CLIENT_ID"), "client_secret": types.StringValue("AUTH0_CLIENT_SECRET")}),
		"rotation_trigger":              types.DynamicNull(),
		"delete_secrets_on_destroy":     types.BoolValue(true),
		"revoke_credentials_on_destroy": types.BoolValue(false),
	}
	for name, a := range s.Attributes {
		if _, set := values[name]; !set && a.IsComputed() {
			values[name] = unknownOf(ctx, t, a)
		}
	}
	return tfsdk.Plan{Schema: s, Raw: objectOf(ctx, t, s.Type().TerraformType(ctx), values)}
}

func unknownOf(ctx context.Context, t testing.TB, a schema.Attribute) attr.Value {
	t.Helper()
	v, err := a.GetType().ValueFromTerraform(ctx, tftypes.NewValue(a.GetType().TerraformType(ctx), tftypes.UnknownValue))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func getString(ctx context.Context, t *testing.T, st tfsdk.State, name string) string {
	t.Helper()
	var v types.String
	if d := st.GetAttribute(ctx, path.Root(name), &v); d.HasError() {
		t.Fatal(d)
	}
	return v.ValueString()
}

func getInt(ctx context.Context, t *testing.T, st tfsdk.State, name string) int64 {
	t.Helper()
	var v types.Int64
	if d := st.GetAttribute(ctx, path.Root(name), &v); d.HasError() {
		t.Fatal(d)
	}
	return v.ValueInt64()
}

func mutatingRequests(env *acctest.Env) map[string]int {
	out := map[string]int{}
	for route, n := range env.KMS.Requests() {
		if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/login") && !strings.HasSuffix(route, "/renew") {
			out[route] = n
		}
	}
	return out
}

// lifecycle runs create, read, trigger update, import by name, delete and a
// second delete through the resource's methods, checking each.
func lifecycle(ctx context.Context, t *testing.T, env *acctest.Env) {
	r, s := configuredRotationResource(ctx, t, env)
	plan := createPlan(ctx, t, s, env)

	// Create.
	cresp := fwresource.CreateResponse{State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, fwresource.CreateRequest{Plan: plan}, &cresp)
	if cresp.Diagnostics.HasError() {
		t.Fatalf("create: %v", cresp.Diagnostics)
	}
	state := cresp.State
	id := getString(ctx, t, state, "id")
	if getString(ctx, t, state, "rotation_status") != "success" || getInt(ctx, t, state, "active_index") != 0 {
		t.Errorf("after create: status %q, active_index %d", getString(ctx, t, state, "rotation_status"), getInt(ctx, t, state, "active_index"))
	}
	var next types.String
	state.GetAttribute(ctx, path.Root("next_rotation_at"), &next)
	if !next.IsNull() {
		t.Errorf("auto-rotation off, but next_rotation_at = %v", next)
	}
	if n := env.KMS.RequestCount("POST /api/v2/secret-rotations/auth0-client-secret/{id}/rotate-secrets"); n != 0 {
		t.Errorf("create called rotate-secrets %d times", n)
	}

	// Read never calls a mutating route, and keeps the state as it is.
	before := mutatingRequests(env)
	rresp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &rresp)
	if rresp.Diagnostics.HasError() {
		t.Fatalf("read: %v", rresp.Diagnostics)
	}
	if after := mutatingRequests(env); len(after) != len(before) || !equalCounts(before, after) {
		t.Errorf("Read sent a mutating request: before %v, after %v", before, after)
	}
	if !rresp.State.Raw.Equal(state.Raw) {
		t.Errorf("Read changed a state that did not drift:\n%v\n%v", state.Raw, rresp.State.Raw)
	}

	// Update: a new trigger rotates once.
	oldSecret := env.Tenant.Secret(acctest.AppClientID)
	updPlan := tfsdk.Plan{Schema: s, Raw: state.Raw.Copy()}
	updPlan.SetAttribute(ctx, path.Root("rotation_trigger"), types.DynamicValue(types.StringValue("now")))
	uresp := fwresource.UpdateResponse{State: state}
	r.Update(ctx, fwresource.UpdateRequest{Plan: updPlan, State: state}, &uresp)
	if uresp.Diagnostics.HasError() {
		t.Fatalf("update: %v", uresp.Diagnostics)
	}
	if got := getInt(ctx, t, uresp.State, "active_index"); got != 1 {
		t.Errorf("active_index after the trigger = %d, want 1", got)
	}
	if env.Tenant.Secret(acctest.AppClientID) == oldSecret {
		t.Errorf("the trigger did not change the Auth0 secret")
	}

	// Import by name finds the same rotation.
	iresp := fwresource.ImportStateResponse{State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}}
	r.(fwresource.ResourceWithImportState).ImportState(ctx, fwresource.ImportStateRequest{ID: acctest.ProjectID + ":dev:/:billing-auth0"}, &iresp)
	if iresp.Diagnostics.HasError() || getString(ctx, t, iresp.State, "id") != id {
		t.Errorf("import by name: %v, id %q want %q", iresp.Diagnostics, getString(ctx, t, iresp.State, "id"), id)
	}
	bad := fwresource.ImportStateResponse{State: iresp.State}
	r.(fwresource.ResourceWithImportState).ImportState(ctx, fwresource.ImportStateRequest{ID: "dev:/:billing-auth0"}, &bad)
	if !bad.Diagnostics.HasError() || !strings.Contains(bad.Diagnostics.Errors()[0].Detail(), "<project_id>:<environment>:<secret_path>:<name>") {
		t.Errorf("a malformed import id was not refused with the accepted formats: %v", bad.Diagnostics)
	}

	// Delete (with delete_secrets_on_destroy), then delete again: gone is fine.
	for range 2 {
		dresp := fwresource.DeleteResponse{State: uresp.State}
		r.Delete(ctx, fwresource.DeleteRequest{State: uresp.State}, &dresp)
		if dresp.Diagnostics.HasError() {
			t.Fatalf("delete: %v", dresp.Diagnostics)
		}
	}
	if _, ok := env.KMS.SecretValue(acctest.ProjectID, "dev", "/", "AUTH0_CLIENT_SECRET"); ok {
		t.Errorf("delete_secrets_on_destroy did not delete the mapped secret")
	}
	// Read of a rotation that is gone removes it from state.
	gone := fwresource.ReadResponse{State: uresp.State}
	r.Read(ctx, fwresource.ReadRequest{State: uresp.State}, &gone)
	if gone.Diagnostics.HasError() || !gone.State.Raw.IsNull() {
		t.Errorf("read of a deleted rotation: %v, state null %v", gone.Diagnostics, gone.State.Raw.IsNull())
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestAuth0ClientSecretRotationResourceMethods(t *testing.T) {
	env := acctest.Start(t)
	lifecycle(context.Background(), t, env)
}

func TestTraceLogOfALifecycleHoldsNoSecret(t *testing.T) {
	env := acctest.Start(t)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	lifecycle(ctx, t, env)
	appSecrets := env.Tenant.SecretHistory(acctest.AppClientID)
	if len(appSecrets) != 3 {
		t.Fatalf("the application had %d secrets, want 3 (seeded, created, rotated)", len(appSecrets))
	}
	mgmtSecret := env.Tenant.Secret(acctest.ManagementClientID)

	out := logs.String()
	if !strings.Contains(out, "/api/v2/secret-rotations/auth0-client-secret") {
		t.Fatalf("the TRACE log does not show the requests; the test would prove nothing:\n%s", out)
	}
	needles := acctest.NewNeedles()
	needles.AddStack(env.Stack)
	needles.Add(acctest.KindConnectionSecret, "seeded connection", mgmtSecret)
	needles.Expect(acctest.KindIdentitySecret, 1)
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Expect(acctest.KindAuth0Token, 1)
	needles.Expect(acctest.KindConnectionSecret, 1)
	needles.Expect(acctest.KindAuth0Secret, len(appSecrets)+1)
	needles.Check(t, map[string][]byte{"TRACE log": logs.Bytes()})
	// Bodies are logged, redacted (hclog escapes < and > in JSON).
	if !strings.Contains(out, `\u003credacted\u003e`) || !strings.Contains(out, `\"secretsMapping\":{\"clientId\":\"AUTH0_CLIENT_ID\",\"clientSecret\":\"AUTH0_CLIENT_SECRET\"}`) {
		t.Errorf("the TRACE log does not hold the redacted bodies, or redacts the mapped secret names")
	}
}

func TestModifyPlanWarnsAboutSinglePhaseAutoRotationOnlyWhenItStarts(t *testing.T) {
	ctx := context.Background()
	env := acctest.Start(t)
	r, s := configuredRotationResource(ctx, t, env)
	modify := func(plan tfsdk.Plan, state tfsdk.State) fwresource.ModifyPlanResponse {
		resp := fwresource.ModifyPlanResponse{Plan: plan}
		r.(fwresource.ResourceWithModifyPlan).ModifyPlan(ctx, fwresource.ModifyPlanRequest{Plan: plan, State: state, Config: tfsdk.Config{Schema: s, Raw: plan.Raw}}, &resp)
		return resp
	}
	null := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}

	manual := createPlan(ctx, t, s, env) // auto_rotation_enabled = false
	if resp := modify(manual, null); len(resp.Diagnostics) != 0 {
		t.Errorf("create without auto-rotation: %v", resp.Diagnostics)
	}
	auto := createPlan(ctx, t, s, env)
	auto.SetAttribute(ctx, path.Root("auto_rotation_enabled"), true)
	resp := modify(auto, null)
	if len(resp.Diagnostics.Warnings()) != 1 || !strings.Contains(resp.Diagnostics.Warnings()[0].Detail(), "single-phase") {
		t.Fatalf("create with auto-rotation: %v", resp.Diagnostics)
	}
	if resp.Diagnostics.Warnings()[0].Detail() != strings.ReplaceAll(resp.Diagnostics.Warnings()[0].Detail(), "`", "") {
		t.Errorf("the warning carries markdown backticks into the CLI")
	}

	// Once it exists, an unchanged plan says nothing; switching auto-rotation on warns again.
	var cresp fwresource.CreateResponse
	cresp.State = null
	r.Create(ctx, fwresource.CreateRequest{Plan: manual}, &cresp)
	if cresp.Diagnostics.HasError() {
		t.Fatal(cresp.Diagnostics)
	}
	same := tfsdk.Plan{Schema: s, Raw: cresp.State.Raw.Copy()}
	if resp := modify(same, cresp.State); len(resp.Diagnostics) != 0 || !resp.Plan.Raw.Equal(cresp.State.Raw) {
		t.Errorf("an unchanged plan: %v", resp.Diagnostics)
	}
	on := tfsdk.Plan{Schema: s, Raw: cresp.State.Raw.Copy()}
	on.SetAttribute(ctx, path.Root("auto_rotation_enabled"), true)
	resp = modify(on, cresp.State)
	if len(resp.Diagnostics.Warnings()) != 1 {
		t.Errorf("switching auto-rotation on: %v", resp.Diagnostics)
	}
	var next types.String
	resp.Plan.GetAttribute(ctx, path.Root("next_rotation_at"), &next)
	var active types.Int64
	resp.Plan.GetAttribute(ctx, path.Root("active_index"), &active)
	if !next.IsUnknown() || active.IsUnknown() {
		t.Errorf("a schedule change: next_rotation_at unknown = %v (want true), active_index unknown = %v (want false)", next.IsUnknown(), active.IsUnknown())
	}
}
