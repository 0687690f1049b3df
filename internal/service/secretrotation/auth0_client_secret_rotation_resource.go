package secretrotation

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ resource.Resource                   = (*auth0ClientSecretRotationResource)(nil)
	_ resource.ResourceWithConfigure      = (*auth0ClientSecretRotationResource)(nil)
	_ resource.ResourceWithImportState    = (*auth0ClientSecretRotationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*auth0ClientSecretRotationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*auth0ClientSecretRotationResource)(nil)
	_ resource.ResourceWithIdentity       = (*auth0ClientSecretRotationResource)(nil)
)

// NewAuth0ClientSecretRotationResource is the factory of hanzokms_auth0_client_secret_rotation.
func NewAuth0ClientSecretRotationResource() resource.Resource {
	return &auth0ClientSecretRotationResource{}
}

type auth0ClientSecretRotationResource struct {
	client *kms.Client
}

func (r *auth0ClientSecretRotationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth0_client_secret_rotation"
}

func (r *auth0ClientSecretRotationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Hanzo KMS **Auth0 Client Secret rotation**: the KMS regenerates an Auth0 " +
			"application's client secret every `rotation_interval` days at `rotate_at_utc` (or on demand) and writes " +
			"the application's client id and the new secret into the two KMS secrets named by `secrets_mapping`. " +
			"Creating the rotation issues the first secret at once.\n\n" +
			"The rotated secret never enters Terraform state: read it from the mapped KMS secret, or through the " +
			"`hanzokms_auth0_client_secret_rotation_credentials` ephemeral resource.\n\n" +
			"~> " + singlePhaseWarning + "\n\n" +
			"**Rotate now:** change `rotation_trigger` (any value: a string, a number, a map) and apply; the plan " +
			"shows an in-place update with the rotation timestamps and `active_index` unknown.\n\n" +
			"**Import** by rotation id (`terraform import hanzokms_auth0_client_secret_rotation.example <id>`) or by " +
			"`<project_id>:<environment>:<secret_path>:<name>`, e.g. `3c90c3cc-0d44-4b50-8888-8dd25736052a:dev:/:my-auth0-rotation`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The rotation's ID (a UUID).",
				Computed:            true,
				PlanModifiers:       useState,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the rotation, unique in its folder. A slug of 1-64 characters: lowercase letters, digits and single hyphens.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(framework.SlugPattern, framework.SlugRule),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description of the rotation, at most 256 characters, without white space at either end (the KMS trims it, so it is refused; wrap a heredoc in `chomp()`).",
				Optional:            true,
				Validators:          []validator.String{framework.ServerTrimmed(), stringvalidator.LengthAtMost(256)},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "ID of the KMS project (secret manager) the rotation and its mapped secrets belong to. Changing it replaces the rotation (in the other project, where the old mapped secrets are not in the way).",
				Required:            true,
				Validators:          []validator.String{framework.ServerTrimmed(), stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of the Auth0 app connection that performs the rotation, e.g. `hanzokms_app_connection_auth0.example.id`. " +
					"Changing it replaces the rotation, in the same folder: see `delete_secrets_on_destroy`.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.RegexMatches(framework.UUIDPattern, framework.UUIDRule)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "Slug of the project environment (e.g. `dev`, `prod`), at most 64 characters. Checked at plan for a new rotation (an unknown slug is refused, naming the project's environments). Changing it replaces the rotation.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(environmentSlug, envRule),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"secret_path": schema.StringAttribute{
				MarkdownDescription: "Folder path of the rotation and its mapped secrets, starting with `/`. The folder must exist (checked at plan for a new rotation; the rotation does not create it). Defaults to `/`. A trailing slash is ignored. Changing it replaces the rotation.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("/"),
				Validators:          []validator.String{stringvalidator.RegexMatches(secretPathPattern, secretPathRule)},
				PlanModifiers:       []planmodifier.String{secretPathRequiresReplace()},
			},
			"auto_rotation_enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the secret rotates automatically once `rotation_interval` days have passed. Defaults to `true`. " +
					"Set it to `false` to rotate only on demand or to pause rotation.\n\n  ~> " + singlePhaseWarning,
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"rotation_interval": schema.Int64Attribute{
				MarkdownDescription: "Days between rotations; at least 1. After a manual rotation made at or after the day's `rotate_at_utc`, the KMS waits one day more, so that a full interval passes.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"rotate_at_utc": schema.SingleNestedAttribute{
				MarkdownDescription: "Time of day, in UTC, at which a due rotation runs. Defaults to 00:00.",
				Optional:            true,
				Computed:            true,
				Default:             objectdefault.StaticValue(defaultRotateAtUTC()),
				Attributes: map[string]schema.Attribute{
					"hours": schema.Int64Attribute{
						MarkdownDescription: "Hour of the day, 0-23. Defaults to 0.",
						Optional:            true,
						Computed:            true,
						Default:             int64default.StaticInt64(0),
						Validators:          []validator.Int64{int64validator.Between(0, 23)},
					},
					"minutes": schema.Int64Attribute{
						MarkdownDescription: "Minute of the hour, 0-59. Defaults to 0.",
						Optional:            true,
						Computed:            true,
						Default:             int64default.StaticInt64(0),
						Validators:          []validator.Int64{int64validator.Between(0, 59)},
					},
				},
			},
			"parameters": schema.SingleNestedAttribute{
				MarkdownDescription: "What to rotate.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"client_id": schema.StringAttribute{
						MarkdownDescription: "Client ID of the Auth0 application whose client secret is rotated (from the Auth0 Applications dashboard). " +
							"Changing it updates in place and rotates right away: the KMS only switches the application, so the provider " +
							"then issues the new application's secret into the mapped secrets. The previous application's secret is left as it is.",
						Required: true,
						Validators: []validator.String{
							framework.ServerTrimmed(),
							stringvalidator.LengthAtLeast(1),
							stringvalidator.RegexMatches(noSpacePattern, "must be an Auth0 client ID, without spaces"),
						},
					},
				},
			},
			"secrets_mapping": schema.SingleNestedAttribute{
				MarkdownDescription: "Names of the KMS secrets, in the rotation's folder, that receive the credentials. They must differ, and must " +
					"not exist in the folder itself before the rotation is created: the Hanzo KMS replaces the Auth0 application's secret " +
					"*before* it checks the names, so a create it refuses for a taken name would already have locked the application's " +
					"consumers out. The provider therefore lists the folder's secret names first (once per folder and run; a secret that " +
					"only reaches the folder through an import does not count) and sends no create while a name is taken, or mapped by " +
					"another rotation of the same run. Renaming them updates in place (the secrets are renamed).",
				Required: true,
				Attributes: map[string]schema.Attribute{
					"client_id": schema.StringAttribute{
						MarkdownDescription: "Name of the secret that holds the application's client ID, e.g. `AUTH0_CLIENT_ID`.",
						Required:            true,
						Validators:          secretNameValidators(),
					},
					"client_secret": schema.StringAttribute{
						MarkdownDescription: "Name of the secret that holds the rotated client secret, e.g. `AUTH0_CLIENT_SECRET`.",
						Required:            true,
						Validators:          secretNameValidators(),
					},
				},
			},
			"rotation_trigger": schema.DynamicAttribute{
				MarkdownDescription: "Any value (a string, a number, a map, ...). Changing it to a new value rotates the secret now, " +
					"in place, like `keepers` of the random provider. Setting it on create does not rotate twice (create already " +
					"issues the first secret); removing it does not rotate; the first value given after an import is adopted " +
					"without rotating.",
				Optional: true,
			},
			"delete_secrets_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying the rotation also deletes the two mapped KMS secrets. Defaults to `false`: they stay, " +
					"holding the last credentials, and a new rotation cannot use their names in that folder.\n\n" +
					"  A change of `connection_id` replaces the rotation in the same folder. With `false` in state and " +
					"a mapped name kept, the plan fails rather than destroy the rotation and then be refused the new one: set this to " +
					"`true` and apply first (nothing is sent to the KMS), or rename the secrets in `secrets_mapping` in the same change. " +
					"With `create_before_destroy`, the new rotation is created while the old one still holds its secrets, so the names " +
					"must change.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"revoke_credentials_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying the rotation also revokes the active client secret at Auth0 (Auth0 issues a new secret that nobody holds). Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"active_index": schema.Int64Attribute{
				MarkdownDescription: "Which of the two credential slots (0 or 1) the mapped secrets hold; flips on every rotation.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"folder_id":                  framework.ComputedString("ID of the folder the rotation lives in.", useState),
			"created_at":                 framework.ComputedString("When the rotation was created (RFC 3339, UTC).", useState),
			"updated_at":                 framework.ComputedString("When the rotation was last changed (RFC 3339, UTC).", useState),
			"rotation_status":            framework.ComputedString("Outcome of the last rotation attempt: `success` or `failed`.", useState),
			"last_rotation_attempted_at": framework.ComputedString("When a rotation was last attempted (RFC 3339, UTC).", useState),
			"last_rotated_at":            framework.ComputedString("When the secret last rotated successfully (RFC 3339, UTC).", useState),
			"last_rotation_job_id":       framework.ComputedString("ID of the scheduled job of the last automatic rotation; null after a manual one.", useState),
			"next_rotation_at": framework.ComputedString("When the next automatic rotation is due (RFC 3339, UTC): the day of the last rotation, at "+
				"`rotate_at_utc`, plus `rotation_interval` days, and one day more when that rotation was manual (create or "+
				"`rotation_trigger`) and happened at or after that day's `rotate_at_utc`. Null when auto-rotation is disabled, "+
				"except after a failed attempt: the KMS then sets the next day at `rotate_at_utc`, though it rotates only when "+
				"auto-rotation is enabled.", useState),
			"is_last_rotation_manual": schema.BoolAttribute{
				MarkdownDescription: "Whether the last rotation was requested by hand (`rotation_trigger` or the KMS UI) rather than by the schedule; `true` after create, which the KMS counts as a manual rotation.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"last_rotation_message": framework.ComputedString("Why the last rotation failed, as Auth0 answered; null after a success.", useState),
			"connection_name":       framework.ComputedString("Name of the Auth0 app connection.", useState),
			"environment_name":      framework.ComputedString("Display name of the environment.", useState),
		},
	}
}

