// Package localstack starts a local Auth0 tenant and a local KMS wired to
// each other, seeded with one project, a machine identity, an Auth0 app
// connection and an application to rotate. The acceptance harness, the demo
// and the benchmark all stand on it.
package localstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localk8s"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localsts"
)

// Fixed names of the seeded world.
const (
	ProjectID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	// OtherProjectID is a second project, for moving a rotation between projects.
	OtherProjectID     = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
	IdentityClientID   = "identity-client-id"
	ManagementClientID = "kms-rotator"
	AppClientID        = "app-client-1"
	AppAudience        = "urn:demo-api"
	ConnectionName     = "acc-auth0"
	// KMSOnlyAuth0Domain is the tenant's second domain, reachable only from
	// the local KMS: its HTTP client dials this address to the tenant, while
	// anyone else finds nothing listening there (port 1 on loopback). An app
	// connection with this domain is one whose Auth0 cannot be reached from
	// where Terraform runs, a common setup with a self-hosted KMS.
	KMSOnlyAuth0Domain = "127.0.0.1:1"

	// The machine identity with OIDC Auth, trusting the local issuer as a
	// KMS identity trusts Terraform Cloud.
	OIDCIdentityID = "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"
	// IdentityWithoutOIDCID is an identity id with no OIDC Auth, as the
	// universal auth identity's would be (identity ids are UUIDs).
	IdentityWithoutOIDCID = "5e3b9a70-2c4d-4f1e-8b6a-0d9c7e5f4a21"
	OIDCAudience          = "hanzo-kms"
	OIDCBoundSubject      = "organization:acme:project:default:workspace:billing:run_phase:*"
	// OIDCSubject is what a plan or apply of that workspace carries.
	OIDCSubject = "organization:acme:project:default:workspace:billing:run_phase:apply"

	// The machine identity with Kubernetes Auth, as for Terraform in a CI
	// pod: the KMS reviews tokens with a stored reviewer token, and allows
	// the service account KubernetesNamespace/KubernetesServiceAccount.
	KubernetesIdentityID     = "0e7c2a4b-6d1f-4a3e-8b5c-9f2e1d0c3b4a"
	KubernetesNamespace      = "ci"
	KubernetesServiceAccount = "terraform"
	// KubernetesAudienceIdentityID also requires the audience
	// KubernetesAudience and stores no reviewer token: the login's own
	// token reviews itself (its service account needs system:auth-delegator).
	KubernetesAudienceIdentityID = "3a9d5e7f-1b2c-4d6e-a8f0-b1c2d3e4f5a6"
	KubernetesAudience           = "hanzo-kms"

	// The machine identity with AWS Auth, trusting one account and the role
	// a runner assumes.
	AWSIdentityID = "9c4b1e2d-7a3f-4e5b-8c6d-0f1a2b3c4d5e"
	AWSAccountID  = "111122223333"
	AWSRoleARN    = "arn:aws:iam::111122223333:role/terraform-runner"
	// AWSRegion is the region the provider signs for in tests.
	AWSRegion = "eu-west-1"

	// The machine identities with GCP Auth. The runner is a GCE instance of
	// GCPProject in GCPZone whose service account is GCPRunnerServiceAccount:
	// the gce identity allows exactly those; the iam identity allows
	// GCPTerraformServiceAccount, which the runner's service account may
	// sign JWTs for (Service Account Token Creator).
	GCEIdentityID              = "5b8e2c1d-3f4a-4b6c-9d7e-1a2b3c4d5e6f"
	GCPIAMIdentityID           = "8f1a2b3c-4d5e-4f6a-8b9c-0d1e2f3a4b5c"
	GCPProject                 = "acme-ci"
	GCPZone                    = "europe-west1-b"
	GCPRunnerServiceAccount    = "ci-runner@acme-ci.iam.gserviceaccount.com"
	GCPTerraformServiceAccount = "terraform@acme-ci.iam.gserviceaccount.com"
	// GCPOtherServiceAccount exists but is allowed by no identity.
	GCPOtherServiceAccount = "batch@acme-ci.iam.gserviceaccount.com"

	// The machine identity with Azure Auth: the runner's system-assigned
	// managed identity (its service principal AzureServicePrincipalID) in
	// AzureTenantID, with a token for the default resource.
	AzureIdentityID         = "2d4f6a8c-0e1b-4c3d-9e5f-7a8b9c0d1e2f"
	AzureTenantID           = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	AzureServicePrincipalID = "6b1d3f5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f"
	AzureClientID           = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"
)

