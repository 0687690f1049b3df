// Package provider is the Terraform face of Hanzo KMS: the provider's
// schema, its Configure (which logs in once, through internal/provider/login,
// and hands every type one client) and the list of the families of Terraform
// types it serves, each a package under internal/service.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider/login"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/service/appconnection"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/service/secretrotation"
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

// families are the families of Terraform types the provider serves, each
// handing over its types in one registration. A new family is one package
// under internal/service and one line here.
var families = []framework.Registration{
	secretrotation.Registration(),
	appconnection.Registration(),
}

// fromFamilies gathers one kind of type from every family.
func fromFamilies[T any](kind func(framework.Registration) []T) []T {
	var out []T
	for _, f := range families {
		out = append(out, kind(f)...)
	}
	return out
}

func (p *hanzoKMSProvider) Resources(context.Context) []func() resource.Resource {
	return fromFamilies(func(r framework.Registration) []func() resource.Resource { return r.Resources })
}

func (p *hanzoKMSProvider) DataSources(context.Context) []func() datasource.DataSource {
	return fromFamilies(func(r framework.Registration) []func() datasource.DataSource { return r.DataSources })
}

func (p *hanzoKMSProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return fromFamilies(func(r framework.Registration) []func() ephemeral.EphemeralResource { return r.EphemeralResources })
}

// Actions run on Terraform 1.14+ only; other CLIs never ask for them.
func (p *hanzoKMSProvider) Actions(context.Context) []func() action.Action {
	return fromFamilies(func(r framework.Registration) []func() action.Action { return r.Actions })
}

// ListResources serve `terraform query` (Terraform 1.14+).
func (p *hanzoKMSProvider) ListResources(context.Context) []func() list.ListResource {
	return fromFamilies(func(r framework.Registration) []func() list.ListResource { return r.ListResources })
}

// Functions need Terraform 1.8+ or OpenTofu 1.7+; they need no configured
// provider and make no request.
func (p *hanzoKMSProvider) Functions(context.Context) []func() function.Function {
	return fromFamilies(func(r framework.Registration) []func() function.Function { return r.Functions })
}

// providerModel holds the provider attributes that are not a login
// method's; those are read by name (login.SchemaAttributes), so that a new
// method adds no field here.
type providerModel struct {
	Host           types.String `tfsdk:"host"`
	CACertificate  types.String `tfsdk:"ca_certificate"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
}

func (p *hanzoKMSProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hanzokms"
	resp.Version = p.version
}

func (p *hanzoKMSProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attributes := login.SchemaAttributes()
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Hanzo KMS provider manages [Hanzo KMS](https://kms.hanzo.ai) secret rotations. " +
			"It logs in as a machine identity in one of these ways, chosen by which attributes are set: " + login.Doc() +
			". Setting more than one is an error. Every attribute can be set by an environment variable instead, so a " +
			"Terraform Cloud workspace or a CI job needs no provider block at all.",
		Attributes: attributes,
	}
	for name, attr := range map[string]schema.Attribute{
		"host": schema.StringAttribute{
			MarkdownDescription: "Base URL of the Hanzo KMS, e.g. `https://us.kms.hanzo.ai` (the default), " +
				"`https://eu.kms.hanzo.ai`, or a self-hosted URL. May also be set with `" + envvar.Host + "`.",
			Optional: true,
		},
		"ca_certificate": schema.StringAttribute{
			MarkdownDescription: "PEM-encoded CA certificate(s) to trust in addition to the system roots, for a " +
				"self-hosted KMS behind a private TLS chain (also trusted for the GitHub Actions token request). " +
				"May also be set with `" + envvar.CACertificate + "`.",
			Optional: true,
		},
		"request_timeout": schema.StringAttribute{
			MarkdownDescription: "Timeout of one HTTP request, as a Go duration (`30s`, `2m`). Defaults to `60s`. " +
				"It also bounds the wait before a rate-limited login is sent again: a longer wait asked for fails the login. " +
				"May also be set with `" + envvar.RequestTimeout + "`.",
			Optional:   true,
			Validators: []validator.String{framework.PositiveDuration()},
		},
		"max_retries": schema.Int64Attribute{
			MarkdownDescription: "How many times a request that is safe to repeat is retried after a rate limit " +
				"(429, honouring `Retry-After`; the KMS rate-limits per client address and route), a 502/503/504 or a " +
				"connection failure, with capped, jittered backoff. A refused login is never retried; a rate-limited login (429 " +
				"before the KMS checks the credentials) is sent again after the wait the KMS asks for, up to this many times. " +
				"`0` turns retries off. Defaults to `4`. May also be set with `" + envvar.MaxRetries + "`.",
			Optional:   true,
			Validators: []validator.Int64{int64validator.Between(0, 10)},
		},
	} {
		attributes[name] = attr
	}
}

