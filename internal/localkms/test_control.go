package localkms

// Test control: what tests read or change behind the API's back, as a user of
// the KMS UI would.

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
