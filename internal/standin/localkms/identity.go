package localkms

import (
	"net/http"
	"strings"
	"time"
)

// identity is a machine identity with universal auth.
type identity struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	// AccessTokenTTL in seconds: nil is Options.TokenTTL, 0 never expires.
	AccessTokenTTL *int64 `json:"accessTokenTTL,omitempty"`
	// AccessTokenMaxTTL in seconds: nil is the server's default, 30 days;
	// 0 is none.
	AccessTokenMaxTTL *int64 `json:"accessTokenMaxTTL,omitempty"`
	// ClientSecretNumUsesLimit bounds the logins of the secret (0: none);
	// the server revokes the secret when the limit is reached.
	ClientSecretNumUsesLimit int  `json:"clientSecretNumUsesLimit,omitempty"`
	ClientSecretNumUses      int  `json:"clientSecretNumUses"`
	ClientSecretRevoked      bool `json:"clientSecretRevoked,omitempty"`

	Lockout         Lockout   `json:"lockout"`
	FailedLogins    int       `json:"failedLogins"`
	FailuresResetAt time.Time `json:"failuresResetAt"`
	LockedUntil     time.Time `json:"lockedUntil"`
}

// Lockout is an identity's lockout of refused logins, as the server sets it
// per universal auth: Threshold refused logins, each within
// CounterResetSeconds of the previous one, lock the login for
// DurationSeconds.
type Lockout struct {
	Enabled             bool `json:"enabled"`
	Threshold           int  `json:"threshold"` // 1-30
	DurationSeconds     int  `json:"durationSeconds"`
	CounterResetSeconds int  `json:"counterResetSeconds"`
}

func defaultLockout() Lockout {
	return Lockout{Enabled: true, Threshold: 3, DurationSeconds: 300, CounterResetSeconds: 30}
}

type token struct {
	ClientID string `json:"clientId"` // or the OIDC identity id
	// ExpiresAt is zero for a token that never expires.
	ExpiresAt time.Time `json:"expiresAt"`
	// MaxTTLAt is the login's time plus MaxTTL (zero: no max TTL): no
	// renewal may extend the token past it. Renewals keep it.
	MaxTTLAt time.Time `json:"maxTtlAt"`
	MaxTTL   int64     `json:"maxTtl"` // seconds, as configured; answered as accessTokenMaxTTL
	TTL      int64     `json:"ttl"`    // seconds, 0: never expires
	// TTLExpired: the TTL bookkeeping refuses the token (401), as opposed
	// to its own expiry (403 TokenError).
	TTLExpired bool `json:"ttlExpired,omitempty"`
	// Deleted: the server deleted the token's record (a renewal refused for
	// its max TTL): it still reads as a token, but no record answers it
	// (401 "No identity access token found").
	Deleted bool `json:"deleted,omitempty"`
}

func (t *token) expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// SetAccessTokenTTL sets the lifetime of the tokens a universal auth
// identity gets from now on; 0 means they never expire.
func (s *Server) SetAccessTokenTTL(clientID string, ttl time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.Identities[clientID]; ok {
		seconds := int64(ttl / time.Second)
		id.AccessTokenTTL = &seconds
	}
}

// SetAccessTokenMaxTTL sets the max TTL of the tokens a universal auth
// identity gets from now on: how long after the login they may be renewed;
// 0 means no max TTL.
func (s *Server) SetAccessTokenMaxTTL(clientID string, maxTTL time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.Identities[clientID]; ok {
		seconds := int64(maxTTL / time.Second)
		id.AccessTokenMaxTTL = &seconds
	}
}

// SetClientSecretUsesLimit limits the logins of an identity's secret (0: none)
// and resets its use count.
func (s *Server) SetClientSecretUsesLimit(clientID string, limit int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.Identities[clientID]; ok {
		id.ClientSecretNumUsesLimit, id.ClientSecretNumUses, id.ClientSecretRevoked = limit, 0, false
	}
}

// SetLockout changes an identity's lockout settings and clears its counters.
func (s *Server) SetLockout(clientID string, l Lockout) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.Identities[clientID]; ok {
		id.Lockout, id.FailedLogins, id.LockedUntil = l, 0, time.Time{}
	}
}

