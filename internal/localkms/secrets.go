package localkms

import (
	"fmt"
	"net/http"
	"strings"
)

func (s *Server) getSecretV4(w http.ResponseWriter, r *http.Request) {
	s.getSecret(w, r, "projectId")
}

func (s *Server) getSecretV3(w http.ResponseWriter, r *http.Request) {
	s.getSecret(w, r, "workspaceId")
}

func (s *Server) getSecret(w http.ResponseWriter, r *http.Request, projectParam string) {
	q := r.URL.Query()
	projectID, env, path := q.Get(projectParam), q.Get("environment"), q.Get("secretPath")
	if path == "" {
		path = "/"
	}
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
	}
	if projectID == "" || env == "" {
		validationError(w, []issue{{Code: "invalid_type", Path: []any{projectParam}, Message: "Required"}})
		return
	}
	name := r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.st.Secrets[secretKey(projectID, env, path, name)]
	if sec == nil && projectParam == "projectId" && q.Get("includeImports") != "false" {
		// The Hanzo fork's v4 read by name looks through the folder's
		// imports unless told not to (includeImports defaults to true).
		sec = s.importedSecret(projectID, env, path, name)
	}
	if sec == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Secret with name '%s' not found", name))
		return
	}
	if sec.HeldBack {
		writeJSON(w, 200, map[string]any{"secret": nil, "aiAccess": map[string]any{"status": "pending", "secretKey": sec.Key}})
		return
	}
	writeJSON(w, 200, map[string]any{"secret": map[string]any{
		"id": sec.ID, "secretKey": sec.Key, "secretValue": sec.Value, "version": sec.Version, "type": "shared",
		"secretPath": sec.Path, "environment": sec.Environment, "workspace": sec.ProjectID,
		"isRotatedSecret": sec.RotationID != "", "rotationId": sec.RotationID,
	}})
}
