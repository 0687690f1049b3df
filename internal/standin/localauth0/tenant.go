// Package localauth0 is a small Auth0 tenant that runs on loopback over TLS:
// the client credentials grant (/oauth/token) and the Management API calls a
// secret rotation needs (read a client, set its secret, rotate its secret),
// with Auth0's scopes, audiences and error shapes. Each application has
// exactly one client secret, so a rotation makes the old one fail at once.
//
// It is the far side of the wire: it shares no Go types with the provider,
// its client or the local KMS.
package localauth0

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Scopes of the Management API that a rotation needs.
const (
	ScopeReadClients      = "read:clients"
	ScopeUpdateClientKeys = "update:client_keys"
	ScopeUpdateClients    = "update:clients"
)

// Application is one Auth0 application (client).
type Application struct {
	ClientID string
	Name     string
	Secret   string
	// AuthMethod is "client_secret_post" (default), "client_secret_basic",
	// "private_key_jwt" (which has no secret to rotate) or "none" (a public
	// application: SPA or native).
	AuthMethod string
	// AppType is Auth0's app_type: "non_interactive" (a Machine-to-Machine
	// application, the default), "regular_web", "spa" or "native". A SPA or
	// native application is public: it authenticates with no secret.
	AppType string
	// ManagementScopes is the client grant for the Management API; nil means
	// the application has no grant for it.
	ManagementScopes []string
	// Audiences are the other APIs it may ask tokens for.
	Audiences []string
}

type issuedToken struct {
	clientID string
	audience string
	scopes   []string
	expires  time.Time
}

// Tenant is a running local Auth0 tenant.
type Tenant struct {
	mu          sync.Mutex
	apps        map[string]*Application
	tokens      map[string]issuedToken
	unreachable bool
	aliases     []string // other host:ports the tenant is known by
	counts      map[string]int
	history     map[string][]string // every secret each application ever had
	issued      []string            // every access token ever issued (leak tests look for them)

	server *httptest.Server
	logger *log.Logger
	caPEM  []byte         // Options.CACertPEM, or nil for the self-signed certificate
	caPool *x509.CertPool // the same, as a pool
}

// Options configure a tenant.
type Options struct {
	// Addr to listen on; "127.0.0.1:0" (a free port) by default.
	Addr string
	// Logger gets one line per request (method, route, status; no secrets).
	Logger *log.Logger
	// Certificate, when set, is served instead of httptest's self-signed
	// one, and CACertPEM is the authority that signed it: a server that
	// trusts that CA (the real KMS, through NODE_EXTRA_CA_CERTS) can then
	// reach the tenant. Both or neither.
	Certificate *tls.Certificate
	CACertPEM   []byte
}

// Start runs a tenant over TLS with a self-signed certificate (CACertPEM).
func Start(opts Options) (*Tenant, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("local auth0: %w", err)
	}
	if (opts.Certificate == nil) != (len(opts.CACertPEM) == 0) {
		l.Close()
		return nil, fmt.Errorf("local auth0: a certificate and the CA that signed it go together")
	}
	t := &Tenant{apps: map[string]*Application{}, tokens: map[string]issuedToken{}, counts: map[string]int{}, history: map[string][]string{}, logger: opts.Logger}
	srv := httptest.NewUnstartedServer(t.routes())
	srv.Listener.Close()
	srv.Listener = l
	if opts.Certificate != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(opts.CACertPEM) {
			l.Close()
			return nil, fmt.Errorf("local auth0: the CA certificate holds no PEM certificate")
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*opts.Certificate}, MinVersion: tls.VersionTLS12}
		t.caPEM = opts.CACertPEM
		t.caPool = pool
	}
	srv.StartTLS()
	if t.caPool != nil {
		// httptest's client trusts the leaf itself; trust its CA instead,
		// as every other client of the tenant does.
		if tr, ok := srv.Client().Transport.(*http.Transport); ok {
			tr.TLSClientConfig = &tls.Config{RootCAs: t.caPool, MinVersion: tls.VersionTLS12}
		}
	}
	t.server = srv
	return t, nil
}

