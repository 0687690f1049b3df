package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
)

// CLI runs the acceptance CLI directly in a working directory of its own,
// against the provider served in-process (TF_REATTACH_PROVIDERS, as
// terraform-plugin-testing does). It is for what that framework cannot
// assert: the CLI's whole output, warnings included.
type CLI struct {
	t   *testing.T
	dir string
	env []string
}

// NewCLI serves the provider for the rest of the test and runs init in a
// fresh directory. PreCheck must have run.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	server := providerserver.NewProtocol6(provider.New("test")())
	address := providerAddress()
	go func() {
		err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server() },
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			// Provider logs follow TF_LOG / TF_ACC_LOG_PATH, as under
			// terraform-plugin-testing: silent unless asked for.
			tf6server.WithLoggingSink(t),
		)
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-closed:
		cancel()
		t.Fatal("the provider server stopped before it started")
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	attach, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": cfg.Protocol, "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": cfg.Test,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := &CLI{t: t, dir: t.TempDir(), env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(attach), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
	return c
}

// providerAddress is the address terraform-plugin-testing gives the
// provider, which an HCL configuration without required_providers resolves
// "hanzokms" to on this CLI.
func providerAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/hashicorp/hanzokms"
}

// Run writes config as main.tf and runs the CLI with args (-no-color added;
// init first when the directory has not been initialised). It returns the
// combined output and the command's error.
func (c *CLI) Run(config string, args ...string) (string, error) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.dir, ".terraform")); err != nil {
		if out, err := c.exec("init", "-input=false"); err != nil {
			c.t.Fatalf("init: %v\n%s", err, out)
		}
	}
	return c.exec(args...)
}

func (c *CLI) exec(args ...string) (string, error) {
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Squash collapses the whitespace the CLI wraps long diagnostics with, so
// that a message can be searched for as one line.
func Squash(output string) string {
	output = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(output)
	return strings.Join(strings.Fields(output), " ")
}
