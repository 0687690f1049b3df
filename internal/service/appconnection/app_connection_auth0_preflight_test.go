package appconnection

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/auth0/go-auth0/authentication/oauth"
	"github.com/auth0/go-auth0/management"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

func jwtWith(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

func TestGrantedScopesReadsTheTokenOnlyWhenTheAnswerLacksThem(t *testing.T) {
	cases := []struct {
		name   string
		tokens oauth.TokenSet
		want   []string
		known  bool
	}{
		{"answer's scope wins", oauth.TokenSet{Scope: "read:clients update:client_keys", AccessToken: jwtWith(`{"scope":"other"}`)},
			[]string{"read:clients", "update:client_keys"}, true},
		{"JWT claim", oauth.TokenSet{AccessToken: jwtWith(`{"scope":"read:clients"}`)}, []string{"read:clients"}, true},
		{"JWT with an empty scope", oauth.TokenSet{AccessToken: jwtWith(`{"scope":""}`)}, nil, true},
		{"JWT without a scope claim", oauth.TokenSet{AccessToken: jwtWith(`{"sub":"x"}`)}, nil, false},
		{"opaque token", oauth.TokenSet{AccessToken: "opaque-token"}, nil, false},
		{"not base64", oauth.TokenSet{AccessToken: "a.%%%.c"}, nil, false},
	}
	for _, tc := range cases {
		got, known := grantedScopes(&tc.tokens)
		if known != tc.known || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v (known %v), want %v (known %v)", tc.name, got, known, tc.want, tc.known)
		}
	}
}

func TestNoSecretReason(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		app  management.Client
		want string
	}{
		{management.Client{AppType: str("non_interactive"), TokenEndpointAuthMethod: str("client_secret_post")}, ""},
		{management.Client{AppType: str("regular_web"), TokenEndpointAuthMethod: str("client_secret_basic")}, ""},
		{management.Client{AppType: str("spa"), TokenEndpointAuthMethod: str("none")}, "public spa application"},
		{management.Client{AppType: str("native")}, "public native application"},
		{management.Client{AppType: str("regular_web"), TokenEndpointAuthMethod: str("none")}, "method none"},
		{management.Client{TokenEndpointAuthMethod: str("private_key_jwt")}, "private_key_jwt"},
		{management.Client{ClientAuthenticationMethods: &management.ClientAuthenticationMethods{PrivateKeyJWT: &management.PrivateKeyJWT{}}}, "private_key_jwt"},
		{management.Client{ClientAuthenticationMethods: &management.ClientAuthenticationMethods{TLSClientAuth: &management.TLSClientAuth{}}}, "mutual TLS"},
	}
	for i, tc := range cases {
		got := noSecretReason(&tc.app)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("case %d: %q, want %q", i, got, tc.want)
		}
	}
}

