package kms

import (
	"context"
	"net/http"
)

// LoginKubernetes names Kubernetes Auth in messages.
const LoginKubernetes = "Kubernetes Auth"

// DefaultKubernetesServiceAccountTokenPath is where the kubelet mounts a
// pod's service account token.
const DefaultKubernetesServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// KubernetesAuth logs in with a Kubernetes service account token for the
// machine identity whose Kubernetes Auth trusts it
// (POST /api/v1/auth/kubernetes-auth/login {identityId, jwt}). The KMS sends
// the token to the cluster's API in a TokenReview, then checks the service
// account's namespace and name, and the audience, against the identity's.
// Token is asked again at every login: projected tokens are rotated by the
// kubelet while a run goes on.
type KubernetesAuth struct {
	IdentityID string
	Token      OIDCTokenSource
}

type kubernetesLoginRequest struct {
	IdentityID string `json:"identityId"`
	JWT        string `json:"jwt"`
}

// Name implements LoginMethod.
func (KubernetesAuth) Name() string { return LoginKubernetes }

// Login implements LoginMethod.
func (k KubernetesAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	jwt, err := k.Token.Token(ctx, c.rawHTTP)
	if err != nil {
		return nil, &CredentialError{Method: LoginKubernetes, Source: k.Token.Describe(), Err: err}
	}
	return c.KubernetesLogin(ctx, k.IdentityID, jwt)
}

// KubernetesLogin sends one Kubernetes Auth login with a given service
// account token, outside c's own token.
func (c *Client) KubernetesLogin(ctx context.Context, identityID, jwt string) (*TokenResponse, error) {
	return c.postLogin(ctx, "/api/v1/auth/kubernetes-auth/login", kubernetesLoginRequest{IdentityID: identityID, JWT: jwt})
}

// KubernetesTokenLiteral hands out a service account token given as a value
// (it is not re-read: prefer a file, which the kubelet refreshes).
func KubernetesTokenLiteral(token string) OIDCTokenSource { return literalTokenSource(token) }

type literalTokenSource string

func (l literalTokenSource) Token(context.Context, *http.Client) (string, error) {
	return string(l), nil
}

func (literalTokenSource) Describe() string { return "the configured service account token" }
