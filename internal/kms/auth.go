package kms

import (
	"context"
	"fmt"
	"time"
)

// TokenResponse is the answer of universal-auth login and of token renew.
type TokenResponse struct {
	AccessToken       string `json:"accessToken"`
	ExpiresIn         int64  `json:"expiresIn"`         // seconds
	AccessTokenMaxTTL int64  `json:"accessTokenMaxTTL"` // seconds
	TokenType         string `json:"tokenType"`
}

type universalAuthLoginRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

type renewRequest struct {
	AccessToken string `json:"accessToken"`
}

// Login checks the credentials now: it logs in with the machine identity (or
// does nothing with a pre-issued token). Later calls reuse the token.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.tokens.get(ctx)
	return err
}

// UniversalAuthLogin exchanges a machine identity's client id and secret for an
// access token. A refused login is never retried: repeated failures lock the
// identity.
func (c *Client) UniversalAuthLogin(ctx context.Context, clientID, clientSecret string) (*TokenResponse, error) {
	var out TokenResponse
	err := c.do(ctx, request{
		method: "POST", path: "/api/v1/auth/universal-auth/login", noAuth: true,
		body: universalAuthLoginRequest{ClientID: clientID, ClientSecret: clientSecret},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RenewToken extends an access token that has not expired yet.
func (c *Client) RenewToken(ctx context.Context, accessToken string) (*TokenResponse, error) {
	var out TokenResponse
	err := c.do(ctx, request{
		method: "POST", path: "/api/v1/auth/token/renew", noAuth: true,
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
	static                 string
	clientID, clientSecret string
	now                    func() time.Time
	client                 *Client

	sem       chan struct{} // a mutex that a cancelled context can give up on
	token     string
	refreshAt time.Time
	expiresAt time.Time
}

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
	if t.token != "" && now.Before(t.refreshAt) {
		return t.token, nil
	}
	// Renew a token that still works; log in again when that fails or the
	// token is gone.
	if t.token != "" && now.Before(t.expiresAt) {
		if resp, err := t.client.RenewToken(ctx, t.token); err == nil && resp.AccessToken != "" {
			t.store(resp, now)
			return t.token, nil
		}
		t.client.logger.Debug(ctx, "hanzokms: token renew failed, logging in again", nil)
	}
	resp, err := t.client.UniversalAuthLogin(ctx, t.clientID, t.clientSecret)
	if err != nil {
		t.token = ""
		return "", fmt.Errorf("machine identity login to %s failed: %w", t.client.Host(), err)
	}
	if resp.AccessToken == "" {
		return "", fmt.Errorf("machine identity login to %s answered no access token", t.client.Host())
	}
	t.store(resp, now)
	t.client.logger.Debug(ctx, "hanzokms: logged in", map[string]any{"expires_in_seconds": resp.ExpiresIn})
	return t.token, nil
}

func (t *tokenSource) store(resp *TokenResponse, now time.Time) {
	lifetime := time.Duration(resp.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = time.Hour
	}
	// Refresh with a fifth of the lifetime left, at most five minutes early.
	margin := min(lifetime/5, 5*time.Minute)
	t.token = resp.AccessToken
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
