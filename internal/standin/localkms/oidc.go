package localkms

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// OIDCIdentity is a machine identity with OIDC auth, configured as on the
// server: where the issuer's discovery document is, and what the token must
// carry.
type OIDCIdentity struct {
	ID string `json:"id"`
	// DiscoveryURL: {DiscoveryURL}/.well-known/openid-configuration is read
	// at every login, then its jwks_uri.
	DiscoveryURL string `json:"oidcDiscoveryUrl"`
	// CACert (PEM) is trusted for the discovery URL and JWKS, instead of the
	// system roots, when set.
	CACert      string `json:"caCert,omitempty"`
	BoundIssuer string `json:"boundIssuer"`
	// BoundAudiences: comma-and-space separated patterns; "" accepts any.
	BoundAudiences string `json:"boundAudiences,omitempty"`
	// BoundSubject: a pattern (* matches within a segment); "" accepts any.
	BoundSubject string `json:"boundSubject,omitempty"`
	// BoundClaims: claim (dot path) -> comma-and-space separated patterns.
	BoundClaims map[string]string `json:"boundClaims,omitempty"`
	// AccessTokenTTL and AccessTokenMaxTTL in seconds; 0 is none. The
	// server's default is 2592000 for both; nil takes Options.TokenTTL and 30 days.
	AccessTokenTTL    *int64 `json:"accessTokenTTL,omitempty"`
	AccessTokenMaxTTL *int64 `json:"accessTokenMaxTTL,omitempty"`
}

type oidcIdentity struct {
	OIDCIdentity
	// Logins are the claims (sub, jti) of every accepted token, in order.
	Logins []OIDCLogin `json:"logins,omitempty"`
}

// OIDCLogin is one accepted OIDC login, for tests to see which token was used.
type OIDCLogin struct {
	Subject string `json:"sub"`
	TokenID string `json:"jti"`
}

