package localkms

import (
	"context"
	"time"
)

const maxScheduledTries = 5

// Tick performs every automatic rotation that is due by the server's clock.
// A failed attempt is retried on later ticks with backoff (1, 2, 4, 8
// minutes); after the fifth the rotation is marked failed, with the reason in
// lastRotationMessage, and its next attempt moves to the next day. It returns
// how many rotations it attempted.
func (s *Server) Tick() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	attempted := 0
	for _, rot := range s.st.Rotations {
		if !rot.AutoEnabled || rot.NextRotationAt == nil || rot.inProgress || rot.creating() {
			continue
		}
		if now.Before(*rot.NextRotationAt) || (rot.RetryAt != nil && now.Before(*rot.RetryAt)) {
			continue
		}
		attempted++
		err := s.rotate(rot, false) // releases s.mu while Auth0 is called
		if err == nil || err == errInProgress {
			continue
		}
		now = s.now()
		rot.FailedTries++
		if rot.FailedTries < maxScheduledTries {
			retry := now.Add(time.Minute << (rot.FailedTries - 1))
			rot.RetryAt = &retry
			continue
		}
		s.recordFailure(rot, err)
	}
	if attempted > 0 {
		s.persist()
	}
	return attempted
}

// RunScheduler ticks every interval until ctx ends.
func (s *Server) RunScheduler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Tick()
		}
	}
}