// IdentitySchema: a rotation is identified by its id (framework.IDIdentitySchema).
func (r *auth0ClientSecretRotationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = framework.IDIdentitySchema("rotation")
}

func secretNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 255),
		stringvalidator.RegexMatches(secretNamePattern, secretNameRule),
	}
}

// secretPathRequiresReplace replaces the rotation when its folder changes,
// but not when only a trailing slash does.
func secretPathRequiresReplace() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = normalizeSecretPath(req.StateValue.ValueString()) != normalizeSecretPath(req.PlanValue.ValueString())
		},
		"Changing the folder replaces the rotation.",
		"Changing the folder replaces the rotation.",
	)
}

func (r *auth0ClientSecretRotationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *auth0ClientSecretRotationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var mapping types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secrets_mapping"), &mapping)...)
	if resp.Diagnostics.HasError() || mapping.IsNull() || mapping.IsUnknown() {
		return
	}
	m := objectAs[secretsMappingModel](ctx, mapping, &resp.Diagnostics)
	if m.ClientID.IsUnknown() || m.ClientSecret.IsUnknown() || m.ClientID.IsNull() || m.ClientSecret.IsNull() {
		return
	}
	if m.ClientID.ValueString() == m.ClientSecret.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("secrets_mapping").AtName("client_secret"),
			"Mapped secret names must differ",
			fmt.Sprintf("secrets_mapping.client_id and secrets_mapping.client_secret are both %q: the client ID and "+
				"the client secret need two different secret names.", m.ClientID.ValueString()))
	}
}

