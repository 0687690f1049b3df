package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// secondRotator is an Auth0 application with Management API access whose
// secret a rotation rotates, and which a second app connection then logs in
// with: its secret travels rotation -> ephemeral credentials ->
// client_secret_wo, and must show up nowhere on the way.
const secondRotator = "second-rotator"

// TestAccTraceLogHoldsNoSecret runs connections and rotations through the
// real CLI with TF_LOG=TRACE for both the CLI and the provider, forcing a
// token renewal, then searches the TRACE log, the CLI's stdout and stderr and
// every state file for every secret the provider touched (see acctest.Needles
// for the encodings).
// The app connection's sensitive client_secret is kept in state by design:
// that one attribute is removed from state files before the search (and is
// still searched for in the log).
func TestAccTraceLogHoldsNoSecret(t *testing.T) {
	ttl := 15 * time.Second // see TestAccTokenRenewalUnderManyParallelResources
	env := acctest.Start(t, acctest.Options{TokenTTL: ttl})
	env.Tenant.AddApplication(localauth0.Application{ClientID: secondRotator, Name: "second rotator",
		ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys}})
	writeOnly := acctest.Has(t, acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralResources)

	logDir, workDir := t.TempDir(), t.TempDir()
	if d := os.Getenv("HANZOKMS_KEEP_TRACE"); d != "" {
		logDir = d
	}
	t.Setenv("TF_LOG", "TRACE")     // the provider's own log (the test sink)
	t.Setenv("TF_ACC_LOG", "TRACE") // the CLI's log
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	t.Setenv("TF_ACC_TEMP_DIR", workDir)
	t.Setenv("TF_ACC_PERSIST_WORKING_DIR", "1")

	// Secrets reach the CLI as a user's would, through the environment, so
	// that the configuration the test harness logs holds none of them.
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.ClientID, acctest.IdentityClientID)
	t.Setenv(envvar.ClientSecret, env.IdentityClientSecret)
	t.Setenv(envvar.Token, "")
	t.Setenv("TF_VAR_rotator_secret", env.Tenant.Secret(acctest.ManagementClientID))
	// The provider checks a connection at Auth0 itself (its preflight): it
	// trusts the local tenant's certificate, as ProviderBlock does.
	t.Setenv(envvar.CACertificate, string(env.Tenant.CACertPEM()))
	header := `
provider "hanzokms" {
  max_retries = 2
}

variable "rotator_secret" {
  type      = string
  sensitive = true
}
`
	conn := connectionBlock(env).Set("client_secret", "var.rotator_secret")
	rotation := rotationBlock(env).Set("connection_id", conn.Address()+".id").Str("rotation_trigger", "one")
	rotated := rotation.Clone().Str("rotation_trigger", "two")
	second := acctest.Resource("hanzokms_auth0_client_secret_rotation", "second").
		Str("project_id", acctest.ProjectID).Set("connection_id", conn.Address()+".id").
		Str("name", "second-rotator").Str("environment", "dev").Int("rotation_interval", 30).
		Obj("parameters", "client_id", secondRotator).
		Obj("secrets_mapping", "client_id", "SECOND_ID", "client_secret", "SECOND_SECRET").
		Str("rotation_trigger", "one")
	creds := acctest.Ephemeral("hanzokms_auth0_client_secret_rotation_credentials", "second").
		Set("rotation_id", second.Address()+".id")
	conn2 := acctest.Resource("hanzokms_app_connection_auth0", "second").
		Str("name", "second-rotator").Str("domain", env.Tenant.Domain()).Str("client_id", secondRotator).
		Set("client_secret_wo", creds.Address()+".client_secret").
		Int("client_secret_wo_version", 1)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: acctest.Config(header, conn, rotation)},
			{
				// Rotate. The plan's refresh reads the connection first (the
				// rotation names it): held until the token is due, the
				// rotation's read that follows renews it.
				PreConfig: func() {
					env.KMS.InjectFault(localkms.Fault{Route: "GET /api/v1/app-connections/auth0/{id}", Delay: holdUntilRenewalIsDue(ttl), Times: 1})
				},
				Config: acctest.Config(header, conn, rotated),
				Check:  checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
			{
				// The second rotator's secret, through ephemeral credentials,
				// into a write-only attribute.
				SkipFunc: acctest.SkipStepUnless(t, "ephemeral credentials into client_secret_wo",
					acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralResources),
				Config: acctest.Config(header, conn, rotated, second, creds, conn2),
				Check:  connectionHolds(env, secondRotator),
			},
			{
				// Rotate it and send the new secret.
				SkipFunc: acctest.SkipStepUnless(t, "rotated secret into client_secret_wo",
					acctest.FeatureWriteOnlyAttributes, acctest.FeatureEphemeralResources),
				Config: acctest.Config(header, conn, rotated, second.Clone().Str("rotation_trigger", "two"), creds,
					conn2.Clone().Int("client_secret_wo_version", 2)),
				Check: connectionHolds(env, secondRotator),
			},
		},
	})

	// terraform-plugin-testing keeps the CLI's own output to itself: a
	// connection and a rotation are applied and rotated once more through
	// the CLI directly, at TRACE (which the CLI then writes to stderr), so
	// that its stdout and stderr (diagnostics, plans, its own log) are
	// searched too. The provider is served in-process: its lines are in the
	// log searched below. The first run's mapped secrets stay after its
	// destroy, so this run maps other names.
	cli := acctest.NewCLI(t)
	direct := rotation.Clone().Obj("secrets_mapping", "client_id", "DIRECT_CLIENT_ID", "client_secret", "DIRECT_CLIENT_SECRET")
	var cliOutput []byte
	for i, config := range []string{acctest.Config(header, conn, direct), acctest.Config(header, conn, direct.Clone().Str("rotation_trigger", "two"))} {
		out, err := cli.Run(config, "apply", "-auto-approve", "-input=false")
		if err != nil {
			t.Fatalf("direct apply %d: %v\n%s", i+1, err, out)
		}
		cliOutput = append(cliOutput, out...)
	}

	needles := acctest.NewNeedles()
	needles.Add(acctest.KindConnectionSecret, "tenant-rotator client_secret", env.Tenant.SecretHistory(acctest.ManagementClientID)[0])
	sent := env.Tenant.SecretHistory(secondRotator)[1:] // issued by the rotation, read ephemerally, sent write-only
	needles.AddAll(acctest.KindEphemeral, "second rotation credentials", sent)
	needles.AddAll(acctest.KindWriteOnlySecret, "tenant-rotator-2 client_secret_wo", sent)
	needles.AddStack(env.Stack)
	needles.Expect(acctest.KindIdentitySecret, 1)
	needles.Expect(acctest.KindAccessToken, 4)
	needles.Expect(acctest.KindRenewedToken, 1)
	needles.Expect(acctest.KindConnectionSecret, 1)
	// The KMS's Management API tokens, and those of the provider's preflight.
	needles.Expect(acctest.KindAuth0Token, 2)
	// The rotator's, and the application's seeded, created and rotated secrets.
	needles.Expect(acctest.KindAuth0Secret, 4)
	if writeOnly {
		needles.Expect(acctest.KindEphemeral, 2)
		needles.Expect(acctest.KindWriteOnlySecret, 2)
		needles.Expect(acctest.KindAuth0Secret, 7)
	}

	corpora := map[string][]byte{"cli output (stdout and stderr)": cliOutput}
	for _, want := range []string{"[TRACE]", "Apply complete!"} {
		if !bytes.Contains(cliOutput, []byte(want)) {
			t.Errorf("the CLI's output does not hold %q: the search would prove less than it claims", want)
		}
	}
	if data, err := os.ReadFile(filepath.Join(cli.Dir(), "terraform.tfstate")); err == nil {
		corpora["state direct run"] = withoutConnectionClientSecret(t, "direct run", data)
	} else {
		t.Errorf("the direct run left no state: %v", err)
	}
	for name, data := range acctest.ReadTree(t, logDir) {
		corpora["log "+name] = data
	}
	for name, data := range acctest.ReadTree(t, workDir) {
		if strings.Contains(filepath.Base(name), ".tfstate") {
			corpora["state "+name] = withoutConnectionClientSecret(t, name, data)
		}
	}
	var logs []byte
	states := 0
	for name, data := range corpora {
		if strings.HasPrefix(name, "log ") {
			logs = append(logs, data...)
		} else {
			states++
		}
	}
	for _, want := range []string{"[TRACE]", "hanzokms: request", "hanzokms: response body", "/api/v1/auth/token/renew", "/generated-credentials"} {
		if want == "/generated-credentials" && !writeOnly {
			continue
		}
		if !bytes.Contains(logs, []byte(want)) {
			t.Errorf("the TRACE log does not hold %q: the search would prove less than it claims", want)
		}
	}
	if states == 0 {
		t.Errorf("no state file found under %s", workDir)
	}
	needles.Check(t, corpora)
}

// connectionHolds checks that the KMS's connection of the test's second
// configuration holds the application's current secret.
func connectionHolds(env *acctest.Env, clientID string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources["hanzokms_app_connection_auth0.second"].Primary.ID
		if got := env.KMS.ConnectionClientSecret(id); got == "" || got != env.Tenant.Secret(clientID) {
			return fmt.Errorf("the connection does not hold %s's current secret", clientID)
		}
		return nil
	}
}

// withoutConnectionClientSecret is a state file with the one attribute that
// holds a secret by design (the app connection's sensitive client_secret)
// blanked, so that everything else can be searched.
func withoutConnectionClientSecret(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("state file %s: %v", name, err)
	}
	resources, _ := st["resources"].([]any)
	for _, r := range resources {
		r, _ := r.(map[string]any)
		if r["type"] != "hanzokms_app_connection_auth0" {
			continue
		}
		instances, _ := r["instances"].([]any)
		for _, inst := range instances {
			attrs, _ := inst.(map[string]any)["attributes"].(map[string]any)
			if _, ok := attrs["client_secret"]; ok {
				attrs["client_secret"] = "<sensitive by design>"
			}
		}
	}
	out, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
