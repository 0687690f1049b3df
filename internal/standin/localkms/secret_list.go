package localkms

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The secret listing, the folder listing, the project read and secret
// imports, as the Hanzo fork of the server has them:
//   - GET /api/v4/secrets (backend/src/server/routes/v4/secret-router.ts, the
//     service's getSecrets in backend/src/services/secret-v2-bridge/
//     secret-v2-bridge-service.ts): only the folder's own shared secrets
//     (imports in a separate "imports" list, and only when asked), values
//     hidden on request, no AI-access policy check, 404 SecretPathNotFound
//     for a folder or environment that does not exist;
//   - GET /api/v2/folders (backend/src/services/secret-folder/
//     secret-folder-service.ts getFolders): the folders directly under a
//     path; 404 for an unknown environment, an empty list for an unknown path;
//   - GET /api/v1/projects/{projectId} (backend/src/server/routes/v1/
//     project-router.ts): the project with its environments.
//
// An older release has other routes for these reads: see older_release.go.

// hiddenSecretValue is what the server puts in place of a value it hides.
const hiddenSecretValue = "<hidden-by-infisical>"

// secretImport makes the secrets of another folder (FromEnvironment,
// FromPath) reachable from a folder, as a KMS secret import does.
type secretImport struct {
	ID              string `json:"id"`
	ProjectID       string `json:"projectId"`
	Environment     string `json:"environment"`
	Path            string `json:"path"`
	FromEnvironment string `json:"fromEnvironment"`
	FromPath        string `json:"fromPath"`
}

// queryBool reads one of the route's "true"/"false" parameters with its
// default; anything else is the 422 the route's schema answers.
func queryBool(w http.ResponseWriter, r *http.Request, name string, def bool) (value, ok bool) {
	switch r.URL.Query().Get(name) {
	case "":
		return def, true
	case "true":
		return true, true
	case "false":
		return false, true
	}
	validationError(w, []issue{{Code: "invalid_enum_value", Path: []any{name}, Message: "Invalid enum value. Expected 'true' | 'false'"}})
	return false, false
}

func trimmedPath(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return "/"
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	return p
}

func (s *Server) listSecretsV4(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	projectID, env := strings.TrimSpace(q.Get("projectId")), strings.TrimSpace(q.Get("environment"))
	folderPath := trimmedPath(q.Get("secretPath"))
	// The Hanzo fork's spellings and defaults; Infisical's include_imports
	// is a parameter this server does not know, so it is ignored.
	viewValue, ok1 := queryBool(w, r, "viewSecretValue", true)
	if !ok1 {
		return
	}
	if _, ok := queryBool(w, r, "expandSecretReferences", true); !ok {
		return
	}
	includeImports, ok2 := queryBool(w, r, "includeImports", true)
	if !ok2 {
		return
	}
	recursive, ok3 := queryBool(w, r, "recursive", false)
	if !ok3 {
		return
	}
	if projectID == "" || env == "" {
		apiError(w, 400, "BadRequest", "Missing project id or environment")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Project with ID '%s' not found", projectID))
		return
	}
	e := p.Environments[env]
	if e == nil || e.Folders[folderPath] == "" {
		apiError(w, 404, "SecretPathNotFound", fmt.Sprintf("Folder with path '%s' in environment '%s' was not found. "+
			"Please ensure the environment slug and secret path is correct.", folderPath, env))
		return
	}
	inScope := func(secPath string) bool {
		if secPath == folderPath {
			return true
		}
		return recursive && (folderPath == "/" || strings.HasPrefix(secPath, folderPath+"/"))
	}
	secrets := []map[string]any{}
	for _, sec := range s.sortedSecrets() {
		if sec.ProjectID == projectID && sec.Environment == env && inScope(sec.Path) {
			secrets = append(secrets, listedSecretJSON(sec, viewValue))
		}
	}
	imports := []map[string]any{}
	if includeImports {
		imports = s.importedListings(p, env, inScope, viewValue)
	}
	writeJSON(w, http.StatusOK, map[string]any{"secrets": secrets, "imports": imports})
}

