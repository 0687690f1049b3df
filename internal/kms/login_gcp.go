package kms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"cloud.google.com/go/compute/metadata"
	"golang.org/x/oauth2/google"
)

// Login method names of GCP Auth, as LoginError names them.
const (
	LoginGCPGCE = "GCP Auth (gce)"
	LoginGCPIAM = "GCP Auth (iam)"
)

// GCP Auth types, as the KMS stores them on the identity.
const (
	GCPAuthTypeGCE = "gce"
	GCPAuthTypeIAM = "iam"
)

// DefaultIAMCredentialsURL is Google's IAM Service Account Credentials API.
const DefaultIAMCredentialsURL = "https://iamcredentials.googleapis.com"

// GCPAuth logs in with a Google Cloud identity for the machine identity whose
// GCP Auth trusts it (POST /api/v1/auth/gcp-auth/login {identityId, jwt}).
// The JWT is one of two kinds, as the identity's type says:
//   - gce: the metadata server's identity token of the instance's default
//     service account, for the audience identityId, in the full format (it
//     carries the project and zone the KMS checks); the KMS verifies it with
//     Google's OAuth2 certificates;
//   - iam: a JWT {sub: <service account email>, aud: identityId} signed by
//     the IAM Credentials API's signJwt for that service account; the KMS
//     verifies it with the service account's public certificates.
//
// Token is asked again at every login: both kinds live one hour at most.
type GCPAuth struct {
	IdentityID string
	Type       string // GCPAuthTypeGCE or GCPAuthTypeIAM, only for messages
	Token      OIDCTokenSource
}

type gcpLoginRequest struct {
	IdentityID string `json:"identityId"`
	JWT        string `json:"jwt"`
}

// Name implements LoginMethod.
func (g GCPAuth) Name() string {
	if g.Type == GCPAuthTypeIAM {
		return LoginGCPIAM
	}
	return LoginGCPGCE
}

// Login implements LoginMethod.
func (g GCPAuth) Login(ctx context.Context, c *Client) (*TokenResponse, error) {
	jwt, err := g.Token.Token(ctx, c.rawHTTP)
	if err != nil {
		return nil, &CredentialError{Method: g.Name(), Source: g.Token.Describe(), Err: err}
	}
	return c.GCPLogin(ctx, g.IdentityID, jwt)
}

// GCPLogin sends one GCP Auth login with a given JWT, outside c's own token.
func (c *Client) GCPLogin(ctx context.Context, identityID, jwt string) (*TokenResponse, error) {
	return c.postLogin(ctx, "/api/v1/auth/gcp-auth/login", gcpLoginRequest{IdentityID: identityID, JWT: jwt})
}

// GCEIdentityToken asks the metadata server (GCE_METADATA_HOST, or
// metadata.google.internal) for an identity token of the instance's default
// service account for audience, in the full format (with the project and
// zone of the instance).
func GCEIdentityToken(audience string) OIDCTokenSource { return gceTokenSource{audience: audience} }

type gceTokenSource struct{ audience string }

func (g gceTokenSource) Token(ctx context.Context, _ *http.Client) (string, error) {
	// The metadata client has its own transport: the metadata server is
	// plain HTTP on the instance, nothing to do with the KMS's CA.
	token, err := metadata.NewClient(nil).GetWithContext(ctx,
		"instance/service-accounts/default/identity?audience="+url.QueryEscape(g.audience)+"&format=full")
	if err != nil {
		return "", redactMetadataError(err)
	}
	return strings.TrimSpace(token), nil
}

func (gceTokenSource) Describe() string {
	return "the GCE metadata server (" + metadataHost() + ")"
}

func metadataHost() string {
	// The metadata package's own rule for the host.
	if h := strings.TrimSpace(os.Getenv("GCE_METADATA_HOST")); h != "" {
		return h
	}
	return "metadata.google.internal"
}