// ModifyPlan says in the plan what an update will do to the API-set
// attributes: a rotation (trigger or new application) makes the rotation
// timestamps and active_index unknown; a schedule change makes
// next_rotation_at unknown; any change makes updated_at unknown. Everything
// else keeps its state value (UseStateForUnknown), so plans stay precise.
func (r *auth0ClientSecretRotationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	owed := rotationOwed(ctx, req.Private, &resp.Diagnostics)
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) && !owed {
		return // nothing changes: the common case of every plan, kept cheap
	}
	resp.Diagnostics.Append(checkRotationConnection(ctx, r.client, req)...)
	plan := getRotation(ctx, req.Plan.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if resp.Diagnostics.Append(planFolderCheck(ctx, r.client, plan, nil)...); resp.Diagnostics.HasError() {
			return
		}
		if !plan.AutoRotationEnabled.IsNull() && !plan.AutoRotationEnabled.ValueBool() {
			return
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("auto_rotation_enabled"), "Automatic rotation can interrupt services",
			strings.ReplaceAll(singlePhaseWarning, "`", ""))
		return
	}
	state := getRotation(ctx, req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	refuseStrandingReplacement(ctx, plan, state, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(planFolderCheck(ctx, r.client, plan, &state)...)
	}
	triggered, diags := triggerRotates(ctx, plan, state, req.Private)
	resp.Diagnostics.Append(diags...)
	rotates := triggered || !plan.Parameters.Equal(state.Parameters) || owed
	if owed {
		resp.Diagnostics.AddAttributeWarning(path.Root("parameters").AtName("client_id"), "A rotation is still owed",
			"The last switch of parameters.client_id reached the KMS but the rotation that issues the new application's "+
				"secret failed: the mapped secrets may still hold the previous application's credentials. This apply rotates.")
	}
	scheduleChanges := !plan.AutoRotationEnabled.Equal(state.AutoRotationEnabled) ||
		!plan.RotationInterval.Equal(state.RotationInterval) || !plan.RotateAtUTC.Equal(state.RotateAtUTC)
	apiChanges := rotates || scheduleChanges || !plan.Name.Equal(state.Name) ||
		!plan.Description.Equal(state.Description) || !plan.SecretsMapping.Equal(state.SecretsMapping)

	if state.AutoRotationEnabled.Equal(types.BoolValue(false)) && plan.AutoRotationEnabled.Equal(types.BoolValue(true)) {
		resp.Diagnostics.AddAttributeWarning(path.Root("auto_rotation_enabled"), "Automatic rotation can interrupt services",
			strings.ReplaceAll(singlePhaseWarning, "`", ""))
	}
	if !apiChanges {
		return
	}
	plan.UpdatedAt = types.StringUnknown()
	if scheduleChanges || rotates {
		plan.NextRotationAt = types.StringUnknown()
	}
	if rotates {
		plan.ActiveIndex = types.Int64Unknown()
		plan.RotationStatus = types.StringUnknown()
		plan.LastRotationAttemptedAt = types.StringUnknown()
		plan.LastRotatedAt = types.StringUnknown()
		plan.LastRotationJobID = types.StringUnknown()
		plan.IsLastRotationManual = types.BoolUnknown()
		plan.LastRotationMessage = types.StringUnknown()
	}
	setRotation(ctx, &resp.Plan.Raw, plan, &resp.Diagnostics)
}

