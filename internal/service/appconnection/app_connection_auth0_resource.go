package appconnection

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ resource.Resource                     = (*appConnectionAuth0Resource)(nil)
	_ resource.ResourceWithConfigure        = (*appConnectionAuth0Resource)(nil)
	_ resource.ResourceWithImportState      = (*appConnectionAuth0Resource)(nil)
	_ resource.ResourceWithModifyPlan       = (*appConnectionAuth0Resource)(nil)
	_ resource.ResourceWithConfigValidators = (*appConnectionAuth0Resource)(nil)
	_ resource.ResourceWithIdentity         = (*appConnectionAuth0Resource)(nil)
)

// NewAppConnectionAuth0Resource is the factory of hanzokms_app_connection_auth0.
func NewAppConnectionAuth0Resource() resource.Resource {
	return &appConnectionAuth0Resource{}
}

type appConnectionAuth0Resource struct {
	client *kms.Client
}

type appConnectionAuth0Model struct {
	ID                    types.String `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	Description           types.String `tfsdk:"description"`
	ProjectID             types.String `tfsdk:"project_id"`
	Domain                types.String `tfsdk:"domain"`
	ClientID              types.String `tfsdk:"client_id"`
	Audience              types.String `tfsdk:"audience"`
	ClientSecret          types.String `tfsdk:"client_secret"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	Preflight             types.Bool   `tfsdk:"preflight"`
	RotatedClientIDs      types.Set    `tfsdk:"rotated_client_ids"`
	Method                types.String `tfsdk:"method"`
	CreatedAt             types.String `tfsdk:"created_at"`
	UpdatedAt             types.String `tfsdk:"updated_at"`
}

func (r *appConnectionAuth0Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_connection_auth0"
}

