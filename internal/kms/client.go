package kms

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// DefaultHost is the KMS's US cloud host.
const DefaultHost = "https://us.kms.hanzo.ai"

// DefaultMaxRetries is how many times a request is sent again when
// Config.MaxRetries is nil.
const DefaultMaxRetries = 4

const (
	defaultTimeout      = 60 * time.Second
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second
	// maxResponseBytes bounds what a misbehaving server can make us read.
	maxResponseBytes = 16 << 20
)

// Config says where the KMS is and how to authenticate. Exactly one of Token,
// the ClientID/ClientSecret pair, OIDCIdentityID with OIDCToken, or Login is
// expected.
type Config struct {
	Host         string
	ClientID     string
	ClientSecret string
	Token        string // a pre-issued access token: no login call is made
	// OIDCIdentityID is the machine identity that logs in with an OIDC
	// identity token, which OIDCToken hands out at every login.
	OIDCIdentityID string
	OIDCToken      OIDCTokenSource
	// Login is any other login method (one per file in this package). The
	// fields above are shorthands for UniversalAuth and OIDCAuth.
	Login     LoginMethod
	CACertPEM []byte // extra trusted roots for a private TLS chain
	Timeout   time.Duration
	// MaxRetries is how many times a request may be sent again (0: never);
	// nil means DefaultMaxRetries.
	MaxRetries   *int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	UserAgent    string
	Logger       Logger
	// HTTPClient replaces the transport (tests); CACertPEM and Timeout are
	// then the caller's business.
	HTTPClient *http.Client
	// Now is the clock used for token expiry (tests); time.Now by default.
	Now func() time.Time
}

// Logger receives one line per request. Fields never hold secrets: bodies are
// redacted before they reach it.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

// Client talks to one KMS host with one identity. It is safe for concurrent use.
type Client struct {
	baseURL   *url.URL
	http      *retryablehttp.Client
	rootCAs   *x509.CertPool // nil: the system roots
	tokens    *tokenSource
	rawHTTP   *http.Client // the transport without retries, for OIDC token sources
	userAgent string
	logger    Logger
	// longestWait bounds one wait a rate-limited login makes before it is
	// sent again: the request timeout, the longest the client waits for
	// any one answer.
	longestWait time.Duration
	// generations are the route generations this server was found to serve.
	generations routeGenerations
}

// apiPathSuffix matches a host path that ends where the API's own routes
// begin (/api, /api/v1, ...): the client adds those itself, so such a host
// would ask for /api/api/v1/... and get a 404.
var apiPathSuffix = regexp.MustCompile(`(?i)/api(/v\d+)?$`)

// ParseHost validates a KMS host URL: http or https, a host name, no query or
// fragment, and no API path (/api, /api/v1). A trailing slash is dropped; any
// other path prefix (self-hosted behind a reverse proxy) is kept.
func ParseHost(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("host %q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("host %q must start with https:// (or http:// for a local server)", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("host %q has no host name", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("host %q must not carry credentials, a query or a fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if apiPathSuffix.MatchString(u.Path) {
		base := *u
		base.Path = apiPathSuffix.ReplaceAllString(u.Path, "")
		return nil, fmt.Errorf("host %q ends with the API path %q, which the provider adds itself: use %q", raw,
			apiPathSuffix.FindString(u.Path), base.String())
	}
	return u, nil
}

