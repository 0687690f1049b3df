// Command benchnop is a benchmark fixture: the smallest provider built on the
// same framework version, with two resources that make no network call:
//
//   - nop_thing, of one string attribute: the floor of any plugin provider;
//   - nop_rotation, with the very schema of hanzokms_auth0_client_secret_rotation
//     (taken from the provider, so the two cannot drift apart): what the
//     framework alone costs for that schema.
//
// `make bench` measures both beside the real provider, so the table shows how
// much of the time is the framework's per-attribute work and how much the
// provider's own code.
package main

import (
	"context"
	"log"
	"math/big"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/benchprofile"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/service/secretrotation"
)

type nopProvider struct{}

func (nopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nop"
}
func (nopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}
func (nopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (nopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return thing{} },
		func() resource.Resource { return rotation{} },
	}
}
func (nopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type thing struct{}

type thingModel struct {
	Value types.String `tfsdk:"value"`
}

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}
func (thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"value": schema.StringAttribute{Required: true, MarkdownDescription: "Any string."},
	}}
}
func (thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
func (thing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
func (thing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func logAsked() bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && !strings.HasPrefix(name, "TF_LOG_PATH") && value != "" {
			return true
		}
	}
	return false
}

// rotation has the rotation resource's schema and does nothing: what the
// API would compute is filled with zero values.
type rotation struct{}

func (rotation) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rotation"
}
func (rotation) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	secretrotation.NewAuth0ClientSecretRotationResource().Schema(ctx, req, resp)
}
func (rotation) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = knownEverywhere(req.Plan.Raw)
}
func (rotation) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.State.Raw = req.State.Raw
}
func (rotation) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = knownEverywhere(req.Plan.Raw)
}
func (rotation) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// knownEverywhere replaces each unknown value of a plan with its type's zero.
func knownEverywhere(v tftypes.Value) tftypes.Value {
	out, err := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		return zeroOf(v.Type()), nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

func zeroOf(t tftypes.Type) tftypes.Value {
	if obj, ok := t.(tftypes.Object); ok {
		attrs := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			attrs[name] = zeroOf(at)
		}
		return tftypes.NewValue(t, attrs)
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "")
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(0))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, false)
	}
	return tftypes.NewValue(t, nil)
}

func main() {
	// As the provider does (its main.go): with no TF_LOG* variable set, the
	// SDK's TRACE lines are not formatted, so that the columns compare the
	// work of each provider, not that of logging thrown away.
	if !logAsked() {
		_ = os.Setenv("TF_LOG_SDK", "OFF")
	}
	stopProfiling := benchprofile.Start()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return nopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/hanzoai/nop", ProtocolVersion: 6})
	stopProfiling()
	if err != nil {
		log.Fatal(err)
	}
}
