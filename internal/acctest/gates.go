package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// CLIVersion is the command-line tool a test runs: Terraform or OpenTofu, and its
// own version number.
//
// terraform-plugin-testing's tfversion checks see only a version number, and
// OpenTofu reports its own (1.12.6 for OpenTofu 1.12.6), so a bare
// tfversion.SkipBelow(1.12) would run a Terraform-only feature on OpenTofu.
// The gates below read the product name as well.
type CLIVersion struct {
	Path     string
	OpenTofu bool
	Version  *version.Version
}

// Product is "OpenTofu" or "Terraform".
func (c CLIVersion) Product() string {
	if c.OpenTofu {
		return "OpenTofu"
	}
	return "Terraform"
}

func (c CLIVersion) String() string { return c.Product() + " v" + c.Version.String() }

var (
	cliOnce     sync.Once
	detectedCLI CLIVersion
	detectErr   error
	// The first line of `version`: "Terraform v1.16.0" or "OpenTofu v1.12.6".
	versionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)
)

// CurrentCLI identifies the CLI named by TF_ACC_TERRAFORM_PATH by running its
// `version` command once per test process.
func CurrentCLI() (CLIVersion, error) {
	cliOnce.Do(func() {
		path := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if path == "" {
			detectErr = fmt.Errorf("TF_ACC_TERRAFORM_PATH is not set")
			return
		}
		detectedCLI, detectErr = identifyCLI(path)
	})
	return detectedCLI, detectErr
}

func identifyCLI(path string) (CLIVersion, error) {
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return CLIVersion{}, fmt.Errorf("%s version: %w", path, err)
	}
	return parseVersionOutput(path, string(out))
}

func parseVersionOutput(path, out string) (CLIVersion, error) {
	m := versionLine.FindStringSubmatch(out)
	if m == nil {
		return CLIVersion{}, fmt.Errorf("%s version: no \"Terraform vX.Y.Z\" or \"OpenTofu vX.Y.Z\" line in %q", path, out)
	}
	v, err := version.NewVersion(m[2])
	if err != nil {
		return CLIVersion{}, fmt.Errorf("%s version: %w", path, err)
	}
	return CLIVersion{Path: path, OpenTofu: m[1] == "OpenTofu", Version: v}, nil
}

// Feature is a CLI capability a test needs, with the first release of each
// product that has it. An empty OpenTofu means no OpenTofu release has it.
type Feature struct {
	Name      string
	Terraform string
	OpenTofu  string
}

// The features gated in this suite, with the first CLI releases that run them.
var (
	// Resource identity: import blocks with `identity`, identities in state and
	// plans. OpenTofu added import blocks with identity in 1.12.0.
	FeatureResourceIdentity = Feature{Name: "resource identity", Terraform: "1.12.0", OpenTofu: "1.12.0"}
	// List resources and `terraform query`.
	FeatureListResources = Feature{Name: "list resources (terraform query)", Terraform: "1.14.0"}
	// Actions: `action` blocks, `-invoke`, `lifecycle { action_trigger }`.
	FeatureActions = Feature{Name: "actions", Terraform: "1.14.0"}
	// `moved` blocks between resource types of different providers
	// (MoveResourceState). OpenTofu sent the wrong source provider address in
	// the request before 1.12.4 (its changelog, #4355).
	// Ephemeral resources (1.10 in Terraform; OpenTofu 1.11).
	FeatureEphemeralResources = Feature{Name: "ephemeral resources", Terraform: "1.10.0", OpenTofu: "1.11.0"}
	// Write-only attributes (Terraform 1.11; OpenTofu 1.11).
	FeatureWriteOnlyAttributes = Feature{Name: "write-only attributes", Terraform: "1.11.0", OpenTofu: "1.11.0"}
	FeatureMoveResourceState   = Feature{Name: "cross-type moved blocks (MoveResourceState)", Terraform: "1.8.0", OpenTofu: "1.12.4"}
	// Provider-defined functions (provider::hanzokms::...).
	FeatureProviderFunctions = Feature{Name: "provider-defined functions", Terraform: "1.8.0", OpenTofu: "1.7.0"}
	// `import` blocks with for_each.
	FeatureImportForEach = Feature{Name: "import blocks with for_each", Terraform: "1.7.0", OpenTofu: "1.7.0"}
	// `terraform test` with mock_provider and override_resource (OpenTofu
	// added mock providers in 1.8).
	FeatureTestMocks = Feature{Name: "test with mock_provider", Terraform: "1.7.0", OpenTofu: "1.8.0"}
	// Ephemeral input variables (`ephemeral = true`; OpenTofu 1.11).
	FeatureEphemeralVariables = Feature{Name: "ephemeral variables", Terraform: "1.10.0", OpenTofu: "1.11.0"}
	// `lifecycle { destroy = false }`: forget rather than destroy (OpenTofu
	// 1.12.0, Terraform 1.16.0, by their changelogs).
	FeatureLifecycleDestroyFalse = Feature{Name: "lifecycle destroy = false", Terraform: "1.16.0", OpenTofu: "1.12.0"}
	// action_trigger's on_failure (halt, taint, continue) and the
	// before_destroy/after_destroy events: Terraform 1.16.0.
	FeatureActionOnFailureAndDestroyEvents = Feature{Name: "action_trigger on_failure and destroy events", Terraform: "1.16.0"}
)

