package kms

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// ListSecretNames lists the names of the shared secrets that the folder
// itself holds, through the v4 list route (GET /api/v4/secrets; Infisical's
// and the Hanzo fork's backend/src/server/routes/v4/secret-router.ts):
//
//   - viewSecretValue=false: the answer carries no value, and an identity
//     that may only describe secrets can list them;
//   - expandSecretReferences=false: a broken reference in another secret of
//     the folder cannot fail the listing (the Hanzo fork expands by default);
//   - imports off, in both spellings (includeImports is the Hanzo fork's,
//     default true; include_imports is Infisical's, default false; each
//     server ignores the parameter it does not know): a same-named secret
//     that only reaches the folder through a secret import does not count,
//     as the rotation's own conflict check looks at the folder itself;
//   - recursive=false: subfolders do not count either.
//
// The list route has no AI-access policy check (the read by name has one in
// the Hanzo fork). Current servers answer 404 SecretPathNotFound for a folder
// or environment that does not exist (see IsSecretPathNotFound); older
// Infisical releases answered an empty list.
func (c *Client) ListSecretNames(ctx context.Context, projectID, environment, secretPath string) ([]string, error) {
	query := url.Values{
		"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath},
		"viewSecretValue": {"false"}, "expandSecretReferences": {"false"}, "recursive": {"false"},
		"includeImports": {"false"}, "include_imports": {"false"},
	}
	var out struct {
		Secrets []struct {
			SecretKey string `json:"secretKey"`
			Type      string `json:"type"`
		} `json:"secrets"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v4/secrets", query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out.Secrets))
	for _, s := range out.Secrets {
		// A user's personal overrides share names with shared secrets; only
		// the shared ones are the folder's (machine identities have none).
		if s.Type == "" || s.Type == "shared" {
			names = append(names, s.SecretKey)
		}
	}
	return names, nil
}

// IsSecretPathNotFound reports whether err is the secret listing's answer
// for a folder (or environment) that does not exist: 404 SecretPathNotFound.
func IsSecretPathNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.ErrorName == "SecretPathNotFound"
}

// Folder is a folder as the folder list route answers it.
type Folder struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListFolders lists the folders directly under path (GET /api/v2/folders;
// backend/src/services/secret-folder/secret-folder-service.ts getFolders):
// an environment that does not exist answers 404 "Environment with slug ...
// not found"; a path that does not exist answers an empty list.
func (c *Client) ListFolders(ctx context.Context, projectID, environment, path string) ([]Folder, error) {
	query := url.Values{"projectId": {projectID}, "environment": {environment}, "path": {path}}
	var out struct {
		Folders []Folder `json:"folders"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v2/folders", query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.Folders, nil
}

// Environment is one environment of a project.
type Environment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// GetProjectEnvironments reads a project's environments
// (GET /api/v1/projects/{id}; backend/src/server/routes/v1/project-router.ts).
func (c *Client) GetProjectEnvironments(ctx context.Context, projectID string) ([]Environment, error) {
	var out struct {
		Project *struct {
			Environments []Environment `json:"environments"`
		} `json:"project"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/projects/" + url.PathEscape(projectID), idempotent: true}, &out); err != nil {
		return nil, err
	}
	if out.Project == nil {
		return nil, nil
	}
	return out.Project.Environments, nil
}
