package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// The acceptance tests run on the local KMS unless HANZO_KMS_ACC_SERVER=real
// (set by .ci/real-kms.sh, which starts a real Infisical backend). On the
// real server only tests that build their Env with StartAnyServer run: Start
// and PreCheck skip the others, since they rely on what only the local KMS
// offers (fault injection, its clock, request counters, test-only routes,
// its seeded ids).

// SkipLocalOnly is the start of the reason a test skips with on the real
// server; the real legs' expected-skips lists hold it.
const SkipLocalOnly = "needs the local KMS's controls: "

// OnRealServer reports whether the acceptance tests run on the real server.
// A misspelt HANZO_KMS_ACC_SERVER panics rather than run the local leg.
func OnRealServer() bool {
	onReal, err := realkms.Selected()
	if err != nil {
		panic(err)
	}
	return onReal
}

var anyServerTests sync.Map // test names that StartAnyServer built an Env for

// RunsOnAnyServer declares that t runs on the real server too, for a test
// that calls PreCheck (or SkipUnless) before StartAnyServer.
func RunsOnAnyServer(t testing.TB) { anyServerTests.Store(t.Name(), true) }

func startedForAnyServer(name string) bool {
	for {
		if _, ok := anyServerTests.Load(name); ok {
			return true
		}
		i := strings.LastIndex(name, "/")
		if i < 0 {
			return false
		}
		name = name[:i]
	}
}

var (
	realOnce   sync.Once
	realServer *realkms.Server
	realErr    error
)

func theRealServer() (*realkms.Server, error) {
	realOnce.Do(func() { realServer, realErr = realkms.FromEnv() })
	return realServer, realErr
}

// StartAnyServer builds an Env on the server the leg chose. On the local
// KMS it is Start's world. On the real server it is realkms.NewWorld's, made for this test: a
// local Auth0 tenant on 127.0.0.1 serving a certificate of the CA the
// server trusts (with the applications of localstack.SeedTenant), a project
// of the leg's identity with the folders /app/auth0 in dev and prod (as the
// local KMS seeds them), and an Auth0 app connection to the tenant, all
// under names of their own. Such a test reads ProjectID, ConnectionID,
// IdentityClientID and Name from the Env, never the seeded constants, and
// checks the server only through its API (SecretValue, Client).
func StartAnyServer(t testing.TB) *Env {
	t.Helper()
	if strings.HasPrefix(t.Name(), "TestAcc") && !Enabled() {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	RunsOnAnyServer(t)
	suffix := randomSuffix()
	if !OnRealServer() {
		st, err := localstack.Start(localstack.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		env := &Env{Stack: st, ProjectID: ProjectID, IdentityClientID: IdentityClientID, ConnectionName: localstack.ConnectionName,
			suffix: suffix}
		env.login(t)
		return env
	}
	srv, err := theRealServer()
	if err != nil {
		t.Fatal(err)
	}
	w, err := realkms.NewWorld(context.Background(), srv, suffix, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return &Env{
		Stack: &localstack.Stack{Tenant: w.Tenant, KMSURL: srv.URL, IdentityClientSecret: srv.ClientSecret,
			ConnectionID: w.ConnectionID, Client: w.Client},
		ProjectID: w.ProjectID, IdentityClientID: srv.ClientID, ConnectionName: w.ConnectionName,
		Real: srv, api: w.API, suffix: suffix,
	}
}

// login opens the Env's own session, for calls the provider does not make.
func (e *Env) login(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	api := realkms.NewAPI(e.KMSURL, "")
	token, err := api.Login(ctx, e.IdentityClientID, e.IdentityClientSecret)
	if err != nil {
		t.Fatalf("logging in to the KMS as the test's identity: %v", err)
	}
	e.api = api.WithToken(token)
}

// OnRealServer reports whether this Env is the real server's.
func (e *Env) OnRealServer() bool { return e.Real != nil }

// Name is base made unique to this test (the real server keeps every
// test's connections in one organisation): base-<6 hex digits>.
func (e *Env) Name(base string) string { return base + "-" + e.suffix }

// SecretValue reads a secret's value back through the server's API
// (GET /api/v3/secrets/raw/{name}, served by both servers) as the Env's
// identity.
func (e *Env) SecretValue(environment, secretPath, name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return e.api.SecretValue(ctx, e.ProjectID, environment, secretPath, name)
}

// PutSecret makes a plain secret in the Env's project: through the API on
// the real server, in the local KMS's store on the local one (which serves
// no secret writes).
func (e *Env) PutSecret(environment, secretPath, name, value string) error {
	if !e.OnRealServer() {
		e.KMS.PutSecret(e.ProjectID, environment, secretPath, name, value)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return e.api.CreateSecret(ctx, e.ProjectID, environment, secretPath, name, value)
}

// ServerName says which server the Env runs on, for logs.
func (e *Env) ServerName() string {
	if e.OnRealServer() {
		return fmt.Sprintf("the real server (Infisical backend, newest migration %s) at %s", e.Real.Version, e.KMSURL)
	}
	return "the local KMS at " + e.KMSURL
}

func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SkipOnRealServer skips t on the real server: for a test whose subtests
// each start the local KMS (acctest.Start skips them there), so that the
// parent does not pass for having run nothing.
func SkipOnRealServer(t testing.TB) {
	t.Helper()
	if OnRealServer() {
		t.Skip(SkipLocalOnly + "its subtests each use acctest.Start")
	}
}