func (r *auth0ClientSecretRotationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan := getRotation(ctx, req.Plan.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	body := kms.CreateAuth0ClientSecretRotationRequest{
		Name:                  plan.Name.ValueString(),
		ProjectID:             plan.ProjectID.ValueString(),
		Description:           plan.Description.ValueStringPointer(),
		ConnectionID:          plan.ConnectionID.ValueString(),
		Environment:           plan.Environment.ValueString(),
		SecretPath:            normalizeSecretPath(plan.SecretPath.ValueString()),
		IsAutoRotationEnabled: plan.AutoRotationEnabled.ValueBool(),
		RotationInterval:      plan.RotationInterval.ValueInt64(),
		RotateAtUTC:           plan.rotateAtUTC(ctx, &resp.Diagnostics),
		Parameters:            plan.parameters(ctx, &resp.Diagnostics),
		SecretsMapping:        plan.secretsMapping(ctx, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// The names must be proven free before the create is sent (see
	// auth0_client_secret_rotation_mapped_names.go); they stay claimed for
	// this process whatever the create's outcome.
	where := rotationFolder{project: body.ProjectID, environment: body.Environment, secretPath: body.SecretPath}
	resp.Diagnostics.Append(checkMappedNames(ctx, r.client, where, []mappedName{
		{attr: "client_id", name: body.SecretsMapping.ClientID}, {attr: "client_secret", name: body.SecretsMapping.ClientSecret},
	}, true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Create already rotates (it issues the first secret): no rotate call here,
	// whatever rotation_trigger holds.
	created, err := r.client.CreateAuth0ClientSecretRotation(ctx, body)
	if err != nil {
		resp.Diagnostics.AddError("Could not create the Auth0 client secret rotation", framework.APIErrorDetail(err))
		return
	}
	state := plan
	state.setFromAPI(created, plan.auth0RotationFields)
	setRotation(ctx, &resp.State.Raw, state, &resp.Diagnostics)
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
}

func (r *auth0ClientSecretRotationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := getRotation(ctx, req.State.Raw, &resp.Diagnostics)
	// The id never changes, and the identity must be set even when the
	// object is gone (the framework requires one after every read).
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	current, err := r.client.GetAuth0ClientSecretRotation(ctx, state.ID.ValueString())
	if kms.IsNotFound(err) {
		// The service says it does not exist (not a route the server lacks:
		// that is an error below): deleted outside Terraform, plan to create
		// it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the Auth0 client secret rotation", framework.APIErrorDetail(err)+framework.KeptInState)
		return
	}
	next := state
	next.setFromAPI(current, state.auth0RotationFields)
	// After an import the lifecycle-only attributes are null: give them their defaults.
	if next.DeleteSecretsOnDestroy.IsNull() {
		next.DeleteSecretsOnDestroy = types.BoolValue(false)
	}
	if next.RevokeCredentialsOnDestroy.IsNull() {
		next.RevokeCredentialsOnDestroy = types.BoolValue(false)
	}
	warnIfRotationFailed(current, &resp.Diagnostics)
	setRotation(ctx, &resp.State.Raw, next, &resp.Diagnostics)
}

func (r *auth0ClientSecretRotationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan := getRotation(ctx, req.Plan.Raw, &resp.Diagnostics)
	state := getRotation(ctx, req.State.Raw, &resp.Diagnostics)
	// The id never changes: the identity is the state's, whatever path the
	// update takes (the framework requires one after every update).
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	patch := updateRequest(ctx, plan, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	var latest *kms.Auth0ClientSecretRotation
	if !patch.IsEmpty() {
		updated, err := r.client.UpdateAuth0ClientSecretRotation(ctx, id, patch)
		if err != nil {
			resp.Diagnostics.AddError("Could not update the Auth0 client secret rotation", framework.APIErrorDetail(err))
			return
		}
		latest = updated
		if patch.SecretsMapping != nil {
			// The KMS renamed the mapped secrets.
			old := objectAs[secretsMappingModel](ctx, state.SecretsMapping, &resp.Diagnostics)
			renameMappedNames(r.client, stateFolder(state), map[string]string{
				old.ClientID.ValueString():     patch.SecretsMapping.ClientID,
				old.ClientSecret.ValueString(): patch.SecretsMapping.ClientSecret,
			})
		}
	}
	triggered, diags := triggerRotates(ctx, plan, state, req.Private)
	resp.Diagnostics.Append(diags...)
	// A PATCH of parameters.client_id only switches the application: the KMS
	// issues nothing, and the mapped secrets keep the previous application's
	// credentials. The rotation right after issues the new application's.
	switched := !plan.Parameters.Equal(state.Parameters) || rotationOwed(ctx, req.Private, &resp.Diagnostics)
	if triggered || switched {
		previous := state.LastRotatedAt.ValueString()
		if latest != nil {
			previous = latest.LastRotatedAt
		}
		rotated, err := r.client.RotateAuth0ClientSecret(ctx, id, previous)
		if err != nil {
			if latest != nil {
				// The PATCH landed: keep state true to it, so the next plan
				// shows only the rotation still owed.
				partial := plan
				partial.setFromAPI(latest, plan.auth0RotationFields)
				partial.RotationTrigger = state.RotationTrigger
				setRotation(ctx, &resp.State.Raw, partial, &resp.Diagnostics)
			}
			if switched && resp.Private != nil {
				// State now names the new application, so the next plan
				// would see no change: remember the rotation still owed.
				resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyRotationOwed, []byte(`true`))...)
			}
			resp.Diagnostics.AddError("Could not rotate the Auth0 client secret", framework.APIErrorDetail(err))
			return
		}
		latest = rotated
	}
	if switched && resp.Private != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyRotationOwed, nil)...)
	}
	// The first update after an import has adopted the trigger: forget the import.
	if imported, _ := req.Private.GetKey(ctx, privateKeyImported); imported != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyImported, nil)...)
	}

	next := plan
	if latest != nil {
		next.setFromAPI(latest, plan.auth0RotationFields)
	} else {
		// Only provider-side settings changed (destroy options): nothing was
		// sent, so the API's last answer (the state) still holds.
		next.auth0RotationComputed = state.auth0RotationComputed
	}
	setRotation(ctx, &resp.State.Raw, next, &resp.Diagnostics)
}

