package realkms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// API makes the calls the provider does not: bootstrapping an instance and
// making what a test needs around a rotation (projects, folders, plain
// secrets). Errors carry the route and the server's message, never a
// request body (they hold passwords and secrets).
type API struct {
	base  string
	token string
	http  *http.Client
}

// NewAPI talks to the server at base with an access token ("" before any).
func NewAPI(base, token string) *API {
	return &API{base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Timeout: 60 * time.Second}}
}

// WithToken is the same API with another access token.
func (a *API) WithToken(token string) *API { c := *a; c.token = token; return &c }

// Error is a refused call: its route, status and the server's message.
type Error struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.Status, e.Message)
}

func (a *API) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, routeOf(path), err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Message any `json:"message"`
		}
		msg := strings.TrimSpace(string(data))
		if json.Unmarshal(data, &e) == nil && e.Message != nil {
			if s, ok := e.Message.(string); ok {
				msg = s
			} else if b, err := json.Marshal(e.Message); err == nil {
				msg = string(b)
			}
		}
		return &Error{Method: method, Path: routeOf(path), Status: resp.StatusCode, Message: msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, routeOf(path), err)
	}
	return nil
}

// routeOf drops the query, which may name secrets.
func routeOf(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// Bootstrapped is what the instance's bootstrap answered.
type Bootstrapped struct {
	OrgID string
	// AdminToken is the token-auth instance admin identity's access token.
	AdminToken string
}

// Bootstrap sets up a fresh instance: its first user (a super admin), an
// organisation and an instance admin identity with token auth.
func (a *API) Bootstrap(ctx context.Context, email, password, organization string) (*Bootstrapped, error) {
	var out struct {
		Organization struct {
			ID string `json:"id"`
		} `json:"organization"`
		Identity struct {
			Credentials struct {
				Token string `json:"token"`
			} `json:"credentials"`
		} `json:"identity"`
	}
	err := a.call(ctx, http.MethodPost, "/api/v1/admin/bootstrap",
		map[string]string{"email": email, "password": password, "organization": organization}, &out)
	if err != nil {
		return nil, err
	}
	if out.Organization.ID == "" || out.Identity.Credentials.Token == "" {
		return nil, fmt.Errorf("POST /api/v1/admin/bootstrap: no organization id or identity token in the answer")
	}
	return &Bootstrapped{OrgID: out.Organization.ID, AdminToken: out.Identity.Credentials.Token}, nil
}

// UniversalAuthIdentity is a machine identity's universal auth credentials.
type UniversalAuthIdentity struct {
	ID, ClientID, ClientSecret string
}

// CreateUniversalAuthIdentity makes an organisation identity with the given
// org role, attaches universal auth (any IP, the server's default TTLs) and
// creates one client secret.
func (a *API) CreateUniversalAuthIdentity(ctx context.Context, orgID, name, role string) (*UniversalAuthIdentity, error) {
	var created struct {
		Identity struct {
			ID string `json:"id"`
		} `json:"identity"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v1/identities",
		map[string]string{"name": name, "organizationId": orgID, "role": role}, &created); err != nil {
		return nil, err
	}
	id := created.Identity.ID
	var ua struct {
		IdentityUniversalAuth struct {
			ClientID string `json:"clientId"`
		} `json:"identityUniversalAuth"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v1/auth/universal-auth/identities/"+url.PathEscape(id), map[string]any{}, &ua); err != nil {
		return nil, err
	}
	var secret struct {
		ClientSecret string `json:"clientSecret"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v1/auth/universal-auth/identities/"+url.PathEscape(id)+"/client-secrets",
		map[string]string{"description": "acceptance tests"}, &secret); err != nil {
		return nil, err
	}
	if ua.IdentityUniversalAuth.ClientID == "" || secret.ClientSecret == "" {
		return nil, fmt.Errorf("universal auth of identity %s: no client id or client secret in the answers", id)
	}
	return &UniversalAuthIdentity{ID: id, ClientID: ua.IdentityUniversalAuth.ClientID, ClientSecret: secret.ClientSecret}, nil
}

// Login is a universal auth login; it returns the access token.
func (a *API) Login(ctx context.Context, clientID, clientSecret string) (string, error) {
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v1/auth/universal-auth/login",
		map[string]string{"clientId": clientID, "clientSecret": clientSecret}, &out); err != nil {
		return "", err
	}
	return out.AccessToken, nil
}

// Project is a project the caller made.
type Project struct {
	ID   string
	Slug string
	// Environments are the slugs it was made with (dev, staging, prod).
	Environments []string
}

// CreateProject makes a secret-manager project; the caller becomes its admin.
func (a *API) CreateProject(ctx context.Context, name string) (*Project, error) {
	var out struct {
		Project struct {
			ID           string `json:"id"`
			Slug         string `json:"slug"`
			Environments []struct {
				Slug string `json:"slug"`
			} `json:"environments"`
		} `json:"project"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v2/workspace", map[string]string{"projectName": name}, &out); err != nil {
		return nil, err
	}
	p := &Project{ID: out.Project.ID, Slug: out.Project.Slug}
	for _, e := range out.Project.Environments {
		p.Environments = append(p.Environments, e.Slug)
	}
	return p, nil
}

// DeleteProject deletes a project by its id.
func (a *API) DeleteProject(ctx context.Context, id string) error {
	return a.call(ctx, http.MethodDelete, "/api/v1/workspace/"+url.PathEscape(id), nil, nil)
}

// CreateFolder makes the folder name under parent ("/" for the root).
func (a *API) CreateFolder(ctx context.Context, projectID, environment, parent, name string) error {
	return a.call(ctx, http.MethodPost, "/api/v1/folders",
		map[string]string{"workspaceId": projectID, "environment": environment, "path": parent, "name": name}, nil)
}

// CreateFolders makes every folder of path ("/app/auth0": /app, then /app/auth0).
func (a *API) CreateFolders(ctx context.Context, projectID, environment, path string) error {
	parent := "/"
	for _, name := range strings.Split(strings.Trim(path, "/"), "/") {
		if name == "" {
			continue
		}
		if err := a.CreateFolder(ctx, projectID, environment, parent, name); err != nil {
			return err
		}
		parent = strings.TrimRight(parent, "/") + "/" + name
	}
	return nil
}

// CreateSecret makes a plain shared secret.
func (a *API) CreateSecret(ctx context.Context, projectID, environment, secretPath, name, value string) error {
	return a.call(ctx, http.MethodPost, "/api/v3/secrets/raw/"+url.PathEscape(name), map[string]string{
		"workspaceId": projectID, "environment": environment, "secretPath": secretPath, "secretValue": value, "type": "shared",
	}, nil)
}

// SecretValue reads a shared secret's value.
func (a *API) SecretValue(ctx context.Context, projectID, environment, secretPath, name string) (string, error) {
	q := url.Values{"workspaceId": {projectID}, "environment": {environment}, "secretPath": {secretPath}, "type": {"shared"}}
	var out struct {
		Secret struct {
			SecretValue string `json:"secretValue"`
		} `json:"secret"`
	}
	if err := a.call(ctx, http.MethodGet, "/api/v3/secrets/raw/"+url.PathEscape(name)+"?"+q.Encode(), nil, &out); err != nil {
		return "", err
	}
	return out.Secret.SecretValue, nil
}

// Status is GET /api/status, which answers 200 once the server is ready.
func (a *API) Status(ctx context.Context) error {
	return a.call(ctx, http.MethodGet, "/api/status", nil, nil)
}
