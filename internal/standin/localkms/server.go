// Package localkms is a Hanzo KMS-compatible server that runs on loopback. It
// speaks the KMS's HTTP API as the package doc of internal/kms describes it:
// universal-auth login and renew, Auth0 client secret rotations, Auth0 app
// connections and secret reads, with the KMS's error bodies. Rotations are
// real: it sets the new secret on the connection's Auth0 tenant through
// go-auth0, and a scheduler with an injectable clock rotates on the KMS's
// schedule.
//
// It is the other side of the wire: it shares no Go types with internal/kms
// or internal/provider, so a mistake in one cannot hide in the other.
package localkms

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Options configure a server.
type Options struct {
	// Now is the server's clock (tests move it forward); time.Now by default.
	Now func() time.Time
	// TokenTTL is the lifetime of access tokens; 2 hours by default.
	TokenTTL time.Duration
	// Auth0HTTPClient is used for every call to an Auth0 tenant; it must
	// trust the tenant's TLS certificate. http.DefaultClient by default.
	Auth0HTTPClient *http.Client
	// StateFile, when set, keeps the state across restarts.
	StateFile string
	// Logger gets one line per request (method, route, status; no secrets).
	Logger *log.Logger
	// WithoutRotationRoutes serves no secret-rotation route, as a KMS build
	// that registers no secret-rotation router: each such request gets the
	// framework's 404 for an unknown route (SetRotationRoutes switches them
	// at run time).
	WithoutRotationRoutes bool
	// OlderRelease serves the routes of a release that already has the
	// Auth0 rotations but not the newer reads (Infisical's backend as of
	// 2025-06-22): the secrets under /api/v3/secrets/raw, the folders under
	// /api/v1/folders, the project at /api/v1/workspace/{id}, and Fastify's
	// route-missing 404 for /api/v4/secrets, /api/v2/folders and
	// /api/v1/projects/{id}; and app connections without projectId (none in
	// its answers, a projectId sent ignored), as it has no project-scoped
	// connections (SetOlderRelease switches at run time).
	OlderRelease bool
	// STSURL is where an AWS Auth login's signed request goes for a region
	// (the server calls https://sts.<region>.amazonaws.com); tests point it
	// at a local STS.
	STSURL func(region string) string
	// GoogleOAuth2CertsURL replaces https://www.googleapis.com/oauth2/v1/certs
	// (the keys of GCE identity tokens), GoogleServiceAccountCertsURL
	// https://www.googleapis.com/service_accounts/v1/metadata/x509/<email>
	// (a service account's keys, for iam logins), and AzureKeysURL
	// https://login.microsoftonline.com/<tenant>/discovery/keys: tests point
	// them at internal/standin/localgcp and internal/standin/localazure.
	GoogleOAuth2CertsURL         string
	GoogleServiceAccountCertsURL func(email string) string
	AzureKeysURL                 func(tenant string) string
}

// Bootstrap seeds a new server: machine identities and projects with their
// environments and folders.
type Bootstrap struct {
	Identities     []BootstrapIdentity `json:"identities"`
	OIDCIdentities []OIDCIdentity      `json:"oidcIdentities,omitempty"`
	// Machine identities with Kubernetes Auth and AWS Auth.
	KubernetesIdentities []KubernetesIdentity `json:"kubernetesIdentities,omitempty"`
	AWSIdentities        []AWSIdentity        `json:"awsIdentities,omitempty"`
	// Machine identities with GCP Auth and Azure Auth.
	GCPIdentities   []GCPIdentity      `json:"gcpIdentities,omitempty"`
	AzureIdentities []AzureIdentity    `json:"azureIdentities,omitempty"`
	Projects        []BootstrapProject `json:"projects"`
}

// BootstrapIdentity is a machine identity with universal auth.
type BootstrapIdentity struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	// AccessTokenTTL in seconds; nil means Options.TokenTTL, 0 never expires.
	AccessTokenTTL *int64 `json:"accessTokenTTL,omitempty"`
	// AccessTokenMaxTTL in seconds, counted from the login, past which a
	// token is not renewed; nil is the server's default (30 days), 0 none.
	AccessTokenMaxTTL *int64 `json:"accessTokenMaxTTL,omitempty"`
	// ClientSecretNumUsesLimit: how many logins the secret allows; 0 is no limit.
	ClientSecretNumUsesLimit int `json:"clientSecretNumUsesLimit,omitempty"`
	// Lockout of refused logins; nil is the server's default (on, 3 in 30 s, 300 s).
	Lockout *Lockout `json:"lockout,omitempty"`
}

