package localkms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
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
		return "", fmt.Errorf("Auth0 refused the connection's credentials: %s", oauth2ErrorText(err))
	}
	return tok.AccessToken, nil
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
	if err := m.Client.Update(ctx, appClientID, &management.Client{ClientSecret: &newSecret}); err != nil {
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
	if _, err := m.Client.RotateSecret(ctx, appClientID); err != nil {
		return fmt.Errorf("Auth0 refused to revoke the client secret of %s: %v", appClientID, err)
	}
	return nil
}

// randomSecret returns n random bytes, URL-safe base64 encoded.
func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
