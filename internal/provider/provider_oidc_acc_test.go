package provider_test

// Acceptance tests of OIDC workload identity login on the real CLI: the
// local KMS checks each token against the local OIDC issuer's discovery
// document and keys, as the server does.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// oidcOnlyEnv configures the provider as a Terraform Cloud workspace with
// workload identity does: the KMS host, the identity id and the run's
// token, and no client secret anywhere in the environment.
func oidcOnlyEnv(t *testing.T, env *acctest.Env, token string) {
	t.Helper()
	clearProviderEnv(t)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.OIDCIdentityID, localstack.OIDCIdentityID)
	t.Setenv(envvar.TFCWorkloadIdentityToken, token)
}

// rotationOnlyHCL is a rotation without a provider block.
func rotationOnlyHCL(env *acctest.Env, body string) string {
	return strings.TrimPrefix(rotationHCL(env, body), env.ProviderBlock())
}

func noUniversalAuthLogin(env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := env.KMS.RequestCount("POST /api/v1/auth/universal-auth/login"); n != 0 {
			return fmt.Errorf("%d universal auth logins", n)
		}
		if n := env.KMS.RequestCount(oidcLoginRoute); n == 0 {
			return fmt.Errorf("no OIDC login")
		}
		return nil
	}
}

// The whole lifecycle with OIDC only: create, update in place, import,
// destroy; no client secret exists in the environment.
func TestAccOIDC_lifecycleWithoutAClientSecret(t *testing.T) {
	env := acctest.Start(t)
	oidcOnlyEnv(t, env, env.OIDCToken("tfc-run"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationOnlyHCL(env, basicBody),
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					noUniversalAuthLogin(env),
				),
			},
			{
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 15", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(rotationAddr, "rotation_interval", "15"),
					noUniversalAuthLogin(env),
				),
			},
			{
				ResourceName: rotationAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"rotation_trigger", "delete_secrets_on_destroy", "revoke_credentials_on_destroy"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			return noUniversalAuthLogin(env)(nil)
		},
	})
}

// Each refused OIDC login stops the run at configure time with an error
// that says what to fix, after exactly one login attempt.
func TestAccOIDC_refusedLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	good := localoidc.Claims{Subject: localstack.OIDCSubject, Audience: []string{localstack.OIDCAudience}}
	with := func(f func(*localoidc.Claims)) func() string {
		return func() string {
			c := good
			f(&c)
			return env.Issuer.MustMint(c)
		}
	}
	cases := []struct {
		name, identity string
		token          func() string
		want           string
	}{
		{"wrong audience", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Audience = []string{"aws.workload.identity"} }),
			`OIDC audience not allowed(.|\n)*TFC_WORKLOAD_IDENTITY_AUDIENCE`},
		{"wrong subject", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) {
			c.Subject = "organization:acme:project:default:workspace:payroll:run_phase:apply"
		}), `OIDC subject not allowed(.|\n)*bound subject`},
		{"wrong issuer", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Issuer = "https://app.terraform.io" }),
			`jwt issuer invalid(.|\n)*bound issuer`},
		{"expired token", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.Lifetime = -time.Minute }),
			`jwt expired(.|\n)*has expired`},
		{"bad signature", localstack.OIDCIdentityID, with(func(c *localoidc.Claims) { c.ForeignKey = true }),
			`invalid signature(.|\n)*discovery URL`},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", func() string { return env.OIDCToken("x") },
			`OIDC auth method not found(.|\n)*oidc_identity_id`},
		{"identity without OIDC", localstack.IdentityWithoutOIDCID, func() string { return env.OIDCToken("y") },
			`OIDC auth method not found(.|\n)*has OIDC Auth configured`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oidcOnlyEnv(t, env, tc.token())
			t.Setenv(envvar.OIDCIdentityID, tc.identity)
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      rotationOnlyHCL(env, basicBody),
					ExpectError: regexp.MustCompile(`Hanzo KMS authentication failed(.|\n)*` + wrapped(tc.want)),
				}},
			})
			if n := env.KMS.RequestCount(oidcLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1:\n%s", n, env.KMS.CountsString())
			}
			if n := env.KMS.TotalRequests(); n != 1 {
				t.Errorf("%d requests, want only the refused login:\n%s", n, env.KMS.CountsString())
			}
		})
	}
}

// wrapped lets a pattern's spaces match the line breaks the CLI wraps
// error messages with.
func wrapped(pattern string) string { return strings.ReplaceAll(pattern, " ", `\s+`) }