// AddOIDCIdentity adds (or replaces) an identity with OIDC auth.
func (s *Server) AddOIDCIdentity(o OIDCIdentity) error {
	if o.ID == "" || o.DiscoveryURL == "" || o.BoundIssuer == "" {
		return errors.New("local kms: an OIDC identity needs id, oidcDiscoveryUrl and boundIssuer")
	}
	if !postgresUUID(o.ID) {
		return fmt.Errorf("local kms: OIDC identity id %q is not a uuid, as every identity id on the server is", o.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.OIDCIdentities[o.ID] = &oidcIdentity{OIDCIdentity: o}
	s.persist()
	return nil
}

// oidcLogin checks the token as the server does: the identity's OIDC auth
// (404 without one), the discovery document and JWKS, then signature,
// expiry and issuer (401), subject (403), audiences and claims (401).
func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IdentityID string `json:"identityId"`
		JWT        string `json:"jwt"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	// The server trims the id, then looks it up in a uuid column: anything
	// Postgres cannot read as a uuid fails the query, and the error handler
	// (backend/src/server/plugins/error-handler.ts) answers the DAL's
	// DatabaseError, named after the query, as a bare 500.
	if !postgresUUID(strings.TrimSpace(body.IdentityID)) {
		apiError(w, http.StatusInternalServerError, "Find one", "Something went wrong")
		return
	}
	s.mu.Lock()
	ident, ok := s.st.OIDCIdentities[strings.TrimSpace(body.IdentityID)]
	var cfg OIDCIdentity
	if ok {
		cfg = ident.OIDCIdentity
	}
	s.mu.Unlock()
	if !ok {
		apiError(w, 404, "NotFound", "OIDC auth method not found for identity, did you configure OIDC auth?")
		return
	}

	claims, status, msg := s.verifyOIDCToken(r.Context(), cfg, strings.TrimSpace(body.JWT))
	if status != 0 {
		apiError(w, status, errorNameForOIDC(status), msg)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ident, ok = s.st.OIDCIdentities[cfg.ID]
	if !ok {
		apiError(w, 404, "NotFound", "OIDC auth method not found for identity, did you configure OIDC auth?")
		return
	}
	sub, _ := claims["sub"].(string)
	jti, _ := claims["jti"].(string)
	ident.Logins = append(ident.Logins, OIDCLogin{Subject: sub, TokenID: jti})
	s.issueLoginToken(w, cfg.ID, cfg.AccessTokenTTL, cfg.AccessTokenMaxTTL)
}

// postgresUUID reports whether Postgres reads s as a uuid: 32 hex digits,
// optionally in braces, with a hyphen allowed after any group of four.
func postgresUUID(s string) bool {
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = s[1 : len(s)-1]
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f', r >= 'A' && r <= 'F':
			digits++
		case r == '-' && digits > 0 && digits%4 == 0 && i+1 < len(s) && s[i-1] != '-':
		default:
			return false
		}
	}
	return digits == 32
}

func errorNameForOIDC(status int) string {
	if status == 403 {
		return "ForbiddenError"
	}
	return errorName(status)
}

// verifyOIDCToken answers the token's claims, or the status and message the
// server would refuse it with.
func (s *Server) verifyOIDCToken(ctx context.Context, cfg OIDCIdentity, raw string) (map[string]any, int, string) {
	httpClient, err := oidcHTTPClient(cfg.CACert)
	if err != nil {
		return nil, 401, "Access denied: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, httpClient), 30*time.Second)
	defer cancel()

	jwksURI, err := fetchJWKSURI(ctx, httpClient, cfg.DiscoveryURL)
	if err != nil {
		return nil, 401, fmt.Sprintf("Access denied: Failed to fetch OIDC discovery document from %s. %v", cfg.DiscoveryURL, err)
	}
	if jwksURI == "" {
		return nil, 401, "Access denied: OIDC discovery document does not contain a jwks_uri. The identity provider may be misconfigured."
	}
	verifier := oidc.NewVerifier(cfg.BoundIssuer, oidc.NewRemoteKeySet(ctx, jwksURI), &oidc.Config{
		SkipClientIDCheck: true, // audiences are checked below, against patterns
		Now:               s.now,
	})
	tok, err := verifier.Verify(ctx, raw)
	if err != nil {
		// The server's messages are jsonwebtoken's; say the same things.
		var expired *oidc.TokenExpiredError
		switch {
		case errors.As(err, &expired):
			return nil, 401, "Access denied: jwt expired"
		case strings.Contains(err.Error(), "issued by a different provider"):
			return nil, 401, "Access denied: jwt issuer invalid. expected: " + cfg.BoundIssuer
		case strings.Contains(err.Error(), "malformed jwt"):
			return nil, 401, "Invalid JWT"
		case strings.Contains(err.Error(), "failed to verify signature"):
			return nil, 401, "Access denied: invalid signature"
		}
		return nil, 401, "Access denied: " + err.Error()
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, 401, "Invalid JWT"
	}

	if cfg.BoundSubject != "" && !matchesPattern(tok.Subject, cfg.BoundSubject) {
		return nil, 403, "Access denied: OIDC subject not allowed."
	}
	if cfg.BoundAudiences != "" {
		allowed := false
		for _, policy := range strings.Split(cfg.BoundAudiences, ", ") {
			for _, aud := range tok.Audience {
				allowed = allowed || matchesPattern(aud, policy)
			}
		}
		if !allowed {
			return nil, 401, "Access denied: OIDC audience not allowed."
		}
	}
	for claim, policies := range cfg.BoundClaims {
		value := claimByDotPath(claims, claim)
		if value == "" {
			return nil, 401, "Access denied: token has no " + claim + " field"
		}
		allowed := false
		for _, policy := range strings.Split(policies, ", ") {
			allowed = allowed || matchesPattern(value, policy)
		}
		if !allowed {
			return nil, 401, "Access denied: OIDC claim not allowed."
		}
	}
	return claims, 0, ""
}

// matchesPattern is the server's policy match: equal, or a glob where *
// matches within a path segment.
func matchesPattern(value, pattern string) bool {
	if value == pattern {
		return true
	}
	ok, err := path.Match(pattern, value)
	return err == nil && ok
}

func claimByDotPath(claims map[string]any, dotted string) string {
	var cur any = claims
	for _, part := range strings.Split(dotted, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[part]
	}
	switch v := cur.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func oidcHTTPClient(caPEM string) (*http.Client, error) {
	transport := cleanTransport()
	if caPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(caPEM)) {
			return nil, errors.New("the identity's CA certificate holds no PEM certificate")
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: transport, Timeout: 20 * time.Second}, nil
}

// cleanTransport is a transport of its own, sharing no state (proxies from
// the environment aside) with http.DefaultTransport.
func cleanTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 10,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second,
	}
}

func fetchJWKSURI(ctx context.Context, client *http.Client, discoveryURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(discoveryURL, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("request failed with status code %d", resp.StatusCode)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", err
	}
	return doc.JWKSURI, nil
}