// Clock is a settable clock for the local KMS's scheduler and token expiry.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the real time plus every Advance so far.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Options change the world Start builds.
type Options struct {
	TokenTTL time.Duration
	Logger   *log.Logger
	// WithoutRotationRoutes starts the local KMS as a build that serves no
	// secret-rotation routes (localkms.Options.WithoutRotationRoutes).
	WithoutRotationRoutes bool
	// OlderRelease starts the local KMS as a release without the newer read
	// routes: v3 secrets, v1 folders and workspace, no v4; app connections
	// without projectId (localkms.Options.OlderRelease).
	OlderRelease bool
}

// Stack is a running world.
type Stack struct {
	Tenant *localauth0.Tenant
	Issuer *localoidc.Issuer
	// Cluster is the Kubernetes API the KMS reviews service account tokens with.
	Cluster *localk8s.Cluster
	// STS is the AWS STS the KMS sends AWS Auth logins' signed requests to.
	STS *localsts.Server
	// AWSPrincipal is the runner's AWS identity (temporary role credentials)
	// that the STS knows.
	AWSPrincipal localsts.Principal
	// GCP is the metadata server, IAM Credentials API and Google
	// certificates; Azure the managed identity endpoints and tenant keys.
	GCP                  *localgcp.Server
	Azure                *localazure.Server
	KMS                  *localkms.Server
	KMSURL               string
	Clock                *Clock
	IdentityClientSecret string
	ConnectionID         string
	// Client is a KMS client logged in as the seeded identity.
	Client  *kms.Client
	closers []func()
}