func (p *hanzoKMSProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return login.ConfigValidators()
}

func (p *hanzoKMSProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	for name, target := range map[string]any{
		"host": &cfg.Host, "ca_certificate": &cfg.CACertificate, "request_timeout": &cfg.RequestTimeout, "max_retries": &cfg.MaxRetries,
	} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), target)...)
	}
	loginValues := map[string]types.String{}
	for name := range login.SchemaAttributes() {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		loginValues[name] = v
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// A configuration that depends on values known only after apply cannot
	// be used yet; resources say so if they need the client during plan.
	unknown := cfg.MaxRetries.IsUnknown()
	for _, v := range append([]types.String{cfg.Host, cfg.CACertificate, cfg.RequestTimeout}, mapValues(loginValues)...) {
		unknown = unknown || v.IsUnknown()
	}
	if unknown {
		tflog.Debug(ctx, "hanzokms: provider configuration not yet known, skipping configure")
		return
	}

	chosen, diags := login.Prepare(loginValues)
	if diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	host, _ := framework.ValueOrEnv(cfg.Host, envvar.Host, kms.DefaultHost)
	caCertificate, _ := framework.ValueOrEnv(cfg.CACertificate, envvar.CACertificate, "")
	requestTimeout, _ := framework.ValueOrEnv(cfg.RequestTimeout, envvar.RequestTimeout, "")
	maxRetriesSetting := os.Getenv(envvar.MaxRetries)
	if !cfg.MaxRetries.IsNull() {
		maxRetriesSetting = strconv.FormatInt(cfg.MaxRetries.ValueInt64(), 10)
	}
	if _, err := kms.ParseHost(host); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("host"), "Invalid Hanzo KMS host",
			fmt.Sprintf("%v. Set host (or %s) to the KMS base URL, e.g. %s.", err, envvar.Host, kms.DefaultHost))
		return
	}
	timeout, err := framework.ParseDuration(requestTimeout)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
			fmt.Sprintf("request_timeout (or %s): %v. Use a positive Go duration such as 30s or 2m.", envvar.RequestTimeout, err))
		return
	}
	var maxRetries *int // unset: the client's default
	if maxRetriesSetting != "" {
		n, err := strconv.Atoi(maxRetriesSetting)
		if err != nil || n < 0 || n > 10 {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("max_retries (or %s) must be a whole number from 0 to 10, got %q.", envvar.MaxRetries, maxRetriesSetting))
			return
		}
		maxRetries = &n
	}

	kmsCfg := kms.Config{
		Host:       host,
		CACertPEM:  []byte(caCertificate),
		Timeout:    timeout,
		MaxRetries: maxRetries,
		UserAgent:  "terraform-provider-hanzokms/" + p.version,
	}
	chosen.Configure(&kmsCfg)
	client, err := kms.New(kmsCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Hanzo KMS provider configuration", err.Error())
		return
	}
	if err := client.Login(ctx); err != nil {
		resp.Diagnostics.AddError(chosen.Failure(err, client.Host()))
		return
	}
	data := &framework.ProviderData{Client: client}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func mapValues(m map[string]types.String) []types.String {
	out := make([]types.String, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