// Close stops the tenant.
func (t *Tenant) Close() { t.server.Close() }

// Domain is the tenant's host:port, as an app connection's domain.
func (t *Tenant) Domain() string { return strings.TrimPrefix(t.server.URL, "https://") }

// URL is https://<domain>.
func (t *Tenant) URL() string { return t.server.URL }

// ManagementAudience is the Management API identifier, https://<domain>/api/v2/.
func (t *Tenant) ManagementAudience() string { return t.server.URL + "/api/v2/" }

// CACertPEM is what to trust to reach the tenant: its self-signed
// certificate, or the CA of Options.Certificate.
func (t *Tenant) CACertPEM() []byte {
	if t.caPEM != nil {
		return append([]byte(nil), t.caPEM...)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: t.server.Certificate().Raw})
}

// HTTPClient is a client that trusts the tenant.
func (t *Tenant) HTTPClient() *http.Client { return t.server.Client() }

// AddApplication registers an application; a missing secret is generated.
func (t *Tenant) AddApplication(app Application) Application {
	t.mu.Lock()
	defer t.mu.Unlock()
	if app.AppType == "" {
		app.AppType = "non_interactive"
	}
	if app.AuthMethod == "" {
		app.AuthMethod = "client_secret_post"
		if app.AppType == "spa" || app.AppType == "native" {
			app.AuthMethod = "none"
		}
	}
	if app.Secret == "" && hasSecret(app.AuthMethod) {
		app.Secret = randomSecret()
	}
	stored := app
	t.apps[app.ClientID] = &stored
	t.remember(&stored)
	return stored
}

// Secret is an application's current client secret.
func (t *Tenant) Secret(clientID string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if app, ok := t.apps[clientID]; ok {
		return app.Secret
	}
	return ""
}

// SetSecret changes an application's secret, as an admin in the Auth0
// dashboard would.
func (t *Tenant) SetSecret(clientID, secret string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if app, ok := t.apps[clientID]; ok {
		app.Secret = secret
		t.remember(app)
	}
}

// SecretHistory is every secret the application ever had, oldest first
// (tests look for any of them in logs and state).
func (t *Tenant) SecretHistory(clientID string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.history[clientID]...)
}

// IssuedAccessTokens is every access token the tenant ever issued, oldest
// first, including those revoked or expired since.
func (t *Tenant) IssuedAccessTokens() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.issued...)
}

// Applications lists every application's client id, sorted.
func (t *Tenant) Applications() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := make([]string, 0, len(t.apps))
	for id := range t.apps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (t *Tenant) remember(app *Application) {
	if app.Secret != "" {
		t.history[app.ClientID] = append(t.history[app.ClientID], app.Secret)
	}
}

// SetManagementScopes changes an application's Management API grant (nil
// removes it). Tokens issued before keep their scopes until they expire, as
// in Auth0; RevokeTokens drops them.
func (t *Tenant) SetManagementScopes(clientID string, scopes []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if app, ok := t.apps[clientID]; ok {
		app.ManagementScopes = scopes
	}
	for tok, it := range t.tokens {
		if it.clientID == clientID {
			delete(t.tokens, tok)
		}
	}
}

// SetAuthMethod switches an application's token endpoint auth method.
func (t *Tenant) SetAuthMethod(clientID, method string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if app, ok := t.apps[clientID]; ok {
		app.AuthMethod = method
	}
}

// AddAlias makes the tenant answer to another domain (host:port) as well:
// its Management API audience https://<alias>/api/v2/ is accepted too. A
// caller that dials the alias to the tenant's address (the local KMS does,
// through its HTTP client) reaches it; everyone else cannot, which is how a
// tenant reachable only from the KMS's network looks.
func (t *Tenant) AddAlias(domain string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.aliases = append(t.aliases, domain)
}

// isManagementAudience reports whether audience names this tenant's
// Management API; the caller holds t.mu.
func (t *Tenant) isManagementAudience(audience string) bool {
	if audience == t.ManagementAudience() {
		return true
	}
	for _, alias := range t.aliases {
		if audience == "https://"+alias+"/api/v2/" {
			return true
		}
	}
	return false
}

