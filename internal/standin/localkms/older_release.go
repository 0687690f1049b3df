package localkms

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The reads of an older release (Options.OlderRelease), one that already
// serves the Auth0 rotations of secret-rotation v2 but not the newer read
// routes: Infisical's backend as of 2025-06-22.
//   - GET /api/v3/secrets/raw (backend/src/server/routes/v3/secret-router.ts;
//     the service's getSecretsRaw in backend/src/services/secret/
//     secret-service.ts and getSecrets in backend/src/services/
//     secret-v2-bridge/secret-v2-bridge-service.ts): the project is
//     workspaceId; a project that does not exist is the bot lookup's 404; a
//     folder or environment that does not exist is an empty list (the
//     service finds no folder and returns no secrets), not an error.
//   - GET /api/v3/secrets/raw/{name} (same files, getSecretByName): a folder
//     that does not exist is a 404 named after the service function; the
//     answer's secret has no secretPath (the route's response schema leaves
//     it out).
//   - GET /api/v1/folders (backend/src/server/routes/v1/
//     secret-folder-router.ts; backend/src/services/secret-folder/
//     secret-folder-service.ts getFolders): workspaceId and environment
//     required, path "/" by default; 404 for an unknown environment, an
//     empty list for an unknown path.
//   - GET /api/v1/workspace/{workspaceId} (backend/src/server/routes/v1/
//     project-router.ts): the project with its environments, as "workspace".

// botLookupNotFound is the older release's answer to a secret route for a
// project that does not exist: its project bot lookup fails first
// (backend/src/services/project-bot/project-bot-fns.ts).
func botLookupNotFound(w http.ResponseWriter, projectID string) {
	apiError(w, http.StatusNotFound, "NotFound",
		fmt.Sprintf("Project with ID '%s' not found during bot lookup. Are you sure you are using the correct project ID?", projectID))
}

func (s *Server) listSecretsV3(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	projectID, env := strings.TrimSpace(q.Get("workspaceId")), strings.TrimSpace(q.Get("environment"))
	folderPath := trimmedPath(q.Get("secretPath"))
	// Infisical's spellings and defaults; includeImports and projectId are
	// parameters this release does not know, so they are ignored.
	viewValue, ok := queryBool(w, r, "viewSecretValue", true)
	if !ok {
		return
	}
	if _, ok := queryBool(w, r, "expandSecretReferences", false); !ok {
		return
	}
	recursive, ok := queryBool(w, r, "recursive", false)
	if !ok {
		return
	}
	includeImports, ok := queryBool(w, r, "include_imports", false)
	if !ok {
		return
	}
	if projectID == "" || env == "" {
		apiError(w, http.StatusBadRequest, "BadRequest", "Missing workspace id or environment")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		botLookupNotFound(w, projectID)
		return
	}
	secrets := []map[string]any{}
	imports := []map[string]any{}
	e := p.Environments[env]
	if e == nil || e.Folders[folderPath] == "" {
		writeJSON(w, http.StatusOK, map[string]any{"secrets": secrets, "imports": imports})
		return
	}
	inScope := func(secPath string) bool {
		if secPath == folderPath {
			return true
		}
		return recursive && (folderPath == "/" || strings.HasPrefix(secPath, folderPath+"/"))
	}
	for _, sec := range s.sortedSecrets() {
		if sec.ProjectID == projectID && sec.Environment == env && inScope(sec.Path) {
			secrets = append(secrets, listedSecretJSON(sec, viewValue))
		}
	}
	if includeImports {
		imports = s.importedListings(p, env, inScope, viewValue)
	}
	writeJSON(w, http.StatusOK, map[string]any{"secrets": secrets, "imports": imports})
}

// importedListings is the "imports" of a listing: the secrets of every
// folder imported into the folders in scope (the caller holds s.mu).
func (s *Server) importedListings(p *project, env string, inScope func(string) bool, viewValue bool) []map[string]any {
	imports := []map[string]any{}
	for _, imp := range s.st.Imports {
		if imp.ProjectID != p.ID || imp.Environment != env || !inScope(imp.Path) {
			continue
		}
		from := p.Environments[imp.FromEnvironment]
		if from == nil || from.Folders[imp.FromPath] == "" {
			continue
		}
		imported := []map[string]any{}
		for _, sec := range s.sortedSecrets() {
			if sec.ProjectID == p.ID && sec.Environment == imp.FromEnvironment && sec.Path == imp.FromPath {
				imported = append(imported, listedSecretJSON(sec, viewValue))
			}
		}
		imports = append(imports, map[string]any{"secretPath": imp.FromPath, "environment": imp.FromEnvironment,
			"folderId": from.Folders[imp.FromPath], "secrets": imported})
	}
	return imports
}

