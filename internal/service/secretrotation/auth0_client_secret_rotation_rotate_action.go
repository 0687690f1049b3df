package secretrotation

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ action.Action              = (*auth0ClientSecretRotationRotateAction)(nil)
	_ action.ActionWithConfigure = (*auth0ClientSecretRotationRotateAction)(nil)
)

// NewAuth0ClientSecretRotationRotateAction is the factory of the
// hanzokms_auth0_client_secret_rotation_rotate action (Terraform 1.14+):
// rotate a rotation's client secret now, without changing any resource.
func NewAuth0ClientSecretRotationRotateAction() action.Action {
	return &auth0ClientSecretRotationRotateAction{}
}

type auth0ClientSecretRotationRotateAction struct {
	client *kms.Client
}

type auth0RotationRotateModel struct {
	RotationID types.String `tfsdk:"rotation_id"`
}

func (a *auth0ClientSecretRotationRotateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotation_rotate"
}

func (a *auth0ClientSecretRotationRotateAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Rotates the client secret of a Hanzo KMS Auth0 Client Secret rotation **now**: the KMS asks " +
			"Auth0 for a new secret and writes it into the rotation's mapped secret. Terraform 1.14 and later: invoke it " +
			"on its own with `terraform apply -invoke=action.hanzokms_auth0_client_secret_rotation_rotate.<name>`, or from " +
			"a resource's `lifecycle { action_trigger { ... } }` (after a deployment, say). Nothing in state changes; the " +
			"rotation resource sees the new timestamps on its next refresh.\n\n" +
			"~> " + singlePhaseWarning + "\n\n" +
			"Each invocation asks the KMS for exactly one rotation. When the answer is lost after the request was sent, " +
			"the action reads the rotation back and reports success if the rotation happened; it never asks a second " +
			"time, because every rotation invalidates the secret the one before issued.\n\n" +
			"On OpenTofu and Terraform before 1.14, change the rotation resource's `rotation_trigger` instead.",
		Attributes: map[string]schema.Attribute{
			"rotation_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of the rotation to rotate, e.g. `hanzokms_auth0_client_secret_rotation.example.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(framework.UUIDPattern, framework.UUIDRule)},
			},
		},
	}
}

func (a *auth0ClientSecretRotationRotateAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *auth0ClientSecretRotationRotateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg auth0RotationRotateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(a.client, &resp.Diagnostics) {
		return
	}
	id := cfg.RotationID.ValueString()
	// The last rotation time before asking: when the answer to the rotate
	// request is lost, a different one read back proves this request rotated.
	before, err := a.client.GetAuth0ClientSecretRotation(ctx, id)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("rotation_id"), "Could not read the Auth0 client secret rotation to rotate",
			fmt.Sprintf("rotation_id %q: %s", id, framework.APIErrorDetail(err)))
		return
	}
	progress(resp, fmt.Sprintf("Rotating the Auth0 client secret of %q (last rotated %s)", before.Name, before.LastRotatedAt))
	rotated, err := a.client.RotateAuth0ClientSecret(ctx, id, before.LastRotatedAt)
	if err != nil {
		resp.Diagnostics.AddError("Could not rotate the Auth0 client secret", framework.APIErrorDetail(err))
		return
	}
	if rotated.RotationStatus == "failed" {
		message := "(no message)"
		if rotated.LastRotationMessage != nil {
			message = *rotated.LastRotationMessage
		}
		resp.Diagnostics.AddError("The Auth0 client secret rotation failed",
			fmt.Sprintf("Rotation %s: %s\n\nThe mapped secrets still hold the credentials of the last successful rotation (%s).",
				id, message, rotated.LastRotatedAt))
		return
	}
	progress(resp, fmt.Sprintf("Rotated %q at %s: the mapped secret holds the new client secret (slot %d)",
		rotated.Name, rotated.LastRotatedAt, rotated.ActiveIndex))
}

// progress reports to the CLI; SendProgress is nil only when Invoke is called
// directly (unit tests).
func progress(resp *action.InvokeResponse, message string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: message})
	}
}