// redactMetadataError keeps the status of a metadata error, never a body.
func redactMetadataError(err error) error {
	var nd metadata.NotDefinedError
	if errors.As(err, &nd) {
		return errors.New("the metadata server has no identity for this instance (no service account attached?)")
	}
	var e *metadata.Error
	if errors.As(err, &e) {
		return fmt.Errorf("the metadata server answered HTTP %d", e.Code)
	}
	return err
}

// IAMSignedJWT signs {sub: email, aud: audience, iat, exp} with the IAM
// Credentials API's signJwt for the service account email. The call is
// authorised by the environment's Google credentials (Application Default
// Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's, or the metadata
// server's), which need iam.serviceAccounts.signJwt on that service account
// (roles/iam.serviceAccountTokenCreator, or being that service account).
// endpoint replaces DefaultIAMCredentialsURL when not empty; seen is told
// every access token and signed JWT, so that logs can mask them.
func IAMSignedJWT(email, audience, endpoint string, seen func(secret string)) OIDCTokenSource {
	if endpoint == "" {
		endpoint = DefaultIAMCredentialsURL
	}
	return iamJWTSource{email: email, audience: audience, endpoint: strings.TrimRight(endpoint, "/"), seen: seen, now: time.Now}
}

type iamJWTSource struct {
	email, audience, endpoint string
	seen                      func(string)
	now                       func() time.Time
}

// iamJWTLifetime: the IAM API accepts up to 12 hours; the KMS only needs the
// JWT for the one login it is sent with.
const iamJWTLifetime = 10 * time.Minute

func (s iamJWTSource) Token(ctx context.Context, _ *http.Client) (string, error) {
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		return "", fmt.Errorf("%s: %w", NoGoogleCredentials, err)
	}
	access, err := creds.TokenSource.Token()
	if err != nil {
		return "", fmt.Errorf("getting a Google access token to call signJwt: %w", redactMetadataError(err))
	}
	if s.seen != nil {
		s.seen(access.AccessToken)
	}
	now := s.now()
	claims, _ := json.Marshal(map[string]any{
		"sub": s.email, "aud": s.audience, "iat": now.Unix(), "exp": now.Add(iamJWTLifetime).Unix(),
	})
	body, _ := json.Marshal(map[string]string{"payload": string(claims)})
	target := s.endpoint + "/v1/projects/-/serviceAccounts/" + url.PathEscape(s.email) + ":signJwt"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+access.AccessToken)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return "", fmt.Errorf("calling signJwt at %s: %w", s.endpoint, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		// Google's error body says which permission is missing; it holds no secret.
		var gerr struct {
			Error struct {
				Message string `json:"message"`
				Status  string `json:"status"`
			} `json:"error"`
		}
		_ = json.Unmarshal(data, &gerr)
		return "", &SignJWTError{StatusCode: resp.StatusCode, Status: gerr.Error.Status, Message: gerr.Error.Message, Email: s.email}
	}
	var out struct {
		SignedJWT string `json:"signedJwt"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.SignedJWT == "" {
		return "", fmt.Errorf("signJwt at %s answered no signedJwt", s.endpoint)
	}
	if s.seen != nil {
		s.seen(out.SignedJWT)
	}
	return out.SignedJWT, nil
}

func (s iamJWTSource) Describe() string {
	return "the IAM Credentials API's signJwt for " + s.email + " (" + s.endpoint + ")"
}

// NoGoogleCredentials starts the error of an iam login that found no
// Application Default Credentials.
const NoGoogleCredentials = "no Google credentials to call signJwt with"

// SignJWTError is a signJwt call Google refused.
type SignJWTError struct {
	StatusCode int
	Status     string // e.g. PERMISSION_DENIED
	Message    string
	Email      string
}

func (e *SignJWTError) Error() string {
	msg := fmt.Sprintf("signJwt for %s refused: HTTP %d", e.Email, e.StatusCode)
	if e.Status != "" {
		msg += " " + e.Status
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}
