package kms

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
)

// ListSecretNames lists the names of the shared secrets that the folder
// itself holds, through the v4 list route (GET /api/v4/secrets; Infisical's
// and the Hanzo fork's backend/src/server/routes/v4/secret-router.ts), or,
// on a server without it, the v3 one (GET /api/v3/secrets/raw, query
// workspaceId; backend/src/server/routes/v3/secret-router.ts):
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
// the Hanzo fork). A folder or environment that does not exist is an error
// that IsSecretPathNotFound recognises, whichever the server: the v4 route
// answers it with 404 SecretPathNotFound, but the v3 route of the releases
// without v4 answers an empty list (the service's getSecrets returns no
// secrets when it finds no folder), so there an empty list is checked with
// one folder listing of the parent (see confirmFolder).
func (c *Client) ListSecretNames(ctx context.Context, projectID, environment, secretPath string) ([]string, error) {
	listing := url.Values{
		"environment": {environment}, "secretPath": {secretPath},
		"viewSecretValue": {"false"}, "expandSecretReferences": {"false"}, "recursive": {"false"},
		"includeImports": {"false"}, "include_imports": {"false"},
	}
	var out struct {
		Secrets []struct {
			SecretKey string `json:"secretKey"`
			Type      string `json:"type"`
		} `json:"secrets"`
	}
	listV4 := func() error {
		query := maps.Clone(listing)
		query.Set("projectId", projectID)
		return c.do(ctx, request{method: "GET", path: "/api/v4/secrets", query: query, idempotent: true}, &out)
	}
	listV3 := func() error {
		query := maps.Clone(listing)
		query.Set("workspaceId", projectID)
		return c.do(ctx, request{method: "GET", path: "/api/v3/secrets/raw", query: query, idempotent: true}, &out)
	}
	if err := c.generations.secrets.call(ctx, c.logger, listV4, listV3); err != nil {
		return nil, err
	}
	if len(out.Secrets) == 0 && c.generations.secrets.isOlder() {
		if err := c.confirmFolder(ctx, projectID, environment, secretPath); err != nil {
			return nil, err
		}
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

// FolderNotFoundError says that a folder, or its environment, does not
// exist: what a server whose secret listing answers an empty list for a
// missing folder was found to hold, from its folder listing.
type FolderNotFoundError struct {
	Environment, SecretPath string
	// EnvironmentMissing: the environment itself does not exist.
	EnvironmentMissing bool
}

func (e *FolderNotFoundError) Error() string {
	if e.EnvironmentMissing {
		return fmt.Sprintf("environment %q does not exist (the KMS's folder listing answered that it found no such environment)", e.Environment)
	}
	return fmt.Sprintf("folder %q does not exist in environment %q (the KMS's folder listing of its parent does not list it)", e.SecretPath, e.Environment)
}

// confirmFolder checks that a folder exists, for a server whose secret
// listing cannot tell a missing folder from an empty one: the folders of its
// parent name it (the root exists with its environment), and a missing
// environment is the folder listing's 404 "Environment with slug ... not
// found" (backend/src/services/secret-folder/secret-folder-service.ts,
// getFolders). A folder listing that fails otherwise proves nothing: the
// folder is taken to exist, as the listing said nothing against it.
func (c *Client) confirmFolder(ctx context.Context, projectID, environment, secretPath string) error {
	parent, name := splitFolderPath(secretPath)
	folders, err := c.ListFolders(ctx, projectID, environment, parent)
	switch {
	case IsEnvironmentNotFound(err):
		return &FolderNotFoundError{Environment: environment, SecretPath: secretPath, EnvironmentMissing: true}
	case err != nil:
		c.logger.Debug(ctx, "hanzokms: could not confirm that the folder exists", map[string]any{"error": err.Error()})
		return nil
	case name == "":
		return nil
	}
	for _, f := range folders {
		if f.Name == name {
			return nil
		}
	}
	return &FolderNotFoundError{Environment: environment, SecretPath: secretPath}
}

// splitFolderPath is a folder path's parent and last name ("/" and "" for
// the root).
func splitFolderPath(secretPath string) (parent, name string) {
	secretPath = strings.TrimRight(secretPath, "/")
	if secretPath == "" {
		return "/", ""
	}
	i := strings.LastIndex(secretPath, "/")
	parent, name = secretPath[:i], secretPath[i+1:]
	if parent == "" {
		parent = "/"
	}
	return parent, name
}

// IsSecretPathNotFound reports whether err says that a folder (or its
// environment) does not exist: the v4 secret listing's 404
// SecretPathNotFound, or a *FolderNotFoundError.
func IsSecretPathNotFound(err error) bool {
	var folderErr *FolderNotFoundError
	if errors.As(err, &folderErr) {
		return true
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.ErrorName == "SecretPathNotFound"
}

// IsEnvironmentNotFound reports whether err is the folder listing's answer
// for an environment that does not exist: the service's 404 "Environment
// with slug '...' not found".
func IsEnvironmentNotFound(err error) bool {
	var apiErr *APIError
	return IsNotFound(err) && errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "Environment with slug")
}

// Folder is a folder as the folder list route answers it.
type Folder struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListFolders lists the folders directly under path (GET /api/v2/folders,
// query projectId; or, on a server without it, GET /api/v1/folders, query
// workspaceId; backend/src/server/routes/v1/secret-folder-router.ts; both
// backend/src/services/secret-folder/secret-folder-service.ts getFolders):
// an environment that does not exist answers 404 "Environment with slug ...
// not found" (IsEnvironmentNotFound); a path that does not exist answers an
// empty list.
func (c *Client) ListFolders(ctx context.Context, projectID, environment, path string) ([]Folder, error) {
	var out struct {
		Folders []Folder `json:"folders"`
	}
	listV2 := func() error {
		query := url.Values{"projectId": {projectID}, "environment": {environment}, "path": {path}}
		return c.do(ctx, request{method: "GET", path: "/api/v2/folders", query: query, idempotent: true}, &out)
	}
	listV1 := func() error {
		query := url.Values{"workspaceId": {projectID}, "environment": {environment}, "path": {path}}
		return c.do(ctx, request{method: "GET", path: "/api/v1/folders", query: query, idempotent: true}, &out)
	}
	if err := c.generations.folders.call(ctx, c.logger, listV2, listV1); err != nil {
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
// (GET /api/v1/projects/{id}, answer "project"; or, on a server without it,
// GET /api/v1/workspace/{id}, answer "workspace";
// backend/src/server/routes/v1/project-router.ts).
func (c *Client) GetProjectEnvironments(ctx context.Context, projectID string) ([]Environment, error) {
	type project struct {
		Environments []Environment `json:"environments"`
	}
	var out struct {
		Project   *project `json:"project"`
		Workspace *project `json:"workspace"`
	}
	readProject := func() error {
		return c.do(ctx, request{method: "GET", path: "/api/v1/projects/" + url.PathEscape(projectID), idempotent: true}, &out)
	}
	readWorkspace := func() error {
		return c.do(ctx, request{method: "GET", path: "/api/v1/workspace/" + url.PathEscape(projectID), idempotent: true}, &out)
	}
	if err := c.generations.projects.call(ctx, c.logger, readProject, readWorkspace); err != nil {
		return nil, err
	}
	switch {
	case out.Project != nil:
		return out.Project.Environments, nil
	case out.Workspace != nil:
		return out.Workspace.Environments, nil
	}
	return nil, nil
}
