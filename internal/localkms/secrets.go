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

// SecretValue reads a secret directly (tests); ok is false when it is missing.
func (s *Server) SecretValue(projectID, env, path, name string) (value string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.st.Secrets[secretKey(projectID, env, path, name)]
	if sec == nil {
		return "", false
	}
	return sec.Value, true
}

// PutSecret creates or changes an ordinary secret (tests).
func (s *Server) PutSecret(projectID, env, path, name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := secretKey(projectID, env, path, name)
	sec := s.st.Secrets[k]
	if sec == nil {
		sec = &secret{ID: randomSecret(8), ProjectID: projectID, Environment: env, Path: path, Key: name}
		s.st.Secrets[k] = sec
	}
	sec.Value = value
	sec.Version++
}

// HoldBackSecret makes reads of an existing secret answer as a Hanzo KMS does
// while an AI-access policy holds its value back (tests); false releases it.
// It reports whether the secret exists.
func (s *Server) HoldBackSecret(projectID, env, path, name string, held bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.st.Secrets[secretKey(projectID, env, path, name)]
	if sec == nil {
		return false
	}
	sec.HeldBack = held
	return true
}
