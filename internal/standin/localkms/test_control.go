package localkms

import (
	"github.com/google/uuid"
)

// Test control: what tests (and the demo and benchmark programs) read or
// change behind the API's back, some of it as a user of the KMS UI would.

// SetRotationRoutes serves the secret-rotation routes (true) or answers
// them as routes this KMS does not know (false), as a KMS build without the
// secret-rotation router would, without losing any state: a test "restarts"
// the KMS as another build with it.
func (s *Server) SetRotationRoutes(serve bool) { s.rotationRoutesOff.Store(!serve) }

// SetOlderRelease answers as a release without the newer read routes
// (true; see Options.OlderRelease) or as the current one (false), keeping
// the state: a test "upgrades" or "downgrades" the KMS with it.
func (s *Server) SetOlderRelease(older bool) { s.olderRelease.Store(older) }

// Rotation exposes a rotation's server-side view for tests: whether it
// exists, its active slot's credentials and its status.
func (s *Server) Rotation(id string) (exists bool, activeClientID, activeSecret, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rot := s.st.Rotations[id]
	if rot == nil {
		return false, "", "", ""
	}
	c := rot.Slots[rot.ActiveIndex]
	return true, c.ClientID, c.ClientSecret, string(rot.Status)
}

// RotationIDs lists every rotation's id.
func (s *Server) RotationIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.st.Rotations))
	for id := range s.st.Rotations {
		ids = append(ids, id)
	}
	return ids
}

// DeleteRotationOutOfBand removes a rotation as a user of the KMS UI would,
// with or without its mapped secrets.
func (s *Server) DeleteRotationOutOfBand(id string, deleteSecrets bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rot := s.st.Rotations[id]; rot != nil && deleteSecrets {
		delete(s.st.Secrets, secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, rot.MapClientID))
		delete(s.st.Secrets, secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, rot.MapClientSecret))
	}
	delete(s.st.Rotations, id)
	s.persist()
}

// EditRotationOutOfBand changes a rotation as a user of the KMS UI would.
func (s *Server) EditRotationOutOfBand(id string, edit func(interval *int64, autoEnabled *bool, description **string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rot := s.st.Rotations[id]; rot != nil {
		edit(&rot.Interval, &rot.AutoEnabled, &rot.Description)
		rot.UpdatedAt = s.now()
		scheduleNext(rot, rot.LastManual, rot.UpdatedAt)
		s.persist()
	}
}

// AddOtherAppConnection stores a connection of another app (e.g. "aws") and
// returns its id: the Auth0 routes find it and refuse it, as upstream does.
func (s *Server) AddOtherAppConnection(app, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := &connection{ID: uuid.NewString(), Name: name, App: app, CreatedAt: now, UpdatedAt: now}
	s.st.Connections[c.ID] = c
	s.persist()
	return c.ID
}

// EditConnectionCredentialsOutOfBand changes a connection's credentials as a
// user of the KMS UI would: they are encrypted again (credentialsHash moves)
// and the Management API token kept with them is dropped, so the next use
// asks Auth0 with the new ones. edit gets the domain (with its https://),
// client id, client secret and audience.
func (s *Server) EditConnectionCredentialsOutOfBand(id string, edit func(domain, clientID, clientSecret, audience *string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.st.Connections[id]; c != nil {
		cr := &c.Credentials
		edit(&cr.Domain, &cr.ClientID, &cr.ClientSecret, &cr.Audience)
		cr.AccessToken, cr.ExpiresAt = "", 0
		s.sealCredentials(c)
		c.UpdatedAt = s.now()
		s.persist()
	}
}

// ConnectionClientSecret is a connection's stored client secret (tests).
func (s *Server) ConnectionClientSecret(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.st.Connections[id]; c != nil {
		return c.Credentials.ClientSecret
	}
	return ""
}

// ConnectionIDs lists every connection's id.
func (s *Server) ConnectionIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.st.Connections))
	for id := range s.st.Connections {
		ids = append(ids, id)
	}
	return ids
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
		sec = &secret{ID: randomSecret(8), ProjectID: projectID, Environment: env, Path: path, Key: name, CreatedAt: s.now()}
		s.st.Secrets[k] = sec
	}
	sec.Value = value
	sec.Version++
	sec.UpdatedAt = s.now()
}

// SetAIAccessPolicy sets the AI-access policy of a folder, as a project
// admin of a Hanzo KMS would; AIAccessAutoApprove removes it.
func (s *Server) SetAIAccessPolicy(projectID, env, path string, policy AIAccessPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.AIAccessPolicies == nil {
		s.st.AIAccessPolicies = map[string]AIAccessPolicy{}
	}
	key := secretKey(projectID, env, path, "")
	if policy == AIAccessAutoApprove {
		delete(s.st.AIAccessPolicies, key)
	} else {
		s.st.AIAccessPolicies[key] = policy
	}
	s.persist()
}

// AIReadRequests is how many read requests AI-access policies have queued
// for approval: one per held-back read.
func (s *Server) AIReadRequests() int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.aiReadRequests
}

// OIDCLogins lists the accepted OIDC logins of an identity, oldest first.
func (s *Server) OIDCLogins(identityID string) []OIDCLogin {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.st.OIDCIdentities[identityID]; ok {
		return append([]OIDCLogin(nil), o.Logins...)
	}
	return nil
}

// ConnectionCredentialsHash is a connection's credentialsHash as GET would
// answer it (tests), without a login whose token a moved clock has expired.
func (s *Server) ConnectionCredentialsHash(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.st.Connections[id]; c != nil {
		return c.credentialsHash()
	}
	return ""
}
