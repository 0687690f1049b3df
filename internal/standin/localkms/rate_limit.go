package localkms

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The rate limiter in front of the login routes. The server limits every
// route per client address with @fastify/rate-limit (Infisical's
// backend/src/server/config/rateLimiter.ts; the login and renew routes take
// the write limit, per minute) in a preValidation hook: before the route's
// handler, so before any credential is looked at. A limited request gets
// 429 with the limiter's headers (x-ratelimit-limit, x-ratelimit-remaining
// 0, x-ratelimit-reset and retry-after, both the seconds left in the
// window, rounded up) and the body the server's error handler gives its
// RateLimitError: error "RateLimitExceeded", message "Rate limit exceeded.
// Please try again in N seconds".

// loginRoutes are the routes a client logs in (or renews) with.
var loginRoutes = map[string]bool{
	"POST /api/v1/auth/universal-auth/login": true,
	"POST /api/v1/auth/oidc-auth/login":      true,
	"POST /api/v1/auth/token/renew":          true,
}

// loginRateLimit is the write limit's size, answered in x-ratelimit-limit.
const loginRateLimit = 200

// RateLimitLogins makes the login routes (universal auth, OIDC, token renew)
// answer as the server's rate limiter does when other clients behind the
// same address have used up the window: the next login opens a window of d,
// and every login in it is refused before its credentials are read, with
// the seconds left in the window as Retry-After. The window opens at that
// login, not at this call, so that however long the client takes to get
// there (a CLI starting on a busy machine), the first refusal says the
// seconds of d, rounded up, and the window is still open. 0 lifts the limit.
func (s *Server) RateLimitLogins(d time.Duration) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.loginRateLimitWindow, s.loginsLimitedUntil = d, time.Time{}
}

// RateLimitedRequests is how many requests to route the rate limiter
// refused since the last ResetCounters.
func (s *Server) RateLimitedRequests(route string) int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.rateLimited[route]
}

// refuseRateLimitedLogin answers a login route's request as the limiter does
// while the window is used up, and reports whether it did.
func (s *Server) refuseRateLimitedLogin(route string, w http.ResponseWriter) bool {
	if !loginRoutes[route] {
		return false
	}
	s.statsMu.Lock()
	now := s.now()
	if s.loginRateLimitWindow > 0 && s.loginsLimitedUntil.IsZero() {
		s.loginsLimitedUntil = now.Add(s.loginRateLimitWindow)
	}
	left := s.loginsLimitedUntil.Sub(now)
	if left <= 0 {
		// The window has passed: logins are not limited again.
		s.loginRateLimitWindow = 0
	} else {
		if s.rateLimited == nil {
			s.rateLimited = map[string]int{}
		}
		s.rateLimited[route]++
	}
	s.statsMu.Unlock()
	if left <= 0 {
		return false
	}
	seconds := int64(math.Ceil(left.Seconds()))
	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(loginRateLimit))
	h.Set("x-ratelimit-remaining", "0")
	h.Set("x-ratelimit-reset", strconv.FormatInt(seconds, 10))
	h.Set("retry-after", strconv.FormatInt(seconds, 10))
	apiError(w, http.StatusTooManyRequests, "RateLimitExceeded", fmt.Sprintf("Rate limit exceeded. Please try again in %d seconds", seconds))
	return true
}