// A token file replaced between two runs (as the kubelet rotates a projected
// service account token): the second run logs in with the new token.
func TestAccOIDC_tokenFileChangesBetweenRuns(t *testing.T) {
	env := acctest.Start(t)
	clearProviderEnv(t)
	file := filepath.Join(t.TempDir(), "token")
	write := func(run string) {
		if err := os.WriteFile(file, []byte(env.OIDCToken(run)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	block := fmt.Sprintf(`
provider "hanzokms" {
  host             = %q
  oidc_identity_id = %q
  oidc_token_file  = %q
}
`, env.KMSURL, localstack.OIDCIdentityID, file)
	lastLoginUsed := func(run string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			logins := env.KMS.OIDCLogins(localstack.OIDCIdentityID)
			if len(logins) == 0 || logins[len(logins)-1].TokenID != run {
				return fmt.Errorf("logins %v, want the last with token %s", logins, run)
			}
			for _, l := range logins {
				if l.TokenID == "" {
					return fmt.Errorf("a login without a token id: %v", logins)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { write("run-1") },
				Config:    block + rotationOnlyHCL(env, basicBody),
				Check:     resource.ComposeTestCheckFunc(lastLoginUsed("run-1"), noUniversalAuthLogin(env)),
			},
			{
				PreConfig: func() { write("run-2") },
				Config:    block + rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 7", 1)),
				Check: resource.ComposeTestCheckFunc(lastLoginUsed("run-2"), func(*terraform.State) error {
					for _, l := range env.KMS.OIDCLogins(localstack.OIDCIdentityID) {
						if l.TokenID != "run-1" && l.TokenID != "run-2" {
							return fmt.Errorf("a login with an unexpected token: %v", l)
						}
					}
					return nil
				}),
			},
		},
	})
}

// The KMS access token expires in the middle of an apply, and the run's
// OIDC token was replaced meanwhile: the provider logs in again once, with
// the token read again, and the apply converges.
func TestAccOIDC_accessTokenExpiresMidApply(t *testing.T) {
	env := acctest.Start(t)
	clearProviderEnv(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(env.OIDCToken("before")), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
provider "hanzokms" {
  host             = %q
  oidc_identity_id = %q
  oidc_token_file  = %q
}
`, env.KMSURL, localstack.OIDCIdentityID, file) + rotationOnlyHCL(env, basicBody)
	var loginsBeforeExpiry atomic.Int64
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.KMS.InjectFault(localkms.Fault{Route: routeCreate, ExpireTokens: true, OnFire: func() {
					loginsBeforeExpiry.Store(int64(len(env.KMS.OIDCLogins(localstack.OIDCIdentityID))))
					if err := os.WriteFile(file, []byte(env.OIDCToken("after")), 0o600); err != nil {
						t.Error(err)
					}
				}})
			},
			Config: config,
			Check: resource.ComposeTestCheckFunc(exactlyTheStateRotation(env), func(*terraform.State) error {
				if n := env.KMS.RequestCount(routeCreate); n != 2 {
					return fmt.Errorf("%d create requests, want 2 (the refused one, then the one after the new login)", n)
				}
				var tokens []string
				for _, l := range env.KMS.OIDCLogins(localstack.OIDCIdentityID) {
					tokens = append(tokens, l.TokenID)
				}
				// The apply's process logged in with "before"; once its token
				// expired, it logged in exactly once more, with "after". (Check
				// runs right after the apply, before the plans that follow it
				// log in on their own.)
				before := int(loginsBeforeExpiry.Load())
				if before == 0 || before > len(tokens) || tokens[before-1] != "before" {
					return fmt.Errorf("logins used tokens %v; the expiry came after %d of them", tokens, before)
				}
				if again := tokens[before:]; len(again) != 1 || again[0] != "after" {
					return fmt.Errorf("after the access token expired, logins with %v, want exactly one, with the new OIDC token (all logins: %v)", again, tokens)
				}
				return nil
			}),
		}},
	})
}

// GitHub Actions: with ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN set, the provider
// requests its token from the runner's endpoint (which checks the bearer)
// with the configured audience. The whole run is at TF_LOG=TRACE: the
// request token (with which anyone could mint the job's OIDC tokens), the
// OIDC and access tokens and every secret of the local world appear neither
// in the CLI's stdout and stderr (its own TRACE log included), nor in the
// provider's TRACE log, nor in state.
func TestAccOIDC_gitHubActionsTokenRequest(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	clearProviderEnv(t)
	requestToken, staleToken := "ghs-request-"+randomHex(t), "ghs-stale-"+randomHex(t)
	requestURL := env.Issuer.EnableGitHubActions(requestToken, localoidc.Claims{
		Subject: localstack.OIDCSubject, Extra: map[string]any{"repository": "hanzoai/infra"},
	})
	t.Setenv(envvar.GitHubTokenRequestURL, requestURL)
	t.Setenv(envvar.GitHubTokenRequestToken, requestToken)
	t.Setenv(envvar.Host, env.KMSURL)
	t.Setenv(envvar.OIDCIdentityID, localstack.OIDCIdentityID)
	t.Setenv(envvar.CACertificate, string(env.Issuer.CACertPEM()))
	// The CLI's TRACE log goes to its stderr (searched with its output), the
	// provider's (served in this process) to files in logDir.
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	cli := acctest.NewCLI(t)
	var output bytes.Buffer
	run := func(config string, args ...string) (string, error) {
		out, err := cli.Run(config, args...)
		output.WriteString(out)
		return out, err
	}
	providerBlock := fmt.Sprintf(`
provider "hanzokms" {
  oidc_audience = %q
}
`, localstack.OIDCAudience)
	config := providerBlock + rotationOnlyHCL(env, basicBody)

	if out, err := run(config, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, tail(out))
	}
	for _, check := range []resource.TestCheckFunc{
		checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
		noUniversalAuthLogin(env),
	} {
		if err := check(nil); err != nil {
			t.Error(err)
		}
	}
	audiences := env.Issuer.GitHubAudiences()
	if len(audiences) == 0 {
		t.Fatal("no token was requested from the runner")
	}
	for _, a := range audiences {
		if a != localstack.OIDCAudience {
			t.Errorf("a token requested with audience %q", a)
		}
	}
	if logins := len(env.KMS.OIDCLogins(localstack.OIDCIdentityID)); logins != len(audiences) {
		t.Errorf("%d logins for %d token requests", logins, len(audiences))
	}

	// The runner refuses a stale request token; no login is sent without a token.
	t.Setenv(envvar.GitHubTokenRequestToken, staleToken)
	env.KMS.ResetCounters()
	out, err := run(config, "plan", "-input=false")
	if err == nil || !regexp.MustCompile(`GitHub Actions token endpoint(.|\n)*HTTP\s+401`).MatchString(acctest.Squash(out)) {
		t.Errorf("a stale request token: want the runner's 401 (%v):\n%s", err, tail(out))
	}
	if n := env.KMS.TotalRequests(); n != 0 {
		t.Errorf("%d requests reached the KMS without a token:\n%s", n, env.KMS.CountsString())
	}
	t.Setenv(envvar.GitHubTokenRequestToken, requestToken)
	if out, err := run(providerBlock, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("destroy by removal: %v\n%s", err, tail(out))
	}

	corpora := map[string][]byte{"CLI stdout and stderr (its TRACE log included)": output.Bytes()}
	for name, data := range acctest.ReadTree(t, logDir) {
		corpora["provider log "+name] = data
	}
	states := 0
	for name, data := range acctest.ReadTree(t, cli.Dir()) {
		if strings.Contains(filepath.Base(name), ".tfstate") {
			corpora["state "+name] = data
			states++
		}
	}
	if states == 0 {
		t.Errorf("no state file in %s", cli.Dir())
	}
	var providerLog []byte
	for name, data := range corpora {
		if strings.HasPrefix(name, "provider log ") {
			providerLog = append(providerLog, data...)
		}
	}
	for _, want := range []string{"[TRACE]", "hanzokms: request", "/api/v1/auth/oidc-auth/login"} {
		if !bytes.Contains(providerLog, []byte(want)) {
			t.Errorf("the provider's TRACE log does not hold %q: the search would prove less than it claims", want)
		}
	}
	if !bytes.Contains(output.Bytes(), []byte("[TRACE]")) {
		t.Errorf("the CLI's output holds no TRACE log: the search would prove less than it claims")
	}
	needles := acctest.NewNeedles()
	needles.Add(acctest.KindGitHubRequestToken, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
	needles.Add(acctest.KindGitHubRequestToken, "a stale ACTIONS_ID_TOKEN_REQUEST_TOKEN", staleToken)
	needles.AddStack(env.Stack)
	needles.Expect(acctest.KindGitHubRequestToken, 2)
	needles.Expect(acctest.KindOIDCToken, 2) // a token and its signature, at least
	needles.Expect(acctest.KindAccessToken, 1)
	needles.Expect(acctest.KindAuth0Token, 1)
	needles.Expect(acctest.KindAuth0Secret, 3)
	needles.Check(t, corpora)
}

// randomHex is 16 random bytes in hex: a value no log holds by chance.
func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// tail is the end of a long CLI output (a TRACE log runs to megabytes).
func tail(out string) string {
	if len(out) > 4000 {
		return "...\n" + out[len(out)-4000:]
	}
	return out
}
