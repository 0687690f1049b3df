package provider_test

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// infisicalStandIn is a test-only stand-in for Infisical's Terraform provider:
// one resource, infisical_secret_rotation_auth0_client_secret, with the
// attributes and types Infisical's resource has (rotation_interval is a
// 32-bit number there), managing the rotation through the same KMS API. It
// exists to give `moved` blocks a real source state to move from.
type infisicalStandIn struct{ client *kms.Client }

func (p *infisicalStandIn) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "infisical"
}

func (p *infisicalStandIn) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}

func (p *infisicalStandIn) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *infisicalStandIn) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return &infisicalRotationStandIn{client: p.client} }}
}

func (p *infisicalStandIn) DataSources(context.Context) []func() datasource.DataSource { return nil }

type infisicalRotationStandIn struct{ client *kms.Client }

type infisicalRotationModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Description         types.String `tfsdk:"description"`
	AutoRotationEnabled types.Bool   `tfsdk:"auto_rotation_enabled"`
	ProjectID           types.String `tfsdk:"project_id"`
	ConnectionID        types.String `tfsdk:"connection_id"`
	Environment         types.String `tfsdk:"environment"`
	SecretPath          types.String `tfsdk:"secret_path"`
	RotationInterval    types.Int32  `tfsdk:"rotation_interval"`
	RotateAtUTC         struct {
		Hours   types.Int64 `tfsdk:"hours"`
		Minutes types.Int64 `tfsdk:"minutes"`
	} `tfsdk:"rotate_at_utc"`
	Parameters struct {
		ClientID types.String `tfsdk:"client_id"`
	} `tfsdk:"parameters"`
	SecretsMapping struct {
		ClientID     types.String `tfsdk:"client_id"`
		ClientSecret types.String `tfsdk:"client_secret"`
	} `tfsdk:"secrets_mapping"`
}

func (r *infisicalRotationStandIn) Metadata(_ context.Context, req fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_rotation_auth0_client_secret"
}

func (r *infisicalRotationStandIn) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	str := func() schema.StringAttribute { return schema.StringAttribute{Required: true} }
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                    schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"name":                  str(),
		"description":           schema.StringAttribute{Optional: true},
		"auto_rotation_enabled": schema.BoolAttribute{Required: true},
		"project_id":            str(),
		"connection_id":         str(),
		"environment":           str(),
		"secret_path":           str(),
		"rotation_interval":     schema.Int32Attribute{Required: true},
		"rotate_at_utc": schema.SingleNestedAttribute{Required: true, Attributes: map[string]schema.Attribute{
			"hours": schema.Int64Attribute{Required: true}, "minutes": schema.Int64Attribute{Required: true},
		}},
		"parameters": schema.SingleNestedAttribute{Required: true, Attributes: map[string]schema.Attribute{"client_id": str()}},
		"secrets_mapping": schema.SingleNestedAttribute{Required: true, Attributes: map[string]schema.Attribute{
			"client_id": str(), "client_secret": str(),
		}},
	}}
}

func (r *infisicalRotationStandIn) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var m infisicalRotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.client.CreateAuth0ClientSecretRotation(ctx, kms.CreateAuth0ClientSecretRotationRequest{
		Name: m.Name.ValueString(), ProjectID: m.ProjectID.ValueString(), Description: m.Description.ValueStringPointer(),
		ConnectionID: m.ConnectionID.ValueString(), Environment: m.Environment.ValueString(), SecretPath: m.SecretPath.ValueString(),
		IsAutoRotationEnabled: m.AutoRotationEnabled.ValueBool(), RotationInterval: int64(m.RotationInterval.ValueInt32()),
		RotateAtUTC:    kms.RotateAtUTC{Hours: m.RotateAtUTC.Hours.ValueInt64(), Minutes: m.RotateAtUTC.Minutes.ValueInt64()},
		Parameters:     kms.Auth0RotationParameters{ClientID: m.Parameters.ClientID.ValueString()},
		SecretsMapping: kms.Auth0SecretsMapping{ClientID: m.SecretsMapping.ClientID.ValueString(), ClientSecret: m.SecretsMapping.ClientSecret.ValueString()},
	})
	if err != nil {
		resp.Diagnostics.AddError("stand-in create", err.Error())
		return
	}
	m.ID = types.StringValue(created.ID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *infisicalRotationStandIn) Read(ctx context.Context, req fwresource.ReadRequest, resp *fwresource.ReadResponse) {
	var m infisicalRotationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := r.client.GetAuth0ClientSecretRotation(ctx, m.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("stand-in read", err.Error())
	}
}

func (r *infisicalRotationStandIn) Update(_ context.Context, _ fwresource.UpdateRequest, resp *fwresource.UpdateResponse) {
	resp.Diagnostics.AddError("stand-in update", "the stand-in does not update")
}

func (r *infisicalRotationStandIn) Delete(ctx context.Context, req fwresource.DeleteRequest, resp *fwresource.DeleteResponse) {
	var m infisicalRotationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if err := r.client.DeleteAuth0ClientSecretRotation(ctx, m.ID.ValueString(), kms.DeleteOptions{}); err != nil {
		resp.Diagnostics.AddError("stand-in delete", err.Error())
	}
}
