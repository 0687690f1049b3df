// Command demo applies examples/quickstart with a real Terraform/OpenTofu CLI
// against a local Auth0 tenant and a local Hanzo KMS, and shows each step:
// the rotation's state, the mapped secrets, a client credentials login with
// them, a manual rotation by trigger, the old secret refused and the new one
// accepted, an empty second plan, then destroy. It leaves nothing running.
// It does so twice by default: logged in with a machine identity's client
// secret (universal auth), then as a Terraform Cloud run with workload
// identity would (OIDC: an identity id and the run's token, no client secret
// anywhere in the CLI's environment). It can also run with any other login
// method, one at a time (-login kubernetes, aws-iam, gcp-gce, gcp-iam, azure): the local stack
// stands in for the platform the login trusts.
//
// With -real-kms it runs against the real Infisical server that
// .ci/real-kms.sh started (its HANZO_KMS_REAL_* variables), in a project and
// with an app connection of its own, logged in with universal auth:
//
//	HANZO_KMS_REAL_SERVER_SOURCE=~/src/infisical make demo DEMO_FLAGS=-real-kms
//
//	go run ./internal/cmd/demo -tofu ~/.cache/terraform-provider-hanzokms/opentofu-1.12.6/tofu
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

func main() {
	var o options
	flag.StringVar(&o.cli, "tofu", "", "path of the Terraform or OpenTofu CLI to run (required: never taken from PATH)")
	flag.StringVar(&o.example, "example", "examples/quickstart", "the configuration to apply")
	flag.StringVar(&o.workDir, "work-dir", "", "working directory to use and keep (default: a temporary one, removed)")
	flag.BoolVar(&o.trace, "trace", false, "run the CLI with TF_LOG=TRACE, logging to <work-dir>/trace.log")
	loginFlag := flag.String("login", "both", "how the provider logs in: both (universal-auth, then oidc), or one of "+loginNames())
	flag.BoolVar(&o.realKMS, "real-kms", false, "run against the real server .ci/real-kms.sh started (universal auth only)")
	flag.Parse()
	o.out = os.Stdout
	logins := []string{loginUniversalAuth, loginOIDC}
	switch {
	case o.realKMS && *loginFlag != "both" && *loginFlag != loginUniversalAuth:
		fmt.Fprintf(os.Stderr, "-real-kms logs in with universal auth only (the other logins trust the local stand-ins)\n")
		os.Exit(2)
	case o.realKMS:
		logins = []string{loginUniversalAuth}
	case *loginFlag == "both":
	case loginDescriptions[*loginFlag] != "":
		logins = []string{*loginFlag}
	default:
		fmt.Fprintf(os.Stderr, "-login %q: want both or one of %s\n", *loginFlag, loginNames())
		os.Exit(2)
	}
	baseWork := o.workDir
	for _, login := range logins {
		o.login = login
		if baseWork != "" && len(logins) > 1 {
			o.workDir = filepath.Join(baseWork, login)
		}
		if err := run(o); err != nil {
			fmt.Fprintf(os.Stderr, "\ndemo FAILED (%s): %v\n", login, err)
			os.Exit(1)
		}
	}
	if o.realKMS {
		fmt.Println("\ndemo: done on the real server; its project and app connection stay until .ci/real-kms.sh stops it.")
		return
	}
	fmt.Println("\ndemo: done; the local servers stopped, nothing left running.")
	if *loginFlag == "both" {
		fmt.Println("\nThe demo can also log in with each other method, against a local stand-in of the platform it trusts:")
		for _, l := range loginOrder[2:] {
			fmt.Printf("  -login %-14s %s\n", l, loginDescriptions[l])
		}
		fmt.Println("e.g. go run ./internal/cmd/demo -tofu <cli> -login kubernetes")
	}
}

// How the provider logs in.
const (
	loginUniversalAuth = "universal-auth"
	loginOIDC          = "oidc"
	loginKubernetes    = "kubernetes"
	loginAWSIAM        = "aws-iam"
	loginGCPGCE        = "gcp-gce"
	loginGCPIAM        = "gcp-iam"
	loginAzure         = "azure"
)

// loginOrder lists the -login values; the first two are the default runs.
var loginOrder = []string{loginUniversalAuth, loginOIDC, loginKubernetes, loginAWSIAM, loginGCPGCE, loginGCPIAM, loginAzure}

