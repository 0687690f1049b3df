package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/localstack"
)

// TestAccQuickstartWithOIDCUnderTraceLeaksNoToken is the demo's OIDC run
// (a Terraform Cloud-like run: identity id and workload identity token, no
// client secret) on the real CLI with TF_LOG=TRACE; every OIDC token the
// issuer minted and every access token the KMS issued is looked for in the
// CLI's output, the TRACE log and every state file: none may appear.
func TestAccQuickstartWithOIDCUnderTraceLeaksNoToken(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.PreCheck(t)
	work := t.TempDir()
	var transcript, progress bytes.Buffer
	var stack *localstack.Stack
	err := run(options{
		cli: os.Getenv("TF_ACC_TERRAFORM_PATH"), example: "../../../examples/quickstart", workDir: work,
		trace: true, out: &progress, transcript: &transcript, login: loginOIDC,
		started: func(s *localstack.Stack) { stack = s },
	})
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, progress.String(), transcript.String())
	}
	trace, err := os.ReadFile(filepath.Join(work, "trace.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(trace, []byte("/api/v1/auth/oidc-auth/login")) || !bytes.Contains(trace, []byte("[TRACE]")) {
		t.Fatalf("the TRACE log does not show the OIDC logins; the test would prove nothing")
	}
	if !strings.Contains(progress.String(), "none used a client secret") {
		t.Fatalf("the demo did not confirm an OIDC-only run:\n%s", progress.String())
	}

	needles := acctest.NewNeedles()
	needles.AddStack(stack)
	needles.Expect(acctest.KindOIDCToken, 2) // a token and its signature, at least
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Check(t, map[string][]byte{"CLI output and state files": transcript.Bytes(), "TRACE log": trace, "progress": progress.Bytes()})
}