// SetUnreachable makes the tenant drop every connection, as an Auth0 that
// cannot be reached.
func (t *Tenant) SetUnreachable(down bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unreachable = down
}

// Requests returns how many requests each route received.
func (t *Tenant) Requests() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.counts))
	for k, v := range t.counts {
		out[k] = v
	}
	return out
}

func (t *Tenant) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			t.mu.Lock()
			t.counts[pattern]++
			down := t.unreachable
			t.mu.Unlock()
			if down {
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						conn.Close()
						return
					}
				}
			}
			rec := &statusRecorder{ResponseWriter: w, status: 200}
			h(rec, r)
			if t.logger != nil {
				t.logger.Printf("auth0 %s -> %d", pattern, rec.status)
			}
		})
	}
	handle("POST /oauth/token", t.token)
	handle("GET /api/v2/clients/{id}", t.readClient)
	handle("PATCH /api/v2/clients/{id}", t.updateClient)
	handle("POST /api/v2/clients/{id}/rotate-secret", t.rotateSecret)
	return mux
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// token is the client credentials grant, with form or JSON bodies.
func (t *Tenant) token(w http.ResponseWriter, r *http.Request) {
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			authError(w, 400, "invalid_request", "The request body is not valid JSON.")
			return
		}
		for k, v := range body {
			if s, ok := v.(string); ok {
				params[k] = s
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			authError(w, 400, "invalid_request", "The request body is not a valid form.")
			return
		}
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
	}
	// HTTP basic authentication of the client is allowed too.
	if id, secret, ok := r.BasicAuth(); ok {
		params["client_id"], params["client_secret"] = id, secret
	}
	if params["grant_type"] != "client_credentials" {
		authError(w, 403, "unsupported_grant_type", fmt.Sprintf("Unsupported grant type: %s", params["grant_type"]))
		return
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	app, ok := t.apps[params["client_id"]]
	if !ok || !hasSecret(app.AuthMethod) || app.Secret == "" || params["client_secret"] != app.Secret {
		authError(w, 401, "access_denied", "Unauthorized")
		return
	}
	audience := params["audience"]
	var scopes []string
	switch {
	case audience == "":
		authError(w, 403, "access_denied", "No audience parameter was provided, and no default audience has been configured")
		return
	case t.isManagementAudience(audience):
		if app.ManagementScopes == nil {
			authError(w, 403, "access_denied", fmt.Sprintf("Client is not authorized to access %q. You need to create a \"client-grant\" associated to this API.", audience))
			return
		}
		scopes = app.ManagementScopes
	case slices.Contains(app.Audiences, audience):
	default:
		authError(w, 403, "access_denied", "Service not found: "+audience)
		return
	}
	tok := t.accessToken(app.ClientID, audience, scopes)
	t.issued = append(t.issued, tok)
	t.tokens[tok] = issuedToken{clientID: app.ClientID, audience: audience, scopes: scopes, expires: time.Now().Add(24 * time.Hour)}
	writeJSON(w, 200, map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": 86400, "scope": strings.Join(scopes, " "),
	})
}

// accessToken is shaped like Auth0's: a JWT whose claims carry the granted
// scope. The signature is random bytes (the tenant knows its tokens by
// value), so the claims can be read but the token cannot be verified.
func (t *Tenant) accessToken(clientID, audience string, scopes []string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now()
	header := enc(map[string]any{"alg": "RS256", "typ": "JWT"})
	claims := enc(map[string]any{
		"iss": t.server.URL + "/", "sub": clientID + "@clients", "aud": audience, "azp": clientID,
		"scope": strings.Join(scopes, " "), "gty": "client-credentials",
		"iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(), "jti": randomSecret()[:16],
	})
	return header + "." + claims + "." + randomSecret()
}

// authorize checks a Management API bearer token for one of the scopes.
func (t *Tenant) authorize(w http.ResponseWriter, r *http.Request, anyOf ...string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	it, known := t.tokens[tok]
	if !ok || !known || time.Now().After(it.expires) || !t.isManagementAudience(it.audience) {
		mgmtError(w, 401, "Unauthorized", "Invalid token", "")
		return false
	}
	for _, want := range anyOf {
		if slices.Contains(it.scopes, want) {
			return true
		}
	}
	mgmtError(w, 403, "Forbidden", "Insufficient scope, expected any of: "+strings.Join(anyOf, ","), "insufficient_scope")
	return false
}

