// Package localgcp is a local stand-in for the parts of Google Cloud that
// GCP Auth logins touch: a GCE metadata server (identity tokens of the
// instance's service account, and its OAuth2 access token), the IAM
// Credentials API's signJwt, and the two certificate endpoints the KMS
// verifies the JWTs with (Google's OAuth2 certificates and a service
// account's public certificates). It signs with keys of its own, which the
// local KMS trusts in place of Google's.
package localgcp

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localjwt"
)

// Instance is the GCE instance the metadata server describes.
type Instance struct {
	// ServiceAccount is the email of the instance's default service account;
	// "" is an instance without one (the metadata server answers 404).
	ServiceAccount string
	ProjectID      string
	ProjectNumber  int64
	Zone           string
	Name           string
}

// Options configure a stand-in.
type Options struct {
	Now    func() time.Time
	Logger *log.Logger
	// Addr is where to listen; a free loopback port by default.
	Addr string
}

// Server is a running stand-in.
type Server struct {
	opts     Options
	url      string
	srv      *http.Server
	oauthKey *localjwt.Key

	mu       sync.Mutex
	instance Instance
	// accounts are the service accounts that exist, with their keys.
	accounts map[string]*localjwt.Key
	// tokenCreators: service account -> the principals that may sign for it.
	tokenCreators map[string]map[string]bool
	// accessTokens: an issued OAuth2 access token -> its service account.
	accessTokens map[string]string
	issued       []Issued
}

// Issued is a JWT or access token the stand-in handed out.
type Issued struct {
	Kind  string // "identity", "signJwt" or "access"
	Email string
	Value string
}

// Start runs a stand-in on a loopback port.
func Start(o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	key, err := localjwt.NewKey("local Google OAuth2")
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, oauthKey: key, accounts: map[string]*localjwt.Key{},
		tokenCreators: map[string]map[string]bool{}, accessTokens: map[string]string{}}
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

// URL is the stand-in's base URL (metadata, IAM Credentials and certificates).
func (s *Server) URL() string { return s.url }

// MetadataHost is the value for GCE_METADATA_HOST.
func (s *Server) MetadataHost() string { return strings.TrimPrefix(s.url, "http://") }

// OAuth2CertsURL stands for https://www.googleapis.com/oauth2/v1/certs.
func (s *Server) OAuth2CertsURL() string { return s.url + "/oauth2/v1/certs" }

// ServiceAccountCertsURL stands for
// https://www.googleapis.com/service_accounts/v1/metadata/x509/<email>.
func (s *Server) ServiceAccountCertsURL(email string) string {
	return s.url + "/service_accounts/v1/metadata/x509/" + email
}

// AddServiceAccount creates a service account (with a signing key) and
// lets each of creators (service account emails) sign JWTs for it; a
// service account may always sign for itself.
func (s *Server) AddServiceAccount(email string, creators ...string) error {
	key, err := localjwt.NewKey(email)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[email] = key
	s.tokenCreators[email] = map[string]bool{email: true}
	for _, c := range creators {
		s.tokenCreators[email][c] = true
	}
	return nil
}

// SetInstance changes the instance the metadata server describes.
func (s *Server) SetInstance(i Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instance = i
}

// Issued lists every token handed out so far.
func (s *Server) Issued() []Issued {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Issued(nil), s.issued...)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /computeMetadata/v1/instance/service-accounts/default/identity", s.metadata(s.identityToken))
	mux.HandleFunc("GET /computeMetadata/v1/instance/service-accounts/default/token", s.metadata(s.accessToken))
	mux.HandleFunc("GET /computeMetadata/v1/instance/service-accounts/default/email", s.metadata(s.email))
	mux.HandleFunc("GET /computeMetadata/v1/project/project-id", s.metadata(s.projectID))
	mux.HandleFunc("GET /computeMetadata/v1/", s.metadata(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	mux.HandleFunc("POST /v1/projects/-/serviceAccounts/{account}", s.signJWT)
	mux.HandleFunc("GET /oauth2/v1/certs", s.oauth2Certs)
	mux.HandleFunc("GET /service_accounts/v1/metadata/x509/{email}", s.serviceAccountCerts)
	return s.logged(mux)
}

func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("local gcp: %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Metadata-Flavor", "Google")
		next.ServeHTTP(w, r)
	})
}