// Skip reports why the CLI cannot run f, or "" when it can.
func (f Feature) Skip(c CLIVersion) string {
	first := f.Terraform
	if c.OpenTofu {
		first = f.OpenTofu
	}
	if first == "" {
		return fmt.Sprintf("%s: %s has none (only Terraform >= %s); this CLI is %s", f.Name, c.Product(), f.Terraform, c)
	}
	if c.Version.LessThan(version.Must(version.NewVersion(first))) {
		return fmt.Sprintf("%s: needs %s >= %s; this CLI is %s", f.Name, c.Product(), first, c)
	}
	return ""
}

// Needs is a TerraformVersionCheck that skips the test, with the exact reason,
// unless the CLI under test (product and version) has every feature given.
func Needs(features ...Feature) tfversion.TerraformVersionCheck {
	return featureCheck(features)
}

type featureCheck []Feature

func (fs featureCheck) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	c, err := CurrentCLI()
	if err != nil {
		resp.Error = fmt.Errorf("cannot tell which CLI runs the test: %w", err)
		return
	}
	for _, f := range fs {
		if reason := f.Skip(c); reason != "" {
			resp.Skip = reason
			return
		}
	}
}

// Enabled reports whether acceptance tests run (TF_ACC set).
func Enabled() bool { return os.Getenv("TF_ACC") != "" }

// SkipUnless skips t, with the exact reason, unless the CLI under test has
// every feature given; for tests that run the CLI themselves (WorkDir).
func SkipUnless(t testing.TB, features ...Feature) {
	t.Helper()
	PreCheck(t)
	c, err := CurrentCLI()
	if err != nil {
		t.Fatalf("cannot tell which CLI runs the test: %v", err)
	}
	for _, f := range features {
		if reason := f.Skip(c); reason != "" {
			t.Skip(reason)
		}
	}
}

// Has reports whether the CLI under test has every feature given; for a
// step's SkipFunc or a test that runs part of itself only where it can.
func Has(t testing.TB, features ...Feature) bool {
	t.Helper()
	PreCheck(t)
	c, err := CurrentCLI()
	if err != nil {
		t.Fatalf("cannot tell which CLI runs the test: %v", err)
	}
	for _, f := range features {
		if f.Skip(c) != "" {
			return false
		}
	}
	return true
}

// StepSkipPrefix starts the line a step skipped by SkipStepUnless logs:
// terraform-plugin-testing prints nothing for a skipped step, so
// .ci/require-tests.sh finds step skips by it and holds them to the leg's
// expected skips, as it does `--- SKIP` lines.
const StepSkipPrefix = "SKIP STEP "

// SkipStepUnless is a TestStep's SkipFunc: the step is skipped unless the
// CLI under test has every feature given, and a skip logs
// "SKIP STEP <step>: <reason>". step names the step within its test (no
// colon).
func SkipStepUnless(t testing.TB, step string, features ...Feature) func() (bool, error) {
	return func() (bool, error) {
		c, err := CurrentCLI()
		if err != nil {
			return false, fmt.Errorf("cannot tell which CLI runs the test: %w", err)
		}
		for _, f := range features {
			if reason := f.Skip(c); reason != "" {
				t.Logf("%s%s: %s", StepSkipPrefix, step, reason)
				return true, nil
			}
		}
		return false, nil
	}
}
