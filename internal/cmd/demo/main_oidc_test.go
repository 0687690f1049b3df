package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// TestAccQuickstartWithOIDCUnderTraceLeaksNoToken is the demo's OIDC run
// (a Terraform Cloud-like run: identity id and workload identity token, no
// client secret) on the real CLI with TF_LOG=TRACE; every OIDC token the
// issuer minted and every access token the KMS issued is looked for in the
// CLI's output, the TRACE log and every state file: none may appear.
func TestAccQuickstartWithOIDCUnderTraceLeaksNoToken(t *testing.T) {
	d := runDemoUnderTrace(t, loginOIDC)
	trace, progress := d.trace, &d.progress
	if !bytes.Contains(trace, []byte("/api/v1/auth/oidc-auth/login")) || !bytes.Contains(trace, []byte("[TRACE]")) {
		t.Fatalf("the TRACE log does not show the OIDC logins; the test would prove nothing")
	}
	if !strings.Contains(progress.String(), "none used a client secret") {
		t.Fatalf("the demo did not confirm an OIDC-only run:\n%s", progress.String())
	}

	needles := acctest.NewNeedles()
	needles.AddStack(d.stack)
	needles.Expect(acctest.KindOIDCToken, 2) // a token and its signature, at least
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Check(t, map[string][]byte{"CLI output and state files": d.transcript.Bytes(), "TRACE log": trace, "progress": progress.Bytes()})
}
