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
// OIDC token that could not be read). It is never retried. Its message says
// in plain words what the refusal means; Err keeps the API's answer.
type LoginError struct {
	Method string // LoginMethod.Name, e.g. LoginUniversalAuth
	Host   string
	Err    error
}

func (e *LoginError) Error() string {
	msg := fmt.Sprintf("machine identity %s login to %s failed: %v", e.Method, e.Host, e.Err)
	if reason := e.Reason(); reason != "" {
		msg += ". " + reason
	}
	return msg
}

func (e *LoginError) Unwrap() error { return e.Err }

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
	case apiErr.StatusCode == 429:
		return "The KMS is counting refused logins for this identity (the credentials were refused); fix the credentials before trying again"
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
	// again when that fails or the token is gone.
	if t.token != "" && now.Before(t.expiresAt) {
		if resp, err := t.client.RenewToken(ctx, t.token); err == nil && resp.AccessToken != "" {
			t.store(resp, now)
			t.client.logger.Debug(ctx, "hanzokms: access token renewed", map[string]any{"expires_in_seconds": resp.ExpiresIn})
			return t.token, nil
		}
		t.client.logger.Debug(ctx, "hanzokms: token renew failed, logging in again", nil)
	}
	t.token = ""
	resp, err := t.login.Login(ctx, t.client)
	if err != nil {
		return "", &LoginError{Method: t.method(), Host: t.client.Host(), Err: err}
	}
	if resp.AccessToken == "" {
		return "", &LoginError{Method: t.method(), Host: t.client.Host(), Err: errors.New("the KMS answered no access token")}
	}
	t.store(resp, now)
	t.client.logger.Debug(ctx, "hanzokms: logged in", map[string]any{"method": t.method(), "expires_in_seconds": resp.ExpiresIn})
	return t.token, nil
}

func (t *tokenSource) store(resp *TokenResponse, now time.Time) {
	t.token = resp.AccessToken
	// expiresIn 0 is the server's "never expires": no renewal, no new login
	// unless the server refuses the token.
	t.neverExpires = resp.ExpiresIn <= 0
	lifetime := time.Duration(resp.ExpiresIn) * time.Second
	// Refresh with a fifth of the lifetime left, at most five minutes early.
	margin := min(lifetime/5, 5*time.Minute)
	t.expiresAt = now.Add(lifetime)
	t.refreshAt = t.expiresAt.Add(-margin)
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