// BootstrapProject is a project with its environments.
type BootstrapProject struct {
	ID           string                 `json:"id"`
	Name         string                 `json:"name"`
	Environments []BootstrapEnvironment `json:"environments"`
}

// BootstrapEnvironment is an environment with its folders ("/" always exists).
type BootstrapEnvironment struct {
	Slug    string   `json:"slug"`
	Name    string   `json:"name"`
	Folders []string `json:"folders"`
}

// Server is a local KMS. Its Handler can be served by any http.Server.
type Server struct {
	opts Options

	mu sync.Mutex
	st *state

	statsMu sync.Mutex
	counts  map[string]int
	faults  []*Fault
	// abandoned counts, per route, requests whose client hung up while an
	// injected Delay held them: proof that the client's timeout fired.
	abandoned map[string]int
	// arrivals is when the last maxArrivals requests reached each route
	// (wall clock), to show the waits a client kept between attempts.
	arrivals map[string][]time.Time
	// issued is every access token ever issued, in order; the state forgets
	// renewed and expired ones, leak tests must not.
	issued []IssuedToken
	// newerServer adds fields this server does not define to every JSON
	// answer, as a newer KMS release would.
	newerServer bool
	// loginRateLimitWindow is the window RateLimitLogins set, which the next
	// login opens; loginsLimitedUntil is when the open window ends (the
	// server's clock, which runs with the wall clock the client waits by).
	loginRateLimitWindow time.Duration
	loginsLimitedUntil   time.Time
	// rateLimited counts, per route, the requests the limiter refused.
	rateLimited map[string]int
	// persistErr is the last failure to write StateFile.
	persistErr error
	// rotationRoutesOff: the secret-rotation routes answer as unknown routes.
	rotationRoutesOff atomic.Bool
	// olderRelease: the server answers as a release without the newer reads
	// (Options.OlderRelease).
	olderRelease atomic.Bool
	// aiReadRequests counts the read requests AI-access policies queued.
	aiReadRequests int

	handler http.Handler
}

// state is everything the server knows; it is what StateFile holds.
type state struct {
	Identities map[string]*identity `json:"identities"`
	// OIDCIdentities are keyed by identity id (OIDC login names the
	// identity, not a client id).
	OIDCIdentities map[string]*oidcIdentity `json:"oidcIdentities,omitempty"`
	// KubernetesIdentities and AWSIdentities are keyed by identity id.
	KubernetesIdentities map[string]*KubernetesIdentity `json:"kubernetesIdentities,omitempty"`
	AWSIdentities        map[string]*AWSIdentity        `json:"awsIdentities,omitempty"`
	// GCPIdentities and AzureIdentities are keyed by identity id.
	GCPIdentities   map[string]*GCPIdentity   `json:"gcpIdentities,omitempty"`
	AzureIdentities map[string]*AzureIdentity `json:"azureIdentities,omitempty"`
	Tokens          map[string]*token         `json:"tokens"`
	Projects        map[string]*project       `json:"projects"`
	Secrets         map[string]*secret        `json:"secrets"`
	Imports         []*secretImport           `json:"imports,omitempty"`
	Rotations       map[string]*rotation      `json:"rotations"`
	Connections     map[string]*connection    `json:"connections"`
	// AIAccessPolicies are the folders' AI-access policies (a Hanzo KMS
	// feature), keyed like secrets without the name; a folder without one
	// auto-approves.
	AIAccessPolicies map[string]AIAccessPolicy `json:"aiAccessPolicies,omitempty"`
	// SealKey encrypts connections' credentials (see sealCredentials).
	SealKey []byte `json:"sealKey,omitempty"`
}

type project struct {
	ID           string                  `json:"id"`
	Name         string                  `json:"name"`
	Environments map[string]*environment `json:"environments"`
}

type environment struct {
	ID      string            `json:"id"`
	Slug    string            `json:"slug"`
	Name    string            `json:"name"`
	Folders map[string]string `json:"folders"` // path -> folder id
}