func TestPreflightRunsOnCreateAndOnChangeOnly(t *testing.T) {
	ids := func(v ...string) types.Set {
		els := make([]attr.Value, len(v))
		for i, s := range v {
			els[i] = types.StringValue(s)
		}
		return types.SetValueMust(types.StringType, els)
	}
	base := appConnectionAuth0Model{
		Domain: types.StringValue("tenant.example.com"), ClientID: types.StringValue("rotator"),
		Audience: types.StringValue("https://tenant.example.com/api/v2/"), ClientSecret: types.StringValue("s3cret"),
		ClientSecretWO: types.StringNull(), ClientSecretWOVersion: types.Int64Null(),
		Preflight: types.BoolValue(true), RotatedClientIDs: types.SetNull(types.StringType),
		Name: types.StringValue("connection"), Description: types.StringNull(),
	}
	with := func(change func(*appConnectionAuth0Model)) appConnectionAuth0Model {
		m := base
		change(&m)
		return m
	}
	state := base
	cases := []struct {
		name         string
		plan, config appConnectionAuth0Model
		state        *appConnectionAuth0Model
		run          bool
	}{
		{"create", base, base, nil, true},
		{"no change", base, base, &state, false},
		{"preflight off", with(func(m *appConnectionAuth0Model) { m.Preflight = types.BoolValue(false) }), base, nil, false},
		{"domain unknown", with(func(m *appConnectionAuth0Model) { m.Domain = types.StringUnknown() }), base, nil, false},
		{"audience unknown", with(func(m *appConnectionAuth0Model) { m.Audience = types.StringUnknown() }), base, nil, false},
		{"secret unknown", base, with(func(m *appConnectionAuth0Model) { m.ClientSecret = types.StringUnknown() }), nil, false},
		{"new secret", with(func(m *appConnectionAuth0Model) { m.ClientSecret = types.StringValue("new") }),
			with(func(m *appConnectionAuth0Model) { m.ClientSecret = types.StringValue("new") }), &state, true},
		{"applications listed", with(func(m *appConnectionAuth0Model) { m.RotatedClientIDs = ids("app") }), base, &state, true},
		// Each value the check depends on runs it again when it changes...
		{"new domain", with(func(m *appConnectionAuth0Model) { m.Domain = types.StringValue("other.example.com") }), base, &state, true},
		{"new client_id", with(func(m *appConnectionAuth0Model) { m.ClientID = types.StringValue("other-rotator") }), base, &state, true},
		{"new audience", with(func(m *appConnectionAuth0Model) { m.Audience = types.StringValue("https://tenant.example.com/other/") }), base, &state, true},
		{"new client_secret_wo_version", with(func(m *appConnectionAuth0Model) { m.ClientSecretWOVersion = types.Int64Value(2) }), base,
			func() *appConnectionAuth0Model {
				s := with(func(m *appConnectionAuth0Model) { m.ClientSecretWOVersion = types.Int64Value(1) })
				return &s
			}(), true},
		// ...and nothing else does.
		{"new name", with(func(m *appConnectionAuth0Model) { m.Name = types.StringValue("renamed") }), base, &state, false},
		{"new description", with(func(m *appConnectionAuth0Model) { m.Description = types.StringValue("described") }), base, &state, false},
		{"preflight turned on", base, base, func() *appConnectionAuth0Model {
			s := with(func(m *appConnectionAuth0Model) { m.Preflight = types.BoolValue(false) })
			return &s
		}(), true},
	}
	for _, tc := range cases {
		_, run := preflightFor(tc.plan, tc.config, tc.state, nil)
		if run != tc.run {
			t.Errorf("%s: runs %v, want %v", tc.name, run, tc.run)
		}
	}
	// The write-only secret is taken from the configuration.
	wo := with(func(m *appConnectionAuth0Model) {
		m.ClientSecret = types.StringNull()
		m.ClientSecretWO = types.StringValue("write-only")
	})
	p, _ := preflightFor(with(func(m *appConnectionAuth0Model) { m.ClientSecret = types.StringNull() }), wo, nil, nil)
	if p == nil || p.clientSecret != "write-only" {
		t.Errorf("the write-only secret was not used: %+v", p)
	}
}

// The check's logs (at TRACE) and diagnostics hold neither the secret nor
// the token Auth0 issued.
func TestPreflightNeverLogsTheSecretOrToken(t *testing.T) {
	tenant, err := localauth0.Start(localauth0.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tenant.Close()
	rotator := tenant.AddApplication(localauth0.Application{ClientID: "rotator",
		ManagementScopes: []string{localauth0.ScopeReadClients}})
	tenant.AddApplication(localauth0.Application{ClientID: "app"})
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(tenant.CACertPEM())

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	p := &auth0Preflight{domain: tenant.Domain(), clientID: "rotator", clientSecret: rotator.Secret,
		audience: tenant.ManagementAudience(), rotatedClientIDs: []string{"app", "missing"}, rootCAs: roots}
	diags := p.run(ctx)

	var text strings.Builder
	for _, d := range diags {
		text.WriteString(d.Summary() + " " + d.Detail() + "\n")
	}
	if !strings.Contains(text.String(), "without the scope update:client_keys") || !strings.Contains(text.String(), `lists "missing"`) {
		t.Fatalf("the check did not run to the end:\n%s", text.String())
	}
	if !strings.Contains(logs.String(), "Auth0 preflight token issued") {
		t.Fatalf("nothing logged:\n%s", logs.String())
	}
	for where, s := range map[string]string{"logs": logs.String(), "diagnostics": text.String()} {
		if strings.Contains(s, rotator.Secret) {
			t.Errorf("the %s hold the client secret", where)
		}
		if strings.Contains(s, "eyJ") { // every issued token is a JWT: base64 of `{"`
			t.Errorf("the %s hold an access token:\n%s", where, s)
		}
	}
	if n := tenant.Requests()["GET /api/v2/clients/{id}"]; n != 2 {
		t.Errorf("%d application reads, want 2", n)
	}
}

// Without the tenant's CA the check does not trust it, and says so as a
// warning (never a silent pass, never an error).
func TestPreflightTrustsOnlyTheGivenRoots(t *testing.T) {
	tenant, err := localauth0.Start(localauth0.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tenant.Close()
	rotator := tenant.AddApplication(localauth0.Application{ClientID: "rotator", ManagementScopes: []string{localauth0.ScopeReadClients}})
	p := &auth0Preflight{domain: tenant.Domain(), clientID: "rotator", clientSecret: rotator.Secret, audience: tenant.ManagementAudience()}
	diags := p.run(context.Background())
	if diags.HasError() || diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), "certificate signed by unknown authority") {
		t.Errorf("an untrusted tenant: %v", diags)
	}
	if n := tenant.Requests()["POST /oauth/token"]; n != 0 {
		t.Errorf("a request reached the untrusted tenant: %d", n)
	}
}
