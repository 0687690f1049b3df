// Package acctest is the acceptance harness: it starts a local Auth0 tenant
// and a local KMS on loopback for one test, builds the provider factories
// and points terraform-plugin-testing at an explicitly named CLI.
package acctest

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
)

// Fixed names of the seeded world.
const (
	ProjectID          = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	IdentityClientID   = "identity-client-id"
	ManagementClientID = "kms-rotator"
	AppClientID        = "app-client-1"
	AppAudience        = "urn:demo-api"
)

// ProviderFactories serve the provider in-process to the CLI.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"hanzokms": providerserver.NewProtocol6WithError(provider.New("test")()),
}

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

// Env is one test's world: a tenant, a KMS, a project with folders, a
// machine identity, an Auth0 app connection and an application to rotate.
type Env struct {
	Tenant               *localauth0.Tenant
	KMS                  *localkms.Server
	KMSURL               string
	Clock                *Clock
	IdentityClientSecret string
	ConnectionID         string
	Client               *kms.Client
	kmsServer            *httptest.Server
}

// Options change the world Start builds.
type Options struct {
	TokenTTL time.Duration
	Logger   *log.Logger
}

// Start builds an Env and stops it when the test ends.
func Start(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	tenant, err := localauth0.Start(localauth0.Options{Logger: o.Logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tenant.Close)
	tenant.AddApplication(localauth0.Application{
		ClientID: ManagementClientID, Name: "KMS rotator",
		ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys},
	})
	tenant.AddApplication(localauth0.Application{ClientID: AppClientID, Name: "Billing API client", Audiences: []string{AppAudience}})

	clock := &Clock{}
	env := &Env{Tenant: tenant, Clock: clock, IdentityClientSecret: "identity-secret-" + randomHex(t)}
	server, err := localkms.New(localkms.Options{
		Now: clock.Now, TokenTTL: o.TokenTTL, Auth0HTTPClient: tenant.HTTPClient(), Logger: o.Logger,
	}, localkms.Bootstrap{
		Identities: []localkms.BootstrapIdentity{{ClientID: IdentityClientID, ClientSecret: env.IdentityClientSecret}},
		Projects: []localkms.BootstrapProject{{ID: ProjectID, Name: "acceptance", Environments: []localkms.BootstrapEnvironment{
			{Slug: "dev", Name: "Development", Folders: []string{"/app/auth0"}},
			{Slug: "prod", Name: "Production", Folders: []string{"/app/auth0"}},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.KMS = server
	env.kmsServer = httptest.NewServer(server.Handler())
	t.Cleanup(env.kmsServer.Close)
	env.KMSURL = env.kmsServer.URL

	env.Client, err = kms.New(kms.Config{Host: env.KMSURL, ClientID: IdentityClientID, ClientSecret: env.IdentityClientSecret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := env.Client.CreateAuth0Connection(context.Background(), kms.CreateAuth0ConnectionRequest{
		Name: "acc-auth0", Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: tenant.Domain(), ClientID: ManagementClientID,
			ClientSecret: tenant.Secret(ManagementClientID), Audience: tenant.ManagementAudience(),
		},
	})
	if err != nil {
		t.Fatalf("creating the test connection: %v", err)
	}
	env.ConnectionID = conn.ID
	server.ResetCounters()
	return env
}

// ProviderBlock is a provider configuration for this Env.
func (e *Env) ProviderBlock() string {
	return fmt.Sprintf(`
provider "hanzokms" {
  host          = %q
  client_id     = %q
  client_secret = %q
  max_retries   = 2
}
`, e.KMSURL, IdentityClientID, e.IdentityClientSecret)
}

// Auth0Login is a client credentials login to the tenant, as a consumer of
// the mapped secrets would do it; nil means the secret works.
func (e *Env) Auth0Login(clientID, clientSecret string) error {
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID},
		"client_secret": {clientSecret}, "audience": {AppAudience},
	}
	resp, err := e.Tenant.HTTPClient().PostForm(e.Tenant.URL()+"/oauth/token", form)
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

func randomHex(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("%x", time.Now().UnixNano())
}

var setupOnce sync.Once

// PreCheck prepares the CLI environment terraform-plugin-testing needs, once
// per process. The CLI is named explicitly (TF_ACC_TERRAFORM_PATH, or the
// project's cached OpenTofu build): never whatever `terraform` is on PATH.
func PreCheck(t testing.TB) {
	t.Helper()
	setupOnce.Do(func() { setupCLI(t) })
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("no Terraform/OpenTofu CLI: run .ci/install-clis.sh, or set TF_ACC_TERRAFORM_PATH")
	}
}

// DefaultCLICache is where .ci/install-clis.sh puts the CLIs.
func DefaultCLICache() string {
	if dir := os.Getenv("HANZOKMS_CLI_CACHE"); dir != "" {
		return dir
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "terraform-provider-hanzokms")
}

func setupCLI(t testing.TB) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		candidate := filepath.Join(DefaultCLICache(), "opentofu-1.12.6", "tofu")
		if _, err := os.Stat(candidate); err == nil {
			cli = candidate
			os.Setenv("TF_ACC_TERRAFORM_PATH", cli)
		}
	}
	// The machine's TF_CLI_CONFIG_FILE may name a missing file, which makes
	// OpenTofu print a warning where terraform-exec expects its version.
	if cfg := os.Getenv("TF_CLI_CONFIG_FILE"); cfg == "" || !fileExists(cfg) {
		dir, err := os.MkdirTemp("", "hanzokms-cli-config")
		if err == nil {
			path := filepath.Join(dir, "cli.tfrc")
			if os.WriteFile(path, []byte("disable_checkpoint = true\n"), 0o600) == nil {
				os.Setenv("TF_CLI_CONFIG_FILE", path)
			}
		}
	}
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if cli != "" && os.Getenv("TF_ACC_PROVIDER_HOST") == "" && IsOpenTofu(cli) {
		os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
}

// IsOpenTofu reports whether the CLI at path is OpenTofu.
func IsOpenTofu(path string) bool {
	out, err := exec.Command(path, "version").Output()
	return err == nil && strings.Contains(string(out), "OpenTofu")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
