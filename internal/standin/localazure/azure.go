// Package localazure is a local stand-in for the Azure managed identity
// endpoints that Azure Auth logins use: the instance metadata service's
// token endpoint (IMDS, as on a VM, a scale set or AKS) and the App Service
// / Container Apps identity endpoint (IDENTITY_ENDPOINT with
// IDENTITY_HEADER), both issuing v1 access tokens signed by a key of the
// stand-in's own tenant, and that tenant's signing keys
// (/<tenant>/discovery/keys), which the local KMS trusts in place of
// Microsoft's.
package localazure

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localjwt"
)

// Identity is a managed identity: its client (application) id and the
// object id of its service principal, which the token carries as oid.
type Identity struct {
	ClientID string
	ObjectID string
}

// Options configure a stand-in.
type Options struct {
	Now    func() time.Time
	Logger *log.Logger
	// Addr is where to listen; a free loopback port by default.
	Addr string
	// TenantID is the tenant the tokens are issued in; a random GUID by default.
	TenantID string
}

// Server is a running stand-in.
type Server struct {
	opts Options
	url  string
	srv  *http.Server
	key  *localjwt.Key
	// IdentityHeader is the secret an App Service endpoint expects in
	// X-IDENTITY-HEADER (the value of IDENTITY_HEADER).
	IdentityHeader string

	mu       sync.Mutex
	system   Identity
	assigned map[string]Identity // user-assigned, by client id
	issued   []Issued
}

// Issued is an access token the stand-in handed out.
type Issued struct {
	Resource string
	ObjectID string
	Value    string
}

// Start runs a stand-in on a loopback port, with a system-assigned identity.
func Start(o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TenantID == "" {
		o.TenantID = randomGUID()
	}
	key, err := localjwt.NewKey("local Azure AD " + o.TenantID)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, key: key, IdentityHeader: randomHex(16), assigned: map[string]Identity{},
		system: Identity{ClientID: randomGUID(), ObjectID: randomGUID()}}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	s.url = "http://" + l.Addr().String()
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the stand-in.
func (s *Server) Close() { _ = s.srv.Close() }

// TenantID is the stand-in's tenant.
func (s *Server) TenantID() string { return s.opts.TenantID }

// IMDSTokenURL stands for http://169.254.169.254/metadata/identity/oauth2/token.
func (s *Server) IMDSTokenURL() string { return s.url + "/metadata/identity/oauth2/token" }

// IdentityEndpoint is the value for IDENTITY_ENDPOINT (App Service API 2019-08-01).
func (s *Server) IdentityEndpoint() string { return s.url + "/msi/token" }

// KeysURL stands for https://login.microsoftonline.com/<tenant>/discovery/keys.
func (s *Server) KeysURL(tenant string) string { return s.url + "/" + tenant + "/discovery/keys" }

// SystemAssigned is the system-assigned identity.
func (s *Server) SystemAssigned() Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.system
}

// SetSystemAssigned replaces the system-assigned identity (as when a
// resource's identity is turned off and on again: a new service principal).
func (s *Server) SetSystemAssigned(i Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.system = i
}

// AddUserAssigned attaches a user-assigned identity.
func (s *Server) AddUserAssigned(i Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assigned[i.ClientID] = i
}

// Issued lists every token handed out so far.
func (s *Server) Issued() []Issued {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Issued(nil), s.issued...)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata/identity/oauth2/token", s.imds)
	mux.HandleFunc("GET /msi/token", s.appService)
	mux.HandleFunc("GET /{tenant}/discovery/keys", s.keys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("local azure: %s %s", r.Method, r.URL.Path)
		}
		mux.ServeHTTP(w, r)
	})
}

// imds is IMDS's token endpoint: Metadata: true required, resource
// required, client_id (or object_id) for a user-assigned identity.
func (s *Server) imds(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Metadata") != "true" {
		azureError(w, http.StatusBadRequest, "invalid_request", "Required metadata header not specified")
		return
	}
	s.token(w, r, "client_id", true)
}

// appService is the App Service / Container Apps endpoint: the
// X-IDENTITY-HEADER secret required, client_id for a user-assigned identity.
func (s *Server) appService(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-IDENTITY-HEADER") != s.IdentityHeader {
		azureError(w, http.StatusUnauthorized, "unauthorized", "X-IDENTITY-HEADER is missing or wrong")
		return
	}
	s.token(w, r, "client_id", false)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request, clientParam string, imds bool) {
	q := r.URL.Query()
	resource := q.Get("resource")
	if resource == "" {
		azureError(w, http.StatusBadRequest, "invalid_request", "Required query variable 'resource' is missing")
		return
	}
	s.mu.Lock()
	id := s.system
	if c := q.Get(clientParam); c != "" {
		var ok bool
		if id, ok = s.assigned[c]; !ok {
			s.mu.Unlock()
			azureError(w, http.StatusBadRequest, "invalid_request", "Identity not found")
			return
		}
	}
	s.mu.Unlock()
	now := s.opts.Now()
	exp := now.Add(24 * time.Hour)
	tok, err := s.key.Sign(map[string]any{
		"aud": resource, "iss": "https://sts.windows.net/" + s.opts.TenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"tid": s.opts.TenantID, "oid": id.ObjectID, "sub": id.ObjectID, "appid": id.ClientID,
		"idtyp": "app", "ver": "1.0",
		// Azure AD gives every token a unique token identifier: two tokens
		// issued in the same second (whose other claims carry seconds only)
		// are still two different tokens, as from the real endpoint.
		"uti": uniqueTokenID(),
	})
	if err != nil {
		azureError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	s.mu.Lock()
	s.issued = append(s.issued, Issued{Resource: resource, ObjectID: id.ObjectID, Value: tok})
	s.mu.Unlock()
	// Both endpoints answer numbers as strings; IMDS adds expires_in.
	out := map[string]string{
		"access_token": tok, "expires_on": strconv.FormatInt(exp.Unix(), 10), "not_before": strconv.FormatInt(now.Unix(), 10),
		"resource": resource, "token_type": "Bearer", "client_id": id.ClientID,
	}
	if imds {
		out["expires_in"] = strconv.FormatInt(int64(exp.Sub(now).Seconds()), 10)
		out["ext_expires_in"] = out["expires_in"]
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) keys(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("tenant") != s.opts.TenantID {
		azureError(w, http.StatusBadRequest, "invalid_tenant", "Tenant '"+r.PathValue("tenant")+"' not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": s.key.ID, "x5t": s.key.ID, "x5c": []string{s.key.CertBase64()},
	}}})
}

func azureError(w http.ResponseWriter, code int, name, description string) {
	writeJSON(w, code, map[string]string{"error": name, "error_description": description})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uniqueTokenID is shaped like Azure AD's uti: 16 random bytes, base64url
// without padding.
func uniqueTokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomGUID() string {
	h := randomHex(16)
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}
