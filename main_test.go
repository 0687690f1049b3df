package main

import (
	"encoding/json"
	"os"
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