// getSecretV3OlderRelease is the older release's v3 read by name.
func (s *Server) getSecretV3OlderRelease(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	projectID, env, folderPath := strings.TrimSpace(q.Get("workspaceId")), strings.TrimSpace(q.Get("environment")), trimmedPath(q.Get("secretPath"))
	switch {
	case env == "":
		apiError(w, http.StatusBadRequest, "BadRequest", "Missing environment")
		return
	case projectID == "":
		apiError(w, http.StatusBadRequest, "BadRequest", "You must provide workspaceSlug or workspaceId")
		return
	}
	name := r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		botLookupNotFound(w, projectID)
		return
	}
	if e := p.Environments[env]; e == nil || e.Folders[folderPath] == "" {
		apiError(w, http.StatusNotFound, "GetSecretByName",
			fmt.Sprintf("Folder with path '%s' in environment with slug '%s' not found", folderPath, env))
		return
	}
	sec := s.st.Secrets[secretKey(projectID, env, folderPath, name)]
	if sec == nil {
		apiError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Secret with name '%s' not found", name))
		return
	}
	// The answer as the real server gave it (seen on the real server): the
	// stored secret's fields reshaped by getSecretByName, with its
	// timestamps, reminder and multiline fields, and no isRotatedSecret or
	// rotationId, although the route's schema allows them, even for a
	// rotation's mapped secret.
	writeJSON(w, http.StatusOK, map[string]any{"secret": map[string]any{
		"id": sec.ID, "_id": sec.ID, "workspace": sec.ProjectID, "environment": sec.Environment, "version": sec.Version,
		"type": "shared", "secretKey": sec.Key, "secretValue": sec.Value, "secretComment": "", "secretValueHidden": false,
		"secretReminderNote": nil, "secretReminderRepeatDays": nil, "skipMultilineEncoding": false,
		"createdAt": formatTime(sec.CreatedAt), "updatedAt": formatTime(sec.UpdatedAt), "tags": []any{}, "secretMetadata": []any{},
	}})
}

func (s *Server) listFoldersV1(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var missing []issue
	for _, name := range []string{"workspaceId", "environment"} {
		if _, ok := q[name]; !ok {
			missing = append(missing, issue{Code: "invalid_type", Expected: "string", Received: "undefined", Path: []any{name}, Message: "Required"})
		}
	}
	if len(missing) > 0 {
		validationError(w, missing)
		return
	}
	projectID, env := strings.TrimSpace(q.Get("workspaceId")), strings.TrimSpace(q.Get("environment"))
	parent := "/"
	for _, name := range []string{"path", "directory"} {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			parent = trimmedPath(v)
			break
		}
	}
	if !strings.HasPrefix(parent, "/") {
		parent = "/" + parent
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		// The permission check comes first: an identity is a member of no
		// project that does not exist.
		apiError(w, http.StatusForbidden, fmt.Sprintf("Identity is not a member of the specified project with ID '%s'", projectID),
			"You are not allowed to access this resource")
		return
	}
	e := p.Environments[env]
	if e == nil {
		apiError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Environment with slug '%s' not found", env))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"folders": childFolders(e, parent)})
}

// childFolders are the folders directly under parent, as the folder
// listings answer them (none when parent does not exist).
func childFolders(e *environment, parent string) []map[string]any {
	folders := []map[string]any{}
	parentID, ok := e.Folders[parent]
	if !ok {
		return folders
	}
	paths := make([]string, 0, len(e.Folders))
	for folderPath := range e.Folders {
		paths = append(paths, folderPath)
	}
	sort.Strings(paths)
	for _, folderPath := range paths {
		if folderPath == "/" {
			continue
		}
		i := strings.LastIndex(folderPath, "/")
		dir, name := folderPath[:i], folderPath[i+1:]
		if dir == "" {
			dir = "/"
		}
		if dir == parent {
			folders = append(folders, map[string]any{"id": e.Folders[folderPath], "name": name, "envId": e.ID,
				"parentId": parentID, "version": 1, "isReserved": false, "description": nil})
		}
	}
	return folders
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	projectID := r.PathValue("workspaceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Projects[projectID]
	if p == nil {
		apiError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Project with ID '%s' not found", projectID))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"workspace": projectJSON(p)})
}