// metadata refuses a request without Metadata-Flavor: Google, as the real
// metadata server does (it protects against SSRF).
func (s *Server) metadata(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" {
			http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

func (s *Server) identityToken(w http.ResponseWriter, r *http.Request) {
	audience := r.URL.Query().Get("audience")
	if audience == "" {
		http.Error(w, "non-empty audience parameter required", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	inst := s.instance
	s.mu.Unlock()
	if inst.ServiceAccount == "" {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	now := s.opts.Now()
	claims := map[string]any{
		"iss": "https://accounts.google.com", "aud": audience, "azp": numericID(inst.ServiceAccount),
		"sub": numericID(inst.ServiceAccount), "email": inst.ServiceAccount, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if r.URL.Query().Get("format") == "full" {
		claims["google"] = map[string]any{"compute_engine": map[string]any{
			"project_id": inst.ProjectID, "project_number": inst.ProjectNumber, "zone": inst.Zone,
			"instance_id": numericID(inst.Name), "instance_name": inst.Name,
			"instance_creation_timestamp": now.Add(-24 * time.Hour).Unix(),
		}}
	}
	tok, err := s.oauthKey.Sign(claims)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.note(Issued{Kind: "identity", Email: inst.ServiceAccount, Value: tok})
	_, _ = io.WriteString(w, tok)
}

func (s *Server) accessToken(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	email := s.instance.ServiceAccount
	s.mu.Unlock()
	if email == "" {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	tok := "ya29.local-" + randomHex(24)
	s.mu.Lock()
	s.accessTokens[tok] = email
	s.mu.Unlock()
	s.note(Issued{Kind: "access", Email: email, Value: tok})
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (s *Server) email(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(w, s.instance.ServiceAccount)
}

func (s *Server) projectID(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(w, s.instance.ProjectID)
}

// signJWT is projects/-/serviceAccounts/<email>:signJwt: the caller's access
// token must be one the metadata server issued, for a service account allowed
// to sign for <email> (Service Account Token Creator); the payload must be a
// JSON object whose exp, when present, is at most 12 hours away.
func (s *Server) signJWT(w http.ResponseWriter, r *http.Request) {
	email, ok := strings.CutSuffix(r.PathValue("account"), ":signJwt")
	if !ok {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "Method not found.")
		return
	}
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	caller, known := s.accessTokens[bearer]
	key := s.accounts[email]
	allowed := s.tokenCreators[email][caller]
	s.mu.Unlock()
	if !known {
		googleError(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	}
	if key == nil || !allowed {
		googleError(w, http.StatusForbidden, "PERMISSION_DENIED",
			"Permission 'iam.serviceAccounts.signJwt' denied on resource (or it may not exist).")
		return
	}
	var body struct {
		Payload string `json:"payload"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil || body.Payload == "" {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JWT payload.")
		return
	}
	var claims map[string]any
	if err := json.Unmarshal([]byte(body.Payload), &claims); err != nil {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JWT payload.")
		return
	}
	if exp, ok := claims["exp"].(float64); ok && time.Unix(int64(exp), 0).After(s.opts.Now().Add(12*time.Hour)) {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "JWT validity is longer than 12 hours.")
		return
	}
	signed, err := key.Sign(claims)
	if err != nil {
		googleError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	s.note(Issued{Kind: "signJwt", Email: email, Value: signed})
	writeJSON(w, http.StatusOK, map[string]string{"keyId": key.ID, "signedJwt": signed})
}

func (s *Server) oauth2Certs(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{s.oauthKey.ID: s.oauthKey.CertPEM()})
}

func (s *Server) serviceAccountCerts(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	key := s.accounts[r.PathValue("email")]
	s.mu.Unlock()
	if key == nil {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{key.ID: key.CertPEM()})
}

func (s *Server) note(i Issued) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued = append(s.issued, i)
}

func googleError(w http.ResponseWriter, code int, status, message string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": code, "message": message, "status": status}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// numericID is a stable 21-digit id for a name, like Google's unique ids.
func numericID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return fmt.Sprintf("1%020d", binary.BigEndian.Uint64(sum[:8]))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
