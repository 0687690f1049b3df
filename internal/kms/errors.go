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
	// Host is the KMS base URL the request went to (never a secret: a host
	// with credentials is refused), for messages about the server itself.
	Host string
	// fromService is set when the body is the server's own error handler's
	// answer: JSON with a reqId and an error name. Fastify's answer for a
	// route it does not know has neither a reqId nor that name, and a proxy's
	// answer is not that JSON at all.
	fromService bool

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

// fastifyNotFoundName is the error name of Fastify's default answer to a
// request no route matches: 404 {"message": "Route GET:/api/... not found",
// "error": "Not Found", "statusCode": 404}, with no reqId (Fastify's
// lib/fourOhFour.js; the KMS sets no not-found handler of its own, and in
// standalone mode its UI route hands /api paths back to it). The service's
// own not-found, from Infisical's backend/src/server/plugins/error-handler.ts
// for a NotFoundError (backend/src/lib/errors), carries a reqId and the
// error's name, "NotFound".
const fastifyNotFoundName = "Not Found"

// IsNotFound reports whether err is the KMS service's own 404: the object
// asked for does not exist. A 404 for a route the server does not serve is
// not one (see IsRouteNotFound): nothing may be taken as deleted from it.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.fromService
}

// IsRouteNotFound reports whether err is a 404 the KMS service did not
// answer: no route at that path (Fastify's own 404), a wrong path prefix in
// the host, a KMS build that does not serve the feature, or something other
// than the KMS answering. It says nothing about whether the object exists.
func IsRouteNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.RouteNotFound()
}

// RouteNotFound reports whether e is a 404 the KMS service did not answer.
func (e *APIError) RouteNotFound() bool {
	return e.StatusCode == http.StatusNotFound && !e.fromService
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
		apiErr.fromService = eb.ReqID != "" && eb.Error != "" && eb.Error != fastifyNotFoundName
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

// WebPageError says that the server answered an API request with a web page
// (HTML) and a 2xx status. A KMS in standalone mode (its container image)
// serves its web app for every GET outside /api (Infisical's
// backend/src/server/plugins/serve-ui.ts), so this is what a host with a
// wrong path prefix answers to a read. It says nothing about the object.
type WebPageError struct {
	Method, Path string
	Host         string
}

func (e *WebPageError) Error() string {
	return fmt.Sprintf("%s %s: the server at %s answered with a web page (HTML), not the KMS API: "+
		"a KMS serves its web app at every path outside /api, so the host's path prefix is probably wrong",
		e.Method, e.Path, e.Host)
}

// IsWebPage reports whether err is a *WebPageError.
func IsWebPage(err error) bool {
	var e *WebPageError
	return errors.As(err, &e)
}

// isWebPage reports whether a 2xx answer is an HTML page rather than JSON.
func isWebPage(contentType string, body []byte) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	if strings.EqualFold(strings.TrimSpace(mediaType), "text/html") {
		return true
	}
	trimmed := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(strings.ToLower(trimmed), "<!doctype html") || strings.HasPrefix(strings.ToLower(trimmed), "<html")
}
