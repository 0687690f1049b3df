package kms

import "context"

// OIDCAuth logs in with an OIDC identity token (a JWT from Terraform Cloud,
// GitHub Actions, Kubernetes...) for the machine identity whose OIDC auth
// trusts it (POST /api/v1/auth/oidc-auth/login). Token is asked again at every
// login: Terraform Cloud and Kubernetes replace the token while a run goes on.
type OIDCAuth struct {
	IdentityID string
	Token      OIDCTokenSource
}

type oidcLoginRequest struct {
	IdentityID string `json:"identityId"`
	JWT        string `json:"jwt"`
}

// Name implements LoginMethod.
func (OIDCAuth) Name() string { return LoginOIDC }

// Login implements LoginMethod.
func (o OIDCAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	jwt, err := o.Token.Token(ctx, c.rawHTTP)
	if err != nil {
		return nil, &OIDCTokenError{Source: o.Token.Describe(), Err: err}
	}
	return c.OIDCLogin(ctx, o.IdentityID, jwt)
}

// OIDCLogin sends one OIDC login with a given token, outside c's own token.
func (c *Client) OIDCLogin(ctx context.Context, identityID, jwt string) (*TokenResponse, error) {
	return c.postLogin(ctx, "/api/v1/auth/oidc-auth/login", oidcLoginRequest{IdentityID: identityID, JWT: jwt})
}
