package acctest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and stops
// the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	message string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A commit the clone lacks (as in a shallow clone) fails with the command
// that fetches the history, before any build.
func TestBuildProviderAtAMissingCommitSaysHowToFetchIt(t *testing.T) {
	t.Setenv("HANZOKMS_CLI_CACHE", t.TempDir())
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		BuildProviderAt(rec, strings.Repeat("0", 40))
	}()
	<-done
	if !strings.Contains(rec.message, "is not in this clone") || !strings.Contains(rec.message, "git fetch --unshallow") {
		t.Fatalf("message for a missing commit: %q", rec.message)
	}
}
