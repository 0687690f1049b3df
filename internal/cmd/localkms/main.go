// Command localkms runs the local Hanzo KMS on its own, optionally with a
// local Auth0 tenant beside it, until interrupted.
//
//	go run ./internal/cmd/localkms -addr 127.0.0.1:8080 -bootstrap bootstrap.json -with-auth0
//
// The world is seeded from -identity and -project flags, or from a bootstrap
// file (see localkms.Bootstrap); -state-file keeps everything across restarts:
//
//	go run ./internal/cmd/localkms -with-auth0 \
//	  -identity my-client-id:my-client-secret -project my-project:dev,prod \
//	  -auth0-ca-out auth0-ca.pem -auth0-rotator-secret-out rotator.secret
//
// With -with-oidc a local OIDC issuer runs beside it, and each -oidc-identity
// is a machine identity with OIDC Auth trusting it; -oidc-token-out keeps a
// current identity token for the first one in a file, as Kubernetes keeps a
// projected service account token (no client secret needed):
//
//	go run ./internal/cmd/localkms -with-auth0 -with-oidc -project my-project:dev \
//	  -oidc-identity 7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31:hanzo-kms:'organization:acme:project:*:workspace:*:run_phase:*' \
//	  -oidc-token-out token.jwt
//
// -without-rotation-routes starts it as a KMS build that serves no secret
// rotations (every rotation request is answered as an unknown route).
// -older-release starts it as a release that has the Auth0 rotations but not
// the newer reads (Infisical's backend as of 2025-06-22): secrets under
// /api/v3/secrets/raw, folders under /api/v1/folders, the project at
// /api/v1/workspace/{id}, and no /api/v4/secrets, /api/v2/folders or
// /api/v1/projects/{id}.
//
// With -with-kubernetes a local Kubernetes API (TokenReview over TLS) runs
// beside it; each -kubernetes-identity is a machine identity with Kubernetes
// Auth whose tokens the KMS reviews there, and -kubernetes-token-out keeps a
// service account token in a file as the kubelet does:
//
//	go run ./internal/cmd/localkms -with-auth0 -with-kubernetes -project my-project:dev \
//	  -kubernetes-identity 0e7c2a4b-6d1f-4a3e-8b5c-9f2e1d0c3b4a:ci:terraform \
//	  -kubernetes-token-out sa-token
//
// With -with-sts a local AWS STS runs beside it and the KMS sends every AWS
// Auth login's signed request there; each -aws-identity is a machine identity
// with AWS Auth, and -aws-credentials-out writes a shared credentials file of
// a role session the STS knows (use it with AWS_SHARED_CREDENTIALS_FILE and
// any AWS_REGION):
//
//	go run ./internal/cmd/localkms -with-auth0 -with-sts -project my-project:dev \
//	  -aws-identity 9c4b1e2d-7a3f-4e5b-8c6d-0f1a2b3c4d5e:111122223333:arn:aws:iam::111122223333:role/terraform-runner \
//	  -aws-credentials-out aws-credentials
//
// With -with-gcp a local Google Cloud runs beside it (a GCE metadata server,
// IAM Credentials signJwt, and the certificates the KMS verifies with); set
// GCE_METADATA_HOST to the address it prints. -gcp-instance describes the
// instance, each -gcp-service-account exists (with the accounts allowed to
// sign for it), each -gcp-identity is a machine identity with GCP Auth:
//
//	go run ./internal/cmd/localkms -with-auth0 -with-gcp -project my-project:dev \
//	  -gcp-instance ci-runner@acme-ci.iam.gserviceaccount.com:acme-ci:europe-west1-b \
//	  -gcp-service-account terraform@acme-ci.iam.gserviceaccount.com:ci-runner@acme-ci.iam.gserviceaccount.com \
//	  -gcp-identity 5b8e2c1d-3f4a-4b6c-9d7e-1a2b3c4d5e6f:gce:ci-runner@acme-ci.iam.gserviceaccount.com:acme-ci:europe-west1-b \
//	  -gcp-identity 8f1a2b3c-4d5e-4f6a-8b9c-0d1e2f3a4b5c:iam:terraform@acme-ci.iam.gserviceaccount.com
//
// With -with-azure a local Azure managed identity endpoint runs beside it
// (App Service style and IMDS style, and the tenant's keys); -azure-env-out
// writes IDENTITY_ENDPOINT and IDENTITY_HEADER to source; each
// -azure-identity is a machine identity with Azure Auth in the local tenant:
//
//	go run ./internal/cmd/localkms -with-auth0 -with-azure -project my-project:dev \
//	  -azure-principal 6b1d3f5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f \
//	  -azure-identity 2d4f6a8c-0e1b-4c3d-9e5f-7a8b9c0d1e2f:6b1d3f5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f \
//	  -azure-env-out azure.env
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localk8s"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localoidc"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localsts"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address of the KMS API")
	bootstrapFile := flag.String("bootstrap", "", "JSON bootstrap file (identities, projects)")
	stateFile := flag.String("state-file", "", "keep the state in this file across restarts")
	tokenTTL := flag.Duration("token-ttl", 2*time.Hour, "access token lifetime")
	schedule := flag.Duration("scheduler-interval", time.Minute, "how often due rotations are looked for")
	auth0CA := flag.String("auth0-ca-file", "", "PEM file of extra roots to trust when calling Auth0")
	withAuth0 := flag.Bool("with-auth0", false, "also run a local Auth0 tenant with two applications: kms-rotator (Management API access, for the app connection) and app-client-1 (the one to rotate)")
	auth0Addr := flag.String("auth0-addr", "127.0.0.1:8443", "address of the local Auth0 tenant")
	auth0CAOut := flag.String("auth0-ca-out", "", "write the local tenant's certificate here")
	rotatorSecretOut := flag.String("auth0-rotator-secret-out", "", "write the connection application's client secret here (it is never printed)")
	withOIDC := flag.Bool("with-oidc", false, "also run a local OIDC issuer (discovery and JWKS over TLS) that -oidc-identity identities trust")
	oidcAddr := flag.String("oidc-addr", "127.0.0.1:8444", "address of the local OIDC issuer")
	oidcTokenOut := flag.String("oidc-token-out", "", "keep a current identity token for the first -oidc-identity in this file (re-minted at half its lifetime)")
	oidcTokenSubject := flag.String("oidc-token-subject", "organization:acme:project:default:workspace:billing:run_phase:apply", "subject of the tokens written to -oidc-token-out")
	oidcTokenTTL := flag.Duration("oidc-token-ttl", time.Hour, "lifetime of the tokens written to -oidc-token-out")
	withKubernetes := flag.Bool("with-kubernetes", false, "also run a local Kubernetes API (TokenReview over TLS) that -kubernetes-identity identities review tokens with")
	kubernetesAddr := flag.String("kubernetes-addr", "127.0.0.1:6443", "address of the local Kubernetes API")
	kubernetesTokenOut := flag.String("kubernetes-token-out", "", "keep a current service account token of -kubernetes-token-service-account in this file (re-issued at half its lifetime)")
	kubernetesTokenSA := flag.String("kubernetes-token-service-account", "ci/terraform", "namespace/name of the tokens written to -kubernetes-token-out")
	kubernetesTokenTTL := flag.Duration("kubernetes-token-ttl", time.Hour, "lifetime of the tokens written to -kubernetes-token-out")
	withSTS := flag.Bool("with-sts", false, "also run a local AWS STS that verifies the signed requests of AWS Auth logins")
	stsAddr := flag.String("sts-addr", "127.0.0.1:8445", "address of the local STS")
	awsCredentialsOut := flag.String("aws-credentials-out", "", "write an AWS shared credentials file (profile default) of a role session the local STS knows")
	awsPrincipalARN := flag.String("aws-principal-arn", "arn:aws:sts::111122223333:assumed-role/terraform-runner/local", "the ARN STS answers for the credentials of -aws-credentials-out")
	withGCP := flag.Bool("with-gcp", false, "also run a local Google Cloud (metadata server, signJwt, certificates) for GCP Auth logins")
	gcpAddr := flag.String("gcp-addr", "127.0.0.1:8446", "address of the local Google Cloud (the value of GCE_METADATA_HOST)")
	gcpInstance := flag.String("gcp-instance", "ci-runner@acme-ci.iam.gserviceaccount.com:acme-ci:europe-west1-b",
		"the GCE instance the metadata server describes, as serviceAccount:project:zone")
	withAzure := flag.Bool("with-azure", false, "also run a local Azure managed identity endpoint and tenant keys for Azure Auth logins")
	azureAddr := flag.String("azure-addr", "127.0.0.1:8447", "address of the local Azure identity endpoint")
	azureTenant := flag.String("azure-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "the local Azure tenant id")
	azurePrincipal := flag.String("azure-principal", "", "object id of the system-assigned managed identity's service principal (random by default)")
	azureEnvOut := flag.String("azure-env-out", "", "write IDENTITY_ENDPOINT and IDENTITY_HEADER (export lines) to this file")
	quiet := flag.Bool("quiet", false, "do not log requests")
	withoutRotations := flag.Bool("without-rotation-routes", false, "serve no secret-rotation routes, as a KMS build without the secret-rotation router: each rotation request gets the framework's 404 for an unknown route (with -state-file, restart with and without it to see a client meet such a build)")
	olderRelease := flag.Bool("older-release", false, "answer as a release without the newer read routes (Infisical's backend as of 2025-06-22): v3 secrets, v1 folders and workspace; the v4 secret routes, /api/v2/folders and /api/v1/projects get the framework's 404 for an unknown route; app connections have no projectId")
	var identities, projects, oidcIdentities, kubernetesIdentities, awsIdentities listFlag
	var gcpServiceAccounts, gcpIdentities, azureIdentities listFlag
	flag.Var(&gcpServiceAccounts, "gcp-service-account", "a service account that exists, as email[:creator,...] (the accounts allowed to sign JWTs for it; repeatable; needs -with-gcp)")
	flag.Var(&gcpIdentities, "gcp-identity", "a machine identity with GCP Auth, as id:gce|iam:allowedServiceAccounts[:allowedProjects[:allowedZones]] (lists comma separated; repeatable; needs -with-gcp)")
	flag.Var(&azureIdentities, "azure-identity", "a machine identity with Azure Auth in the local tenant, as id:allowedServicePrincipalIds[:resource] (repeatable; needs -with-azure)")
	flag.Var(&kubernetesIdentities, "kubernetes-identity", "a machine identity with Kubernetes Auth, as id:allowedNamespaces:allowedNames[:allowedAudience] (repeatable; needs -with-kubernetes)")
	flag.Var(&awsIdentities, "aws-identity", "a machine identity with AWS Auth, as id:allowedAccountIds:allowedPrincipalArns (lists comma separated; repeatable; needs -with-sts)")
	flag.Var(&oidcIdentities, "oidc-identity", "a machine identity with OIDC Auth trusting the local issuer, as id:audience:boundSubject (repeatable; needs -with-oidc)")
	flag.Var(&identities, "identity", "a machine identity as clientId:clientSecret (repeatable)")
	flag.Var(&projects, "project", "a project as id:env1,env2 with the folder / in each environment (repeatable)")
	flag.Parse()

	logger := log.New(os.Stderr, "", log.LstdFlags)
	if *quiet {
		logger = nil
	}
	boot := localkms.Bootstrap{}
	if *bootstrapFile != "" {
		var err error
		if boot, err = localkms.LoadBootstrap(*bootstrapFile); err != nil {
			log.Fatal(err)
		}
	}
	for _, id := range identities {
		clientID, secret, ok := strings.Cut(id, ":")
		if !ok {
			log.Fatalf("-identity %q: want clientId:clientSecret", id)
		}
		boot.Identities = append(boot.Identities, localkms.BootstrapIdentity{ClientID: clientID, ClientSecret: secret})
	}
	for _, p := range projects {
		id, envs, _ := strings.Cut(p, ":")
		project := localkms.BootstrapProject{ID: id, Name: id}
		for _, env := range strings.Split(envs, ",") {
			if env != "" {
				project.Environments = append(project.Environments, localkms.BootstrapEnvironment{Slug: env, Name: env})
			}
		}
		boot.Projects = append(boot.Projects, project)
	}

	httpClient := &http.Client{Timeout: 30 * time.Second}
	if *withAuth0 {
		tenant, err := localauth0.Start(localauth0.Options{Addr: *auth0Addr, Logger: logger})
		if err != nil {
			log.Fatal(err)
		}
		defer tenant.Close()
		rotator := tenant.AddApplication(localauth0.Application{ClientID: "kms-rotator", Name: "KMS rotator",
			ManagementScopes: []string{localauth0.ScopeReadClients, localauth0.ScopeUpdateClientKeys}})
		app := tenant.AddApplication(localauth0.Application{ClientID: "app-client-1", Name: "Demo application", Audiences: []string{"urn:demo-api"}})
		httpClient = tenant.HTTPClient()
		if *auth0CAOut != "" {
			if err := os.WriteFile(*auth0CAOut, tenant.CACertPEM(), 0o644); err != nil {
				log.Fatal(err)
			}
		}
		fmt.Printf("local auth0: https://%s (domain %s, audience %s)\n", *auth0Addr, tenant.Domain(), tenant.ManagementAudience())
		if *rotatorSecretOut != "" {
			if err := os.WriteFile(*rotatorSecretOut, []byte(rotator.Secret), 0o600); err != nil {
				log.Fatal(err)
			}
		}
		fmt.Printf("local auth0: connection application %s (its secret in -auth0-rotator-secret-out)\n", rotator.ClientID)
		fmt.Printf("local auth0: application to rotate %s\n", app.ClientID)
	} else if *auth0CA != "" {
		pem, err := os.ReadFile(*auth0CA)
		if err != nil {
			log.Fatal(err)
		}
		pool, _ := x509.SystemCertPool()
		if pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM(pem)
		httpClient.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}

	var issuer *localoidc.Issuer
	if *withOIDC {
		var err error
		if issuer, err = localoidc.Start(localoidc.Options{Addr: *oidcAddr, Logger: logger}); err != nil {
			log.Fatal(err)
		}
		defer issuer.Close()
		fmt.Printf("local oidc: %s (discovery URL and issuer)\n", issuer.URL())
	}
	var oidcAudiences []string
	for _, o := range oidcIdentities {
		parts := strings.SplitN(o, ":", 3)
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
			log.Fatalf("-oidc-identity %q: want id:audience:boundSubject", o)
		}
		if issuer == nil {
			log.Fatal("-oidc-identity needs -with-oidc")
		}
		boot.OIDCIdentities = append(boot.OIDCIdentities, localkms.OIDCIdentity{
			ID: parts[0], DiscoveryURL: issuer.URL(), CACert: string(issuer.CACertPEM()),
			BoundIssuer: issuer.URL(), BoundAudiences: parts[1], BoundSubject: parts[2],
		})
		oidcAudiences = append(oidcAudiences, parts[1])
		fmt.Printf("local kms: identity %s logs in with OIDC (audience %s, subject %s)\n", parts[0], parts[1], parts[2])
	}
	if *oidcTokenOut != "" {
		if len(oidcAudiences) == 0 {
			log.Fatal("-oidc-token-out needs an -oidc-identity")
		}
		claims := localoidc.Claims{Subject: *oidcTokenSubject, Audience: []string{oidcAudiences[0]}, Lifetime: *oidcTokenTTL}
		writeToken := func() {
			if err := os.WriteFile(*oidcTokenOut, []byte(issuer.MustMint(claims)), 0o600); err != nil {
				log.Fatal(err)
			}
		}
		writeToken()
		go func() {
			for range time.Tick(*oidcTokenTTL / 2) {
				writeToken()
			}
		}()
		fmt.Printf("local oidc: a current identity token is kept in %s\n", *oidcTokenOut)
	}

	var cluster *localk8s.Cluster
	if *withKubernetes {
		var err error
		if cluster, err = localk8s.Start(localk8s.Options{Addr: *kubernetesAddr, Logger: logger}); err != nil {
			log.Fatal(err)
		}
		defer cluster.Close()
		fmt.Printf("local kubernetes: %s (TokenReview API)\n", cluster.URL())
	}
	var kubernetesAudience string
	for i, k := range kubernetesIdentities {
		parts := strings.Split(k, ":")
		if len(parts) < 3 || len(parts) > 4 || parts[0] == "" {
			log.Fatalf("-kubernetes-identity %q: want id:allowedNamespaces:allowedNames[:allowedAudience]", k)
		}
		if cluster == nil {
			log.Fatal("-kubernetes-identity needs -with-kubernetes")
		}
		reviewer, _ := cluster.IssueToken(localk8s.ServiceAccount{Namespace: "kube-system", Name: "kms-token-reviewer"},
			localk8s.TokenOptions{CanReview: true, Lifetime: 10 * 365 * 24 * time.Hour})
		ident := localkms.KubernetesIdentity{ID: parts[0], KubernetesHost: cluster.URL(), CACert: string(cluster.CACertPEM()),
			TokenReviewerJWT: reviewer, AllowedNamespaces: parts[1], AllowedNames: parts[2]}
		if len(parts) == 4 {
			ident.AllowedAudience = parts[3]
			if i == 0 {
				kubernetesAudience = parts[3]
			}
		}
		boot.KubernetesIdentities = append(boot.KubernetesIdentities, ident)
		fmt.Printf("local kms: identity %s logs in with Kubernetes Auth (namespaces %q, service accounts %q, audience %q)\n",
			parts[0], parts[1], parts[2], ident.AllowedAudience)
	}
	if *kubernetesTokenOut != "" {
		if cluster == nil {
			log.Fatal("-kubernetes-token-out needs -with-kubernetes")
		}
		ns, name, ok := strings.Cut(*kubernetesTokenSA, "/")
		if !ok {
			log.Fatalf("-kubernetes-token-service-account %q: want namespace/name", *kubernetesTokenSA)
		}
		opts := localk8s.TokenOptions{Lifetime: *kubernetesTokenTTL}
		if kubernetesAudience != "" {
			opts.Audiences = []string{kubernetesAudience}
		}
		writeToken := func() {
			tok, _ := cluster.IssueToken(localk8s.ServiceAccount{Namespace: ns, Name: name}, opts)
			if err := os.WriteFile(*kubernetesTokenOut, []byte(tok), 0o600); err != nil {
				log.Fatal(err)
			}
		}
		writeToken()
		go func() {
			for range time.Tick(*kubernetesTokenTTL / 2) {
				writeToken()
			}
		}()
		fmt.Printf("local kubernetes: a current token of %s is kept in %s\n", *kubernetesTokenSA, *kubernetesTokenOut)
	}

	var sts *localsts.Server
	if *withSTS {
		var err error
		if sts, err = localsts.Start(localsts.Options{Addr: *stsAddr, Logger: logger}); err != nil {
			log.Fatal(err)
		}
		defer sts.Close()
		fmt.Printf("local sts: %s (every region's sts.<region>.amazonaws.com, for the local KMS)\n", sts.URL())
	}
	for _, a := range awsIdentities {
		parts := strings.SplitN(a, ":", 3)
		if len(parts) != 3 || parts[0] == "" {
			log.Fatalf("-aws-identity %q: want id:allowedAccountIds:allowedPrincipalArns", a)
		}
		if sts == nil {
			log.Fatal("-aws-identity needs -with-sts")
		}
		boot.AWSIdentities = append(boot.AWSIdentities, localkms.AWSIdentity{ID: parts[0], AllowedAccountIDs: parts[1], AllowedPrincipalARNs: parts[2]})
		fmt.Printf("local kms: identity %s logs in with AWS Auth (accounts %q, principals %q)\n", parts[0], parts[1], parts[2])
	}
	if *awsCredentialsOut != "" {
		if sts == nil {
			log.Fatal("-aws-credentials-out needs -with-sts")
		}
		arnParts := strings.Split(*awsPrincipalARN, ":")
		if len(arnParts) != 6 {
			log.Fatalf("-aws-principal-arn %q is not an ARN", *awsPrincipalARN)
		}
		p := localsts.Principal{AccessKeyID: "ASIA" + strings.ToUpper(randomHex(8)), SecretAccessKey: randomHex(20),
			SessionToken: "IQoJb3JpZ2luX2VjE" + randomHex(40), Account: arnParts[4], ARN: *awsPrincipalARN, UserID: "AROALOCAL:local"}
		sts.AddPrincipal(p)
		ini := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n",
			p.AccessKeyID, p.SecretAccessKey, p.SessionToken)
		if err := os.WriteFile(*awsCredentialsOut, []byte(ini), 0o600); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("local sts: credentials of %s in %s (never printed)\n", *awsPrincipalARN, *awsCredentialsOut)
	}

	var gcp *localgcp.Server
	if *withGCP {
		var err error
		if gcp, err = localgcp.Start(localgcp.Options{Addr: *gcpAddr, Logger: logger}); err != nil {
			log.Fatal(err)
		}
		defer gcp.Close()
		inst := strings.SplitN(*gcpInstance, ":", 3)
		if len(inst) != 3 {
			log.Fatalf("-gcp-instance %q: want serviceAccount:project:zone", *gcpInstance)
		}
		gcp.SetInstance(localgcp.Instance{ServiceAccount: inst[0], ProjectID: inst[1], Zone: inst[2], ProjectNumber: 123456789012, Name: "local-runner"})
		if err := gcp.AddServiceAccount(inst[0]); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("local gcp: %s (GCE_METADATA_HOST=%s; IAM Credentials endpoint %s)\n", gcp.URL(), gcp.MetadataHost(), gcp.URL())
	}
	for _, sa := range gcpServiceAccounts {
		if gcp == nil {
			log.Fatal("-gcp-service-account needs -with-gcp")
		}
		email, creators, _ := strings.Cut(sa, ":")
		var list []string
		for _, c := range strings.Split(creators, ",") {
			if c = strings.TrimSpace(c); c != "" {
				list = append(list, c)
			}
		}
		if err := gcp.AddServiceAccount(email, list...); err != nil {
			log.Fatal(err)
		}
	}
	for _, g := range gcpIdentities {
		parts := strings.SplitN(g, ":", 5)
		if len(parts) < 3 || parts[0] == "" || (parts[1] != "gce" && parts[1] != "iam") {
			log.Fatalf("-gcp-identity %q: want id:gce|iam:allowedServiceAccounts[:allowedProjects[:allowedZones]]", g)
		}
		if gcp == nil {
			log.Fatal("-gcp-identity needs -with-gcp")
		}
		parts = append(parts, "", "")
		boot.GCPIdentities = append(boot.GCPIdentities, localkms.GCPIdentity{ID: parts[0], Type: parts[1],
			AllowedServiceAccounts: parts[2], AllowedProjects: parts[3], AllowedZones: parts[4]})
		fmt.Printf("local kms: identity %s logs in with GCP Auth (%s; service accounts %q)\n", parts[0], parts[1], parts[2])
	}
	var azure *localazure.Server
	if *withAzure {
		var err error
		if azure, err = localazure.Start(localazure.Options{Addr: *azureAddr, Logger: logger, TenantID: *azureTenant}); err != nil {
			log.Fatal(err)
		}
		defer azure.Close()
		if *azurePrincipal != "" {
			azure.SetSystemAssigned(localazure.Identity{ClientID: azure.SystemAssigned().ClientID, ObjectID: *azurePrincipal})
		}
		fmt.Printf("local azure: IDENTITY_ENDPOINT=%s, tenant %s, system-assigned service principal %s\n",
			azure.IdentityEndpoint(), azure.TenantID(), azure.SystemAssigned().ObjectID)
		if *azureEnvOut != "" {
			env := fmt.Sprintf("export IDENTITY_ENDPOINT=%s\nexport IDENTITY_HEADER=%s\n", azure.IdentityEndpoint(), azure.IdentityHeader)
			if err := os.WriteFile(*azureEnvOut, []byte(env), 0o600); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("local azure: IDENTITY_ENDPOINT and IDENTITY_HEADER in %s (the header is never printed)\n", *azureEnvOut)
		}
	}
	for _, a := range azureIdentities {
		parts := strings.SplitN(a, ":", 3)
		if len(parts) < 2 || parts[0] == "" {
			log.Fatalf("-azure-identity %q: want id:allowedServicePrincipalIds[:resource]", a)
		}
		if azure == nil {
			log.Fatal("-azure-identity needs -with-azure")
		}
		parts = append(parts, "")
		boot.AzureIdentities = append(boot.AzureIdentities, localkms.AzureIdentity{ID: parts[0], TenantID: azure.TenantID(),
			AllowedServicePrincipalIDs: parts[1], Resource: parts[2]})
		fmt.Printf("local kms: identity %s logs in with Azure Auth (service principals %q)\n", parts[0], parts[1])
	}

	kmsOpts := localkms.Options{TokenTTL: *tokenTTL, Auth0HTTPClient: httpClient, StateFile: *stateFile, Logger: logger,
		WithoutRotationRoutes: *withoutRotations, OlderRelease: *olderRelease}
	if gcp != nil {
		kmsOpts.GoogleOAuth2CertsURL, kmsOpts.GoogleServiceAccountCertsURL = gcp.OAuth2CertsURL(), gcp.ServiceAccountCertsURL
	}
	if azure != nil {
		kmsOpts.AzureKeysURL = azure.KeysURL
	}
	if sts != nil {
		kmsOpts.STSURL = func(string) string { return sts.URL() }
	}
	server, err := localkms.New(kmsOpts, boot)
	if err != nil {
		log.Fatal(err)
	}
	l, srv, err := server.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("local kms: http://%s\n", l.Addr())
	if *withoutRotations {
		fmt.Println("local kms: serving no secret-rotation routes (-without-rotation-routes)")
	}
	if *olderRelease {
		fmt.Println("local kms: answering as an older release: v3 secrets, v1 folders and workspace, no v4 (-older-release)")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go server.RunScheduler(ctx, *schedule)
	<-ctx.Done()
	_ = srv.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