// authenticate accepts only machine identity access tokens issued by login,
// and refuses them as the server does: a token it cannot read is a 403
// TokenError, one past its own expiry too, one its TTL bookkeeping gave up
// on a 401 UnauthorizedError.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (bool, int) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		apiError(w, 401, "UnauthorizedError", "Missing Authorization header with a Bearer token")
		return false, 401
	}
	if strings.HasPrefix(raw, "st.") {
		apiError(w, 401, "UnauthorizedError", "Service tokens are not accepted on this route: use a machine identity access token")
		return false, 401
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, known := s.st.Tokens[raw]
	switch {
	case !known:
		apiError(w, 403, "TokenError", "The provided access token is malformed. Please use a valid token or generate a new one and try again.")
		return false, 403
	case tok.Deleted:
		apiError(w, 401, "UnauthorizedError", "No identity access token found")
		return false, 401
	case tok.TTLExpired:
		apiError(w, 401, "UnauthorizedError", "Failed to renew MI access token due to TTL expiration")
		return false, 401
	case tok.expired(s.now()):
		apiError(w, 403, "TokenError", "Your token has expired. Please re-authenticate.")
		return false, 403
	}
	return true, 0
}

// login is universal auth, in the server's order: unknown client id, the
// lockout, the secret (a refused one counts towards the lockout), then the
// secret's usage limit (reaching it revokes the secret).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	id, ok := s.st.Identities[body.ClientID]
	if !ok {
		apiError(w, 401, "UnauthorizedError", "Invalid credentials")
		return
	}
	if id.Lockout.Enabled && now.Before(id.LockedUntil) {
		apiError(w, 401, "UnauthorizedError", "This identity auth method is temporarily locked, please try again later")
		return
	}
	if id.ClientSecretRevoked || id.ClientSecret != body.ClientSecret {
		if id.Lockout.Enabled {
			if !now.Before(id.FailuresResetAt) {
				id.FailedLogins = 0
			}
			id.FailedLogins++
			id.FailuresResetAt = now.Add(time.Duration(id.Lockout.CounterResetSeconds) * time.Second)
			if id.FailedLogins >= id.Lockout.Threshold {
				id.LockedUntil = now.Add(time.Duration(id.Lockout.DurationSeconds) * time.Second)
				id.FailedLogins = 0
			}
			s.persist()
		}
		apiError(w, 401, "UnauthorizedError", "Invalid credentials")
		return
	}
	id.FailedLogins = 0
	if id.ClientSecretNumUsesLimit > 0 && id.ClientSecretNumUses >= id.ClientSecretNumUsesLimit {
		id.ClientSecretRevoked = true
		s.persist()
		apiError(w, 401, "UnauthorizedError", "Access denied due to client secret usage limit reached")
		return
	}
	id.ClientSecretNumUses++
	ttl, maxTTL := int64(s.opts.TokenTTL/time.Second), int64(defaultAccessTokenMaxTTL)
	if id.AccessTokenTTL != nil {
		ttl = *id.AccessTokenTTL
	}
	if id.AccessTokenMaxTTL != nil {
		maxTTL = *id.AccessTokenMaxTTL
	}
	s.issueToken(w, id.ClientID, now, ttl, maxTTL)
}

// defaultAccessTokenMaxTTL is the server's default max TTL, 30 days.
const defaultAccessTokenMaxTTL = 30 * 24 * 3600

// issueToken answers a new access token; ttl and maxTTL are in seconds and
// 0 means none, answered as expiresIn 0 ("never expires").
// identityConfig copies a machine identity's auth method settings out of
// the state under the lock, so that a login can check a token (and call out
// to a cluster, STS or key endpoint) without holding it.
func identityConfig[T any](s *Server, identities func(*state) map[string]*T, id string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ident, ok := identities(s.st)[id]; ok {
		return *ident, true
	}
	var none T
	return none, false
}

// issueLoginToken answers a machine identity's successful login (OIDC,
// Kubernetes, AWS, GCP, Azure) with the TTLs its auth method sets, or the
// server's defaults where it sets none.
func (s *Server) issueLoginToken(w http.ResponseWriter, identityID string, ttl, maxTTL *int64) {
	s.issueToken(w, identityID, s.now(), ttlOr(ttl, int64(s.opts.TokenTTL/time.Second)), ttlOr(maxTTL, defaultAccessTokenMaxTTL))
}