func (r *auth0ClientSecretRotationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := getRotation(ctx, req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	err := r.client.DeleteAuth0ClientSecretRotation(ctx, state.ID.ValueString(), kms.DeleteOptions{
		DeleteSecrets:              state.DeleteSecretsOnDestroy.ValueBool(),
		RevokeGeneratedCredentials: state.RevokeCredentialsOnDestroy.ValueBool(),
	})
	if err != nil && !kms.IsNotFound(err) {
		resp.Diagnostics.AddError("Could not delete the Auth0 client secret rotation", framework.APIErrorDetail(err))
		return
	}
	if err == nil && state.DeleteSecretsOnDestroy.ValueBool() {
		// A rotation that replaces this one may now take the names.
		m := objectAs[secretsMappingModel](ctx, state.SecretsMapping, &resp.Diagnostics)
		forgetMappedNames(r.client, stateFolder(state), m.ClientID.ValueString(), m.ClientSecret.ValueString())
	}
}

// stateFolder is the folder of a rotation in state.
func stateFolder(state auth0RotationModel) rotationFolder {
	return rotationFolder{project: state.ProjectID.ValueString(), environment: state.Environment.ValueString(),
		secretPath: normalizeSecretPath(state.SecretPath.ValueString())}
}

func (r *auth0ClientSecretRotationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" { // an import block with identity = { id = ... } (Terraform 1.12+)
		rotationID, ok := framework.IDFromIdentity(ctx, req.Identity, "rotation", &resp.Diagnostics)
		if !ok {
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), rotationID)...)
		if resp.Private != nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyImported, []byte(`true`))...)
		}
		return
	}
	id, err := parseRotationImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if id.byName() {
		if !framework.RequireClient(r.client, &resp.Diagnostics) {
			return
		}
		found, err := r.client.GetAuth0ClientSecretRotationByName(ctx, id.ProjectID, id.Environment, id.SecretPath, id.Name)
		if err != nil {
			resp.Diagnostics.AddError("Could not find the Auth0 client secret rotation to import", framework.APIErrorDetail(err))
			return
		}
		id.RotationID = found.ID
		// Read keeps a spelling that names the same folder: the next plan
		// is empty when the configuration writes the path as the ID did.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("secret_path"), id.SecretPathAsWritten)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.RotationID)...)
	if resp.Private != nil { // always set by the framework; nil only when called directly
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyImported, []byte(`true`))...)
	}
}

