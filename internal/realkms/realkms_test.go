package realkms

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSelectedRefusesAnUnknownServer(t *testing.T) {
	for v, want := range map[string]bool{"": false, "local": false, "real": true} {
		t.Setenv(EnvServer, v)
		if got, err := Selected(); err != nil || got != want {
			t.Errorf("%s=%q: Selected() = %v, %v; want %v", EnvServer, v, got, err, want)
		}
	}
	t.Setenv(EnvServer, "rael")
	if _, err := Selected(); err == nil || !strings.Contains(err.Error(), `"rael"`) {
		t.Errorf("a misspelt server was not refused: %v", err)
	}
}

// FromEnv names every variable it lacks, and reads the client secret from
// its file (never from the environment).
func TestFromEnv(t *testing.T) {
	for _, k := range []string{EnvURL, EnvOrgID, EnvClientID, EnvClientSecretFile, EnvAuth0CACert, EnvAuth0CAKey} {
		t.Setenv(k, "")
	}
	_, err := FromEnv()
	if err == nil || !strings.Contains(err.Error(), EnvURL) || !strings.Contains(err.Error(), EnvClientSecretFile) {
		t.Fatalf("missing variables not named: %v", err)
	}
	secret := filepath.Join(t.TempDir(), "client-secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{EnvURL: "http://127.0.0.1:1", EnvOrgID: "org", EnvClientID: "cid",
		EnvClientSecretFile: secret, EnvAuth0CACert: "ca.pem", EnvAuth0CAKey: "ca-key.pem"} {
		t.Setenv(k, v)
	}
	s, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if s.ClientSecret != "s3cret" || s.URL != "http://127.0.0.1:1" {
		t.Fatalf("FromEnv = %+v", s)
	}
}
