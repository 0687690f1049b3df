package secretrotation

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ list.ListResource              = (*auth0ClientSecretRotationListResource)(nil)
	_ list.ListResourceWithConfigure = (*auth0ClientSecretRotationListResource)(nil)
)

// NewAuth0ClientSecretRotationListResource is the factory of the
// hanzokms_auth0_client_secret_rotation list resource (`terraform query`,
// Terraform 1.14+): it finds rotations made outside Terraform, such as in the
// KMS UI, so that `terraform query -generate-config-out` can bring them under
// management in one go.
func NewAuth0ClientSecretRotationListResource() list.ListResource {
	return &auth0ClientSecretRotationListResource{}
}

type auth0ClientSecretRotationListResource struct {
	client *kms.Client
}

type auth0RotationListConfig struct {
	ProjectID   types.String `tfsdk:"project_id"`
	Environment types.String `tfsdk:"environment"`
	SecretPath  types.String `tfsdk:"secret_path"`

	ConnectionID   types.String `tfsdk:"connection_id"`
	ClientID       types.String `tfsdk:"client_id"`
	RotationStatus types.String `tfsdk:"rotation_status"`
}

func (l *auth0ClientSecretRotationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotation"
}

func (l *auth0ClientSecretRotationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the Auth0 Client Secret rotations of a Hanzo KMS project, optionally of one environment " +
			"and folder, of one app connection or application, or with one outcome (`rotation_status`), sorted by environment, folder and name. Each result carries the rotation's identity (`id`) and a " +
			"display name (`<environment>:<folder>:<name>`); with `include_resource = true` also the whole " +
			"`hanzokms_auth0_client_secret_rotation` resource, which `terraform query -generate-config-out=<file>` turns " +
			"into `import` blocks and resource configuration. Needs Terraform 1.14 or later.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{
				MarkdownDescription: "ID of the KMS project to search.",
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
		},
	}
}

func (l *auth0ClientSecretRotationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *auth0ClientSecretRotationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg auth0RotationListConfig
	diags := req.Config.Get(ctx, &cfg)
	if diags.HasError() || !framework.RequireClient(l.client, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	all, err := l.client.ListAuth0ClientSecretRotations(ctx, cfg.ProjectID.ValueString())
	if err != nil {
		diags.AddError("Could not list the Auth0 client secret rotations", framework.APIErrorDetail(err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found := selectRotations(all, rotationFilter{
		Environment: cfg.Environment, SecretPath: cfg.SecretPath,
		ConnectionID: cfg.ConnectionID, ClientID: cfg.ClientID, RotationStatus: cfg.RotationStatus,
	})
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range found {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(rotationListResult(ctx, req, &found[i])) {
				return
			}
		}
	}
}

// rotationListResult is one rotation as `terraform query` shows it: its
// identity and display name, and the full resource state when asked for. That
// state is what a read after an import would give: the API's values, the
// destroy options at their defaults and no rotation_trigger.
func rotationListResult(ctx context.Context, req list.ListRequest, r *kms.Auth0ClientSecretRotation) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s:%s:%s", r.Environment.Slug, r.Folder.Path, r.Name)
	framework.SetIDIdentity(ctx, result.Identity, types.StringValue(r.ID), &result.Diagnostics)
	if !req.IncludeResource {
		return result
	}
	state := auth0RotationModel{
		RotationTrigger:            types.DynamicNull(),
		DeleteSecretsOnDestroy:     types.BoolValue(false),
		RevokeCredentialsOnDestroy: types.BoolValue(false),
	}
	state.setFromAPI(r, auth0RotationFields{})
	result.Diagnostics.Append(result.Resource.Set(ctx, &state)...)
	return result
}