// updateRequest holds every field that differs between plan and state, each
// sent explicitly (a false auto_rotation_enabled and a removed description
// included).
func updateRequest(ctx context.Context, plan, state auth0RotationModel, diags *diag.Diagnostics) kms.UpdateAuth0ClientSecretRotationRequest {
	var u kms.UpdateAuth0ClientSecretRotationRequest
	if !plan.Name.Equal(state.Name) {
		u.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Description.Equal(state.Description) {
		u.Description = kms.NullableString{Set: true, Value: plan.Description.ValueStringPointer()}
	}
	if !plan.AutoRotationEnabled.Equal(state.AutoRotationEnabled) {
		u.IsAutoRotationEnabled = plan.AutoRotationEnabled.ValueBoolPointer()
	}
	if !plan.RotationInterval.Equal(state.RotationInterval) {
		u.RotationInterval = plan.RotationInterval.ValueInt64Pointer()
	}
	if !plan.RotateAtUTC.Equal(state.RotateAtUTC) {
		v := plan.rotateAtUTC(ctx, diags)
		u.RotateAtUTC = &v
	}
	if !plan.Parameters.Equal(state.Parameters) {
		v := plan.parameters(ctx, diags)
		u.Parameters = &v
	}
	if !plan.SecretsMapping.Equal(state.SecretsMapping) {
		v := plan.secretsMapping(ctx, diags)
		u.SecretsMapping = &v
	}
	return u
}
