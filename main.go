// Command terraform-provider-hanzokms serves the Hanzo KMS provider to
// Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/benchprofile"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

// protocolVersion is the plugin protocol served; terraform-registry-manifest.json
// declares it to the registries as "6.0" (main_test.go keeps the two in step).
const protocolVersion = 6

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietSDKLogsUnlessAsked()

	// A no-op outside `make bench`'s builds (see internal/benchprofile).
	stopProfiling := benchprofile.Start()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/hanzoai/hanzokms",
		Debug:           debug,
		ProtocolVersion: protocolVersion,
	})
	stopProfiling()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietSDKLogsUnlessAsked turns the plugin's log lines off when no log
// variable asks for them. terraform-plugin-go logs every framework step at
// TRACE unless TF_LOG_SDK says otherwise (formatting JSON for each plan
// modifier and validator of each attribute), and the CLI throws all of it
// away when TF_LOG is unset. With any TF_LOG* variable set (TF_LOG=TRACE for a
// bug report), nothing changes. Measured by `make bench`.
func quietSDKLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_LOG_PATH") {
			if _, value, _ := strings.Cut(kv, "="); value != "" {
				return
			}
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "OFF")
	_ = os.Setenv("TF_LOG_PROVIDER_HANZOKMS", "OFF")
}
