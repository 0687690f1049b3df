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
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/localoidc"
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
	quiet := flag.Bool("quiet", false, "do not log requests")
	withoutRotations := flag.Bool("without-rotation-routes", false, "serve no secret-rotation routes, as a KMS build without the secret-rotation router: each rotation request gets the framework's 404 for an unknown route (with -state-file, restart with and without it to see a client meet such a build)")
	var identities, projects, oidcIdentities listFlag
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

	server, err := localkms.New(localkms.Options{TokenTTL: *tokenTTL, Auth0HTTPClient: httpClient, StateFile: *stateFile, Logger: logger,
		WithoutRotationRoutes: *withoutRotations}, boot)
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

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go server.RunScheduler(ctx, *schedule)
	<-ctx.Done()
	_ = srv.Close()
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
