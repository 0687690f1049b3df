package localkms

import (
	"fmt"
	"net/http"
	"strings"
)

// AIAccessPolicy is a Hanzo KMS folder's policy for reads by machine
// identities (secret-ai-policy-service.ts of hanzoai/kms).
type AIAccessPolicy string

const (
	// AIAccessAutoApprove lets every read through (no policy).
	AIAccessAutoApprove AIAccessPolicy = "auto-approve"
	// AIAccessRequiresApproval queues a read request for a project admin at
	// every read and holds the value back.
	AIAccessRequiresApproval AIAccessPolicy = "requires-approval"
	// AIAccessBlocked refuses every read.
	AIAccessBlocked AIAccessPolicy = "blocked"
)

// getSecretV4 is the Hanzo fork's v4 read by name
// (backend/src/server/routes/v4/secret-router.ts of hanzoai/kms): for a
// machine identity it asks the folder's AI-access policy before it looks the
// secret up, so the policy answers for every name in the folder, existing or
// not. "blocked" is a 403; "requires-approval" queues a read request and
// returns a null secret, which the route's response schema refuses: the
// client gets the error handler's generic 500, never the null.
func (s *Server) getSecretV4(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("projectId") != "" && q.Get("environment") != "" {
		s.mu.Lock()
		policy := s.st.AIAccessPolicies[secretKey(q.Get("projectId"), q.Get("environment"), normalizeFolderPath(q.Get("secretPath")), "")]
		s.mu.Unlock()
		switch policy {
		case AIAccessBlocked:
			apiError(w, http.StatusForbidden, "ForbiddenError", fmt.Sprintf("AI access to secret '%s' is blocked by policy", r.PathValue("name")))
			return
		case AIAccessRequiresApproval:
			s.statsMu.Lock()
			s.aiReadRequests++
			s.statsMu.Unlock()
			apiError(w, http.StatusInternalServerError, "InternalServerError", "Something went wrong")
			return
		}
	}
	s.getSecret(w, r, "projectId")
}

func (s *Server) getSecretV3(w http.ResponseWriter, r *http.Request) {
	s.getSecret(w, r, "workspaceId")
}

// normalizeFolderPath is a folder path as the routes read it: "/" when
// empty, without a trailing slash.
func normalizeFolderPath(path string) string {
	if path == "" {
		return "/"
	}
	if len(path) > 1 {
		return strings.TrimRight(path, "/")
	}
	return path
}

func (s *Server) getSecret(w http.ResponseWriter, r *http.Request, projectParam string) {
	q := r.URL.Query()
	projectID, env, path := q.Get(projectParam), q.Get("environment"), normalizeFolderPath(q.Get("secretPath"))
	if projectID == "" || env == "" {
		validationError(w, []issue{{Code: "invalid_type", Expected: "string", Received: "undefined", Path: []any{projectParam}, Message: "Required"}})
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
	writeJSON(w, 200, map[string]any{"secret": map[string]any{
		"id": sec.ID, "secretKey": sec.Key, "secretValue": sec.Value, "version": sec.Version, "type": "shared",
		"secretPath": sec.Path, "environment": sec.Environment, "workspace": sec.ProjectID,
		"isRotatedSecret": sec.RotationID != "", "rotationId": sec.RotationID,
	}})
}