var loginDescriptions = map[string]string{
	loginUniversalAuth: "a machine identity's client id and secret",
	loginOIDC:          "a Terraform Cloud run's workload identity token (OIDC)",
	loginKubernetes:    "a pod's service account token, reviewed by a local Kubernetes API (Kubernetes Auth)",
	loginAWSIAM:        "a runner's AWS role credentials, a signed GetCallerIdentity verified by a local STS (AWS IAM Auth)",
	loginGCPGCE:        "a GCE instance's identity token from a local metadata server (GCP Auth, gce)",
	loginGCPIAM:        "a JWT signed by a local IAM Credentials signJwt for a service account (GCP Auth, iam)",
	loginAzure:         "a managed identity access token from a local App Service identity endpoint (Azure Auth)",
}

func loginNames() string { return strings.Join(loginOrder, ", ") }

type options struct {
	cli, example, workDir string
	trace                 bool
	// login is loginUniversalAuth (also when empty) or loginOIDC.
	login string
	out   io.Writer
	// transcript, when set, receives every CLI command's whole output.
	transcript io.Writer
	// started, when set, is called with the running stack (tests).
	started func(*localstack.Stack)
	// realKMS runs against the real server of .ci/real-kms.sh.
	realKMS bool
}

var out io.Writer = os.Stdout

func step(format string, args ...any) { fmt.Fprintf(out, "\n==> "+format+"\n", args...) }
func info(format string, args ...any) { fmt.Fprintf(out, "    "+format+"\n", args...) }

