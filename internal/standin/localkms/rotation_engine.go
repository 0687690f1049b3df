package localkms

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The rotation engine: a rotation's new secret from Auth0 into the inactive
// slot, the mapped secrets that follow the active slot, and the schedule.

// scheduleNext sets nextRotationAt as the server computes it: none when
// auto-rotation is off; after a failure, the next day at rotateAtUtc;
// otherwise the day of lastRotatedAt, at rotateAtUtc, plus rotationInterval
// days, and one day more when the last rotation was manual (create counts)
// and happened at or after that day's rotateAtUtc, so that a full interval
// passes.
func scheduleNext(r *rotation, manual bool, now time.Time) {
	if !r.AutoEnabled {
		r.NextRotationAt = nil
		return
	}
	if r.Status == rotationFailed {
		next := nextDayAt(now, r)
		r.NextRotationAt = &next
		return
	}
	d := r.LastRotatedAt.UTC()
	days := int(r.Interval)
	if manual && (d.Hour() > int(r.RotateAtHours) || d.Hour() == int(r.RotateAtHours) && d.Minute() >= int(r.RotateAtMinutes)) {
		days++
	}
	next := time.Date(d.Year(), d.Month(), d.Day(), int(r.RotateAtHours), int(r.RotateAtMinutes), 0, 0, time.UTC).AddDate(0, 0, days)
	r.NextRotationAt = &next
}

// nextDayAt is the day after now, at the rotation's rotateAtUtc.
func nextDayAt(now time.Time, r *rotation) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), int(r.RotateAtHours), int(r.RotateAtMinutes), 0, 0, time.UTC).AddDate(0, 0, 1)
}

// writeMappedSecrets puts the active credentials into both mapped secrets,
// a new version each time; the caller holds s.mu.
func (s *Server) writeMappedSecrets(rot *rotation) {
	active := rot.Slots[rot.ActiveIndex]
	for key, value := range map[string]string{rot.MapClientID: active.ClientID, rot.MapClientSecret: active.ClientSecret} {
		k := secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, key)
		sec := s.st.Secrets[k]
		if sec == nil {
			sec = &secret{ID: uuid.NewString(), ProjectID: rot.ProjectID, Environment: rot.Environment, Path: rot.FolderPath, Key: key, RotationID: rot.ID,
				CreatedAt: s.now()}
			s.st.Secrets[k] = sec
		}
		if sec.Value != value || sec.Version == 0 {
			sec.Value = value
			sec.Version++
			sec.UpdatedAt = s.now()
		}
	}
}

func (s *Server) renameSecret(rot *rotation, from, to string) {
	if from == to {
		return
	}
	oldKey := secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, from)
	sec := s.st.Secrets[oldKey]
	if sec == nil {
		return
	}
	delete(s.st.Secrets, oldKey)
	sec.Key = to
	sec.Version++
	sec.UpdatedAt = s.now()
	s.st.Secrets[secretKey(rot.ProjectID, rot.Environment, rot.FolderPath, to)] = sec
}

// recordRotation writes new credentials into the inactive slot, flips the
// active slot and updates both mapped secrets; the caller holds s.mu.
func (s *Server) recordRotation(rot *rotation, cred credential, now time.Time, manual bool) {
	next := (rot.ActiveIndex + 1) % 2
	rot.Slots[next] = cred
	rot.ActiveIndex = next
	rot.Status = rotationSucceeded
	rot.LastMessage = nil
	rot.LastAttemptedAt, rot.LastRotatedAt = now, now
	rot.LastManual = manual
	rot.FailedTries, rot.RetryAt = 0, nil
	if manual {
		rot.LastJobID = nil
	} else {
		job := uuid.NewString()
		rot.LastJobID = &job
	}
	rot.UpdatedAt = now
	scheduleNext(rot, manual, now)
	s.writeMappedSecrets(rot)
}

// rotate performs one rotation of rot now; the caller holds s.mu, which is
// released while Auth0 is called.
func (s *Server) rotate(rot *rotation, manual bool) error {
	if rot.inProgress {
		return errInProgress
	}
	rot.inProgress = true
	conn := s.st.Connections[rot.ConnectionID]
	if conn == nil {
		rot.inProgress = false
		return fmt.Errorf("the app connection %s no longer exists", rot.ConnectionID)
	}
	connectionID, appID := conn.ID, rot.AppClientID
	var newSecret string
	var err error
	s.withoutLock(func() { newSecret, err = s.issueClientSecret(connectionID, appID) })
	rot.inProgress = false
	now := s.now()
	if err != nil {
		rot.LastAttemptedAt = now
		return err
	}
	if s.st.Rotations[rot.ID] != rot {
		// Deleted while Auth0 was asked (a delete takes no rotation lock):
		// the new secret has nowhere to go.
		return errRotationDeleted
	}
	s.recordRotation(rot, credential{ClientID: appID, ClientSecret: newSecret}, now, manual)
	return nil
}

var (
	errInProgress      = errors.New("a rotation is already in progress")
	errRotationDeleted = errors.New("the rotation was deleted while it rotated")
)

// recordFailure marks the rotation failed after its last attempt, as the
// server does: the reason in lastRotationMessage and nextRotationAt the next
// day at rotateAtUtc, even when auto-rotation is off (the schedule skips it
// then). isLastRotationManual keeps its value. The caller holds s.mu.
func (s *Server) recordFailure(rot *rotation, err error) {
	now := s.now()
	msg := failureMessage(err)
	rot.Status, rot.LastMessage = rotationFailed, &msg
	rot.LastAttemptedAt = now
	rot.FailedTries, rot.RetryAt = 0, nil
	next := nextDayAt(now, rot)
	rot.NextRotationAt = &next
	rot.UpdatedAt = now
}

// failureMessage is lastRotationMessage: a sentence about generating
// credentials, then Auth0's answer, at most 1024 characters.
func failureMessage(err error) string {
	msg := "Failed to generate new credentials: " + err.Error()
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	return msg
}

// withoutLock runs f with s.mu released, for a call to Auth0 that must not
// hold up other requests; the caller holds s.mu, and holds it again after.
func (s *Server) withoutLock(f func()) {
	s.mu.Unlock()
	defer s.mu.Lock()
	f()
}
