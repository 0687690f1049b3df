package localkms

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/auth0/go-auth0/management"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// auth0Credentials are what a connection authenticates to Auth0 with, and,
// as on the server, the Management API token it last obtained with them.
type auth0Credentials struct {
	Domain       string `json:"domain"` // always with its scheme: https://tenant.auth0.com
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	Audience     string `json:"audience"`
	// AccessToken and ExpiresAt (Unix milliseconds, by the server's clock)
	// are the Management API token the server keeps inside the connection's
	// encrypted credentials.
	AccessToken string `json:"accessToken,omitempty"`
	ExpiresAt   int64  `json:"expiresAt,omitempty"`
}

// The server's handling of a connection's Management API token (Infisical's
// backend/src/services/app-connection/auth0/auth0-connection-fns.ts): the
// token Auth0 issues is kept for at most 10 minutes, and a new one is asked
// for when less than 5 minutes of that remain. Each new token re-encrypts
// the credentials, and so moves the connection's credentialsHash and
// updatedAt, with no credential changed.
const (
	Auth0TokenMaxLifetime   = 10 * time.Minute
	Auth0TokenRefreshWithin = 5 * time.Minute
)

// sealCredentials encrypts the connection's credentials afresh, with a new
// random nonce, as the server does at every write of them. The local KMS
// keeps them readable too (it is a test server); the sealed copy exists so
// that credentialsHash behaves as the server's: a SHA-256 of ciphertext that
// changes at every write. The caller holds s.mu.
func (s *Server) sealCredentials(c *connection) {
	plain, _ := json.Marshal(c.Credentials)
	block, err := aes.NewCipher(s.st.SealKey)
	if err != nil {
		panic("local kms: seal key: " + err.Error()) // ensureSealKey makes a valid one
	}
	gcm, _ := cipher.NewGCM(block)
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	c.SealedCredentials = gcm.Seal(nonce, nonce, plain, nil)
}

// ensureSealKey gives the state a key to seal credentials with, and seals
// the connections of a state file written before there was one.
func (s *Server) ensureSealKey() {
	if len(s.st.SealKey) != 32 {
		s.st.SealKey = make([]byte, 32)
		_, _ = rand.Read(s.st.SealKey)
	}
	for _, c := range s.st.Connections {
		if len(c.SealedCredentials) == 0 && c.App == "" {
			s.sealCredentials(c)
		}
	}
}

// credentialsHash is the server's credentialsHash: the SHA-256 of the
// encrypted credentials, in hex.
func (c *connection) credentialsHash() string {
	sum := sha256.Sum256(c.SealedCredentials)
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
// connection's client credentials (the same check the connection's create
// does), and says until when the server would keep it: Auth0's expires_in,
// capped at Auth0TokenMaxLifetime, from now by the server's clock.
func (s *Server) managementToken(ctx context.Context, creds auth0Credentials) (token string, expiresAt time.Time, err error) {
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
		return "", time.Time{}, refused
	}
	if tok.TokenType != "Bearer" {
		return "", time.Time{}, &auth0TokenError{text: "Unhandled token type: " + tok.TokenType}
	}
	lifetime := min(time.Duration(expiresIn(tok)*float64(time.Second)), Auth0TokenMaxLifetime)
	return tok.AccessToken, s.now().Add(lifetime), nil
}

// expiresIn is the token answer's expires_in in seconds; 0 when missing
// (the server then asks for a new token at every use).
func expiresIn(tok *oauth2.Token) float64 {
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		return v
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}

// connectionToken is the Management API token of a connection, as the
// server gets it for a rotation's create, a rotation and a revoke: the one
// kept in the credentials while more than Auth0TokenRefreshWithin of it
// remains, else a new one from Auth0, which is stored (the credentials are
// sealed again and updatedAt moves). It returns the credentials used. The
// caller must not hold s.mu.
func (s *Server) connectionToken(ctx context.Context, connectionID string) (string, auth0Credentials, error) {
	s.mu.Lock()
	c := s.st.Connections[connectionID]
	if c == nil {
		s.mu.Unlock()
		return "", auth0Credentials{}, fmt.Errorf("the app connection %s no longer exists", connectionID)
	}
	creds := c.Credentials
	now := s.now()
	s.mu.Unlock()
	if creds.AccessToken != "" && now.Before(time.UnixMilli(creds.ExpiresAt).Add(-Auth0TokenRefreshWithin)) {
		return creds.AccessToken, creds, nil
	}
	token, expiresAt, err := s.managementToken(ctx, creds)
	if err != nil {
		return "", creds, err
	}
	creds.AccessToken, creds.ExpiresAt = token, expiresAt.UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.st.Connections[connectionID]; c != nil && c.Credentials.sameLogin(creds) {
		c.Credentials = creds
		s.sealCredentials(c)
		c.UpdatedAt = s.now()
		s.persist()
	}
	return token, creds, nil
}

