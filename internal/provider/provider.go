// Package provider is the Terraform face of Hanzo KMS: the provider
// configuration and one file per resource, data source and ephemeral
// resource. It talks to the KMS only through internal/kms.
package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

var (
	_ provider.Provider                       = (*hanzoKMSProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*hanzoKMSProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*hanzoKMSProvider)(nil)
	_ provider.ProviderWithActions            = (*hanzoKMSProvider)(nil)
	_ provider.ProviderWithListResources      = (*hanzoKMSProvider)(nil)
	_ provider.ProviderWithFunctions          = (*hanzoKMSProvider)(nil)
)

type hanzoKMSProvider struct {
	version string
}

// New returns the provider factory for a release version ("dev", "test", ...).
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &hanzoKMSProvider{version: version} }
}

func (p *hanzoKMSProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAuth0ClientSecretRotationResource,
		NewAppConnectionAuth0Resource,
	}
}

func (p *hanzoKMSProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAuth0ClientSecretRotationDataSource,
		NewAuth0ClientSecretRotationsDataSource,
	}
}

func (p *hanzoKMSProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAuth0ClientSecretRotationCredentialsEphemeralResource,
	}
}

// Actions run on Terraform 1.14+ only; other CLIs never ask for them.
func (p *hanzoKMSProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewAuth0ClientSecretRotationRotateAction,
	}
}

// ListResources serve `terraform query` (Terraform 1.14+).
func (p *hanzoKMSProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewAuth0ClientSecretRotationListResource,
	}
}

// Functions need Terraform 1.8+ or OpenTofu 1.7+; they need no configured
// provider and make no request.
func (p *hanzoKMSProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewRotationImportIDFunction,
		NewParseRotationImportIDFunction,
	}
}

type providerModel struct {
	Host           types.String `tfsdk:"host"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Token          types.String `tfsdk:"token"`
	CACertificate  types.String `tfsdk:"ca_certificate"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`

	OIDCIdentityID  types.String `tfsdk:"oidc_identity_id"`
	OIDCTokenEnvVar types.String `tfsdk:"oidc_token_env_var"`
	OIDCTokenFile   types.String `tfsdk:"oidc_token_file"`
	OIDCAudience    types.String `tfsdk:"oidc_audience"`
}

// providerData is what every resource receives from Configure: one client,
// logged in once, shared by all of them.
type providerData struct {
	client *kms.Client
}

func (p *hanzoKMSProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hanzokms"
	resp.Version = p.version
}

func (p *hanzoKMSProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Hanzo KMS provider manages [Hanzo KMS](https://kms.hanzo.ai) secret rotations. " +
			"It logs in as a machine identity in one of three ways, chosen by which attributes are set: universal auth " +
			"(`client_id` and `client_secret`), OIDC workload identity (`oidc_identity_id`, with the identity token " +
			"of the Terraform Cloud run, a file, or GitHub Actions), or a ready access `token`. Setting more than one " +
			"is an error. Every attribute can be set by an environment variable instead, so a Terraform Cloud " +
			"workspace needs no provider block at all.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Hanzo KMS, e.g. `https://us.kms.hanzo.ai` (the default), " +
					"`https://eu.kms.hanzo.ai`, or a self-hosted URL. May also be set with `" + EnvHost + "`.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID of a machine identity with universal auth. Requires `client_secret`; " +
					"conflicts with `token`. May also be set with `" + EnvClientID + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the machine identity. Never logged. May also be set with `" + EnvClientSecret + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "A pre-issued machine identity access token, used as is (no login; it is not " +
					"renewed). Conflicts with `client_id`/`client_secret`. May also be set with `" + EnvToken + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"oidc_identity_id": schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with OIDC Auth: the provider logs in with an OIDC identity " +
					"token instead of a stored secret. The token is read at every login from `oidc_token_file`, or the " +
					"variable `oidc_token_env_var` names, or by default `" + EnvTFCWorkloadIdentityToken + "` (Terraform " +
					"Cloud workload identity), or requested from GitHub Actions when `" + EnvGitHubTokenRequestURL + "` and `" +
					EnvGitHubTokenRequestToken + "` are set. Conflicts with `client_id`, `client_secret` and `token`. " +
					"It is " + oidcIdentityIDRule + ", as the KMS shows it on the identity's page. " +
					"May also be set with `" + EnvOIDCIdentityID + "`.",
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(uuidPattern,
					"must be the machine identity's ID, "+oidcIdentityIDRule+" (so must "+EnvOIDCIdentityID+")")},
			},
			"oidc_token_env_var": schema.StringAttribute{
				MarkdownDescription: "Name of the environment variable holding the OIDC identity token, e.g. " +
					"`TFC_WORKLOAD_IDENTITY_TOKEN_KMS` for a tagged Terraform Cloud token. Defaults to `" +
					EnvTFCWorkloadIdentityToken + "`. Conflicts with `oidc_token_file`. May also be set with `" + EnvOIDCTokenEnvVar + "`.",
				Optional:   true,
				Validators: []validator.String{envVarNameValidator{}},
			},
			"oidc_token_file": schema.StringAttribute{
				MarkdownDescription: "Path of a file holding the OIDC identity token, e.g. a Kubernetes projected service " +
					"account token. It is read again at every login, as the kubelet replaces it. Conflicts with " +
					"`oidc_token_env_var`. May also be set with `" + EnvOIDCTokenFile + "`.",
				Optional: true,
			},
			"oidc_audience": schema.StringAttribute{
				MarkdownDescription: "Audience of the token the provider requests from GitHub Actions (when `" +
					EnvGitHubTokenRequestURL + "` is set); it must be one of the identity's bound audiences. Without it " +
					"GitHub uses its default audience. Only for the GitHub Actions request: with Terraform Cloud set " +
					"`TFC_WORKLOAD_IDENTITY_AUDIENCE` in the workspace instead. May also be set with `" + EnvOIDCAudience + "`.",
				Optional: true,
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) to trust in addition to the system roots, for a " +
					"self-hosted KMS behind a private TLS chain (also trusted for the GitHub Actions token request). " +
					"May also be set with `" + EnvCACertificate + "`.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP request, as a Go duration (`30s`, `2m`). Defaults to `60s`. " +
					"It also bounds the wait before a rate-limited login is sent again: a longer wait asked for fails the login. " +
					"May also be set with `" + EnvRequestTimeout + "`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request that is safe to repeat is retried after a rate limit " +
					"(429, honouring `Retry-After`; only the cloud service rate-limits, per client address), a 502/503/504 or a " +
					"connection failure, with capped, jittered backoff. A refused login is never retried; a rate-limited login (429 " +
					"before the KMS checks the credentials) is sent again after the wait the KMS asks for, up to this many times. " +
					"`0` turns retries off. Defaults to `4`. May also be set with `" + EnvMaxRetries + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 10)},
			},
		},
	}
}

