package localkms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/auth0/go-auth0/management"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// auth0Credentials are what a connection authenticates to Auth0 with.
type auth0Credentials struct {
	Domain       string `json:"domain"` // always with its scheme: https://tenant.auth0.com
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	Audience     string `json:"audience"`
}

func (c auth0Credentials) hash() string {
	sum := sha256.Sum256([]byte(c.Domain + "\x00" + c.ClientID + "\x00" + c.ClientSecret + "\x00" + c.Audience))
	return hex.EncodeToString(sum[:])
}

// normalizeDomain prepends https:// to a domain that does not start with http.
func normalizeDomain(domain string) string {
	if strings.HasPrefix(domain, "http") {
		return strings.TrimRight(domain, "/")
	}
	return "https://" + strings.TrimRight(domain, "/")
}

// managementToken asks the tenant for a Management API token with the
// connection's client credentials (the same check the connection's create does).
func (s *Server) managementToken(ctx context.Context, creds auth0Credentials) (string, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.Auth0HTTPClient)
	cfg := clientcredentials.Config{
		ClientID:       creds.ClientID,
		ClientSecret:   creds.ClientSecret,
		TokenURL:       creds.Domain + "/oauth/token",
		EndpointParams: map[string][]string{"audience": {creds.Audience}},
		AuthStyle:      oauth2.AuthStyleInParams,
	}
	tok, err := cfg.Token(ctx)
	if err != nil {
		refused := &auth0TokenError{text: oauth2ErrorText(err)}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			refused.status = re.Response.StatusCode
		}
		return "", refused
	}
	return tok.AccessToken, nil
}

// auth0TokenError is a refused (or failed) Management API token request;
// status is Auth0's HTTP status, 0 when Auth0 never answered.
type auth0TokenError struct {
	status int
	text   string
}

func (e *auth0TokenError) Error() string {
	return "Auth0 refused the connection's credentials: " + e.text
}

func oauth2ErrorText(err error) string {
	if re, ok := err.(*oauth2.RetrieveError); ok {
		if re.ErrorCode != "" {
			return fmt.Sprintf("%s: %s", re.ErrorCode, re.ErrorDescription)
		}
		return fmt.Sprintf("HTTP %d", re.Response.StatusCode)
	}
	return err.Error()
}

// management builds a go-auth0 Management API client for a connection.
func (s *Server) management(ctx context.Context, creds auth0Credentials) (*management.Management, error) {
	tok, err := s.managementToken(ctx, creds)
	if err != nil {
		return nil, err
	}
	return management.New(creds.Domain,
		management.WithStaticToken(tok),
		management.WithClient(s.opts.Auth0HTTPClient),
		management.WithNoRetries(),
		management.WithNoAuth0ClientInfo(),
	)
}

// issueClientSecret generates a strong secret and sets it on the Auth0
// application, which invalidates its previous secret at once.
func (s *Server) issueClientSecret(creds auth0Credentials, appClientID string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := s.management(ctx, creds)
	if err != nil {
		return "", err
	}
	newSecret := randomSecret(48)
	var updated management.Client
	updated.ClientSecret = &newSecret
	if err := m.Request(ctx, http.MethodPatch, clientURL(creds, appClientID), &updated); err != nil {
		return "", fmt.Errorf("Auth0 refused to set the client secret of %s: %v", appClientID, err)
	}
	return newSecret, nil
}

// revokeClientSecret has Auth0 generate a secret nobody knows (RotateSecret),
// so the last issued secret stops working.
func (s *Server) revokeClientSecret(creds auth0Credentials, appClientID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := s.management(ctx, creds)
	if err != nil {
		return err
	}
	// No body, as the server sends it.
	if err := m.Request(ctx, http.MethodPost, clientURL(creds, appClientID)+"/rotate-secret", nil); err != nil {
		return fmt.Errorf("Auth0 refused to revoke the client secret of %s: %v", appClientID, err)
	}
	return nil
}

// clientURL is where the server sends its Management API calls for an
// application: the connection's audience with "clients/<id>" appended as is,
// so an audience without its trailing slash yields a wrong URL and every
// rotation fails, as on the server.
func clientURL(creds auth0Credentials, appClientID string) string {
	return creds.Audience + "clients/" + url.PathEscape(appClientID)
}

// randomSecret returns n random bytes, URL-safe base64 encoded.
func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