// sameLogin reports whether two credentials log in the same way (the token
// aside): a token is stored only with the credentials that obtained it.
func (c auth0Credentials) sameLogin(o auth0Credentials) bool {
	return c.Domain == o.Domain && c.ClientID == o.ClientID && c.ClientSecret == o.ClientSecret && c.Audience == o.Audience
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

// management builds a go-auth0 Management API client for a connection,
// with its token as connectionToken gets it.
func (s *Server) management(ctx context.Context, connectionID string) (*management.Management, auth0Credentials, error) {
	tok, creds, err := s.connectionToken(ctx, connectionID)
	if err != nil {
		return nil, creds, err
	}
	m, err := management.New(creds.Domain,
		management.WithStaticToken(tok),
		management.WithClient(s.opts.Auth0HTTPClient),
		management.WithNoRetries(),
		management.WithNoAuth0ClientInfo(),
	)
	return m, creds, err
}

// issueClientSecret generates a strong secret and sets it on the Auth0
// application, which invalidates its previous secret at once. The caller
// must not hold s.mu.
func (s *Server) issueClientSecret(connectionID, appClientID string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tok, creds, err := s.connectionToken(ctx, connectionID)
	if err != nil {
		return "", err
	}
	newSecret := randomSecret(48)
	body, _ := json.Marshal(map[string]string{"client_secret": newSecret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, clientURL(creds, appClientID), bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("Auth0 refused to set the client secret of %s: %v", appClientID, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.opts.Auth0HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("Auth0 refused to set the client secret of %s: %w", appClientID, err)
	}
	defer func() { _ = resp.Body.Close() }()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return "", fmt.Errorf("Auth0 refused to set the client secret of %s: %w", appClientID, newAuth0CallError(resp.StatusCode, answer))
	}
	return newSecret, nil
}

// auth0CallError is a Management API call Auth0 answered with an error:
// its status and body, which the server passes on in some messages (the
// axios error's response data, see rotationCreateFailure).
type auth0CallError struct {
	status int
	body   []byte
}

func newAuth0CallError(status int, body []byte) *auth0CallError {
	return &auth0CallError{status: status, body: body}
}

// Error reads as go-auth0's management errors do: "404 Not Found: The
// client does not exist".
func (e *auth0CallError) Error() string {
	var fields struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(e.body, &fields) != nil || fields.Error == "" && fields.Message == "" {
		return fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("%d %s: %s", e.status, fields.Error, fields.Message)
}

// rotationCreateFailure is the server's 400 message for a create whose
// credentials could not be issued (parseRotationErrorMessage in
// backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-fns.ts):
// Auth0's answer as JSON.stringify writes the parsed body (a JSON body
// compacted, any other body as a JSON string), or the error's own message
// when Auth0 answered nothing; cut to 1024 characters with "...".
func rotationCreateFailure(err error) string {
	msg := "Infisical encountered an issue while generating credentials with the configured inputs: "
	var call *auth0CallError
	var compact bytes.Buffer
	switch {
	case errors.As(err, &call) && len(call.body) > 0 && json.Compact(&compact, call.body) == nil:
		msg += compact.String()
	case errors.As(err, &call) && len(call.body) > 0:
		quoted, _ := json.Marshal(string(call.body))
		msg += string(quoted)
	case errors.As(err, &call):
		msg += fmt.Sprintf("Request failed with status code %d", call.status)
	default:
		msg += err.Error()
	}
	if units := utf16.Encode([]rune(msg)); len(units) > 1024 {
		msg = string(utf16.Decode(units[:1021])) + "..."
	}
	return msg
}

// revokeClientSecret has Auth0 generate a secret nobody knows (RotateSecret),
// so the last issued secret stops working. The caller must not hold s.mu.
func (s *Server) revokeClientSecret(connectionID, appClientID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, creds, err := s.management(ctx, connectionID)
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