type secret struct {
	ID          string `json:"id"`
	ProjectID   string `json:"projectId"`
	Environment string `json:"environment"`
	Path        string `json:"path"`
	Key         string `json:"key"`
	Value       string `json:"value"`
	Version     int    `json:"version"`
	RotationID  string `json:"rotationId,omitempty"`
	// CreatedAt and UpdatedAt are when the secret was made and last changed
	// (zero in a state file written before they were kept).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

func secretKey(projectID, env, path, key string) string {
	return projectID + "|" + env + "|" + path + "|" + key
}

// New builds a server from StateFile when it exists, else from boot.
func New(opts Options, boot Bootstrap) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 2 * time.Hour
	}
	if opts.Auth0HTTPClient == nil {
		opts.Auth0HTTPClient = http.DefaultClient
	}
	s := &Server{opts: opts, counts: map[string]int{}, abandoned: map[string]int{}, arrivals: map[string][]time.Time{}}
	if opts.StateFile != "" {
		data, err := os.ReadFile(opts.StateFile)
		switch {
		case err == nil:
			var st state
			if err := json.Unmarshal(data, &st); err != nil {
				return nil, fmt.Errorf("local kms: state file %s: %w", opts.StateFile, err)
			}
			s.st = &st
			if s.st.OIDCIdentities == nil {
				s.st.OIDCIdentities = map[string]*oidcIdentity{}
			}
		case !errors.Is(err, fs.ErrNotExist):
			// Starting empty would silently forget every rotation it holds,
			// and the next write would overwrite it.
			return nil, fmt.Errorf("local kms: state file %s exists but cannot be read: %w", opts.StateFile, err)
		}
	}
	if s.st == nil {
		s.st = &state{
			Identities: map[string]*identity{}, OIDCIdentities: map[string]*oidcIdentity{}, Tokens: map[string]*token{}, Projects: map[string]*project{},
			Secrets: map[string]*secret{}, Rotations: map[string]*rotation{}, Connections: map[string]*connection{},
		}
		if err := s.seed(boot); err != nil {
			return nil, err
		}
	}
	s.rotationRoutesOff.Store(opts.WithoutRotationRoutes)
	s.olderRelease.Store(opts.OlderRelease)
	s.ensureSealKey()
	s.handler = s.routes()
	return s, nil
}

func (s *Server) seed(boot Bootstrap) error {
	for _, id := range boot.Identities {
		if id.ClientID == "" || id.ClientSecret == "" {
			return fmt.Errorf("local kms: bootstrap identity needs clientId and clientSecret")
		}
		ident := &identity{ClientID: id.ClientID, ClientSecret: id.ClientSecret, AccessTokenTTL: id.AccessTokenTTL,
			AccessTokenMaxTTL: id.AccessTokenMaxTTL, ClientSecretNumUsesLimit: id.ClientSecretNumUsesLimit, Lockout: defaultLockout()}
		if id.Lockout != nil {
			ident.Lockout = *id.Lockout
		}
		s.st.Identities[id.ClientID] = ident
	}
	for _, o := range boot.OIDCIdentities {
		if err := s.AddOIDCIdentity(o); err != nil {
			return err
		}
	}
	for _, k := range boot.KubernetesIdentities {
		if err := s.AddKubernetesIdentity(k); err != nil {
			return err
		}
	}
	for _, a := range boot.AWSIdentities {
		if err := s.AddAWSIdentity(a); err != nil {
			return err
		}
	}
	for _, g := range boot.GCPIdentities {
		if err := s.AddGCPIdentity(g); err != nil {
			return err
		}
	}
	for _, a := range boot.AzureIdentities {
		if err := s.AddAzureIdentity(a); err != nil {
			return err
		}
	}
	for _, p := range boot.Projects {
		if p.ID == "" {
			p.ID = uuid.NewString()
		}
		proj := &project{ID: p.ID, Name: p.Name, Environments: map[string]*environment{}}
		for _, e := range p.Environments {
			env := &environment{ID: uuid.NewString(), Slug: e.Slug, Name: e.Name, Folders: map[string]string{"/": uuid.NewString()}}
			for _, f := range e.Folders {
				// Every parent of a folder exists too.
				parts := strings.Split(strings.Trim(f, "/"), "/")
				for i := range parts {
					if parts[i] == "" {
						continue
					}
					env.Folders["/"+strings.Join(parts[:i+1], "/")] = uuid.NewString()
				}
			}
			proj.Environments[e.Slug] = env
		}
		s.st.Projects[p.ID] = proj
	}
	return nil
}