func (t *Tenant) readClient(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.authorize(w, r, ScopeReadClients) {
		return
	}
	app := t.client(w, r)
	if app == nil {
		return
	}
	writeJSON(w, 200, clientJSON(app, false))
}

func (t *Tenant) updateClient(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		mgmtError(w, 400, "Bad Request", "Payload validation error: 'Invalid JSON'.", "invalid_body")
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, setsSecret := body["client_secret"]
	need := ScopeUpdateClients
	if setsSecret {
		need = ScopeUpdateClientKeys
	}
	if !t.authorize(w, r, need) {
		return
	}
	app := t.client(w, r)
	if app == nil {
		return
	}
	for k, v := range body {
		switch k {
		case "client_secret":
			secret, _ := v.(string)
			if !hasSecret(app.AuthMethod) {
				mgmtError(w, 400, "Bad Request", "Cannot set client_secret on a client that authenticates with "+app.AuthMethod+".", "invalid_body")
				return
			}
			if len(secret) < 48 {
				mgmtError(w, 400, "Bad Request", "Payload validation error: 'String is too short (0 chars), minimum 48' on property client_secret.", "invalid_body")
				return
			}
			app.Secret = secret
			t.remember(app)
		case "name":
			app.Name, _ = v.(string)
		default:
			mgmtError(w, 400, "Bad Request", fmt.Sprintf("Payload validation error: 'Additional properties not allowed: %s'.", k), "invalid_body")
			return
		}
	}
	writeJSON(w, 200, clientJSON(app, false))
}

func (t *Tenant) rotateSecret(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.authorize(w, r, ScopeUpdateClientKeys) {
		return
	}
	app := t.client(w, r)
	if app == nil {
		return
	}
	if !hasSecret(app.AuthMethod) {
		mgmtError(w, 400, "Bad Request", "Cannot rotate the secret of a client that authenticates with "+app.AuthMethod+".", "invalid_body")
		return
	}
	app.Secret = randomSecret()
	t.remember(app)
	writeJSON(w, 200, clientJSON(app, true))
}

// client finds the application the path names, or answers Auth0's 404; the
// caller holds t.mu.
func (t *Tenant) client(w http.ResponseWriter, r *http.Request) *Application {
	app, ok := t.apps[r.PathValue("id")]
	if !ok {
		mgmtError(w, 404, "Not Found", "The client does not exist", "inexistent_client")
		return nil
	}
	return app
}

// hasSecret reports whether an application with this token endpoint auth
// method authenticates with a client secret.
func hasSecret(authMethod string) bool {
	return authMethod == "client_secret_post" || authMethod == "client_secret_basic"
}

// clientJSON is Auth0's client object. As in Auth0, an application set up
// for private_key_jwt has no token_endpoint_auth_method: its credentials
// are listed under client_authentication_methods instead.
func clientJSON(app *Application, withSecret bool) map[string]any {
	grants := []string{"client_credentials"}
	if app.AppType == "spa" || app.AppType == "native" {
		grants = []string{"authorization_code", "implicit", "refresh_token"}
	}
	out := map[string]any{
		"client_id": app.ClientID, "name": app.Name, "app_type": app.AppType, "grant_types": grants,
	}
	if app.AuthMethod == "private_key_jwt" {
		out["client_authentication_methods"] = map[string]any{
			"private_key_jwt": map[string]any{"credentials": []map[string]any{{"id": "cred_" + app.ClientID}}},
		}
	} else {
		out["token_endpoint_auth_method"] = app.AuthMethod
	}
	if withSecret {
		out["client_secret"] = app.Secret
	}
	return out
}

func authError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": description})
}

func mgmtError(w http.ResponseWriter, status int, name, message, code string) {
	body := map[string]any{"statusCode": status, "error": name, "message": message}
	if code != "" {
		body["errorCode"] = code
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomSecret() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