// New builds a client. It makes no request: call Login to check credentials.
func New(cfg Config) (*Client, error) {
	base, err := ParseHost(cfg.Host)
	if err != nil {
		return nil, err
	}
	hasPair := cfg.ClientID != "" || cfg.ClientSecret != ""
	hasOIDC := cfg.OIDCIdentityID != "" || cfg.OIDCToken != nil
	methods := 0
	for _, set := range []bool{cfg.Token != "", hasPair, hasOIDC, cfg.Login != nil} {
		if set {
			methods++
		}
	}
	switch {
	case methods > 1:
		return nil, errors.New("more than one login method was given (access token, client id/secret, OIDC, another login method): use one")
	case methods == 0:
		return nil, errors.New("a client id and a client secret, an OIDC identity id and token, another login method, or an access token is required")
	case hasPair && (cfg.ClientID == "" || cfg.ClientSecret == ""):
		return nil, errors.New("a client id and a client secret are both required")
	case hasOIDC && (cfg.OIDCIdentityID == "" || cfg.OIDCToken == nil):
		return nil, errors.New("an OIDC identity id and a source of OIDC tokens are both required")
	}

	httpClient := cfg.HTTPClient
	var rootCAs *x509.CertPool
	if httpClient == nil {
		transport := cleanhttp.DefaultPooledTransport()
		if len(cfg.CACertPEM) > 0 {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
				return nil, errors.New("the CA certificate holds no PEM-encoded certificate")
			}
			transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
			rootCAs = pool
		}
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = defaultTimeout
		}
		httpClient = &http.Client{Transport: transport, Timeout: timeout}
	}

	rc := retryablehttp.NewClient()
	rc.HTTPClient = httpClient
	rc.Logger = nil // we log ourselves, without secrets
	rc.RetryMax = DefaultMaxRetries
	if cfg.MaxRetries != nil {
		rc.RetryMax = max(*cfg.MaxRetries, 0)
	}
	rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	if rc.RetryWaitMin <= 0 {
		rc.RetryWaitMin = defaultRetryWaitMin
	}
	if rc.RetryWaitMax <= 0 {
		rc.RetryWaitMax = defaultRetryWaitMax
	}
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler

	logger := cfg.Logger
	if logger == nil {
		logger = nopLogger{}
	}
	userAgent := cfg.UserAgent
	if userAgent == "" {
		userAgent = "terraform-provider-hanzokms/dev"
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	longestWait := httpClient.Timeout
	if longestWait <= 0 {
		longestWait = defaultTimeout
	}
	c := &Client{baseURL: base, http: rc, rootCAs: rootCAs, rawHTTP: httpClient, userAgent: userAgent, logger: logger,
		longestWait: longestWait, generations: newRouteGenerations()}
	login := cfg.Login
	switch {
	case hasPair:
		login = UniversalAuth{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
	case hasOIDC:
		login = OIDCAuth{IdentityID: cfg.OIDCIdentityID, Token: cfg.OIDCToken}
	}
	c.tokens = &tokenSource{static: cfg.Token, login: login, now: now, sem: make(chan struct{}, 1), client: c}
	return c, nil
}

// Host is the base URL the client talks to.
func (c *Client) Host() string { return c.baseURL.String() }

// RootCAs are the certificate authorities the client trusts: the system
// roots plus Config.CACertPEM, or nil for the system roots alone. Other
// HTTPS calls made on the same configuration's behalf trust the same set.
func (c *Client) RootCAs() *x509.CertPool { return c.rootCAs }

// request is one API call.
type request struct {
	method string
	path   string
	query  url.Values
	body   any
	// idempotent requests are retried after connection failures and
	// 502/503/504; the others only when the server cannot have acted.
	idempotent bool
	noAuth     bool
	// login requests (login, renew) are never sent again by the transport
	// after an answer: a refused login counts towards the identity's lockout
	// (its 429 "Failed to acquire lock" means the credentials were wrong), a
	// successful one uses up a use of the client secret. Only a connection
	// that was never made is retried here; the token source sends a login
	// again after a rate limit's 429, which the server answers before it
	// looks at the credentials.
	login bool
}

// do sends req and decodes a 2xx JSON answer into out (which may be nil).
// A refused access token is renewed and the request sent once more.
func (c *Client) do(ctx context.Context, req request, out any) error {
	if req.noAuth {
		return c.doOnce(ctx, req, "", out)
	}
	token, err := c.tokens.get(ctx)
	if err != nil {
		return err
	}
	err = c.doOnce(ctx, req, token, out)
	if err != nil && c.tokens.static == "" && isTokenRejected(err) {
		c.logger.Debug(ctx, "hanzokms: access token refused, logging in again", map[string]any{"path": req.path})
		c.tokens.invalidate(token)
		if token, err = c.tokens.get(ctx); err != nil {
			return err
		}
		err = c.doOnce(ctx, req, token, out)
	}
	return err
}

func (c *Client) doOnce(ctx context.Context, req request, token string, out any) error {
	u := *c.baseURL
	u.Path = c.baseURL.Path + req.path
	if len(req.query) > 0 {
		u.RawQuery = req.query.Encode()
	}

	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("%s %s: encoding request: %w", req.method, req.path, err)
		}
	}

	policy := retryNotIdempotent
	switch {
	case req.login:
		policy = retryLogin
	case req.idempotent:
		policy = retryIdempotent
	}
	ctx = context.WithValue(ctx, retryPolicyKey{}, policy)
	// A request without a body must go without one: a nil []byte is still a
	// body to go-retryablehttp (an empty reader), and net/http sends a POST,
	// PUT or PATCH with an empty reader of unknown length chunked. The KMS's
	// framework (Fastify) then looks for a parser for the missing content
	// type, fails, and the server answers its generic 500. An untyped nil
	// is no body at all: Content-Length 0 (or none), no Transfer-Encoding.
	var rawBody any
	if payload != nil {
		rawBody = payload
	}
	hreq, err := retryablehttp.NewRequestWithContext(ctx, req.method, u.String(), rawBody)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}

	fields := map[string]any{"method": req.method, "path": req.path}
	if payload != nil {
		c.logger.Trace(ctx, "hanzokms: request body", map[string]any{"method": req.method, "path": req.path, "body": redactedBody(payload)})
	}
	start := time.Now()
	resp, err := c.http.Do(hreq)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		c.logger.Debug(ctx, "hanzokms: request failed", fields)
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", req.method, req.path, ctx.Err())
		}
		if !req.idempotent && !neverSent(err) {
			return &AmbiguousError{Method: req.method, Path: req.path, Err: cleanTransportError(err)}
		}
		return fmt.Errorf("%s %s: %w", req.method, req.path, cleanTransportError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	fields["status"] = resp.StatusCode
	var apiErr *APIError
	if resp.StatusCode >= 300 {
		apiErr = decodeAPIError(req.method, req.path, resp.StatusCode, body)
		apiErr.Host = c.baseURL.String()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			apiErr.retryAfter, apiErr.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		fields["req_id"] = apiErr.ReqID
	}
	c.logger.Debug(ctx, "hanzokms: request", fields)
	if len(body) > 0 {
		c.logger.Trace(ctx, "hanzokms: response body", map[string]any{"method": req.method, "path": req.path, "body": redactedBody(body)})
	}
	if err != nil {
		if !req.idempotent {
			return &AmbiguousError{Method: req.method, Path: req.path, Err: cleanTransportError(err)}
		}
		return fmt.Errorf("%s %s: reading response: %w", req.method, req.path, cleanTransportError(err))
	}

	if apiErr != nil {
		if !req.idempotent && isGatewayStatus(resp.StatusCode) {
			return &AmbiguousError{Method: req.method, Path: req.path, Err: apiErr}
		}
		return apiErr
	}
	if out == nil || len(body) == 0 {
		return nil
	}
	if isWebPage(resp.Header.Get("Content-Type"), body) {
		return &WebPageError{Method: req.method, Path: req.path, Host: c.baseURL.String()}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: decoding response: %v", req.method, req.path, err)
	}
	return nil
}

// cleanTransportError drops the URL from *url.Error: the message then reads
// as the cause, and no query string ever reaches an error message.
func cleanTransportError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
