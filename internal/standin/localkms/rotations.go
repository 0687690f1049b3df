package localkms

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

var (
	slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

type credential struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

type rotation struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Description     *string        `json:"description"`
	ProjectID       string         `json:"projectId"`
	Environment     string         `json:"environment"`
	FolderPath      string         `json:"folderPath"`
	FolderID        string         `json:"folderId"`
	ConnectionID    string         `json:"connectionId"`
	AutoEnabled     bool           `json:"autoEnabled"`
	Interval        int64          `json:"interval"`
	RotateAtHours   int64          `json:"rotateAtHours"`
	RotateAtMinutes int64          `json:"rotateAtMinutes"`
	AppClientID     string         `json:"appClientId"`
	MapClientID     string         `json:"mapClientId"`
	MapClientSecret string         `json:"mapClientSecret"`
	Slots           [2]credential  `json:"slots"`
	ActiveIndex     int            `json:"activeIndex"`
	CreatedAt       time.Time      `json:"createdAt"`
	UpdatedAt       time.Time      `json:"updatedAt"`
	Status          rotationStatus `json:"status"`
	LastAttemptedAt time.Time      `json:"lastAttemptedAt"`
	LastRotatedAt   time.Time      `json:"lastRotatedAt"`
	LastJobID       *string        `json:"lastJobId"`
	NextRotationAt  *time.Time     `json:"nextRotationAt"`
	LastManual      bool           `json:"lastManual"`
	LastMessage     *string        `json:"lastMessage"`
	FailedTries     int            `json:"failedTries"`
	RetryAt         *time.Time     `json:"retryAt"`
	// inProgress: an Auth0 call for this rotation (create, rotate, revoke)
	// is under way with s.mu released. Never persisted.
	inProgress bool
}

// rotationStatus is the outcome of a rotation's last attempt, as the API
// shows it in rotationStatus.
type rotationStatus string

const (
	// rotationCreating is a rotation whose name is taken while Auth0 issues
	// its first secret: the API does not show it yet.
	rotationCreating  rotationStatus = ""
	rotationSucceeded rotationStatus = "success"
	rotationFailed    rotationStatus = "failed"
)

// creating reports whether the rotation is still being created.
func (r *rotation) creating() bool { return r.Status == rotationCreating }

// json renders a rotation as the server's secretRotation object; the caller holds s.mu.
func (s *Server) rotationJSON(r *rotation) map[string]any {
	conn := s.st.Connections[r.ConnectionID]
	connJSON := map[string]any{"app": "auth0", "name": "", "id": r.ConnectionID}
	if conn != nil {
		connJSON["name"] = conn.Name
	}
	envJSON := map[string]any{"slug": r.Environment, "name": r.Environment, "id": ""}
	if p := s.st.Projects[r.ProjectID]; p != nil {
		if e := p.Environments[r.Environment]; e != nil {
			envJSON["name"], envJSON["id"] = e.Name, e.ID
		}
	}
	return map[string]any{
		"id": r.ID, "name": r.Name, "description": r.Description, "type": "auth0-client-secret",
		"parameters":            map[string]any{"clientId": r.AppClientID},
		"secretsMapping":        map[string]any{"clientId": r.MapClientID, "clientSecret": r.MapClientSecret},
		"isAutoRotationEnabled": r.AutoEnabled, "activeIndex": r.ActiveIndex,
		"folderId": r.FolderID, "connectionId": r.ConnectionID,
		"createdAt": formatTime(r.CreatedAt), "updatedAt": formatTime(r.UpdatedAt),
		"rotationInterval": r.Interval, "rotationStatus": r.Status,
		"lastRotationAttemptedAt": formatTime(r.LastAttemptedAt), "lastRotatedAt": formatTime(r.LastRotatedAt),
		"lastRotationJobId": r.LastJobID, "nextRotationAt": formatTimePtr(r.NextRotationAt),
		"isLastRotationManual": r.LastManual, "lastRotationMessage": r.LastMessage,
		"connection": connJSON, "environment": envJSON, "projectId": r.ProjectID,
		"folder":      map[string]any{"id": r.FolderID, "path": r.FolderPath},
		"rotateAtUtc": map[string]any{"hours": r.RotateAtHours, "minutes": r.RotateAtMinutes},
	}
}

