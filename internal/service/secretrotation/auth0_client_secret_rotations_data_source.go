package secretrotation

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ datasource.DataSource              = (*auth0ClientSecretRotationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*auth0ClientSecretRotationsDataSource)(nil)
)

// NewAuth0ClientSecretRotationsDataSource is the factory of the
// hanzokms_auth0_client_secret_rotations data source.
func NewAuth0ClientSecretRotationsDataSource() datasource.DataSource {
	return &auth0ClientSecretRotationsDataSource{}
}

type auth0ClientSecretRotationsDataSource struct {
	client *kms.Client
}

type auth0RotationsModel struct {
	ProjectID   types.String `tfsdk:"project_id"`
	Environment types.String `tfsdk:"environment"`
	SecretPath  types.String `tfsdk:"secret_path"`

	ConnectionID   types.String `tfsdk:"connection_id"`
	ClientID       types.String `tfsdk:"client_id"`
	RotationStatus types.String `tfsdk:"rotation_status"`
	Rotations      types.List   `tfsdk:"rotations"`
}

// auth0RotationSummary is one entry of the list: what an audit or a module
// needs to find a rotation and see its health.
type auth0RotationSummary struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Environment         types.String `tfsdk:"environment"`
	SecretPath          types.String `tfsdk:"secret_path"`
	ConnectionID        types.String `tfsdk:"connection_id"`
	ClientID            types.String `tfsdk:"client_id"`
	AutoRotationEnabled types.Bool   `tfsdk:"auto_rotation_enabled"`
	RotationInterval    types.Int64  `tfsdk:"rotation_interval"`
	RotationStatus      types.String `tfsdk:"rotation_status"`
	LastRotatedAt       types.String `tfsdk:"last_rotated_at"`
	NextRotationAt      types.String `tfsdk:"next_rotation_at"`
	LastRotationMessage types.String `tfsdk:"last_rotation_message"`
}

var auth0RotationSummaryAttrTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "environment": types.StringType, "secret_path": types.StringType,
	"connection_id": types.StringType, "client_id": types.StringType, "auto_rotation_enabled": types.BoolType,
	"rotation_interval": types.Int64Type, "rotation_status": types.StringType, "last_rotated_at": types.StringType,
	"next_rotation_at": types.StringType, "last_rotation_message": types.StringType,
}

func (d *auth0ClientSecretRotationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotations"
}

func (d *auth0ClientSecretRotationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Auth0 Client Secret rotations of a Hanzo KMS project, optionally of one environment " +
			"and folder, of one app connection or application, or with one outcome (`rotation_status`), sorted by environment, folder and name: for audits (which rotations failed, which rotate " +
			"automatically) and for modules that look rotations up.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{
				MarkdownDescription: "ID of the KMS project.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "Only rotations of this environment slug.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(environmentSlug, envRule)},
			},
			"secret_path": schema.StringAttribute{
				MarkdownDescription: "Only rotations in this folder (a trailing slash is ignored).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(secretPathPattern, secretPathRule)},
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: connectionIDFilterDescription,
				Optional:            true,
				Validators:          connectionIDFilterValidators(),
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: clientIDFilterDescription,
				Optional:            true,
				Validators:          clientIDFilterValidators(),
			},
			"rotation_status": schema.StringAttribute{
				MarkdownDescription: rotationStatusFilterDescription,
				Optional:            true,
				Validators:          rotationStatusFilterValidators(),
			},
			"rotations": schema.ListNestedAttribute{
				MarkdownDescription: "The rotations found.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                    framework.ComputedDataSourceString("The rotation's ID."),
					"name":                  framework.ComputedDataSourceString("The rotation's name."),
					"environment":           framework.ComputedDataSourceString("Environment slug."),
					"secret_path":           framework.ComputedDataSourceString("Folder path."),
					"connection_id":         framework.ComputedDataSourceString("ID of the Auth0 app connection."),
					"client_id":             framework.ComputedDataSourceString("Client ID of the Auth0 application whose secret rotates."),
					"auto_rotation_enabled": schema.BoolAttribute{MarkdownDescription: "Whether it rotates automatically.", Computed: true},
					"rotation_interval":     schema.Int64Attribute{MarkdownDescription: "Days between rotations.", Computed: true},
					"rotation_status":       framework.ComputedDataSourceString("`success` or `failed`."),
					"last_rotated_at":       framework.ComputedDataSourceString("When the secret last rotated successfully."),
					"next_rotation_at":      framework.ComputedDataSourceString("When the next automatic rotation is due; null when auto-rotation is off."),
					"last_rotation_message": framework.ComputedDataSourceString("Why the last rotation failed; null after a success."),
				}},
			},
		},
	}
}

func (d *auth0ClientSecretRotationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *auth0ClientSecretRotationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg auth0RotationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(d.client, &resp.Diagnostics) {
		return
	}
	all, err := d.client.ListAuth0ClientSecretRotations(ctx, cfg.ProjectID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not list the Auth0 client secret rotations", framework.APIErrorDetail(err))
		return
	}
	found := selectRotations(all, rotationFilter{
		Environment: cfg.Environment, SecretPath: cfg.SecretPath,
		ConnectionID: cfg.ConnectionID, ClientID: cfg.ClientID, RotationStatus: cfg.RotationStatus,
	})
	summaries := make([]auth0RotationSummary, 0, len(found))
	for _, r := range found {
		summaries = append(summaries, auth0RotationSummary{
			ID: types.StringValue(r.ID), Name: types.StringValue(r.Name),
			Environment: types.StringValue(r.Environment.Slug), SecretPath: types.StringValue(r.Folder.Path),
			ConnectionID: types.StringValue(r.ConnectionID), ClientID: types.StringValue(r.Parameters.ClientID),
			AutoRotationEnabled: types.BoolValue(r.IsAutoRotationEnabled), RotationInterval: types.Int64Value(r.RotationInterval),
			RotationStatus: types.StringValue(r.RotationStatus), LastRotatedAt: types.StringValue(r.LastRotatedAt),
			NextRotationAt: types.StringPointerValue(r.NextRotationAt), LastRotationMessage: types.StringPointerValue(r.LastRotationMessage),
		})
	}
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: auth0RotationSummaryAttrTypes}, summaries)
	resp.Diagnostics.Append(diags...)
	cfg.Rotations = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