// LoadBootstrap reads a bootstrap file.
func LoadBootstrap(path string) (Bootstrap, error) {
	var b Bootstrap
	data, err := os.ReadFile(path)
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("bootstrap %s: %w", path, err)
	}
	return b, nil
}

// Handler serves the API.
func (s *Server) Handler() http.Handler { return s.handler }

// now is the server clock, in UTC.
func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// persist writes the state file; the caller holds s.mu. A failure is
// logged and kept for PersistError: the answer has been decided already, and
// the next successful write carries this change too.
func (s *Server) persist() {
	if s.opts.StateFile == "" {
		return
	}
	err := s.writeStateFile()
	s.statsMu.Lock()
	s.persistErr = err
	s.statsMu.Unlock()
	if err != nil {
		s.logf("local kms: saving state to %s failed: %v", s.opts.StateFile, err)
	}
}

func (s *Server) writeStateFile() error {
	data, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.opts.StateFile), 0o700); err != nil {
		return err
	}
	tmp := s.opts.StateFile + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.opts.StateFile)
}

// PersistError is the outcome of the last write of StateFile: nil when it
// succeeded (or no StateFile is set).
func (s *Server) PersistError() error {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.persistErr
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Printf(format, args...)
	}
}

// Requests returns how many requests each route ("METHOD /pattern") received.
func (s *Server) Requests() map[string]int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// RequestCount is how many requests one route received.
func (s *Server) RequestCount(route string) int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.counts[route]
}

// TotalRequests is how many requests the server received.
func (s *Server) TotalRequests() int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	n := 0
	for _, v := range s.counts {
		n += v
	}
	return n
}

// ResetCounters sets every route count back to zero.
func (s *Server) ResetCounters() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.counts = map[string]int{}
	s.arrivals = map[string][]time.Time{}
	s.rateLimited = map[string]int{}
}

// CountsString renders the counters, sorted, for logs and test failures.
func (s *Server) CountsString() string {
	counts := s.Requests()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%5d  %s\n", counts[k], k)
	}
	return b.String()
}

const maxArrivals = 1024

// Fault makes the server misbehave on one route, Times times.
type Fault struct {
	Route string // "METHOD /pattern", as in Requests
	// Status answers this status without acting (with RetryAfter, if set).
	Status     int
	RetryAfter string
	// DropBeforeAct closes the connection without acting or answering.
	DropBeforeAct bool
	// DropAfterAct acts, then closes the connection without answering.
	DropAfterAct bool
	// Delay holds the request before acting, once its token is accepted
	// (with Status: before answering).
	Delay time.Duration
	// Message replaces "Injected fault" in a Status answer.
	Message string
	// ExpireTokens expires every access token before the request is checked,
	// as if the token ran out in the middle of an apply: the server then
	// refuses it with 403 TokenError (the token's own expiry).
	ExpireTokens bool
	// ExpireTokensByTTL expires every access token the way the server's TTL
	// bookkeeping does: refused with 401 UnauthorizedError.
	ExpireTokensByTTL bool
	// OnFire runs when the fault fires, before anything else (tests change
	// the world mid-apply with it, e.g. replace an OIDC token file).
	OnFire func()
	Times  int
}

// InjectFault adds a fault.
func (s *Server) InjectFault(f Fault) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(route string) *Fault {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.countArrival(route)
	for i, f := range s.faults {
		if f.Route == route {
			f.Times--
			if f.Times <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

// countArrival counts a request to route and notes when it came (the caller
// holds s.statsMu).
func (s *Server) countArrival(route string) {
	s.counts[route]++
	// Only the recent arrivals: a long-running server must not grow forever.
	if times := s.arrivals[route]; len(times) >= maxArrivals {
		s.arrivals[route] = append(times[:0], times[len(times)-maxArrivals+1:]...)
	}
	s.arrivals[route] = append(s.arrivals[route], time.Now())
}

// Listen serves the API on addr until the listener closes.
func (s *Server) Listen(addr string) (net.Listener, *http.Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return l, srv, nil
}