func ttlOr(v *int64, def int64) int64 {
	if v != nil {
		return *v
	}
	return def
}

func (s *Server) issueToken(w http.ResponseWriter, subject string, now time.Time, ttl, maxTTL int64) {
	s.issueTokenFor(w, subject, now, ttl, maxTTL, maxTTLAt(now, maxTTL), false)
}

func maxTTLAt(now time.Time, maxTTL int64) time.Time {
	if maxTTL <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(maxTTL) * time.Second)
}

// issueTokenFor answers a new token; renewed says it replaces one (renew),
// whose max TTL it keeps. As on the server, expiresIn is the TTL and
// accessTokenMaxTTL the configured max TTL, both in seconds, whatever is
// left of the max TTL: a client must count the max TTL from its login.
func (s *Server) issueTokenFor(w http.ResponseWriter, subject string, now time.Time, ttl, maxTTL int64, maxAt time.Time, renewed bool) {
	raw := "kms." + randomSecret(32)
	tok := &token{ClientID: subject, MaxTTLAt: maxAt, MaxTTL: maxTTL, TTL: ttl}
	if ttl > 0 {
		tok.ExpiresAt = now.Add(time.Duration(ttl) * time.Second)
	}
	s.st.Tokens[raw] = tok
	s.noteIssued(raw, renewed)
	// Forget tokens long expired, so the state stays small.
	for k, t := range s.st.Tokens {
		if !t.ExpiresAt.IsZero() && now.Sub(t.ExpiresAt) > 24*time.Hour {
			delete(s.st.Tokens, k)
		}
	}
	s.persist()
	writeJSON(w, 200, map[string]any{
		"accessToken": raw, "expiresIn": ttl, "accessTokenMaxTTL": maxTTL, "tokenType": "Bearer",
	})
}

// renew answers a new token with a fresh lifetime, within the max TTL, in
// the server's order (Infisical's
// backend/src/services/identity-access-token/identity-access-token-service.ts,
// renewAccessToken): the token itself, its TTL bookkeeping, then the max TTL
// counted from the login: past it, or a renewal that would extend the token
// past it, is refused with 401 and the token is deleted, so that requests
// still carrying it are refused too. The old token is forgotten after a
// renewal (the server keeps honouring it until it expires), so a client that
// kept using it would be caught by the tests.
func (s *Server) renew(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AccessToken string `json:"accessToken"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	tok, ok := s.st.Tokens[body.AccessToken]
	switch {
	case !ok:
		apiError(w, 403, "TokenError", "The provided access token is malformed. Please use a valid token or generate a new one and try again.")
		return
	case tok.expired(now):
		apiError(w, 403, "TokenError", "Your token has expired. Please re-authenticate.")
		return
	case tok.Deleted:
		apiError(w, 401, "UnauthorizedError", "No identity access token found")
		return
	case tok.TTLExpired:
		apiError(w, 401, "UnauthorizedError", "Failed to renew MI access token due to TTL expiration")
		return
	case !tok.MaxTTLAt.IsZero() && now.After(tok.MaxTTLAt):
		tok.Deleted = true
		s.persist()
		apiError(w, 401, "UnauthorizedError", "Failed to renew MI access token due to Max TTL expiration")
		return
	case !tok.MaxTTLAt.IsZero() && now.Add(time.Duration(tok.TTL)*time.Second).After(tok.MaxTTLAt):
		tok.Deleted = true
		s.persist()
		apiError(w, 401, "UnauthorizedError", "Failed to renew MI access token past its Max TTL expiration")
		return
	}
	delete(s.st.Tokens, body.AccessToken)
	s.issueTokenFor(w, tok.ClientID, now, tok.TTL, tok.MaxTTL, tok.MaxTTLAt, true)
}

// ExpireAllTokens makes every issued access token expired, as if their
// lifetime had passed (tests of token refresh): refused with 403 TokenError.
func (s *Server) ExpireAllTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, t := range s.st.Tokens {
		t.ExpiresAt = past
	}
}

// ExpireAllTokensByTTL makes the TTL bookkeeping refuse every issued token
// (401 UnauthorizedError), the other way the server refuses an expired one.
func (s *Server) ExpireAllTokensByTTL() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.Tokens {
		t.TTLExpired = true
	}
}