func (s *Server) writeRotation(w http.ResponseWriter, r *rotation) {
	writeJSON(w, http.StatusOK, map[string]any{"secretRotation": s.rotationJSON(r)})
}

// folderOf finds a folder or answers the server's 400 for a missing one.
func (s *Server) folderOf(w http.ResponseWriter, projectID, env, path string) (string, bool) {
	if p := s.st.Projects[projectID]; p != nil {
		if e := p.Environments[env]; e != nil {
			if id, ok := e.Folders[path]; ok {
				return id, true
			}
		}
		// An unknown environment is a folder not found, as the server's
		// folder lookup by path finds none (createSecretRotation and
		// findSecretRotationByName in backend/src/ee/services/
		// secret-rotation-v2/secret-rotation-v2-service.ts).
	} else {
		apiError(w, 404, "NotFound", fmt.Sprintf("Project with ID %q not found", projectID))
		return "", false
	}
	apiError(w, 400, "BadRequest", fmt.Sprintf("Could not find folder with path %q in environment %q for project with ID %q", path, env, projectID))
	return "", false
}

func (s *Server) createRotation(w http.ResponseWriter, r *http.Request) {
	var body rotationBody
	if !decodeBody(w, r, &body) {
		return
	}
	if issues := body.validate(true); len(issues) > 0 {
		validationError(w, issues)
		return
	}
	rot, _, ok := s.reserveRotation(w, &body)
	if !ok {
		return
	}

	// Like Hanzo KMS, the application's secret is replaced at Auth0 before
	// the mapped names are checked: a refusal below leaves Auth0 holding a
	// secret nobody knows. (Current upstream Infisical checks the names
	// before Auth0 too, in createSecretRotation of
	// backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-service.ts;
	// this server keeps the older, harder order.) Clients must check the
	// names first; that is right for both orders.
	newSecret, err := s.issueClientSecret(rot.ConnectionID, rot.AppClientID)

	s.mu.Lock()
	defer s.mu.Unlock()
	rot.inProgress = false
	if err != nil {
		delete(s.st.Rotations, rot.ID)
		apiError(w, 400, "BadRequest", rotationCreateFailure(err))
		return
	}
	if rot.MapClientID == rot.MapClientSecret {
		// Checked with the names, inside the create's transaction, after
		// Auth0 issued the secret ($throwOnConflictingSecrets in
		// backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-service.ts).
		delete(s.st.Rotations, rot.ID)
		apiError(w, 400, "BadRequest", fmt.Sprintf("Secrets mapping keys must be unique. \"%s, %s\" contains duplicate keys.", rot.MapClientID, rot.MapClientSecret))
		return
	}
	var existing []string
	for _, key := range []string{rot.MapClientID, rot.MapClientSecret} {
		if _, ok := s.st.Secrets[secretKey(*body.ProjectID, *body.Environment, *body.SecretPath, key)]; ok {
			existing = append(existing, key)
		}
	}
	if len(existing) > 0 {
		delete(s.st.Rotations, rot.ID)
		apiError(w, 400, "BadRequest", fmt.Sprintf("The following secrets already exist at the path %q: %s", *body.SecretPath, strings.Join(existing, ", ")))
		return
	}
	rot.Slots[0] = credential{ClientID: rot.AppClientID, ClientSecret: newSecret}
	rot.ActiveIndex = 0
	rot.Status = rotationSucceeded
	now := rot.CreatedAt
	rot.LastAttemptedAt, rot.LastRotatedAt = now, now
	scheduleNext(rot, true, now) // create counts as a manual rotation
	s.writeMappedSecrets(rot)
	s.persist()
	s.writeRotation(w, rot)
}