func (r *appConnectionAuth0Resource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Auth0 app connection of Hanzo KMS: the Machine-to-Machine application the KMS uses to " +
			"rotate client secrets, the prerequisite of `hanzokms_auth0_client_secret_rotation`. The application needs " +
			"the Management API scopes `read:clients` and `update:client_keys`. The KMS checks the credentials with " +
			"Auth0 when the connection is created or its credentials change.\n\n" +
			"The KMS never returns the client secret. Give it as `client_secret` (sensitive, kept in state) or, on " +
			"Terraform 1.11+ / OpenTofu 1.11+, as write-only `client_secret_wo` with `client_secret_wo_version` (bump " +
			"the version to send a new secret; nothing of it is stored).\n\n" +
			"**Drift.** The KMS answers the connection's `domain`, `client_id` and `audience`, so a change made to them " +
			"outside Terraform shows in the plan, which sends the configured credentials (secret included) back. A secret " +
			"changed outside Terraform alone cannot be seen: the KMS never answers it, and its `credentialsHash` says " +
			"nothing about it. That hash is a SHA-256 of the encrypted credentials, which the KMS encrypts again, with a " +
			"new random nonce, whenever it stores the Auth0 Management API token it keeps with them (a token lasts at " +
			"most 10 minutes and is replaced once less than 5 remain: on a rotation's create, a manual or scheduled " +
			"rotation, a revoke on delete). The hash and the connection's `updatedAt` therefore move with no credential " +
			"changed; the provider keeps no hash and plans nothing because `updated_at` moved. To send the secret again, bump " +
			"`client_secret_wo_version`, or, with `client_secret`, remove the connection from state and import it " +
			"(the next apply then sends the secret).\n\n" +
			"**Preflight.** When the connection is created, or its domain, client ID, audience, secret or " +
			"`rotated_client_ids` change, the provider itself asks Auth0 (from where Terraform runs) for a Management " +
			"API token for `audience` and fails the plan when the grant lacks `read:clients` or `update:client_keys` " +
			"(naming the scope and where to grant it), when Auth0 refuses the credentials, or when an application in " +
			"`rotated_client_ids` does not exist or has no client secret to rotate (`private_key_jwt`, or a public SPA " +
			"or native application). An Auth0 that cannot be reached from there (often only the KMS's network reaches " +
			"it) is a warning, and the plan goes on. Values not known until apply postpone the check to the apply. " +
			"Set `preflight = false` to turn it off. The check trusts the system's certificate authorities plus the " +
			"provider's `ca_certificate`, and never logs the secret or the token.\n\n" +
			"**Import** by connection id; the secret is then sent again on the next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The connection's ID (a UUID); use it as a rotation's `connection_id`.",
				Computed:            true,
				PlanModifiers:       useState,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the connection: a slug of 1-64 lowercase letters, digits and single hyphens (the KMS refuses upper case rather than lowercasing it).",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(framework.SlugPattern, framework.SlugRule),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description, at most 256 characters, without white space at either end (the KMS trims it, so it is refused; wrap a heredoc in `chomp()`).",
				Optional:            true,
				Validators:          []validator.String{framework.ServerTrimmed(), stringvalidator.LengthAtMost(256)},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Project the connection belongs to; unset for an organization-wide connection. Changing it replaces the connection. Needs a server release with project-scoped app connections: on an older one (such as Infisical's backend as of 2025-06-22) the create fails naming `project_id`, and the connection the server made without it is deleted again.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "The Auth0 tenant's domain, e.g. `example.us.auth0.com`, without `https://` (which the KMS adds) and without white space at either end (which the KMS would trim).",
				Required:            true,
				Validators:          []validator.String{framework.ServerTrimmed(), stringvalidator.RegexMatches(regexp.MustCompile(`^[A-Za-z0-9.-]+(:\d+)?$`), "must be a host name such as example.us.auth0.com, without a scheme or path")},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID of the Machine-to-Machine application, without white space at either end (which the KMS would trim).",
				Required:            true,
				Validators:          []validator.String{framework.ServerTrimmed(), stringvalidator.LengthAtLeast(1)},
			},
			"audience": schema.StringAttribute{
				MarkdownDescription: "Audience of the Management API, ending in `/`. Defaults to `https://<domain>/api/v2/`. " +
					"The KMS sends its Management API calls to this URL followed by `clients/<client id>`, so an audience without " +
					"the trailing slash would make every rotation fail; it is refused at plan time, as is white space at either end (which the KMS would trim).",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{framework.ServerTrimmed(), stringvalidator.RegexMatches(audiencePattern, audienceRule)},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the application. Sensitive, and kept in state; prefer `client_secret_wo` on CLIs that support write-only attributes (where setting this one warns). Exactly one of the two is required. The KMS trims white space from both ends of the secret before it uses it (the preflight does the same), so a secret read with `file()` may keep its final newline.",
				Optional:            true,
				Sensitive:           true,
				// Warns only on a CLI that can send write-only attributes.
				Validators: []validator.String{framework.PreferWriteOnly("client_secret", "client_secret_wo")},
			},
			"client_secret_wo": schema.StringAttribute{
				MarkdownDescription: "Client secret of the application, write-only: sent to the KMS, never stored in plan or state. Requires Terraform 1.11+ or OpenTofu 1.11+, and `client_secret_wo_version`. Trimmed by the KMS, as `client_secret` is.",
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
			},
			"client_secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `client_secret_wo`: change it to send a new write-only secret.",
				Optional:            true,
			},
			"preflight": schema.BoolAttribute{
				MarkdownDescription: "Check the connection at Auth0 from where Terraform runs, at plan time (see above). " +
					"Defaults to `true`; `false` turns the check off. Never sent to the KMS.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"rotated_client_ids": schema.SetAttribute{
				MarkdownDescription: "Client IDs of the Auth0 applications this connection is meant to rotate (the " +
					"`parameters.client_id` of its rotations). Optional; when set, the preflight checks that each exists " +
					"and authenticates with a client secret. Never sent to the KMS.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"method":     framework.ComputedString("Authentication method: `client-credentials`.", useState),
			"created_at": framework.ComputedString("When the connection was created (RFC 3339, UTC).", useState),
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the KMS last wrote the connection (RFC 3339, UTC). It also moves when the KMS " +
					"stores a new Auth0 Management API token with the credentials (see **Drift**), so it is no sign that " +
					"anything was changed; the provider plans nothing because of it.",
				Computed: true,
			},
		},
	}
}

// IdentitySchema: an app connection is identified by its id (framework.IDIdentitySchema).
func (r *appConnectionAuth0Resource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = framework.IDIdentitySchema("app connection")
}

func (r *appConnectionAuth0Resource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("client_secret"), path.MatchRoot("client_secret_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("client_secret_wo"), path.MatchRoot("client_secret_wo_version")),
		resourcevalidator.Conflicting(path.MatchRoot("client_secret"), path.MatchRoot("client_secret_wo_version")),
	}
}

