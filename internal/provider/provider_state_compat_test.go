package provider_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// pinnedReleaseCommit is the provider as last released from main. Bump it
// at each release (see DEVELOPERS.md), and keep the test below for every
// later schema change.
const pinnedReleaseCommit = "4fe7a7dd21baaa248075e5b9118ca551c85c6efa"

// State written by the released provider plans empty with this build: a
// connection and a rotation are applied by the provider built at
// pinnedReleaseCommit (installed for the CLI from a plugin directory, as a
// registry download would be), then planned by this build (served
// in-process, the CLI reattaching to it), after the KMS has moved the
// connection's credentialsHash on its own.
func TestAccStateFromThePinnedReleasePlansEmpty(t *testing.T) {
	acctest.PreCheck(t) // before the build: without TF_ACC the test skips at once
	env := acctest.Start(t)
	released := acctest.BuildProviderAt(t, pinnedReleaseCommit)
	w := acctest.NewWorkDir(t, map[string]func() (tfprotov6.ProviderServer, error){
		"hanzokms": providerserver.NewProtocol6WithError(provider.New("test")()),
	})
	conn := connectionBlock(env)
	rotation := rotationBlock(env).Set("connection_id", conn.Address()+".id")
	w.Write("main.tf", withProvider(env, conn, rotation))

	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	pluginDir := filepath.Join(t.TempDir(), "plugins")
	installed := filepath.Join(pluginDir, host, "hashicorp", "hanzokms", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-hanzokms_v0.0.1")
	copyExecutable(t, released, installed)

	// The released provider, as the CLI installs it: no reattach.
	releasedCLI := func(args ...string) {
		t.Helper()
		cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
		cmd.Dir = w.Dir
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "TF_REATTACH_PROVIDERS=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s with the provider at %s: %v\n%s", strings.Join(args, " "), pinnedReleaseCommit, err, out.String())
		}
	}
	releasedCLI("init", "-input=false", "-no-color", "-plugin-dir="+pluginDir)
	releasedCLI("apply", "-auto-approve", "-input=false", "-no-color")
	written := w.Read("terraform.tfstate")
	for _, want := range []string{`"hanzokms_app_connection_auth0"`, `"hanzokms_auth0_client_secret_rotation"`, `"credentials_hash"`} {
		// credentials_hash: the released provider wrote this state (this
		// build's connection has no such attribute).
		if !strings.Contains(written, want) {
			t.Fatalf("the state the released provider wrote has no %s:\n%s", want, written)
		}
	}

	// Since then the KMS has rotated with a renewed Auth0 token, which moved
	// the credentialsHash the released provider recorded.
	movesTheHash(t, env, func() {
		env.Clock.Advance(localkms.Auth0TokenMaxLifetime)
		rotationID := env.KMS.RotationIDs()[0]
		current, err := env.Client.GetAuth0ClientSecretRotation(context.Background(), rotationID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.Client.RotateAuth0ClientSecret(context.Background(), rotationID, current.LastRotatedAt); err != nil {
			t.Fatal(err)
		}
	})()

	// This build plans against that state: nothing to do.
	out, err := w.TryRun("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("this build plans changes (or fails) on state written by the provider at %s: %v\n%s", pinnedReleaseCommit, err, out)
	}
	if !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan does not say \"No changes.\":\n%s", out)
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
