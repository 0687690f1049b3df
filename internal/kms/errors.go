package kms

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// APIError is every non-2xx answer of the KMS API, decoded from its JSON
// error body {"reqId", "statusCode", "message", "error"}. It carries no request
// or response body: only what the server chose to say, which never includes a
// secret.
type APIError struct {
	Method     string
	Path       string // the request path, without query
	StatusCode int
	ErrorName  string // the body's "error", e.g. "BadRequest", "NotFound"
	Message    string // a 422's array of issues is rendered as "field: issue; ..."
	ReqID      string

	// retryAfter is a 429's or 503's Retry-After header, when it had one.
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.ErrorName != "" {
		fmt.Fprintf(&b, " %s", e.ErrorName)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.ReqID != "" {
		fmt.Fprintf(&b, " (reqId %s)", e.ReqID)
	}
	return b.String()
}

// IsNotFound reports whether err is the API's 404.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// IsConflict reports whether err says that something with the same name (a
// rotation, or a mapped secret) already exists. The API answers these with 400.
func IsConflict(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest &&
		strings.Contains(apiErr.Message, "already exist")
}

// IsRotationInProgress reports whether err is the 400 answered while another
// rotation of the same configuration is running.
func IsRotationInProgress(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest &&
		strings.Contains(apiErr.Message, "rotation is already in progress")
}

// IsLoginLockContention reports whether err is the 429 a universal auth
// login gets while the server's lockout bookkeeping of refused logins is
// busy ("Failed to acquire lock"): the server answers it only to a login
// whose credentials it has just refused (Infisical's
// backend/src/services/identity-ua/identity-ua-service.ts), so it is a
// refusal, never retried.
func IsLoginLockContention(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests &&
		strings.Contains(strings.ToLower(apiErr.Message), "failed to acquire lock")
}

// IsRateLimited reports whether err is a rate limit's 429: the server
// refused the request before looking at it (the login routes are limited
// per client address before any credential is checked), so it may be sent
// again after the wait the server asks for. The lockout's 429 is not one.
func IsRateLimited(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && !IsLoginLockContention(err)
}

// retryInSeconds finds the wait in the rate limiter's message, "Rate limit
// exceeded. Please try again in N seconds", for an answer without a
// Retry-After header (a proxy may drop it).
var retryInSeconds = regexp.MustCompile(`(?i)try again in (\d+) seconds?`)

// RetryAfter is how long the server asked to wait before sending the request
// again: its Retry-After header, else the wait its message names. ok is false
// when it said neither.
func (e *APIError) RetryAfter() (wait time.Duration, ok bool) {
	if e.hasRetryAfter {
		return e.retryAfter, true
	}
	if m := retryInSeconds.FindStringSubmatch(e.Message); m != nil {
		if n, err := strconv.ParseInt(m[1], 10, 32); err == nil {
			return time.Duration(n) * time.Second, true
		}
	}
	return 0, false
}

// isTokenRejected reports whether the server refused the access token itself
// (expired or revoked), as opposed to refusing the action.
func isTokenRejected(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusUnauthorized ||
		(apiErr.StatusCode == http.StatusForbidden && apiErr.ErrorName == "TokenError")
}

// errorBody is the wire shape of every KMS error.
type errorBody struct {
	ReqID      string          `json:"reqId"`
	StatusCode int             `json:"statusCode"`
	Message    json.RawMessage `json:"message"`
	Error      string          `json:"error"`
}

// validationIssue is one entry of a 422's message array.
type validationIssue struct {
	Path    []any  `json:"path"`
	Message string `json:"message"`
}

// decodeAPIError builds an APIError from a response body. It never fails: a
// body that is not that shape becomes the status text, and nothing
// of an unexpected body is echoed back (it could hold anything).
func decodeAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{Method: method, Path: path, StatusCode: status}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		apiErr.ErrorName = eb.Error
		apiErr.ReqID = eb.ReqID
		apiErr.Message = renderMessage(eb.Message)
	}
	if apiErr.Message == "" {
		apiErr.Message = http.StatusText(status)
	}
	if apiErr.Message == "" {
		apiErr.Message = "unexpected answer"
	}
	return apiErr
}

func renderMessage(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	var issues []validationIssue
	if err := json.Unmarshal(raw, &issues); err == nil {
		parts := make([]string, 0, len(issues))
		for _, issue := range issues {
			field := make([]string, 0, len(issue.Path))
			for _, p := range issue.Path {
				field = append(field, fmt.Sprint(p))
			}
			if len(field) > 0 {
				parts = append(parts, strings.Join(field, ".")+": "+issue.Message)
			} else {
				parts = append(parts, issue.Message)
			}
		}
		return strings.Join(parts, "; ")
	}
	return "unexpected error message format"
}

// AmbiguousError says that a request that is not safe to repeat may or may not
// have been carried out by the server: the connection dropped, timed out, or
// the server failed with a 5xx after it may have acted.
type AmbiguousError struct {
	Method, Path string
	Err          error
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s %s: outcome unknown: %v", e.Method, e.Path, e.Err)
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err leaves the outcome of a request unknown.
func IsAmbiguous(err error) bool {
	var amb *AmbiguousError
	return errors.As(err, &amb)
}