// Start builds and runs a Stack; Close stops it.
func Start(o Options) (_ *Stack, err error) {
	st := &Stack{Clock: &Clock{}, IdentityClientSecret: "identity-secret-" + randomHex(12)}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	tenant, err := localauth0.Start(localauth0.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	st.Tenant = tenant
	st.closers = append(st.closers, tenant.Close)
	SeedTenant(tenant)
	tenant.AddAlias(KMSOnlyAuth0Domain)

	st.Issuer, err = localoidc.Start(localoidc.Options{Now: st.Clock.Now, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	st.closers = append(st.closers, st.Issuer.Close)

	if st.Cluster, err = localk8s.Start(localk8s.Options{Now: st.Clock.Now, Logger: o.Logger}); err != nil {
		return nil, err
	}
	st.closers = append(st.closers, st.Cluster.Close)
	reviewer, _ := st.Cluster.IssueToken(localk8s.ServiceAccount{Namespace: "kube-system", Name: "kms-token-reviewer"},
		localk8s.TokenOptions{CanReview: true, Lifetime: 365 * 24 * time.Hour})
	if st.STS, err = localsts.Start(localsts.Options{Now: st.Clock.Now, Logger: o.Logger}); err != nil {
		return nil, err
	}
	st.closers = append(st.closers, st.STS.Close)
	st.AWSPrincipal = st.NewAWSPrincipal("ci-session")

	if st.GCP, err = localgcp.Start(localgcp.Options{Now: st.Clock.Now, Logger: o.Logger}); err != nil {
		return nil, err
	}
	st.closers = append(st.closers, st.GCP.Close)
	for _, sa := range []struct{ email, creator string }{
		{GCPRunnerServiceAccount, ""}, {GCPTerraformServiceAccount, GCPRunnerServiceAccount}, {GCPOtherServiceAccount, ""},
	} {
		if err := st.GCP.AddServiceAccount(sa.email, sa.creator); err != nil {
			return nil, err
		}
	}
	st.GCP.SetInstance(GCPRunner())
	if st.Azure, err = localazure.Start(localazure.Options{Now: st.Clock.Now, Logger: o.Logger, TenantID: AzureTenantID}); err != nil {
		return nil, err
	}
	st.closers = append(st.closers, st.Azure.Close)
	st.Azure.SetSystemAssigned(localazure.Identity{ClientID: AzureClientID, ObjectID: AzureServicePrincipalID})

	st.KMS, err = localkms.New(localkms.Options{
		Now: st.Clock.Now, TokenTTL: o.TokenTTL, Auth0HTTPClient: kmsSideAuth0Client(tenant), Logger: o.Logger,
		WithoutRotationRoutes: o.WithoutRotationRoutes,
		OlderRelease:          o.OlderRelease,
		STSURL:                func(string) string { return st.STS.URL() },
		GoogleOAuth2CertsURL:  st.GCP.OAuth2CertsURL(), GoogleServiceAccountCertsURL: st.GCP.ServiceAccountCertsURL,
		AzureKeysURL: st.Azure.KeysURL,
	}, localkms.Bootstrap{
		GCPIdentities: []localkms.GCPIdentity{
			{ID: GCEIdentityID, Type: "gce", AllowedServiceAccounts: GCPRunnerServiceAccount, AllowedProjects: GCPProject, AllowedZones: GCPZone},
			{ID: GCPIAMIdentityID, Type: "iam", AllowedServiceAccounts: GCPTerraformServiceAccount},
		},
		AzureIdentities: []localkms.AzureIdentity{{
			ID: AzureIdentityID, TenantID: AzureTenantID, Resource: kms.DefaultAzureResource, AllowedServicePrincipalIDs: AzureServicePrincipalID,
		}},
		KubernetesIdentities: []localkms.KubernetesIdentity{{
			ID: KubernetesIdentityID, KubernetesHost: st.Cluster.URL(), CACert: string(st.Cluster.CACertPEM()),
			TokenReviewerJWT: reviewer, AllowedNamespaces: KubernetesNamespace, AllowedNames: KubernetesServiceAccount,
		}, {
			ID: KubernetesAudienceIdentityID, KubernetesHost: st.Cluster.URL(), CACert: string(st.Cluster.CACertPEM()),
			AllowedNamespaces: KubernetesNamespace, AllowedAudience: KubernetesAudience,
		}},
		AWSIdentities: []localkms.AWSIdentity{{ID: AWSIdentityID, AllowedAccountIDs: AWSAccountID, AllowedPrincipalARNs: AWSRoleARN}},
		Identities:    []localkms.BootstrapIdentity{{ClientID: IdentityClientID, ClientSecret: st.IdentityClientSecret}},
		OIDCIdentities: []localkms.OIDCIdentity{{
			ID: OIDCIdentityID, DiscoveryURL: st.Issuer.URL(), CACert: string(st.Issuer.CACertPEM()),
			BoundIssuer: st.Issuer.URL(), BoundAudiences: OIDCAudience, BoundSubject: OIDCBoundSubject,
		}},
		Projects: []localkms.BootstrapProject{{ID: ProjectID, Name: "acceptance", Environments: []localkms.BootstrapEnvironment{
			{Slug: "dev", Name: "Development", Folders: []string{"/app/auth0"}},
			{Slug: "prod", Name: "Production", Folders: []string{"/app/auth0"}},
		}}, {ID: OtherProjectID, Name: "acceptance-other", Environments: []localkms.BootstrapEnvironment{
			{Slug: "dev", Name: "Development", Folders: []string{"/app/auth0"}},
		}}},
	})
	if err != nil {
		return nil, err
	}
	l, srv, err := st.KMS.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	st.closers = append(st.closers, func() { _ = srv.Close() })
	st.KMSURL = "http://" + l.Addr().String()

	st.Client, err = kms.New(kms.Config{Host: st.KMSURL, ClientID: IdentityClientID, ClientSecret: st.IdentityClientSecret, MaxRetries: new(0)})
	if err != nil {
		return nil, err
	}
	conn, err := st.Client.CreateAuth0Connection(context.Background(), kms.CreateAuth0ConnectionRequest{
		Name: ConnectionName, Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: tenant.Domain(), ClientID: ManagementClientID,
			ClientSecret: tenant.Secret(ManagementClientID), Audience: tenant.ManagementAudience(),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the Auth0 app connection: %w", err)
	}
	st.ConnectionID = conn.ID
	st.KMS.ResetCounters()
	return st, nil
}

// SeedTenant registers the tenant's applications: the KMS's Machine-to-Machine
// application (ManagementClientID, allowed read:clients and
// update:client_keys) and the application to rotate (AppClientID).
func SeedTenant(tenant *localauth0.Tenant) {
	tenant.AddApplication(localauth0.Application{
		ClientID: ManagementClientID, Name: "KMS rotator",
		ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys},
	})
	tenant.AddApplication(localauth0.Application{ClientID: AppClientID, Name: "Billing API client", Audiences: []string{AppAudience}})
}

// kmsSideAuth0Client is the local KMS's way to the tenant: it trusts the
// tenant's certificate and also reaches it as KMSOnlyAuth0Domain.
func kmsSideAuth0Client(tenant *localauth0.Tenant) *http.Client {
	base := tenant.HTTPClient()
	tenantTransport, ok := base.Transport.(*http.Transport)
	if !ok {
		return base // not an httptest client: no alias, the tenant itself still works
	}
	transport := tenantTransport.Clone()
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == KMSOnlyAuth0Domain {
			addr = tenant.Domain()
		}
		return dialer.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: transport, Timeout: base.Timeout}
}

// Close stops both servers.
func (st *Stack) Close() {
	for i := len(st.closers) - 1; i >= 0; i-- {
		st.closers[i]()
	}
	st.closers = nil
}

// OIDCToken mints an identity token as Terraform Cloud hands an apply of the
// trusted workspace: the bound audience and subject, five minutes of life,
// tokenID as its jti (tests see which token a login used).
func (st *Stack) OIDCToken(tokenID string) string {
	return st.Issuer.MustMint(localoidc.Claims{
		Subject: OIDCSubject, Audience: []string{OIDCAudience}, TokenID: tokenID,
		Extra: map[string]any{"terraform_organization_name": "acme", "terraform_workspace_name": "billing"},
	})
}

// KubernetesToken issues a token of the allowed service account (ci/terraform)
// as a pod's default mount holds it; it returns the token and its id, which
// Cluster.Reviews reports.
func (st *Stack) KubernetesToken() (token, id string) {
	return st.Cluster.IssueToken(localk8s.ServiceAccount{Namespace: KubernetesNamespace, Name: KubernetesServiceAccount},
		localk8s.TokenOptions{})
}

// GCPRunner is the GCE instance the GCP identities allow.
func GCPRunner() localgcp.Instance {
	return localgcp.Instance{ServiceAccount: GCPRunnerServiceAccount, ProjectID: GCPProject, ProjectNumber: 123456789012,
		Zone: GCPZone, Name: "tf-runner-1"}
}

// NewAWSPrincipal makes new temporary credentials of the runner's role
// (assumed-role/terraform-runner/<session>) known to the STS.
func (st *Stack) NewAWSPrincipal(session string) localsts.Principal {
	p := localsts.Principal{
		AccessKeyID: "ASIA" + strings.ToUpper(randomHex(8)), SecretAccessKey: randomHex(20),
		SessionToken: "IQoJb3JpZ2luX2VjE" + randomHex(40), Account: AWSAccountID,
		ARN:    "arn:aws:sts::" + AWSAccountID + ":assumed-role/terraform-runner/" + session,
		UserID: "AROA" + strings.ToUpper(randomHex(8)) + ":" + session,
	}
	st.STS.AddPrincipal(p)
	return p
}

// Auth0Login is a client credentials login to the tenant, as a consumer of
// the mapped secrets would do it; nil means the secret works.
func (st *Stack) Auth0Login(clientID, clientSecret string) error {
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID},
		"client_secret": {clientSecret}, "audience": {AppAudience},
	}
	resp, err := st.Tenant.HTTPClient().PostForm(st.Tenant.URL()+"/oauth/token", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("auth0 login refused: HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