// reserveRotation checks a create against the folders, names and connections
// and takes the name with a rotation still being created, or answers why
// not. It returns the credentials of the connection to ask Auth0 with.
func (s *Server) reserveRotation(w http.ResponseWriter, body *rotationBody) (rot *rotation, creds auth0Credentials, ok bool) {
	auto := true
	if body.IsAutoRotationEnabled != nil {
		auto = *body.IsAutoRotationEnabled
	}
	var hours, minutes int64
	if body.RotateAtUTC != nil {
		hours, minutes = int64(*body.RotateAtUTC.Hours), int64(*body.RotateAtUTC.Minutes)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	folderID, ok := s.folderOf(w, *body.ProjectID, *body.Environment, *body.SecretPath)
	if !ok {
		return nil, auth0Credentials{}, false
	}
	for _, other := range s.st.Rotations {
		if other.ProjectID == *body.ProjectID && other.Environment == *body.Environment && other.FolderPath == *body.SecretPath && other.Name == *body.Name {
			apiError(w, 400, "BadRequest", fmt.Sprintf("A Secret Rotation with the name %q already exists at the secret path %q", *body.Name, *body.SecretPath))
			return nil, auth0Credentials{}, false
		}
	}
	mapping := *body.SecretsMapping
	conn := s.st.Connections[*body.ConnectionID]
	if conn == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Could not find App Connection with ID %s", *body.ConnectionID))
		return nil, auth0Credentials{}, false
	}
	if conn.App != "" {
		apiError(w, 400, "BadRequest", fmt.Sprintf("App Connection with ID %s is not for App \"auth0\"", conn.ID))
		return nil, auth0Credentials{}, false
	}
	now := s.now()
	rot = &rotation{
		ID: uuid.NewString(), Name: *body.Name, Description: body.Description, ProjectID: *body.ProjectID,
		Environment: *body.Environment, FolderPath: *body.SecretPath, FolderID: folderID,
		ConnectionID: conn.ID, AutoEnabled: auto, Interval: int64(*body.RotationInterval),
		RotateAtHours: hours, RotateAtMinutes: minutes, AppClientID: (*body.Parameters)["clientId"],
		MapClientID: mapping["clientId"], MapClientSecret: mapping["clientSecret"],
		// The server's column defaults to true: creating counts as a manual rotation.
		LastManual: true,
		CreatedAt:  now, UpdatedAt: now, inProgress: true,
	}
	// The name is taken while Auth0 is asked, so a concurrent create of the
	// same name is refused.
	s.st.Rotations[rot.ID] = rot
	return rot, conn.Credentials, true
}

// lookup finds a rotation by the path's id or answers 422/404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *rotation {
	id := r.PathValue("id")
	if !uuidRe.MatchString(id) {
		validationError(w, []issue{{Code: "invalid_string", Validation: "uuid", Path: []any{"rotationId"}, Message: "Invalid uuid"}})
		return nil
	}
	rot := s.st.Rotations[id]
	if rot == nil || rot.inProgress && rot.creating() {
		apiError(w, 404, "NotFound", fmt.Sprintf("Could not find Auth0 Client Secret Rotation with ID %q", id))
		return nil
	}
	return rot
}

func (s *Server) getRotation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rot := s.lookup(w, r); rot != nil {
		s.writeRotation(w, rot)
	}
}

func (s *Server) getRotationByName(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var issues []issue
	for _, k := range []string{"projectId", "environment", "secretPath"} {
		if q.Get(k) == "" {
			issues = append(issues, issue{Code: "invalid_type", Expected: "string", Received: "undefined", Path: []any{k}, Message: "Required"})
		}
	}
	if len(issues) > 0 {
		validationError(w, issues)
		return
	}
	path := q.Get("secretPath")
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
	}
	name := r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.folderOf(w, q.Get("projectId"), q.Get("environment"), path); !ok {
		return
	}
	for _, rot := range s.st.Rotations {
		if rot.ProjectID == q.Get("projectId") && rot.Environment == q.Get("environment") && rot.FolderPath == path && rot.Name == name && !rot.creating() {
			s.writeRotation(w, rot)
			return
		}
	}
	apiError(w, 404, "NotFound", fmt.Sprintf("Could not find Auth0 Client Secret Rotation with name %q", name))
}

