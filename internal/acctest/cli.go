package acctest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
	attach := serveInProcess(t, map[string]func() (tfprotov6.ProviderServer, error){
		"hanzokms": providerserver.NewProtocol6WithError(provider.New("test")()),
	})
	c := &CLI{t: t, dir: t.TempDir(), env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+attach, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
	return c
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

// Dir is the working directory: its state files are the CLI's.
func (c *CLI) Dir() string { return c.dir }

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
