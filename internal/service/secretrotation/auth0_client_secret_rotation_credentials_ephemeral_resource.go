package secretrotation

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ ephemeral.EphemeralResource              = (*auth0ClientSecretRotationCredentialsEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*auth0ClientSecretRotationCredentialsEphemeralResource)(nil)
)

// NewAuth0ClientSecretRotationCredentialsEphemeralResource is the factory of
// hanzokms_auth0_client_secret_rotation_credentials.
func NewAuth0ClientSecretRotationCredentialsEphemeralResource() ephemeral.EphemeralResource {
	return &auth0ClientSecretRotationCredentialsEphemeralResource{}
}

type auth0ClientSecretRotationCredentialsEphemeralResource struct {
	client *kms.Client
}

type auth0ClientSecretRotationCredentialsModel struct {
	RotationID   types.String `tfsdk:"rotation_id"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	ActiveIndex  types.Int64  `tfsdk:"active_index"`
}

func (e *auth0ClientSecretRotationCredentialsEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotation_credentials"
}

func (e *auth0ClientSecretRotationCredentialsEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The active client ID and client secret of an Auth0 Client Secret rotation, read from the " +
			"KMS's generated credentials at the rotation's `active_index`. Ephemeral: the values never enter the plan " +
			"or the state, so they can be handed to another provider or to a write-only attribute. Needs a CLI with " +
			"ephemeral resources (Terraform 1.10+, OpenTofu 1.11+); older CLIs refuse the block.",
		Attributes: map[string]schema.Attribute{
			"rotation_id": schema.StringAttribute{
				MarkdownDescription: "ID of the rotation, e.g. `hanzokms_auth0_client_secret_rotation.example.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(framework.UUIDPattern, framework.UUIDRule)},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The Auth0 application's client ID.",
				Computed:            true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The Auth0 application's current client secret.",
				Computed:            true,
				Sensitive:           true,
			},
			"active_index": schema.Int64Attribute{
				MarkdownDescription: "The credential slot the values come from.",
				Computed:            true,
			},
		},
	}
}

func (e *auth0ClientSecretRotationCredentialsEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *auth0ClientSecretRotationCredentialsEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var cfg auth0ClientSecretRotationCredentialsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(e.client, &resp.Diagnostics) {
		return
	}
	creds, err := e.client.GetAuth0ClientSecretRotationCredentials(ctx, cfg.RotationID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not read the rotation's credentials", framework.APIErrorDetail(err))
		return
	}
	active, err := creds.Active()
	if err != nil {
		resp.Diagnostics.AddError("The rotation has no active credentials", err.Error())
		return
	}
	cfg.ClientID = types.StringValue(active.ClientID)
	cfg.ClientSecret = types.StringValue(active.ClientSecret)
	cfg.ActiveIndex = types.Int64Value(creds.ActiveIndex)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &cfg)...)
}
