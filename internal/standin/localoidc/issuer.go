// Package localoidc is an OpenID Connect issuer on loopback, over TLS, for
// the tests, the standalone local KMS and the demo: it serves a discovery
// document and a JWKS, mints RS256 identity tokens with the claims and
// lifetimes a test chooses (as Terraform Cloud or Kubernetes would hand a
// run), and answers a GitHub Actions-like token request that checks the
// request's bearer token and takes its audience.
//
// It is the issuer's side of the wire: it shares no types with the
// provider, the KMS client or the local KMS.
package localoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Options configure an issuer.
type Options struct {
	// Addr to listen on; "127.0.0.1:0" (a free port) by default.
	Addr string
	// Now is the issuer's clock (iat, nbf, exp); time.Now by default.
	Now func() time.Time
	// Logger gets one line per request (method, path, status; never a token).
	Logger *log.Logger
}

// Issuer is a running OIDC issuer.
type Issuer struct {
	opts    Options
	key     *rsa.PrivateKey
	keyID   string
	foreign *rsa.PrivateKey // signs tokens the JWKS cannot verify
	server  *httptest.Server

	mu              sync.Mutex
	githubToken     string // the bearer the GitHub-like endpoint expects
	githubClaims    Claims
	githubAudiences []string // the audience of every request it answered
	minted          []string // every token minted, for leak tests
}

// Claims are what a minted token carries.
type Claims struct {
	Subject  string
	Audience []string
	// Lifetime from now (default 5 minutes); negative mints an expired token.
	Lifetime time.Duration
	// Issuer overrides the issuer's own URL (a token from someone else).
	Issuer string
	// TokenID is the jti; random by default.
	TokenID string
	// Extra claims, e.g. terraform_workspace_name or repository.
	Extra map[string]any
	// ForeignKey signs with a key the JWKS does not hold, under the same kid.
	ForeignKey bool
}

// Start runs an issuer with a new RSA key, over TLS with a self-signed
// certificate (CACertPEM).
func Start(opts Options) (*Issuer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("local oidc: %w", err)
	}
	iss := &Issuer{opts: opts, key: key, foreign: foreign, keyID: "local-" + randomHex(4)}
	srv := httptest.NewUnstartedServer(iss.routes())
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.StartTLS()
	iss.server = srv
	return iss, nil
}

// Close stops the issuer.
func (i *Issuer) Close() { i.server.Close() }

// URL is the issuer URL (https://127.0.0.1:port), also its discovery URL.
func (i *Issuer) URL() string { return i.server.URL }

// CACertPEM is the issuer's self-signed certificate, to trust it.
func (i *Issuer) CACertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.server.Certificate().Raw})
}

// HTTPClient is a client that trusts the issuer.
func (i *Issuer) HTTPClient() *http.Client { return i.server.Client() }

// Mint signs a token with the given claims.
func (i *Issuer) Mint(c Claims) (string, error) {
	now := i.opts.Now()
	lifetime := c.Lifetime
	if lifetime == 0 {
		lifetime = 5 * time.Minute
	}
	issuer := c.Issuer
	if issuer == "" {
		issuer = i.URL()
	}
	jti := c.TokenID
	if jti == "" {
		jti = randomHex(8)
	}
	key := i.key
	if c.ForeignKey {
		key = i.foreign
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", i.keyID))
	if err != nil {
		return "", err
	}
	issuedAt := now
	if lifetime < 0 {
		issuedAt = now.Add(lifetime - time.Minute)
	}
	std := jwt.Claims{
		Issuer: issuer, Subject: c.Subject, Audience: jwt.Audience(c.Audience), ID: jti,
		IssuedAt: jwt.NewNumericDate(issuedAt), NotBefore: jwt.NewNumericDate(issuedAt),
		Expiry: jwt.NewNumericDate(now.Add(lifetime)),
	}
	builder := jwt.Signed(signer).Claims(std)
	if len(c.Extra) > 0 {
		builder = builder.Claims(c.Extra)
	}
	token, err := builder.Serialize()
	if err != nil {
		return "", err
	}
	i.mu.Lock()
	i.minted = append(i.minted, token)
	i.mu.Unlock()
	return token, nil
}

// MustMint is Mint for tests and demos, where a failure to sign is fatal.
func (i *Issuer) MustMint(c Claims) string {
	token, err := i.Mint(c)
	if err != nil {
		panic(fmt.Sprintf("local oidc: minting a token: %v", err))
	}
	return token
}

// MintedTokens lists every token minted so far (tests look for them in logs).
func (i *Issuer) MintedTokens() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.minted...)
}

// EnableGitHubActions makes the GitHub Actions-like endpoint answer requests
// that carry requestToken as bearer, with tokens carrying claims and the
// requested audience. It answers the ACTIONS_ID_TOKEN_REQUEST_URL to set.
func (i *Issuer) EnableGitHubActions(requestToken string, claims Claims) string {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.githubToken, i.githubClaims = requestToken, claims
	return i.URL() + "/_apis/github/token?api-version=2.0"
}

// GitHubAudiences lists the audience of every token request the GitHub
// Actions-like endpoint answered ("" when the request named none).
func (i *Issuer) GitHubAudiences() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.githubAudiences...)
}

func (i *Issuer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{
			"issuer":                                i.URL(),
			"jwks_uri":                              i.URL() + "/.well-known/jwks",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"},
		})
	})
	mux.HandleFunc("GET /.well-known/jwks", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
			Key: &i.key.PublicKey, KeyID: i.keyID, Algorithm: string(jose.RS256), Use: "sig",
		}}})
	})
	mux.HandleFunc("GET /_apis/github/token", i.serveGitHubToken)
	return i.logged(mux)
}

// serveGitHubToken answers like the Actions runtime: the bearer must be the
// request token; the audience query parameter becomes the token's aud.
func (i *Issuer) serveGitHubToken(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	want, claims := i.githubToken, i.githubClaims
	i.mu.Unlock()
	if want == "" || r.Header.Get("Authorization") != "Bearer "+want {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return
	}
	audience := r.URL.Query().Get("audience")
	i.mu.Lock()
	i.githubAudiences = append(i.githubAudiences, audience)
	i.mu.Unlock()
	if audience != "" {
		claims.Audience = []string{audience}
	}
	token, err := i.Mint(claims)
	if err != nil {
		writeJSON(w, 500, map[string]any{"message": "signing failed"})
		return
	}
	writeJSON(w, 200, map[string]any{"count": 1, "value": token})
}

func (i *Issuer) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		if i.opts.Logger != nil {
			i.opts.Logger.Printf("oidc %s %s -> %d", r.Method, r.URL.Path, rec.status)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
