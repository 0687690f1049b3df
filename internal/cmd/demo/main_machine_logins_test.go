package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// TestAccQuickstartWithKubernetesUnderTraceLeaksNoToken is the demo's
// Kubernetes Auth run (a pod's service account token file, no client
// secret) on the real CLI with TF_LOG=TRACE; every service account token
// the local cluster issued (and its signature), and every access token the
// KMS issued, is looked for in the CLI's output, the TRACE log and every
// state file: none may appear.
func TestAccQuickstartWithKubernetesUnderTraceLeaksNoToken(t *testing.T) {
	d := runDemoUnderTrace(t, loginKubernetes)
	if !bytes.Contains(d.trace, []byte("/api/v1/auth/kubernetes-auth/login")) || !bytes.Contains(d.trace, []byte("[TRACE]")) {
		t.Fatalf("the TRACE log does not show the Kubernetes logins; the test would prove nothing")
	}
	if !strings.Contains(d.progress.String(), "none used a client secret") {
		t.Fatalf("the demo did not confirm a Kubernetes-only run:\n%s", d.progress.String())
	}
	needles := acctest.NewNeedles()
	needles.AddStack(d.stack)
	// The pod's token and the reviewer's, each with its signature.
	needles.Expect(acctest.KindKubernetesToken, 4)
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Check(t, map[string][]byte{"CLI output and state files": d.transcript.Bytes(), "TRACE log": d.trace, "progress": d.progress.Bytes()})
}

// TestAccQuickstartWithAWSUnderTraceLeaksNoCredential is the demo's AWS IAM
// Auth run (role credentials in the standard AWS variables) on the real CLI
// with TF_LOG=TRACE; the secret access key, the session token and every
// signature STS was sent are looked for: none may appear.
func TestAccQuickstartWithAWSUnderTraceLeaksNoCredential(t *testing.T) {
	d := runDemoUnderTrace(t, loginAWSIAM)
	if !bytes.Contains(d.trace, []byte("/api/v1/auth/aws-auth/login")) || !bytes.Contains(d.trace, []byte("[TRACE]")) {
		t.Fatalf("the TRACE log does not show the AWS logins; the test would prove nothing")
	}
	if !strings.Contains(d.progress.String(), "none used a client secret") {
		t.Fatalf("the demo did not confirm an AWS-only run:\n%s", d.progress.String())
	}
	needles := acctest.NewNeedles()
	needles.AddStack(d.stack)
	needles.Expect(acctest.KindAWSSecret, 2)
	// STS answered a signed request for each of at least three CLI commands
	// that log in (how many of the demo's commands configure the provider
	// differs between CLI versions). Two logins in the same second with the
	// same keys sign identically, as with AWS: one signature to search for.
	needles.ExpectServed(acctest.KindAWSSignature, 3)
	needles.Expect(acctest.KindAWSSignature, 1)
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Check(t, map[string][]byte{"CLI output and state files": d.transcript.Bytes(), "TRACE log": d.trace, "progress": d.progress.Bytes()})
}
