package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenResponse is the answer of every login and of token renew.
type TokenResponse struct {
	AccessToken string `json:"accessToken"`
	// ExpiresIn is the token's lifetime in seconds; 0 means it never expires.
	ExpiresIn         int64  `json:"expiresIn"`
	AccessTokenMaxTTL int64  `json:"accessTokenMaxTTL"` // seconds
	TokenType         string `json:"tokenType"`
}

type renewRequest struct {
	AccessToken string `json:"accessToken"`
}

// Login methods, as LoginError names them.
const (
	LoginUniversalAuth = "universal auth"
	LoginOIDC          = "OIDC"
)

// LoginMethod is one way a machine identity logs in: what it sends to which
// login route, and where its credential comes from. The client asks it for one
// login at a time (never concurrently) and never retries a refused one; a
// method obtains its credential again at every login, since tokens that
// platforms hand out (OIDC, Kubernetes, cloud identities) rotate during a run.
// Every method answers the same TokenResponse, so renewal and re-login are the
// client's business, not the method's.
type LoginMethod interface {
	// Name names the method in messages, e.g. LoginUniversalAuth.
	Name() string
	// Login sends one login request through c (c.postLogin) and returns the
	// KMS's answer. A credential it could not obtain is returned as an error
	// that never contains the credential.
	Login(ctx context.Context, c *Client) (*TokenResponse, error)
}

// LoginError is a login the KMS refused, or one that could not be sent (an
// OIDC token that could not be read), or one still rate-limited after the
// waits the client allows. A refusal is never retried. Its message says in
// plain words what the refusal means; Err keeps the API's answer.
type LoginError struct {
	Method string // LoginMethod.Name, e.g. LoginUniversalAuth
	Host   string
	Err    error
	// Attempts is how many login requests were sent: more than one only
	// when the KMS rate-limited the earlier ones.
	Attempts int
	// WaitRefused is the wait a rate limit asked for that the client did not
	// make, as it is longer than the request timeout; 0 otherwise.
	WaitRefused time.Duration
	// LongestWait is the longest wait the client makes (the request timeout).
	LongestWait time.Duration
}

func (e *LoginError) Error() string {
	msg := fmt.Sprintf("machine identity %s login to %s failed: %v", e.Method, e.Host, e.Err)
	if reason := e.Reason(); reason != "" {
		msg += ". " + reason
	}
	return msg
}

func (e *LoginError) Unwrap() error { return e.Err }

// RateLimited reports whether the login failed only because the KMS kept
// rate-limiting it: the credentials were never checked.
func (e *LoginError) RateLimited() bool { return IsRateLimited(e.Err) }

// Reason explains the refusals whose server message alone does not say what
// to do, or "" when the message is enough.
func (e *LoginError) Reason() string {
	var apiErr *APIError
	if !errors.As(e.Err, &apiErr) {
		return ""
	}
	msg := strings.ToLower(apiErr.Message)
	switch {
	case strings.Contains(msg, "usage limit reached"):
		return "The client secret has reached its usage limit: every login uses one use of it, and the KMS revokes it when none is left. " +
			"Create a new client secret for the identity (or one without a usage limit); logging in again with this one cannot succeed"
	case strings.Contains(msg, "expired client secret"):
		return "The client secret has passed its TTL. Create a new client secret for the identity"
	case strings.Contains(msg, "temporarily locked"):
		return "Too many refused logins locked this identity's login; wait for the lockout to pass (5 minutes by default) and fix the credentials first"
	case IsLoginLockContention(apiErr):
		return "The KMS is counting refused logins for this identity (the credentials were refused); fix the credentials before trying again"
	case IsRateLimited(apiErr) && e.WaitRefused > 0:
		return fmt.Sprintf("The KMS rate-limits logins from this address and checked no credentials; it asked to wait %s, "+
			"longer than the request timeout (%s), the longest the provider waits. Try again later, or let fewer runs log in at once from this address",
			e.WaitRefused, e.LongestWait)
	case IsRateLimited(apiErr):
		return fmt.Sprintf("The KMS rate-limits logins from this address and checked no credentials; it still did after %d attempts "+
			"(the first and the retries allowed), each sent after the wait it asked for. Try again later, allow more retries, "+
			"or let fewer runs log in at once from this address", e.Attempts)
	}
	return ""
}

