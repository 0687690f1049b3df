package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// WorkDir runs the CLI under test directly, for the commands
// terraform-plugin-testing has no step for (`apply -invoke=...`,
// `query -generate-config-out=...`). The provider is served in-process, as
// terraform-plugin-testing does, and the CLI reattaches to it
// (TF_REATTACH_PROVIDERS): no provider binary, no registry, no network.
type WorkDir struct {
	t        *testing.T
	Dir      string
	cli      string
	reattach string
}

// NewWorkDir serves factories for the rest of the test and returns an empty
// working directory. A factory's key is a provider's local name ("hanzokms",
// served as hashicorp/hanzokms, like ProviderFactories), or a
// "namespace/type" source address, for a configuration that declares it in
// required_providers (e.g. "infisical/infisical").
func NewWorkDir(t *testing.T, factories map[string]func() (tfprotov6.ProviderServer, error)) *WorkDir {
	t.Helper()
	PreCheck(t)
	return &WorkDir{t: t, Dir: t.TempDir(), cli: os.Getenv("TF_ACC_TERRAFORM_PATH"), reattach: serveInProcess(t, factories)}
}

// serveInProcess serves each provider for the rest of the test and returns
// the TF_REATTACH_PROVIDERS value that points the CLI at them. Keys are as
// for NewWorkDir; the registry host is the one the CLI under test expects
// (TF_ACC_PROVIDER_HOST, which PreCheck sets for OpenTofu).
func serveInProcess(t *testing.T, factories map[string]func() (tfprotov6.ProviderServer, error)) string {
	t.Helper()
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := map[string]any{}
	var closers []chan struct{}
	for name, factory := range factories {
		server, err := factory()
		if err != nil {
			cancel()
			t.Fatalf("provider %s: %v", name, err)
		}
		address := host + "/" + name
		if !strings.Contains(name, "/") {
			address = host + "/hashicorp/" + name
		}
		configCh := make(chan *plugin.ReattachConfig, 1)
		closeCh := make(chan struct{})
		go func() {
			err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server },
				tf6server.WithDebug(ctx, configCh, closeCh),
				tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
				// Provider logs follow TF_LOG / TF_ACC_LOG_PATH, as under
				// terraform-plugin-testing: silent unless asked for.
				tf6server.WithLoggingSink(t))
			if err != nil {
				t.Errorf("serving provider %s: %v", name, err)
			}
		}()
		var cfg *plugin.ReattachConfig
		select {
		case cfg = <-configCh:
		case <-closeCh:
			cancel()
			t.Fatalf("provider %s stopped before it started serving", name)
		case <-time.After(30 * time.Second):
			cancel()
			t.Fatalf("provider %s did not start serving", name)
		}
		closers = append(closers, closeCh)
		entry := map[string]any{
			"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": cfg.Test,
			"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
		}
		reattach[address] = entry
		if !strings.Contains(name, "/") {
			// A configuration may also name it by the legacy "-" namespace,
			// as terraform-plugin-testing allows for.
			reattach[host+"/-/"+name] = entry
		}
	}
	t.Cleanup(func() {
		cancel()
		for _, c := range closers {
			select {
			case <-c:
			case <-time.After(10 * time.Second):
			}
		}
	})
	raw, err := json.Marshal(reattach)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Write puts a file into the working directory.
func (w *WorkDir) Write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Read returns a file of the working directory.
func (w *WorkDir) Read(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// Run runs the CLI with args in the working directory and returns its
// combined output, failing the test when it exits non-zero.
func (w *WorkDir) Run(args ...string) string {
	w.t.Helper()
	out, err := w.TryRun(args...)
	if err != nil {
		w.t.Fatalf("%s %s: %v\n%s", filepath.Base(w.cli), strings.Join(args, " "), err, out)
	}
	return out
}

// TryRun is Run that returns the error instead of failing.
func (w *WorkDir) TryRun(args ...string) (string, error) {
	cmd := exec.Command(w.cli, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+w.reattach, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	w.t.Logf("$ %s %s\n%s", filepath.Base(w.cli), strings.Join(args, " "), out.String())
	if err != nil {
		return out.String(), fmt.Errorf("exit: %w", err)
	}
	return out.String(), nil
}