func (r *appConnectionAuth0Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

// defaultAudience is the Management API identifier of a tenant.
func defaultAudience(domain string) string {
	return normalizeDomain(domain) + "/api/v2/"
}

// normalizeDomain is the KMS's spelling of a domain: with https://.
func normalizeDomain(domain string) string {
	return "https://" + domain
}

// ModifyPlan fills in the default audience, and keeps updated_at known when
// nothing the KMS holds changes.
func (r *appConnectionAuth0Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config appConnectionAuth0Model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Audience.IsNull() && !plan.Domain.IsUnknown() {
		plan.Audience = types.StringValue(defaultAudience(plan.Domain.ValueString()))
	}
	var prior *appConnectionAuth0Model
	if !req.State.Raw.IsNull() {
		var state appConnectionAuth0Model
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if connectionUnchanged(plan, state) {
			plan.UpdatedAt = state.UpdatedAt
		} else {
			plan.UpdatedAt = types.StringUnknown()
		}
		prior = &state
	}
	if check, ok := preflightFor(plan, config, prior, r.rootCAs()); ok && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(check.run(ctx)...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// rootCAs are the authorities the provider trusts for the KMS (system roots
// plus ca_certificate); nil before the provider is configured.
func (r *appConnectionAuth0Resource) rootCAs() *x509.CertPool {
	if r.client == nil {
		return nil
	}
	return r.client.RootCAs()
}

func connectionUnchanged(plan, state appConnectionAuth0Model) bool {
	return plan.Name.Equal(state.Name) && plan.Description.Equal(state.Description) && plan.Domain.Equal(state.Domain) &&
		plan.ClientID.Equal(state.ClientID) && plan.Audience.Equal(state.Audience) &&
		plan.ClientSecret.Equal(state.ClientSecret) && plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion)
}

func (r *appConnectionAuth0Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config appConnectionAuth0Model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	created, err := r.client.CreateAuth0Connection(ctx, kms.CreateAuth0ConnectionRequest{
		Name:        plan.Name.ValueString(),
		Description: plan.Description.ValueStringPointer(),
		Method:      "client-credentials",
		Credentials: credentialsOf(plan, config),
		ProjectID:   plan.ProjectID.ValueString(),
	})
	if err != nil {
		addConnectionWriteError(&resp.Diagnostics, "Could not create the Auth0 app connection", err)
		return
	}
	state := plan
	state.setFromAPI(created, plan)
	if !plan.ProjectID.IsNull() && !created.ProjectIDAnswered {
		// A release without project-scoped connections (the backend as of
		// 2025-06-22) answers 200 with no projectId field at all: it ignored
		// the one sent and made an organization-wide connection. Keeping it
		// would put in state a connection other than the one configured
		// (project_id null, so the apply fails as inconsistent and the
		// connection is left half-created); so it is deleted again and the
		// create fails naming project_id. A null projectId is a different
		// answer (the field known but not set) and is kept as answered.
		detail := fmt.Sprintf("The KMS created the connection but did not keep project_id %q: its answer has no projectId field, "+
			"so this server release does not support project-scoped app connections (it is older than the provider's project_id support). "+
			"Omit project_id to create an organization-wide connection, or upgrade the server.", plan.ProjectID.ValueString())
		if err := r.client.DeleteAuth0Connection(ctx, created.ID); err != nil && !kms.IsNotFound(err) {
			// The connection stays: in state as answered (tainted by the error),
			// so the next apply or destroy deletes it.
			resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Server release does not support project_id",
				detail+fmt.Sprintf(" Deleting the organization-wide connection it created (ID %s) failed too, so it is kept in state: ", created.ID)+framework.APIErrorDetail(err))
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Server release does not support project_id",
			detail+" The connection it created has been deleted again.")
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
}

func (r *appConnectionAuth0Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appConnectionAuth0Model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The id never changes, and the identity must be set even when the
	// object is gone (the framework requires one after every read).
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	current, err := r.client.GetAuth0Connection(ctx, state.ID.ValueString())
	if kms.IsNotFound(err) { // the service's own not-found, never a missing route
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the Auth0 app connection", framework.APIErrorDetail(err)+framework.KeptInState)
		return
	}
	next := state
	next.setFromAPI(current, state)
	if next.Preflight.IsNull() {
		next.Preflight = types.BoolValue(true) // imported: the attribute's default
	}
	// credentialsHash is not compared: the KMS moves it whenever it stores
	// a new Management API token (see the Drift section of the schema).
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *appConnectionAuth0Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config appConnectionAuth0Model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The id never changes: the identity is the state's, whatever path the
	// update takes (the framework requires one after every update).
	framework.SetIDIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	var patch kms.UpdateAuth0ConnectionRequest
	if !plan.Name.Equal(state.Name) {
		patch.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Description.Equal(state.Description) {
		patch.Description = kms.NullableString{Set: true, Value: plan.Description.ValueStringPointer()}
	}
	if !plan.Domain.Equal(state.Domain) || !plan.ClientID.Equal(state.ClientID) || !plan.Audience.Equal(state.Audience) ||
		!plan.ClientSecret.Equal(state.ClientSecret) || !plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion) {
		creds := credentialsOf(plan, config)
		patch.Credentials = &creds
	}
	if patch == (kms.UpdateAuth0ConnectionRequest{}) {
		// Only preflight or rotated_client_ids changed: nothing the KMS holds.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	updated, err := r.client.UpdateAuth0Connection(ctx, state.ID.ValueString(), patch)
	if err != nil {
		addConnectionWriteError(&resp.Diagnostics, "Could not update the Auth0 app connection", err)
		return
	}
	next := plan
	next.setFromAPI(updated, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *appConnectionAuth0Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appConnectionAuth0Model
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !framework.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	if err := r.client.DeleteAuth0Connection(ctx, state.ID.ValueString()); err != nil && !kms.IsNotFound(err) {
		detail := framework.APIErrorDetail(err)
		var apiErr *kms.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && strings.Contains(apiErr.Message, "with existing connections") {
			// The server's words when a foreign key refuses the delete
			// (deleteAppConnection in Infisical's backend/src/services/
			// app-connection/app-connection-service.ts): its "connections"
			// are the objects that use this one.
			detail += "\n\nSomething in the KMS still uses this connection: a secret rotation (or another object, such as a secret sync). " +
				"Delete those first; a rotation managed here whose connection_id refers to this resource is destroyed before it. " +
				"The connection is kept."
		}
		resp.Diagnostics.AddError("Could not delete the Auth0 app connection", detail)
	}
}

func (r *appConnectionAuth0Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" { // an import block with identity = { id = ... } (Terraform 1.12+)
		if id, ok := framework.IDFromIdentity(ctx, req.Identity, "app connection", &resp.Diagnostics); ok {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
		}
		return
	}
	if !framework.UUIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: expected the connection's ID, %s", req.ID, framework.UUIDRule))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// addConnectionWriteError reports a refused create or update. The server's
// URL check (blockLocalAndPrivateIpAddresses in Infisical's
// backend/src/lib/validator/validate-url.ts) refuses a domain that is
// localhost, or that is or resolves to a private address unless the server
// allows internal connections, with 400 "Local IPs not allowed as URL": that
// names the domain attribute and says why.
func addConnectionWriteError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *kms.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && strings.Contains(apiErr.Message, "Local IPs not allowed") {
		diags.AddAttributeError(path.Root("domain"), summary, framework.APIErrorDetail(err)+
			"\n\nThe KMS refuses an Auth0 domain that is localhost, or that is or resolves to a private or loopback address "+
			"unless the KMS is run with ALLOW_INTERNAL_IP_CONNECTIONS=true. Use the tenant's public domain.")
		return
	}
	diags.AddError(summary, framework.APIErrorDetail(err))
}

// credentialsOf takes the secret from client_secret, or from the write-only
// client_secret_wo, which only the configuration carries.
func credentialsOf(plan, config appConnectionAuth0Model) kms.Auth0ConnectionCredentials {
	secret := plan.ClientSecret.ValueString()
	if !config.ClientSecretWO.IsNull() {
		secret = config.ClientSecretWO.ValueString()
	}
	return kms.Auth0ConnectionCredentials{
		Domain:       normalizeDomain(plan.Domain.ValueString()),
		ClientID:     plan.ClientID.ValueString(),
		ClientSecret: secret,
		Audience:     plan.Audience.ValueString(),
	}
}

// setFromAPI copies what the API answered; the secret fields are the
// caller's (the API never returns them).
func (m *appConnectionAuth0Model) setFromAPI(c *kms.Auth0Connection, prior appConnectionAuth0Model) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Description = framework.DescriptionFromAPI(c.Description, prior.Description)
	m.ProjectID = types.StringPointerValue(c.ProjectID)
	// The KMS answers https://<domain>; the attribute is the bare domain.
	m.Domain = types.StringValue(strings.TrimPrefix(c.Credentials.Domain, "https://"))
	m.ClientID = types.StringValue(c.Credentials.ClientID)
	m.Audience = types.StringValue(c.Credentials.Audience)
	m.ClientSecretWO = types.StringNull()
	m.Method = types.StringValue(c.Method)
	m.CreatedAt = types.StringValue(c.CreatedAt)
	m.UpdatedAt = types.StringValue(c.UpdatedAt)
}