// sortedSecrets is every secret in a stable order (the caller holds s.mu).
func (s *Server) sortedSecrets() []*secret {
	out := make([]*secret, 0, len(s.st.Secrets))
	for _, sec := range s.st.Secrets {
		out = append(out, sec)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Key < out[j].Key || (out[i].Key == out[j].Key && out[i].Path < out[j].Path)
	})
	return out
}

func listedSecretJSON(sec *secret, viewValue bool) map[string]any {
	value := sec.Value
	if !viewValue {
		value = hiddenSecretValue
	}
	return map[string]any{
		"id": sec.ID, "_id": sec.ID, "workspace": sec.ProjectID, "environment": sec.Environment,
		"secretKey": sec.Key, "secretValue": value, "secretValueHidden": !viewValue, "secretComment": "",
		"type": "shared", "version": sec.Version, "secretPath": sec.Path,
		"isRotatedSecret": sec.RotationID != "", "rotationId": nilIfEmpty(sec.RotationID), "tags": []any{}, "secretMetadata": []any{},
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// importedSecret finds a secret that reaches a folder only through one of
// its imports, as the read by name does with imports on (the caller holds
// s.mu). Nil when there is none.
func (s *Server) importedSecret(projectID, env, folderPath, name string) *secret {
	for _, imp := range s.st.Imports {
		if imp.ProjectID == projectID && imp.Environment == env && imp.Path == folderPath {
			if sec := s.st.Secrets[secretKey(projectID, imp.FromEnvironment, imp.FromPath, name)]; sec != nil {
				return sec
			}
		}
	}
	return nil
}

func (s *Server) listFolders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var missing []issue
	for _, name := range []string{"projectId", "environment", "path"} {
		if _, ok := q[name]; !ok {
			missing = append(missing, issue{Code: "invalid_type", Expected: "string", Received: "undefined", Path: []any{name}, Message: "Required"})
		}
	}
	if len(missing) > 0 {
		validationError(w, missing)
		return
	}
	projectID, env := strings.TrimSpace(q.Get("projectId")), strings.TrimSpace(q.Get("environment"))
	parent := trimmedPath(q.Get("path"))
	if !strings.HasPrefix(parent, "/") {
		parent = "/" + parent
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Project with ID '%s' not found", projectID))
		return
	}
	e := p.Environments[env]
	if e == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Environment with slug '%s' not found", env))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"folders": childFolders(e, parent)})
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("projectId")
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Project with ID '%s' not found", projectID))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"project": projectJSON(p)})
}

// projectJSON is a project with its environments, as the project reads
// answer it.
func projectJSON(p *project) map[string]any {
	slugs := make([]string, 0, len(p.Environments))
	for slug := range p.Environments {
		slugs = append(slugs, slug)
	}
	sort.Strings(slugs)
	envs := make([]map[string]any, 0, len(slugs))
	for _, slug := range slugs {
		e := p.Environments[slug]
		envs = append(envs, map[string]any{"id": e.ID, "name": e.Name, "slug": e.Slug})
	}
	return map[string]any{"id": p.ID, "_id": p.ID, "name": p.Name, "type": "secret-manager", "environments": envs}
}

// AddSecretImport imports the secrets of folder fromPath of environment
// fromEnv into folder path of environment env (tests), as a user of the KMS
// UI would. Both folders must exist.
func (s *Server) AddSecretImport(projectID, env, path, fromEnv, fromPath string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		return fmt.Errorf("local kms: no project %s", projectID)
	}
	for _, f := range []struct{ env, path string }{{env, path}, {fromEnv, fromPath}} {
		if e := p.Environments[f.env]; e == nil || e.Folders[f.path] == "" {
			return fmt.Errorf("local kms: no folder %s in environment %s", f.path, f.env)
		}
	}
	s.st.Imports = append(s.st.Imports, &secretImport{ID: randomSecret(8), ProjectID: projectID, Environment: env, Path: path,
		FromEnvironment: fromEnv, FromPath: fromPath})
	s.persist()
	return nil
}
