package kms

import "context"

// UniversalAuth logs in with a machine identity's client id and secret
// (POST /api/v1/auth/universal-auth/login). A refused login is never retried:
// failures count towards the identity's lockout, and every success uses up
// one use of the secret when it has a usage limit.
type UniversalAuth struct {
	ClientID     string
	ClientSecret string
}

type universalAuthLoginRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// Name implements LoginMethod.
func (UniversalAuth) Name() string { return LoginUniversalAuth }

// Login implements LoginMethod.
func (u UniversalAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	return c.postLogin(ctx, "/api/v1/auth/universal-auth/login",
		universalAuthLoginRequest(u))
}

// UniversalAuthLogin sends one universal auth login with c, outside c's own
// token (tests and tools that check a pair of credentials).
func (c *Client) UniversalAuthLogin(ctx context.Context, clientID, clientSecret string) (*TokenResponse, error) {
	return UniversalAuth{ClientID: clientID, ClientSecret: clientSecret}.Login(ctx, c)
}
