// Command demo applies examples/quickstart with a real Terraform/OpenTofu CLI
// against a local Auth0 tenant and a local Hanzo KMS, and shows each step:
// the rotation's state, the mapped secrets, a client credentials login with
// them, a manual rotation by trigger, the old secret refused and the new one
// accepted, an empty second plan, then destroy. It leaves nothing running.
//
//	go run ./internal/cmd/demo -tofu ~/.cache/terraform-provider-hanzokms/opentofu-1.12.6/tofu
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/localstack"
)

func main() {
	cli := flag.String("tofu", "", "path of the Terraform or OpenTofu CLI to run (required: never taken from PATH)")
	example := flag.String("example", "examples/quickstart", "the configuration to apply")
	keep := flag.Bool("keep", false, "keep the working directory")
	flag.Parse()
	if err := run(*cli, *example, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("\ndemo: done; both servers stopped, nothing left running.")
}

func step(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }
func info(format string, args ...any) { fmt.Printf("    "+format+"\n", args...) }

func run(cli, example string, keep bool) error {
	if cli == "" {
		return errors.New("-tofu is required")
	}
	cli, _ = filepath.Abs(cli)
	work, err := os.MkdirTemp("", "hanzokms-demo-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("demo: working directory", work)
	} else {
		defer os.RemoveAll(work)
	}

	step("Building the provider")
	pluginDir := filepath.Join(work, "plugins")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-hanzokms"), ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	override := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"hanzoai/hanzokms\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(override), 0o600); err != nil {
		return err
	}
	info("built into %s, used through a dev_overrides CLI configuration", pluginDir)

	step("Starting a local Auth0 tenant and a local Hanzo KMS on loopback")
	st, err := localstack.Start(localstack.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	info("Auth0 tenant:   %s (application %q to rotate)", st.Tenant.URL(), localstack.AppClientID)
	info("Hanzo KMS:      %s (project %s, Auth0 connection %s)", st.KMSURL, localstack.ProjectID, st.ConnectionID)
	originalSecret := st.Tenant.Secret(localstack.AppClientID)

	config := filepath.Join(work, "config")
	if err := copyDir(example, config); err != nil {
		return err
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"HANZO_KMS_HOST="+st.KMSURL,
		"HANZO_KMS_CLIENT_ID="+localstack.IdentityClientID,
		"HANZO_KMS_CLIENT_SECRET="+st.IdentityClientSecret,
		"TF_VAR_project_id="+localstack.ProjectID,
		"TF_VAR_connection_id="+st.ConnectionID,
		"TF_VAR_auth0_client_id="+localstack.AppClientID,
	)
	tf := func(args ...string) (string, error) {
		cmd := exec.Command(cli, append(args, "-no-color")...)
		cmd.Dir, cmd.Env = config, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	step("%s apply (the provider is configured by HANZO_KMS_* environment variables)", filepath.Base(cli))
	out, err := tf("apply", "-auto-approve", "-input=false")
	if err != nil {
		return fmt.Errorf("apply: %v\n%s", err, out)
	}
	printTail(out, "Apply complete")

	step("The rotation as Terraform state holds it (no secret in it)")
	out, err = tf("state", "show", "hanzokms_auth0_client_secret_rotation.billing")
	if err != nil {
		return fmt.Errorf("state show: %v\n%s", err, out)
	}
	fmt.Print(indent(out))
	if strings.Contains(out, st.Tenant.Secret(localstack.AppClientID)) {
		return errors.New("the rotated secret is in the state")
	}

	step("The mapped secrets, read back through the KMS API (GET /api/v4/secrets/...)")
	firstSecret, err := showMapped(st)
	if err != nil {
		return err
	}
	if firstSecret == originalSecret {
		return errors.New("create did not issue a new secret")
	}

	step("A client credentials login to Auth0 with the mapped secret")
	if err := st.Auth0Login(localstack.AppClientID, firstSecret); err != nil {
		return err
	}
	info("accepted")
	if st.Auth0Login(localstack.AppClientID, originalSecret) == nil {
		return errors.New("the secret from before the rotation still works")
	}
	info("the application's secret from before the rotation is refused (single-phase)")

	step("A second plan is empty")
	if out, err := tf("plan", "-detailed-exitcode", "-input=false"); err != nil {
		return fmt.Errorf("second plan is not empty (%v):\n%s", err, out)
	}
	info("No changes.")

	step("Rotate now: change rotation_trigger and apply")
	out, err = tf("apply", "-auto-approve", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26")
	if err != nil {
		return fmt.Errorf("apply with a new trigger: %v\n%s", err, out)
	}
	printTail(out, "Apply complete")
	out, _ = tf("output")
	fmt.Print(indent(out))
	secondSecret, err := showMapped(st)
	if err != nil {
		return err
	}
	if secondSecret == firstSecret {
		return errors.New("the trigger did not rotate the secret")
	}
	if err := st.Auth0Login(localstack.AppClientID, secondSecret); err != nil {
		return fmt.Errorf("the new secret: %w", err)
	}
	info("new secret: accepted by Auth0")
	if st.Auth0Login(localstack.AppClientID, firstSecret) == nil {
		return errors.New("the old secret still works after the rotation")
	}
	info("old secret: refused by Auth0")
	if out, err := tf("plan", "-detailed-exitcode", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26"); err != nil {
		return fmt.Errorf("plan after the rotation is not empty (%v):\n%s", err, out)
	}
	info("and the next plan is empty again")

	step("Destroy")
	out, err = tf("destroy", "-auto-approve", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26")
	if err != nil {
		return fmt.Errorf("destroy: %v\n%s", err, out)
	}
	printTail(out, "Destroy complete")
	if ids := st.KMS.RotationIDs(); len(ids) != 0 {
		return fmt.Errorf("rotations left after destroy: %v", ids)
	}
	step("Requests the KMS received, by route")
	fmt.Print(indent(st.KMS.CountsString()))
	return nil
}

// showMapped prints the two mapped secrets (the secret masked) and returns
// the client secret.
func showMapped(st *localstack.Stack) (string, error) {
	ctx := context.Background()
	id, err := st.Client.GetSecret(ctx, localstack.ProjectID, "dev", "/", "BILLING_AUTH0_CLIENT_ID")
	if err != nil {
		return "", err
	}
	secret, err := st.Client.GetSecret(ctx, localstack.ProjectID, "dev", "/", "BILLING_AUTH0_CLIENT_SECRET")
	if err != nil {
		return "", err
	}
	info("BILLING_AUTH0_CLIENT_ID     = %s (version %d)", id.SecretValue, id.Version)
	info("BILLING_AUTH0_CLIENT_SECRET = %s (version %d, %d characters)", mask(secret.SecretValue), secret.Version, len(secret.SecretValue))
	return secret.SecretValue, nil
}

func mask(s string) string {
	if len(s) < 8 {
		return "****"
	}
	return s[:4] + strings.Repeat("*", 12)
}

func printTail(out, marker string) {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "hanzokms_auth0_client_secret_rotation") || strings.Contains(line, marker) || strings.HasPrefix(strings.TrimSpace(line), "~ ") || strings.HasPrefix(strings.TrimSpace(line), "Plan:") {
			info("%s", strings.TrimSpace(line))
		}
	}
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

func copyDir(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
