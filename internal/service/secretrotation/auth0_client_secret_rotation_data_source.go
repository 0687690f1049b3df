package secretrotation

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ datasource.DataSource                     = (*auth0ClientSecretRotationDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*auth0ClientSecretRotationDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*auth0ClientSecretRotationDataSource)(nil)
)

// NewAuth0ClientSecretRotationDataSource is the factory of the
// hanzokms_auth0_client_secret_rotation data source.
func NewAuth0ClientSecretRotationDataSource() datasource.DataSource {
	return &auth0ClientSecretRotationDataSource{}
}

type auth0ClientSecretRotationDataSource struct {
	client *kms.Client
}

func (d *auth0ClientSecretRotationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotation"
}

func (d *auth0ClientSecretRotationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an existing Hanzo KMS Auth0 Client Secret rotation, by `id`, or by `project_id`, " +
			"`environment`, `secret_path` (default `/`) and `name`. Exposes the same attributes as the " +
			"`hanzokms_auth0_client_secret_rotation` resource; the rotated secret itself is not among them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The rotation's ID. Set it, or set `name` with `project_id` and `environment`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(framework.UUIDPattern, framework.UUIDRule)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the rotation in its folder; requires `project_id` and `environment`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64), stringvalidator.RegexMatches(framework.SlugPattern, framework.SlugRule)},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "ID of the KMS project, to look up by name.",
				Optional:            true,
				Computed:            true,
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment slug, to look up by name.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(environmentSlug, envRule)},
			},
			"secret_path": schema.StringAttribute{
				MarkdownDescription: "Folder path, to look up by name; `/` when not set.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(secretPathPattern, secretPathRule)},
			},
			"description":           framework.ComputedDataSourceString("The rotation's description."),
			"connection_id":         framework.ComputedDataSourceString("ID of the Auth0 app connection that performs the rotation."),
			"auto_rotation_enabled": schema.BoolAttribute{MarkdownDescription: "Whether the secret rotates automatically.", Computed: true},
			"rotation_interval":     schema.Int64Attribute{MarkdownDescription: "Days between rotations.", Computed: true},
			"rotate_at_utc": schema.SingleNestedAttribute{
				MarkdownDescription: "Time of day, in UTC, at which a due rotation runs.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"hours":   schema.Int64Attribute{MarkdownDescription: "Hour of the day, 0-23.", Computed: true},
					"minutes": schema.Int64Attribute{MarkdownDescription: "Minute of the hour, 0-59.", Computed: true},
				},
			},
			"parameters": schema.SingleNestedAttribute{
				MarkdownDescription: "What is rotated.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"client_id": schema.StringAttribute{MarkdownDescription: "Client ID of the Auth0 application whose secret rotates.", Computed: true},
				},
			},
			"secrets_mapping": schema.SingleNestedAttribute{
				MarkdownDescription: "Names of the KMS secrets that receive the credentials.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"client_id":     schema.StringAttribute{MarkdownDescription: "Secret holding the application's client ID.", Computed: true},
					"client_secret": schema.StringAttribute{MarkdownDescription: "Secret holding the rotated client secret.", Computed: true},
				},
			},
			"active_index":               schema.Int64Attribute{MarkdownDescription: "Which credential slot (0 or 1) the mapped secrets hold.", Computed: true},
			"folder_id":                  framework.ComputedDataSourceString("ID of the folder."),
			"created_at":                 framework.ComputedDataSourceString("When the rotation was created (RFC 3339, UTC)."),
			"updated_at":                 framework.ComputedDataSourceString("When the rotation was last changed (RFC 3339, UTC)."),
			"rotation_status":            framework.ComputedDataSourceString("Outcome of the last rotation attempt: `success` or `failed`."),
			"last_rotation_attempted_at": framework.ComputedDataSourceString("When a rotation was last attempted."),
			"last_rotated_at":            framework.ComputedDataSourceString("When the secret last rotated successfully."),
			"last_rotation_job_id":       framework.ComputedDataSourceString("ID of the job of the last automatic rotation."),
			"next_rotation_at":           framework.ComputedDataSourceString("When the next automatic rotation is due; null when auto-rotation is disabled."),
			"is_last_rotation_manual":    schema.BoolAttribute{MarkdownDescription: "Whether the last rotation was requested by hand.", Computed: true},
			"last_rotation_message":      framework.ComputedDataSourceString("Why the last rotation failed; null after a success."),
			"connection_name":            framework.ComputedDataSourceString("Name of the Auth0 app connection."),
			"environment_name":           framework.ComputedDataSourceString("Display name of the environment."),
		},
	}
}

func (d *auth0ClientSecretRotationDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("name"), path.MatchRoot("project_id"), path.MatchRoot("environment")),
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("project_id")),
	}
}

func (d *auth0ClientSecretRotationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *auth0ClientSecretRotationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg auth0RotationFields
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(d.client, &resp.Diagnostics) {
		return
	}
	var found *kms.Auth0ClientSecretRotation
	var err error
	if !cfg.ID.IsNull() {
		found, err = d.client.GetAuth0ClientSecretRotation(ctx, cfg.ID.ValueString())
	} else {
		secretPath := "/"
		if !cfg.SecretPath.IsNull() {
			secretPath = normalizeSecretPath(cfg.SecretPath.ValueString())
		}
		found, err = d.client.GetAuth0ClientSecretRotationByName(ctx, cfg.ProjectID.ValueString(), cfg.Environment.ValueString(), secretPath, cfg.Name.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the Auth0 client secret rotation", framework.APIErrorDetail(err))
		return
	}
	var state auth0RotationFields
	state.setFromAPI(found, cfg)
	if cfg.SecretPath.IsNull() {
		state.SecretPath = types.StringValue(found.Folder.Path)
	}
	warnIfRotationFailed(found, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
