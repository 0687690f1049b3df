package main

import (
	"encoding/json"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"
)

// The registries read the protocol from the manifest shipped with each release;
// it has to name the protocol main serves, or `init` installs a provider the
// CLI cannot talk to.
func TestRegistryManifestDeclaresServedProtocol(t *testing.T) {
	raw, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("terraform-registry-manifest.json: %v", err)
	}
	if manifest.Version != 1 {
		t.Errorf("manifest version %d, want 1", manifest.Version)
	}
	want := strconv.Itoa(protocolVersion) + ".0"
	if !slices.Equal(manifest.Metadata.ProtocolVersions, []string{want}) {
		t.Errorf("manifest protocol_versions %v, want [%s] (main serves protocol %d)", manifest.Metadata.ProtocolVersions, want, protocolVersion)
	}
}

// The provider collects garbage less often than Go's default unless GOGC
// says otherwise; a GOGC of the user's is left as the runtime read it.
func TestGarbageCollectorTargetUnlessGOGCIsSet(t *testing.T) {
	restore := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(restore) })

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	collectGarbageLessOftenUnlessAsked()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC: GC percent %d, want %d", got, gcPercent)
	}

	t.Setenv("GOGC", "100")
	collectGarbageLessOftenUnlessAsked()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=100: GC percent %d, want the runtime's 100 left alone", got)
	}
}