func (s *Server) listRotations(w http.ResponseWriter, r *http.Request) {
	projectID := r.URL.Query().Get("projectId")
	if projectID == "" {
		validationError(w, []issue{{Code: "invalid_type", Expected: "string", Received: "undefined", Path: []any{"projectId"}, Message: "Required"}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, rot := range s.st.Rotations {
		if rot.ProjectID == projectID && !rot.creating() {
			out = append(out, s.rotationJSON(rot))
		}
	}
	writeJSON(w, 200, map[string]any{"secretRotations": out})
}

func (s *Server) updateRotation(w http.ResponseWriter, r *http.Request) {
	var body rotationBody
	present, ok := decodePatch(w, r, &body)
	if !ok {
		return
	}
	_, hasDescription := present["description"] // a JSON null clears it
	if issues := body.validate(false); len(issues) > 0 {
		validationError(w, issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rot := s.lookup(w, r)
	if rot == nil {
		return
	}
	if refusal := s.updateRefusal(rot, &body); refusal != "" {
		apiError(w, 400, "BadRequest", refusal)
		return
	}
	s.applyUpdate(rot, &body, hasDescription)
	s.persist()
	s.writeRotation(w, rot)
}

// updateRefusal is why the server refuses body for rot, or "" when it
// accepts it: a name another rotation of the folder holds, or mapped secret
// names that already exist there. The caller holds s.mu.
func (s *Server) updateRefusal(rot *rotation, body *rotationBody) string {
	if body.Name != nil && *body.Name != rot.Name {
		for _, other := range s.st.Rotations {
			if other != rot && other.ProjectID == rot.ProjectID && other.Environment == rot.Environment && other.FolderPath == rot.FolderPath && other.Name == *body.Name {
				return fmt.Sprintf("A Secret Rotation with the name %q already exists at the secret path %q", *body.Name, rot.FolderPath)
			}
		}
	}
	if body.SecretsMapping != nil {
		m := *body.SecretsMapping
		var taken []string
		for _, key := range []string{m["clientId"], m["clientSecret"]} {
			if key == rot.MapClientID || key == rot.MapClientSecret {
				continue
			}
			if _, ok := s.st.Secrets[secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, key)]; ok {
				taken = append(taken, key)
			}
		}
		if len(taken) > 0 {
			return fmt.Sprintf("The following secrets already exist at the path %q: %s", rot.FolderPath, strings.Join(taken, ", "))
		}
	}
	return ""
}

// applyUpdate changes rot as an accepted PATCH asks. connectionId,
// environment and secretPath are ignored, as upstream does. The caller holds
// s.mu.
func (s *Server) applyUpdate(rot *rotation, body *rotationBody, hasDescription bool) {
	now := s.now()
	if body.Name != nil {
		rot.Name = *body.Name
	}
	if hasDescription {
		rot.Description = body.Description
	}
	if body.IsAutoRotationEnabled != nil {
		rot.AutoEnabled = *body.IsAutoRotationEnabled
	}
	if body.RotationInterval != nil {
		rot.Interval = int64(*body.RotationInterval)
	}
	if body.RotateAtUTC != nil {
		rot.RotateAtHours, rot.RotateAtMinutes = int64(*body.RotateAtUTC.Hours), int64(*body.RotateAtUTC.Minutes)
	}
	if body.SecretsMapping != nil {
		m := *body.SecretsMapping
		s.renameSecret(rot, rot.MapClientID, m["clientId"])
		s.renameSecret(rot, rot.MapClientSecret, m["clientSecret"])
		rot.MapClientID, rot.MapClientSecret = m["clientId"], m["clientSecret"]
	}
	if body.Parameters != nil {
		// The server stores the new application and issues nothing: the
		// mapped secrets and both slots keep the previous application's
		// credentials until the next rotation.
		rot.AppClientID = (*body.Parameters)["clientId"]
	}
	rot.UpdatedAt = now
	scheduleNext(rot, rot.LastManual, now)
}

func (s *Server) deleteRotation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var issues []issue
	flags := map[string]bool{}
	// Both are required (z.enum(["true", "false"]) in the route's querystring
	// schema, backend/src/ee/routes/v2/secret-rotation-v2-routers/
	// secret-rotation-v2-endpoints.ts): one left out is zod's Required, an
	// empty one an invalid enum value.
	for _, k := range []string{"deleteSecrets", "revokeGeneratedCredentials"} {
		if _, sent := q[k]; !sent {
			issues = append(issues, issue{Code: "invalid_type", Expected: "'true' | 'false'", Received: "undefined", Path: []any{k}, Message: "Required"})
			continue
		}
		switch v := q.Get(k); v {
		case "false":
		case "true":
			flags[k] = true
		default:
			issues = append(issues, issue{Code: "invalid_enum_value", Received: v, Options: []any{"true", "false"}, Path: []any{k},
				Message: fmt.Sprintf("Invalid enum value. Expected 'true' | 'false', received '%s'", v)})
		}
	}
	if len(issues) > 0 {
		validationError(w, issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rot := s.lookup(w, r)
	if rot == nil {
		return
	}
	// The server takes no rotation lock on delete (deleteSecretRotation in
	// Infisical's secret-rotation-v2-service.ts checks none, unlike
	// rotate-now): a delete during a running rotation goes ahead.
	if flags["revokeGeneratedCredentials"] {
		connectionID, appID := rot.ConnectionID, rot.AppClientID
		var err error
		s.withoutLock(func() { err = s.revokeClientSecret(connectionID, appID) })
		if err != nil {
			// The revoke is a plain HTTP call to Auth0 whose error no
			// handler catches: the error handler's generic 500.
			s.logf("local kms: revoke refused: %v", err)
			apiError(w, 500, "InternalServerError", "Something went wrong")
			return
		}
		if s.st.Rotations[rot.ID] != rot { // deleted meanwhile by another request
			apiError(w, 404, "NotFound", fmt.Sprintf("Could not find Auth0 Client Secret Rotation with ID %q", rot.ID))
			return
		}
	}
	if flags["deleteSecrets"] {
		delete(s.st.Secrets, secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, rot.MapClientID))
		delete(s.st.Secrets, secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, rot.MapClientSecret))
	} else {
		// The secrets stay, as ordinary secrets.
		for _, key := range []string{rot.MapClientID, rot.MapClientSecret} {
			if sec := s.st.Secrets[secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, key)]; sec != nil {
				sec.RotationID = ""
			}
		}
	}
	out := s.rotationJSON(rot)
	delete(s.st.Rotations, rot.ID)
	s.persist()
	writeJSON(w, 200, map[string]any{"secretRotation": out})
}

// inProgressMessage is the KMS's wording for a rotation refused because
// another one is running (the provider recognises it).
const inProgressMessage = "A rotation is already in progress. Please try again shortly."

func (s *Server) rotateNow(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rot := s.lookup(w, r)
	if rot == nil {
		return
	}
	if err := s.rotate(rot, true); err != nil {
		if err == errInProgress {
			apiError(w, 400, "BadRequest", inProgressMessage)
			return
		}
		s.recordFailure(rot, err)
		s.persist()
		apiError(w, 500, "InternalServerError", *rot.LastMessage)
		return
	}
	s.persist()
	s.writeRotation(w, rot)
}

func (s *Server) generatedCredentials(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rot := s.lookup(w, r)
	if rot == nil {
		return
	}
	creds := []credential{}
	for _, c := range rot.Slots {
		if c.ClientID != "" {
			creds = append(creds, c)
		}
	}
	// Slot 0 is filled at create, so activeIndex always points into creds.
	writeJSON(w, 200, map[string]any{
		"generatedCredentials": creds, "activeIndex": rot.ActiveIndex, "rotationId": rot.ID, "type": "auth0-client-secret",
	})
}