// OIDCTokenError says the OIDC identity token could not be obtained, so no
// login was sent.
type OIDCTokenError struct {
	Source string // OIDCTokenSource.Describe
	Err    error
}

func (e *OIDCTokenError) Error() string {
	return fmt.Sprintf("reading the OIDC token from %s: %v", e.Source, e.Err)
}

func (e *OIDCTokenError) Unwrap() error { return e.Err }

// IsUsageLimitReached reports whether a login was refused because the client
// secret has no use left.
func IsUsageLimitReached(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "usage limit reached")
}

// Login checks the credentials now: it logs in (or does nothing with a
// pre-issued token). Later calls reuse the token.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.tokens.get(ctx)
	return err
}

// postLogin sends one login request (never retried once answered, see
// request.login) to path and decodes the token answer.
func (c *Client) postLogin(ctx context.Context, path string, body any) (*TokenResponse, error) {
	var out TokenResponse
	err := c.do(ctx, request{method: "POST", path: path, noAuth: true, login: true, body: body}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RenewToken extends an access token that has not expired yet. The server
// answers a new token, which replaces the old one.
func (c *Client) RenewToken(ctx context.Context, accessToken string) (*TokenResponse, error) {
	var out TokenResponse
	err := c.do(ctx, request{
		method: "POST", path: "/api/v1/auth/token/renew", noAuth: true, login: true,
		body: renewRequest{AccessToken: accessToken},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// tokenSource holds the one access token of a client. Concurrent callers
// that find it missing or about to expire wait for the single login in flight.
type tokenSource struct {
	static string      // a pre-issued token: no login
	login  LoginMethod // nil with a static token
	now    func() time.Time
	client *Client

	sem          chan struct{} // a mutex that a cancelled context can give up on
	token        string
	neverExpires bool // the KMS answered expiresIn 0
	refreshAt    time.Time
	expiresAt    time.Time
	// lifetime is what a renewal extends the token by (its expiresIn).
	lifetime time.Duration
	// maxExpiresAt is when the server stops renewing the token: the login's
	// time plus its accessTokenMaxTTL, counted from the login, not from the
	// last renewal (zero: renewable for ever).
	maxExpiresAt time.Time
}

func (t *tokenSource) method() string { return t.login.Name() }

func (t *tokenSource) get(ctx context.Context) (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.sem }()

	now := t.now()
	if t.token != "" && (t.neverExpires || now.Before(t.refreshAt)) {
		return t.token, nil
	}
	// Renew a token that still works (the answer is a new token); log in
	// again when that fails, the token is gone, or a renewal would pass the
	// max TTL: the server refuses such a renewal and deletes the token in
	// use with it, failing the requests that still carry it.
	if t.token != "" && now.Before(t.expiresAt) {
		if t.renewalPassesMaxTTL(now) {
			t.client.logger.Debug(ctx, "hanzokms: a renewal would pass the token's max TTL, logging in again", nil)
		} else if resp, err := t.client.RenewToken(ctx, t.token); err == nil && resp.AccessToken != "" {
			t.store(resp, now)
			t.client.logger.Debug(ctx, "hanzokms: access token renewed", map[string]any{"expires_in_seconds": resp.ExpiresIn})
			return t.token, nil
		} else {
			t.client.logger.Debug(ctx, "hanzokms: token renew failed, logging in again", nil)
		}
	}
	t.token = ""
	resp, loggedInAt, err := t.logIn(ctx)
	if err != nil {
		return "", err
	}
	t.store(resp, loggedInAt)
	t.maxExpiresAt = time.Time{}
	if resp.AccessTokenMaxTTL > 0 {
		t.maxExpiresAt = loggedInAt.Add(time.Duration(resp.AccessTokenMaxTTL) * time.Second)
	}
	t.client.logger.Debug(ctx, "hanzokms: logged in", map[string]any{"method": t.method(), "expires_in_seconds": resp.ExpiresIn})
	return t.token, nil
}

// renewalPassesMaxTTL reports whether a renewal now would extend the token
// past its max TTL, which the server refuses (Infisical's
// backend/src/services/identity-access-token/identity-access-token-service.ts,
// renewAccessToken: now + the token's TTL after creation + accessTokenMaxTTL).
// The server decides a little later than now, by its own clock, and counts
// from its own creation time, which is after the login was sent: a margin
// (the refresh margin) keeps the decision on the safe side, where a login
// costs little and a refused renewal costs the token in use.
func (t *tokenSource) renewalPassesMaxTTL(now time.Time) bool {
	if t.maxExpiresAt.IsZero() {
		return false
	}
	return now.Add(t.lifetime + refreshMargin(t.lifetime)).After(t.maxExpiresAt)
}

// logIn sends logins until one is answered with a token or refused. A rate
// limit's 429 is answered before the server looks at the credentials, so the
// login is sent again after the wait the server asks for, at most max
// retries times and never after a wait longer than the request timeout. Any
// other refusal, the lockout's 429 included, ends it at once. It returns the
// time the accepted login was sent.
func (t *tokenSource) logIn(ctx context.Context) (*TokenResponse, time.Time, error) {
	maxRetries := t.client.http.RetryMax
	for attempt := 1; ; attempt++ {
		sentAt := t.now()
		resp, err := t.login.Login(ctx, t.client)
		if err == nil && resp.AccessToken == "" {
			err = errors.New("the KMS answered no access token")
		}
		if err == nil {
			return resp, sentAt, nil
		}
		loginErr := &LoginError{Method: t.method(), Host: t.client.Host(), Err: err, Attempts: attempt, LongestWait: t.client.longestWait}
		var apiErr *APIError
		if !IsRateLimited(err) || !errors.As(err, &apiErr) || attempt > maxRetries {
			return nil, time.Time{}, loginErr
		}
		wait, ok := apiErr.RetryAfter()
		if !ok {
			wait = backoff(t.client.http.RetryWaitMin, t.client.http.RetryWaitMax, attempt-1, nil)
		}
		if wait > t.client.longestWait {
			loginErr.WaitRefused = wait
			return nil, time.Time{}, loginErr
		}
		t.client.logger.Debug(ctx, "hanzokms: login rate-limited, waiting before logging in again",
			map[string]any{"method": t.method(), "wait_ms": wait.Milliseconds(), "attempt": attempt})
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, time.Time{}, fmt.Errorf("waiting to log in again after the KMS rate-limited the login: %w", ctx.Err())
		}
	}
}

// refreshMargin is how long before its expiry a token is refreshed: a fifth
// of its lifetime, at most five minutes.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/5, 5*time.Minute)
}

func (t *tokenSource) store(resp *TokenResponse, now time.Time) {
	t.token = resp.AccessToken
	// expiresIn 0 is the server's "never expires": no renewal, no new login
	// unless the server refuses the token.
	t.neverExpires = resp.ExpiresIn <= 0
	t.lifetime = time.Duration(resp.ExpiresIn) * time.Second
	t.expiresAt = now.Add(t.lifetime)
	t.refreshAt = t.expiresAt.Add(-refreshMargin(t.lifetime))
}

// invalidate drops a token the server refused, so that the next caller logs
// in again. Only that token: when several requests were refused together, the
// first to get here causes the one new login and the others reuse it.
func (t *tokenSource) invalidate(refused string) {
	t.sem <- struct{}{}
	if t.token == refused {
		t.token = ""
	}
	<-t.sem
}
