// Command terraform-provider-hanzokms serves the Hanzo KMS provider to
// Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
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
	collectGarbageLessOftenUnlessAsked()

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

// gcPercent is the garbage collector's target the provider runs with when
// GOGC is not set: the heap may grow to three times what is live before a
// collection, instead of Go's default of twice. Collection work falls as
// 1/GOGC while the peak heap grows as 1+GOGC/100: 200 halves the collector's
// share for about half as much peak memory again (104 to 152 MiB for a plan
// of 500 rotations); 400, tried, doubled the memory and was not measurably
// faster than 200 on this project's shared machine.
const gcPercent = 200

// collectGarbageLessOftenUnlessAsked sets gcPercent unless GOGC is set. A
// provider process lives for one CLI command, and nearly all it allocates
// is garbage of a single RPC (the framework decodes, walks and re-encodes
// every resource's whole value several times per call), while what stays
// live is small: the schemas, the client, its caches. With Go's default the
// collector ran every few milliseconds and took about 30% of the process's
// CPU in `make bench`'s plan and destroy of 500 rotations; collecting less
// often trades some peak memory for that CPU (the README's bench table gives
// both). GOGC set by the user, GOGC=100 included, wins.
func collectGarbageLessOftenUnlessAsked() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(gcPercent)
}