func run(o options) error {
	if o.cli == "" {
		return errors.New("-tofu is required")
	}
	if o.out == nil {
		o.out = io.Discard
	}
	out = o.out
	cli, _ := filepath.Abs(o.cli)
	example := o.example
	work := o.workDir
	if work == "" {
		tmp, err := os.MkdirTemp("", "hanzokms-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	} else if err := os.MkdirAll(work, 0o700); err != nil {
		return err
	}

	step("Building the provider")
	pluginDir := filepath.Join(work, "plugins")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-hanzokms"), "github.com/hanzoai/terraform-provider-hanzokms").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	override := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"hanzoai/hanzokms\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(override), 0o600); err != nil {
		return err
	}
	info("built into %s, used through a dev_overrides CLI configuration", pluginDir)

	var st *localstack.Stack
	projectID, identityClientID := localstack.ProjectID, localstack.IdentityClientID
	if o.realKMS {
		step("A local Auth0 tenant, and a project and an Auth0 connection on the real server")
		srv, err := realkms.FromEnv()
		if err != nil {
			return err
		}
		w, err := realkms.NewWorld(context.Background(), srv, fmt.Sprintf("demo-%d", time.Now().Unix()), nil)
		if err != nil {
			return err
		}
		defer w.Close()
		st = &localstack.Stack{Tenant: w.Tenant, KMSURL: srv.URL, IdentityClientSecret: srv.ClientSecret,
			ConnectionID: w.ConnectionID, Client: w.Client}
		projectID, identityClientID = w.ProjectID, srv.ClientID
		info("the real server: Infisical backend, newest migration %s", srv.Version)
	} else {
		step("Starting a local Auth0 tenant and a local Hanzo KMS on loopback")
		var err error
		st, err = localstack.Start(localstack.Options{})
		if err != nil {
			return err
		}
		defer st.Close()
		if o.started != nil {
			o.started(st)
		}
	}
	info("Auth0 tenant:   %s (application %q to rotate)", st.Tenant.URL(), localstack.AppClientID)
	info("Hanzo KMS:      %s (project %s, Auth0 connection %s)", st.KMSURL, projectID, st.ConnectionID)
	originalSecret := st.Tenant.Secret(localstack.AppClientID)

	config := filepath.Join(work, "config")
	if err := copyDir(example, config); err != nil {
		return err
	}
	env := append(environWithoutLoginSettings(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		envvar.Host+"="+st.KMSURL,
		"TF_VAR_project_id="+projectID,
		"TF_VAR_connection_id="+st.ConnectionID,
		"TF_VAR_auth0_client_id="+localstack.AppClientID,
	)
	loginHow := "a machine identity's client id and secret: HANZO_KMS_CLIENT_ID, HANZO_KMS_CLIENT_SECRET"
	switch o.login {
	case loginOIDC:
		// As a Terraform Cloud workspace with workload identity: the identity
		// id is not a secret; the run's token lives for the run only.
		runToken := st.Issuer.MustMint(localoidc.Claims{
			Subject: localstack.OIDCSubject, Audience: []string{localstack.OIDCAudience}, Lifetime: 30 * time.Minute,
			Extra: map[string]any{"terraform_organization_name": "acme", "terraform_workspace_name": "billing"},
		})
		env = append(env, envvar.OIDCIdentityID+"="+localstack.OIDCIdentityID, envvar.TFCWorkloadIdentityToken+"="+runToken)
		loginHow = "OIDC workload identity: HANZO_KMS_OIDC_IDENTITY_ID and the run's TFC_WORKLOAD_IDENTITY_TOKEN, no client secret"
		info("OIDC issuer:    %s (identity %s trusts audience %q, subject %q)", st.Issuer.URL(), localstack.OIDCIdentityID,
			localstack.OIDCAudience, localstack.OIDCBoundSubject)
	case loginKubernetes:
		// As a pod does: the kubelet mounts the service account's token.
		token, _ := st.KubernetesToken()
		tokenFile := filepath.Join(work, "serviceaccount-token")
		if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
			return err
		}
		env = append(env, envvar.KubernetesIdentityID+"="+localstack.KubernetesIdentityID,
			envvar.KubernetesServiceAccountTokenPath+"="+tokenFile)
		loginHow = "Kubernetes Auth: HANZO_KMS_KUBERNETES_IDENTITY_ID and the service account token file, no client secret"
		info("Kubernetes API: %s (identity %s allows service account %s/%s)", st.Cluster.URL(), localstack.KubernetesIdentityID,
			localstack.KubernetesNamespace, localstack.KubernetesServiceAccount)
	case loginAWSIAM:
		// As a runner with a role: temporary credentials in the standard
		// variables, and none of the machine's AWS files or metadata.
		p := st.AWSPrincipal
		none := filepath.Join(work, "no-aws-config")
		env = append(env, envvar.AWSIAMIdentityID+"="+localstack.AWSIdentityID,
			"AWS_ACCESS_KEY_ID="+p.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+p.SecretAccessKey, "AWS_SESSION_TOKEN="+p.SessionToken,
			"AWS_REGION="+localstack.AWSRegion, "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none, "AWS_EC2_METADATA_DISABLED=true")
		loginHow = "AWS IAM Auth: HANZO_KMS_AWS_IAM_IDENTITY_ID and the runner's AWS credentials, no client secret"
		info("AWS STS:        %s (identity %s allows account %s, role %s)", st.STS.URL(), localstack.AWSIdentityID,
			localstack.AWSAccountID, localstack.AWSRoleARN)
	case loginGCPGCE, loginGCPIAM:
		// As a GCE runner: the metadata server at GCE_METADATA_HOST, and no
		// gcloud or key file credentials.
		env = append(env, "GCE_METADATA_HOST="+st.GCP.MetadataHost(), "CLOUDSDK_CONFIG="+filepath.Join(work, "no-gcloud"))
		if o.login == loginGCPGCE {
			env = append(env, envvar.GCPIdentityID+"="+localstack.GCEIdentityID)
			loginHow = "GCP Auth (gce): HANZO_KMS_GCP_IDENTITY_ID and the instance's identity token, no client secret"
			info("GCP metadata:   %s (identity %s allows %s in project %s, zone %s)", st.GCP.URL(), localstack.GCEIdentityID,
				localstack.GCPRunnerServiceAccount, localstack.GCPProject, localstack.GCPZone)
		} else {
			env = append(env, envvar.GCPIdentityID+"="+localstack.GCPIAMIdentityID, envvar.GCPAuthType+"=iam",
				envvar.GCPServiceAccountEmail+"="+localstack.GCPTerraformServiceAccount,
				envvar.GCPIAMCredentialsEndpoint+"="+st.GCP.URL())
			loginHow = "GCP Auth (iam): HANZO_KMS_GCP_IDENTITY_ID and a JWT signed for a service account, no client secret"
			info("GCP IAM:        %s (identity %s allows %s, which the runner's %s signs for)", st.GCP.URL(),
				localstack.GCPIAMIdentityID, localstack.GCPTerraformServiceAccount, localstack.GCPRunnerServiceAccount)
		}
	case loginAzure:
		// As App Service or Container Apps hand an app its managed identity.
		env = append(env, envvar.AzureIdentityID+"="+localstack.AzureIdentityID,
			"IDENTITY_ENDPOINT="+st.Azure.IdentityEndpoint(), "IDENTITY_HEADER="+st.Azure.IdentityHeader)
		loginHow = "Azure Auth: HANZO_KMS_AZURE_IDENTITY_ID and the managed identity's token, no client secret"
		info("Azure identity: %s (identity %s allows service principal %s of tenant %s)", st.Azure.IdentityEndpoint(),
			localstack.AzureIdentityID, localstack.AzureServicePrincipalID, localstack.AzureTenantID)
	default:
		env = append(env, envvar.ClientID+"="+identityClientID, envvar.ClientSecret+"="+st.IdentityClientSecret)
	}
	if o.trace {
		env = append(env, "TF_LOG=TRACE", "TF_LOG_PATH="+filepath.Join(work, "trace.log"))
	}
	tf := func(args ...string) (string, error) {
		cmd := exec.Command(cli, append(args, "-no-color")...)
		cmd.Dir, cmd.Env = config, env
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		if o.transcript != nil {
			fmt.Fprintf(o.transcript, "$ %s %s\n%s\n", filepath.Base(cli), strings.Join(args, " "), buf.String())
			// The state as each command left it (destroy empties the last one).
			if state, err := os.ReadFile(filepath.Join(config, "terraform.tfstate")); err == nil {
				fmt.Fprintf(o.transcript, "--- terraform.tfstate ---\n%s\n", state)
			}
		}
		return buf.String(), err
	}

	step("%s apply (the provider is configured by environment variables; it logs in with %s)", filepath.Base(cli), loginHow)
	out, err := tf("apply", "-auto-approve", "-input=false")
	if err != nil {
		return fmt.Errorf("apply: %v\n%s", err, out)
	}
	printTail(out, "Apply complete")

	step("The rotation as Terraform state holds it (no secret in it)")
	out, err = tf("state", "show", "hanzokms_auth0_client_secret_rotation.billing")
	if err != nil {
		return fmt.Errorf("state show: %v\n%s", err, out)
	}
	fmt.Fprint(o.out, indent(out))
	if strings.Contains(out, st.Tenant.Secret(localstack.AppClientID)) {
		return errors.New("the rotated secret is in the state")
	}

	step("The mapped secrets, read back through the KMS API (the read by name: GET /api/v4/secrets/..., or /api/v3/secrets/raw/... on an older release)")
	firstSecret, err := showMapped(st, projectID)
	if err != nil {
		return err
	}
	if firstSecret == originalSecret {
		return errors.New("create did not issue a new secret")
	}

	step("A client credentials login to Auth0 with the mapped secret")
	if err := st.Auth0Login(localstack.AppClientID, firstSecret); err != nil {
		return err
	}
	info("accepted")
	if st.Auth0Login(localstack.AppClientID, originalSecret) == nil {
		return errors.New("the secret from before the rotation still works")
	}
	info("the application's secret from before the rotation is refused (single-phase)")

	step("A second plan is empty")
	if out, err := tf("plan", "-detailed-exitcode", "-input=false"); err != nil {
		return fmt.Errorf("second plan is not empty (%v):\n%s", err, out)
	}
	info("No changes.")

	step("Rotate now: change rotation_trigger and apply")
	out, err = tf("apply", "-auto-approve", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26")
	if err != nil {
		return fmt.Errorf("apply with a new trigger: %v\n%s", err, out)
	}
	printTail(out, "Apply complete")
	out, _ = tf("output")
	fmt.Fprint(o.out, indent(out))
	secondSecret, err := showMapped(st, projectID)
	if err != nil {
		return err
	}
	if secondSecret == firstSecret {
		return errors.New("the trigger did not rotate the secret")
	}
	if err := st.Auth0Login(localstack.AppClientID, secondSecret); err != nil {
		return fmt.Errorf("the new secret: %w", err)
	}
	info("new secret: accepted by Auth0")
	if st.Auth0Login(localstack.AppClientID, firstSecret) == nil {
		return errors.New("the old secret still works after the rotation")
	}
	info("old secret: refused by Auth0")
	if out, err := tf("plan", "-detailed-exitcode", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26"); err != nil {
		return fmt.Errorf("plan after the rotation is not empty (%v):\n%s", err, out)
	}
	info("and the next plan is empty again")

	step("Destroy")
	out, err = tf("destroy", "-auto-approve", "-input=false", "-var", "rotation_trigger=rotate-2026-11-26")
	if err != nil {
		return fmt.Errorf("destroy: %v\n%s", err, out)
	}
	printTail(out, "Destroy complete")
	if st.KMS == nil {
		left, err := st.Client.ListAuth0ClientSecretRotations(context.Background(), projectID)
		if err != nil {
			return fmt.Errorf("listing the rotations after destroy: %w", err)
		}
		if len(left) != 0 {
			return fmt.Errorf("%d rotations left after destroy", len(left))
		}
		info("no rotation left in the project")
		return nil
	}
	if ids := st.KMS.RotationIDs(); len(ids) != 0 {
		return fmt.Errorf("rotations left after destroy: %v", ids)
	}
	if route := loginRoutes[o.login]; o.login != loginUniversalAuth && route != "" {
		if n := st.KMS.RequestCount("POST /api/v1/auth/universal-auth/login"); n != 0 {
			return fmt.Errorf("%d universal auth logins in the %s run", n, o.login)
		}
		info("every provider login was a %s login (%d), none used a client secret", o.login, st.KMS.RequestCount(route))
	}
	step("Requests the KMS received, by route")
	fmt.Fprint(o.out, indent(st.KMS.CountsString()))
	return nil
}

var loginRoutes = map[string]string{
	loginOIDC:       "POST /api/v1/auth/oidc-auth/login",
	loginKubernetes: "POST /api/v1/auth/kubernetes-auth/login",
	loginAWSIAM:     "POST /api/v1/auth/aws-auth/login",
	loginGCPGCE:     "POST /api/v1/auth/gcp-auth/login",
	loginGCPIAM:     "POST /api/v1/auth/gcp-auth/login",
	loginAzure:      "POST /api/v1/auth/azure-auth/login",
}

// environWithoutLoginSettings is this process's environment without any
// login setting the provider reads, so that only the demo's choice applies.
func environWithoutLoginSettings() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "HANZO_KMS_") || strings.HasPrefix(name, "TFC_WORKLOAD_IDENTITY_TOKEN") ||
			strings.HasPrefix(name, "ACTIONS_ID_TOKEN_REQUEST_") || strings.HasPrefix(name, "AWS_") ||
			strings.HasPrefix(name, "GOOGLE_") || strings.HasPrefix(name, "CLOUDSDK_") || name == "GCE_METADATA_HOST" ||
			name == "IDENTITY_ENDPOINT" || name == "IDENTITY_HEADER" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// showMapped prints the two mapped secrets (the secret masked) and returns
// the client secret. A read the KMS holds back (an AI-access policy on the
// folder, which it answers with its bare 500) is an error that says so.
func showMapped(st *localstack.Stack, projectID string) (string, error) {
	ctx := context.Background()
	id, err := st.Client.GetSecret(ctx, projectID, "dev", "/", "BILLING_AUTH0_CLIENT_ID")
	if err != nil {
		return "", fmt.Errorf("reading the mapped client id: %w", err)
	}
	secret, err := st.Client.GetSecret(ctx, projectID, "dev", "/", "BILLING_AUTH0_CLIENT_SECRET")
	if err != nil {
		return "", fmt.Errorf("reading the mapped client secret: %w", err)
	}
	info("BILLING_AUTH0_CLIENT_ID     = %s (version %d)", id.SecretValue, id.Version)
	info("BILLING_AUTH0_CLIENT_SECRET = %s (version %d, %d characters)", mask(secret.SecretValue), secret.Version, len(secret.SecretValue))
	return secret.SecretValue, nil
}

// mask shows a secret as a fingerprint: enough to see that it changed,
// nothing of the secret itself.
func mask(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:4])
}

func printTail(out, marker string) {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "hanzokms_auth0_client_secret_rotation") || strings.Contains(line, marker) || strings.HasPrefix(strings.TrimSpace(line), "~ ") || strings.HasPrefix(strings.TrimSpace(line), "Plan:") {
			info("%s", strings.TrimSpace(line))
		}
	}
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

func copyDir(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
