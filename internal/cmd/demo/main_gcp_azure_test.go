package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// The demo's GCP Auth and Azure Auth runs on the real CLI with
// TF_LOG=TRACE: every token the local GCP and Azure stand-ins issued
// (identity tokens, signed JWTs, the OAuth2 access token signJwt was called
// with, managed identity tokens, and each JWT's signature alone), and every
// access token the KMS issued, are looked for in the CLI's output, the TRACE
// log and every state file: none may appear.
func TestAccQuickstartWithGCPAndAzureUnderTraceLeaksNoToken(t *testing.T) {
	acctest.SkipOnRealServer(t)
	for _, c := range []struct {
		login, route string
		kind         string
		minimum      int
	}{
		// An identity token, and its signature, for each of at least three
		// CLI commands that log in (how many of the demo's commands
		// configure the provider differs between CLI versions).
		{loginGCPGCE, "/api/v1/auth/gcp-auth/login", acctest.KindGCPToken, 6},
		// Per login: an access token, a signed JWT and its signature.
		{loginGCPIAM, "/api/v1/auth/gcp-auth/login", acctest.KindGCPToken, 12},
		{loginAzure, "/api/v1/auth/azure-auth/login", acctest.KindAzureToken, 6},
	} {
		t.Run(c.login, func(t *testing.T) {
			d := runDemoUnderTrace(t, c.login)
			if !bytes.Contains(d.trace, []byte(c.route)) || !bytes.Contains(d.trace, []byte("[TRACE]")) {
				t.Fatalf("the TRACE log does not show the %s logins; the test would prove nothing", c.login)
			}
			if !strings.Contains(d.progress.String(), "none used a client secret") {
				t.Fatalf("the demo did not confirm a %s-only run:\n%s", c.login, d.progress.String())
			}
			needles := acctest.NewNeedles()
			needles.AddStack(d.stack)
			needles.Expect(c.kind, c.minimum)
			needles.Expect(acctest.KindAccessToken, 1)
			needles.Check(t, map[string][]byte{"CLI output and state files": d.transcript.Bytes(), "TRACE log": d.trace, "progress": d.progress.Bytes()})
		})
	}
}
