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
	// served is the floor on what the stand-in handed out, one login of
	// each of at least three CLI commands that log in (how many of the
	// demo's commands configure the provider differs between CLI versions);
	// distinct the floor on what there is to search for. Tokens issued in
	// the same second are identical where the issuer puts nothing unique in
	// them (a GCE identity token, a JWT signJwt signed): one needle, still
	// one login each.
	for _, c := range []struct {
		login, route     string
		kind             string
		served, distinct int
	}{
		// An identity token per login; one of them and its signature.
		{loginGCPGCE, "/api/v1/auth/gcp-auth/login", acctest.KindGCPToken, 3, 2},
		// Per login an access token (random, each its own) and a signed JWT.
		{loginGCPIAM, "/api/v1/auth/gcp-auth/login", acctest.KindGCPToken, 6, 5},
		// A managed identity token per login, each unique (its uti), with its signature.
		{loginAzure, "/api/v1/auth/azure-auth/login", acctest.KindAzureToken, 3, 6},
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
			needles.ExpectServed(c.kind, c.served)
			needles.Expect(c.kind, c.distinct)
			needles.Expect(acctest.KindAccessToken, 1)
			needles.Check(t, map[string][]byte{"CLI output and state files": d.transcript.Bytes(), "TRACE log": d.trace, "progress": d.progress.Bytes()})
		})
	}
}
