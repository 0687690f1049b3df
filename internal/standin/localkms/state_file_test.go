package localkms_test

import (
	"bytes"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

var stateBoot = localkms.Bootstrap{Identities: []localkms.BootstrapIdentity{{ClientID: "id", ClientSecret: "secret"}}}

func TestAStateFileThatCannotBeReadIsRefused(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]func() string{
		// A directory where the file should be: reading it fails, but it exists.
		"unreadable": func() string {
			p := filepath.Join(dir, "is-a-directory.json")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		},
		"not JSON": func() string {
			p := filepath.Join(dir, "garbage.json")
			if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		},
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			p := path()
			if _, err := localkms.New(localkms.Options{StateFile: p}, stateBoot); err == nil || !strings.Contains(err.Error(), p) {
				t.Fatalf("New started with a state file it could not read (err %v): it would forget and then overwrite it", err)
			}
		})
	}
	// A missing file is a first start, not an error.
	if _, err := localkms.New(localkms.Options{StateFile: filepath.Join(dir, "new", "state.json")}, stateBoot); err != nil {
		t.Errorf("a missing state file: %v", err)
	}
}

func TestAFailedStateWriteIsReported(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	stateFile := filepath.Join(dir, "state.json")
	s, err := localkms.New(localkms.Options{StateFile: stateFile, Logger: log.New(&logs, "", 0)}, stateBoot)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the server writes the file before renaming it.
	blocker := stateFile + ".tmp"
	if err := os.Mkdir(blocker, 0o700); err != nil {
		t.Fatal(err)
	}
	login(t, s)
	if s.PersistError() == nil {
		t.Fatal("writing the state file failed, and PersistError says nothing")
	}
	if !strings.Contains(logs.String(), "saving state to "+stateFile+" failed") {
		t.Errorf("the failure was not logged: %q", logs.String())
	}

	// Once the file can be written, the next change saves everything and clears the error.
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	login(t, s)
	if err := s.PersistError(); err != nil {
		t.Fatalf("after the obstacle went: %v", err)
	}
	if _, err := os.Stat(stateFile); err != nil {
		t.Fatalf("no state file after a successful write: %v", err)
	}
	again, err := localkms.New(localkms.Options{StateFile: stateFile}, localkms.Bootstrap{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(again.IssuedTokens()); n != 0 {
		t.Errorf("a restarted server remembers %d issued tokens in its test log, want 0 (that log is not state)", n)
	}
	login(t, again) // the identity came back from the file, not from a bootstrap
}

func login(t *testing.T, s *localkms.Server) {
	t.Helper()
	l, srv, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Post("http://"+l.Addr().String()+"/api/v1/auth/universal-auth/login", "application/json",
		strings.NewReader(`{"clientId":"id","clientSecret":"secret"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: HTTP %d", resp.StatusCode)
	}
}
