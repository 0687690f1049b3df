// Package acctest is the acceptance harness: it starts a local Auth0 tenant
// and a local KMS on loopback for one test, builds the provider factories
// and points terraform-plugin-testing at an explicitly named CLI.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// Fixed names of the seeded world.
const (
	ProjectID          = localstack.ProjectID
	OtherProjectID     = localstack.OtherProjectID
	IdentityClientID   = localstack.IdentityClientID
	ManagementClientID = localstack.ManagementClientID
	AppClientID        = localstack.AppClientID
)

// ProviderFactories serve the provider in-process to the CLI.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"hanzokms": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Env is one test's world (see localstack, and StartAnyServer for the real
// server, where only Tenant, KMSURL, IdentityClientSecret, ConnectionID and
// Client of the Stack are set).
type Env struct {
	*localstack.Stack
	// ProjectID is the test's project: the seeded ProjectID on the local
	// KMS, one made for the test on the real server.
	ProjectID string
	// IdentityClientID is the universal auth client id the provider logs in
	// with (IdentityClientSecret is its secret).
	IdentityClientID string
	// ConnectionName is the name of the Env's app connection (ConnectionID).
	ConnectionName string
	// Real is the real server the Env runs on; nil on the local KMS.
	Real *realkms.Server

	api    *realkms.API // the identity's own session (StartAnyServer)
	suffix string       // what Name appends
}

// Options change the world Start builds.
type Options = localstack.Options

// Start builds an Env and stops it when the test ends.
func Start(t testing.TB, opts ...Options) *Env {
	t.Helper()
	// An acceptance test skips without TF_ACC=1 before it starts anything,
	// as terraform-plugin-testing's own do, even when its CLI steps run in
	// subtests (unit tests start the stack too, and always run).
	if strings.HasPrefix(t.Name(), "TestAcc") && !Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if OnRealServer() {
		t.Skip(SkipLocalOnly + "acctest.Start (fault injection, its clock, request counters, test-only routes or seeded ids)")
	}
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	st, err := localstack.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &Env{Stack: st, ProjectID: ProjectID, IdentityClientID: IdentityClientID, ConnectionName: localstack.ConnectionName,
		suffix: randomSuffix()}
}

// ProviderBlock is a provider configuration for this Env.
func (e *Env) ProviderBlock() string {
	return e.ProviderBlockWith("max_retries = 2")
}

// ProviderBlockWith is a provider configuration for this Env with extra
// lines. It trusts the local Auth0 tenant's certificate (ca_certificate), as
// the local KMS does, so that the provider's own calls to Auth0 (the app
// connection's preflight) verify TLS exactly as they would in production.
func (e *Env) ProviderBlockWith(extra string) string {
	return fmt.Sprintf(`
provider "hanzokms" {
  host           = %q
  client_id      = %q
  client_secret  = %q
  ca_certificate = %q
  %s
}
`, e.KMSURL, e.IdentityClientID, e.IdentityClientSecret, string(e.Tenant.CACertPEM()), extra)
}

var setupOnce sync.Once

// PreCheck skips t unless acceptance tests are asked for (TF_ACC set, as
// terraform-plugin-testing's resource.Test skips), so that `go test ./...`
// passes on a machine without any CLI. Otherwise it prepares the CLI
// environment terraform-plugin-testing needs, once per process. The CLI is
// named explicitly (TF_ACC_TERRAFORM_PATH, or the project's cached OpenTofu
// build): never whatever `terraform` is on PATH.
func PreCheck(t testing.TB) {
	t.Helper()
	if !Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if OnRealServer() && !startedForAnyServer(t.Name()) {
		t.Skip(SkipLocalOnly + "written for the local KMS only (its Env is not from acctest.StartAnyServer)")
	}
	setupOnce.Do(setupCLI)
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

// setupCLI sets the process environment (os.Setenv, not t.Setenv): it runs
// once for every test of the process, parallel ones included, and t.Setenv
// refuses a test that calls t.Parallel.
func setupCLI() {
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
