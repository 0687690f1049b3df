package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// TestAccQuickstartUnderTraceLeaksNoSecret runs the whole demo lifecycle
// (apply, rotate by trigger, plan, destroy) on the real CLI with TF_LOG=TRACE,
// then searches the CLI's output, the TRACE log and every state file the
// commands left for any secret: the machine identity's client secret, any
// access token the KMS issued, and any Auth0 secret the applications ever had.
func TestAccQuickstartUnderTraceLeaksNoSecret(t *testing.T) {
	d := runDemoUnderTrace(t, loginUniversalAuth)
	trace, transcript := d.trace, &d.transcript
	if !bytes.Contains(trace, []byte("hanzokms: request")) || !bytes.Contains(trace, []byte("[TRACE]")) {
		t.Fatalf("the TRACE log does not hold the provider's request lines; the test would prove nothing")
	}
	if !strings.Contains(transcript.String(), `"rotation_status": "success"`) {
		t.Fatalf("no state with the rotation was captured; the test would prove nothing")
	}

	needles := acctest.NewNeedles()
	needles.AddStack(d.stack)
	needles.Expect(acctest.KindIdentitySecret, 1)
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Expect(acctest.KindAuth0Token, 1)
	// The rotator's secret, and the application's seeded, created and rotated ones.
	needles.Expect(acctest.KindAuth0Secret, 4)
	needles.Check(t, map[string][]byte{"CLI output and state files": transcript.Bytes(), "TRACE log": trace, "progress": d.progress.Bytes()})
}

// demoUnderTrace is what a demo run under TF_LOG=TRACE left to search.
type demoUnderTrace struct {
	trace                []byte
	transcript, progress bytes.Buffer
	stack                *localstack.Stack
}

// runDemoUnderTrace runs the demo lifecycle with one login method on the CLI
// the acceptance suite names, with TF_LOG=TRACE, in a directory of the test's.
func runDemoUnderTrace(t *testing.T, login string) *demoUnderTrace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	acctest.PreCheck(t)
	work := t.TempDir()
	d := &demoUnderTrace{}
	err := run(options{
		cli: os.Getenv("TF_ACC_TERRAFORM_PATH"), example: "../../../examples/quickstart", workDir: work,
		trace: true, out: &d.progress, transcript: &d.transcript, login: login,
		started: func(s *localstack.Stack) { d.stack = s },
	})
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, d.progress.String(), d.transcript.String())
	}
	if d.trace, err = os.ReadFile(filepath.Join(work, "trace.log")); err != nil {
		t.Fatal(err)
	}
	return d
}