func (p *hanzoKMSProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("token"), path.MatchRoot("client_id")),
		providervalidator.Conflicting(path.MatchRoot("token"), path.MatchRoot("client_secret")),
		providervalidator.Conflicting(path.MatchRoot("oidc_identity_id"), path.MatchRoot("client_id")),
		providervalidator.Conflicting(path.MatchRoot("oidc_identity_id"), path.MatchRoot("client_secret")),
		providervalidator.Conflicting(path.MatchRoot("oidc_identity_id"), path.MatchRoot("token")),
		providervalidator.Conflicting(path.MatchRoot("oidc_token_env_var"), path.MatchRoot("oidc_token_file")),
	}
}

func (p *hanzoKMSProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A configuration that depends on values known only after apply cannot
	// be used yet; resources say so if they need the client during plan.
	for _, v := range []types.String{cfg.Host, cfg.ClientID, cfg.ClientSecret, cfg.Token, cfg.CACertificate, cfg.RequestTimeout,
		cfg.OIDCIdentityID, cfg.OIDCTokenEnvVar, cfg.OIDCTokenFile, cfg.OIDCAudience} {
		if v.IsUnknown() {
			tflog.Debug(ctx, "hanzokms: provider configuration not yet known, skipping configure")
			return
		}
	}
	if cfg.MaxRetries.IsUnknown() {
		return
	}

	settings := resolveSettings(cfg)
	login, diags := chooseLogin(settings)
	if diags != nil {
		resp.Diagnostics.Append(diags...)
		return
	}
	if _, err := kms.ParseHost(settings.host); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("host"), "Invalid Hanzo KMS host",
			fmt.Sprintf("%v. Set host (or %s) to the KMS base URL, e.g. %s.", err, EnvHost, kms.DefaultHost))
		return
	}
	timeout, err := parseDurationSetting(settings.requestTimeout)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
			fmt.Sprintf("request_timeout (or %s): %v. Use a positive Go duration such as 30s or 2m.", EnvRequestTimeout, err))
		return
	}
	var maxRetries *int // unset: the client's default
	if settings.maxRetries != "" {
		n, err := strconv.Atoi(settings.maxRetries)
		if err != nil || n < 0 || n > 10 {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("max_retries (or %s) must be a whole number from 0 to 10, got %q.", EnvMaxRetries, settings.maxRetries))
			return
		}
		maxRetries = &n
	}

	logger := newTFLogger(logMasked(settings)...)
	kmsCfg := kms.Config{
		Host:       settings.host,
		Token:      settings.token,
		CACertPEM:  []byte(settings.caCertificate),
		Timeout:    timeout,
		MaxRetries: maxRetries,
		UserAgent:  "terraform-provider-hanzokms/" + p.version,
		Logger:     logger,
	}
	switch login.method {
	case loginUniversalAuth:
		kmsCfg.ClientID, kmsCfg.ClientSecret = settings.clientID, settings.clientSecret
	case loginOIDC:
		// Every OIDC token read is masked in the provider's log lines too.
		kmsCfg.OIDCIdentityID, kmsCfg.OIDCToken = settings.oidcIdentityID, maskedTokenSource{login.oidcSource, logger}
	}
	client, err := kms.New(kmsCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Hanzo KMS provider configuration", err.Error())
		return
	}
	if err := client.Login(ctx); err != nil {
		resp.Diagnostics.AddError(loginFailure(login, settings, err, client.Host()))
		return
	}
	data := &providerData{client: client}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}
