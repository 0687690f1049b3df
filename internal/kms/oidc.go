package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// OIDCTokenSource hands out the OIDC identity token (a JWT) for one login.
// It is asked again at every login, so a token that its issuer replaced
// during a run is picked up. Errors never include the token.
type OIDCTokenSource interface {
	// Token returns the current token. httpClient is the client's own
	// transport (with the configured CA), for sources that ask a server.
	Token(ctx context.Context, httpClient *http.Client) (string, error)
	// Describe names where the token comes from, for error messages.
	Describe() string
}

// OIDCTokenFromEnv reads the token from an environment variable, as
// Terraform Cloud provides it (TFC_WORKLOAD_IDENTITY_TOKEN).
func OIDCTokenFromEnv(name string) OIDCTokenSource { return envTokenSource(name) }

type envTokenSource string

func (e envTokenSource) Token(context.Context, *http.Client) (string, error) {
	v := strings.TrimSpace(os.Getenv(string(e)))
	if v == "" {
		return "", errors.New("the variable is not set or empty")
	}
	return v, nil
}

func (e envTokenSource) Describe() string { return "the environment variable " + string(e) }

// OIDCTokenFromFile reads the token from a file at every login, as a
// Kubernetes projected service account token, which the kubelet rotates.
func OIDCTokenFromFile(path string) OIDCTokenSource { return fileTokenSource(path) }

type fileTokenSource string

func (f fileTokenSource) Token(context.Context, *http.Client) (string, error) {
	data, err := os.ReadFile(string(f))
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			return "", pathErr.Err // the path is in Describe already
		}
		return "", err
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", errors.New("the file is empty")
	}
	return v, nil
}

func (f fileTokenSource) Describe() string { return "the file " + string(f) }

// OIDCTokenFromGitHubActions asks the GitHub Actions runner for a token:
// GET ACTIONS_ID_TOKEN_REQUEST_URL (plus the audience, when set) with
// ACTIONS_ID_TOKEN_REQUEST_TOKEN as bearer; the answer is {"value": "<jwt>"}.
func OIDCTokenFromGitHubActions(requestURL, requestToken, audience string) OIDCTokenSource {
	return &githubTokenSource{requestURL: requestURL, requestToken: requestToken, audience: audience}
}

type githubTokenSource struct {
	requestURL, requestToken, audience string
}

func (g *githubTokenSource) Describe() string {
	if g.audience == "" {
		return "the GitHub Actions token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL, default audience)"
	}
	return fmt.Sprintf("the GitHub Actions token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL, audience %q)", g.audience)
}

func (g *githubTokenSource) Token(ctx context.Context, httpClient *http.Client) (string, error) {
	u, err := url.Parse(g.requestURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL")
	}
	if g.audience != "" {
		q := u.Query()
		q.Set("audience", g.audience)
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not a usable URL")
	}
	req.Header.Set("Authorization", "Bearer "+g.requestToken)
	req.Header.Set("Accept", "application/json")
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		// The URL carries no secret, but keep messages uniform with the
		// KMS requests: the cause only.
		return "", cleanTransportError(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the answer: %v", cleanTransportError(err))
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not echoed: it is the runner's, and could hold anything.
		return "", fmt.Errorf("the endpoint answered HTTP %d (is the job's `permissions: id-token: write` set, and ACTIONS_ID_TOKEN_REQUEST_TOKEN current?)", resp.StatusCode)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil || strings.TrimSpace(out.Value) == "" {
		return "", errors.New(`the endpoint answered no {"value": "<token>"}`)
	}
	return strings.TrimSpace(out.Value), nil
}
