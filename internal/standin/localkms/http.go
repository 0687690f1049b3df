package localkms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/google/uuid"
)

const rotationsBase = "/api/v2/secret-rotations/auth0-client-secret"

// routes builds the handler: every route, or (Options.WithoutRotationRoutes,
// or SetRotationRoutes(false) at run time) every route but the secret
// rotations', as a KMS build that registers no secret-rotation router; and
// the current read routes, or (Options.OlderRelease, SetOlderRelease) those
// of an older release.
func (s *Server) routes() http.Handler {
	type variant struct{ withRotations, olderRelease bool }
	muxes := map[variant]*http.ServeMux{}
	for _, withRotations := range []bool{true, false} {
		for _, older := range []bool{true, false} {
			muxes[variant{withRotations, older}] = s.mux(withRotations, older)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		muxes[variant{!s.rotationRoutesOff.Load(), s.olderRelease.Load()}].ServeHTTP(w, r)
	})
}

func (s *Server) mux(withRotations, olderRelease bool) *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern string, authenticated bool, h func(w http.ResponseWriter, r *http.Request)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.serve(pattern, authenticated, h, w, r)
		})
	}
	// absent is a route the release does not have: Fastify's 404, counted
	// under the route too, so that tests see who asked for it.
	absent := func(pattern string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.statsMu.Lock()
			s.countArrival(pattern)
			s.statsMu.Unlock()
			s.routeNotFound(w, r)
		})
	}
	handle("POST /api/v1/auth/universal-auth/login", false, s.login)
	handle("POST /api/v1/auth/token/renew", false, s.renew)
	handle("POST /api/v1/auth/oidc-auth/login", false, s.oidcLogin)
	handle("POST /api/v1/auth/kubernetes-auth/login", false, s.kubernetesLogin)
	handle("POST /api/v1/auth/aws-auth/login", false, s.awsLogin)
	handle("POST /api/v1/auth/gcp-auth/login", false, s.gcpLogin)
	handle("POST /api/v1/auth/azure-auth/login", false, s.azureLogin)

	if withRotations {
		handle("POST "+rotationsBase, true, s.createRotation)
		handle("GET "+rotationsBase, true, s.listRotations)
		handle("GET "+rotationsBase+"/{id}", true, s.getRotation)
		handle("PATCH "+rotationsBase+"/{id}", true, s.updateRotation)
		handle("DELETE "+rotationsBase+"/{id}", true, s.deleteRotation)
		handle("POST "+rotationsBase+"/{id}/rotate-secrets", true, s.rotateNow)
		// The two GET routes below overlap in ServeMux's eyes (a rotation named
		// "generated-credentials"); one pattern takes both and tells them apart.
		byNameRoute := "GET " + rotationsBase + "/rotation-name/{name}"
		credentialsRoute := "GET " + rotationsBase + "/{id}/generated-credentials"
		mux.HandleFunc("GET "+rotationsBase+"/{first}/{second}", func(w http.ResponseWriter, r *http.Request) {
			first, second := r.PathValue("first"), r.PathValue("second")
			switch {
			case first == "rotation-name":
				r.SetPathValue("name", second)
				s.serve(byNameRoute, true, s.getRotationByName, w, r)
			case second == "generated-credentials":
				r.SetPathValue("id", first)
				s.serve(credentialsRoute, true, s.generatedCredentials, w, r)
			default:
				s.routeNotFound(w, r)
			}
		})
	}

	handle("POST /api/v1/app-connections/auth0", true, s.createConnection)
	handle("GET /api/v1/app-connections/auth0/{id}", true, s.getConnection)
	handle("PATCH /api/v1/app-connections/auth0/{id}", true, s.updateConnection)
	handle("DELETE /api/v1/app-connections/auth0/{id}", true, s.deleteConnection)
	handle("GET /api/v1/app-connections/auth0/{id}/clients", true, s.listConnectionClients)

	if olderRelease {
		handle("GET /api/v3/secrets/raw", true, s.listSecretsV3)
		handle("GET /api/v3/secrets/raw/{name}", true, s.getSecretV3OlderRelease)
		handle("GET /api/v1/folders", true, s.listFoldersV1)
		handle("GET /api/v1/workspace/{workspaceId}", true, s.getWorkspace)
		for _, pattern := range newerReadRoutes {
			absent(pattern)
		}
	} else {
		handle("GET /api/v4/secrets", true, s.listSecretsV4)
		handle("GET /api/v4/secrets/{name}", true, s.getSecretV4)
		handle("GET /api/v2/folders", true, s.listFolders)
		handle("GET /api/v1/projects/{projectId}", true, s.getProject)
		handle("GET /api/v3/secrets/raw/{name}", true, s.getSecretV3)
	}

	mux.HandleFunc("/", s.webAppOrRouteNotFound)
	return mux
}

// newerReadRoutes are the routes an older release does not serve.
var newerReadRoutes = []string{"GET /api/v4/secrets", "GET /api/v4/secrets/{name}", "GET /api/v2/folders", "GET /api/v1/projects/{projectId}"}

// webAppRoute is the counter of requests the web app's catch-all answered.
const webAppRoute = "GET /* (web app)"

// webAppOrRouteNotFound answers a request no API route serves. A KMS in
// standalone mode (its container image) serves its web app for every GET
// whose URL does not start with /api, with 200 and the app's index.html
// (backend/src/server/plugins/serve-ui.ts); everything else gets Fastify's
// 404. So a host with a wrong path prefix gets a web page for its reads and
// the 404 for its writes.
func (s *Server) webAppOrRouteNotFound(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.RequestURI(), "/api") {
		s.takeFault(webAppRoute)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\" /><title>Hanzo KMS</title></head>"+
			"<body><div id=\"root\"></div></body></html>\n")
		return
	}
	s.routeNotFound(w, r)
}

// unmatchedRoute is the counter of requests no route served.
const unmatchedRoute = "unmatched"

// routeNotFound answers a request no route serves as Fastify's default
// not-found handler does (lib/fourOhFour.js; the KMS sets none of its own):
// 404 with the method and the raw URL, query included, the HTTP reason as
// the error name, and no reqId: it never reaches the service's error handler.
func (s *Server) routeNotFound(w http.ResponseWriter, r *http.Request) {
	s.takeFault(unmatchedRoute)
	s.logf("kms %s %s -> 404 (no route)", r.Method, r.URL.Path)
	writeJSON(w, http.StatusNotFound, map[string]any{
		"message":    fmt.Sprintf("Route %s:%s not found", r.Method, r.URL.RequestURI()),
		"error":      "Not Found",
		"statusCode": http.StatusNotFound,
	})
}

// serve counts the request, applies an injected fault, checks the access
// token and logs one line (never a body).
func (s *Server) serve(route string, authenticated bool, h func(http.ResponseWriter, *http.Request), w http.ResponseWriter, r *http.Request) {
	status := 0
	defer func() { s.logf("kms %s -> %d", route, status) }()

	if s.answersAsNewerServer() {
		nw := &newerServerWriter{ResponseWriter: w}
		defer nw.finish()
		w = nw
	}
	fault := s.takeFault(route)
	// hold applies an injected Delay; false when the client hung up meanwhile.
	hold := func() bool {
		if fault == nil || fault.Delay <= 0 {
			return true
		}
		select {
		case <-time.After(fault.Delay):
			return true
		case <-r.Context().Done():
			s.noteAbandoned(route)
			return false
		}
	}
	if fault != nil {
		if fault.OnFire != nil {
			fault.OnFire()
		}
		if fault.Status != 0 {
			if !hold() {
				return
			}
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			status = fault.Status
			message := "Injected fault"
			if fault.Message != "" {
				message = fault.Message
			}
			apiError(w, fault.Status, errorName(fault.Status), message)
			return
		}
		if fault.ExpireTokens {
			s.ExpireAllTokens()
		}
		if fault.ExpireTokensByTTL {
			s.ExpireAllTokensByTTL()
		}
		if fault.DropBeforeAct {
			status = -1
			dropConnection(w)
			return
		}
	}
	if authenticated {
		if ok, code := s.authenticate(w, r); !ok {
			status = code
			return
		}
	}
	if emptyJSONBody(r) || bodyWithoutContentType(r) {
		status = http.StatusInternalServerError
		refuseUnparsableBody(w)
		return
	}
	if s.refuseRateLimitedLogin(route, w) {
		status = http.StatusTooManyRequests
		return
	}
	// A slow request is held after its token was accepted, as a slow server
	// checks the token on arrival: the token may expire during the hold.
	if !hold() {
		return
	}
	if fault != nil && fault.DropAfterAct {
		rec := httptest.NewRecorder()
		h(rec, r)
		status = -rec.Code
		dropConnection(w)
		return
	}
	rec := &statusWriter{ResponseWriter: w, status: 200}
	h(rec, r)
	status = rec.status
}

// emptyJSONBody reports whether r says its body is JSON but carries none,
// which the server's framework (Fastify) refuses before the route runs. It
// parses a body only for methods that may carry one: POST, PUT and PATCH
// always, DELETE and OPTIONS only when a length or transfer encoding is
// given; GET and HEAD never.
func emptyJSONBody(r *http.Request) bool {
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !strings.EqualFold(strings.TrimSpace(mediaType), "application/json") {
		return false
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	case http.MethodDelete, http.MethodOptions:
		if r.Header.Get("Content-Length") == "" && len(r.TransferEncoding) == 0 {
			return false
		}
	default:
		return false
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return len(bytes.TrimSpace(body)) == 0
}

// bodyWithoutContentType reports whether r is a POST, PUT or PATCH that
// frames a body (a transfer encoding, or a Content-Length other than 0) but
// names no content type. Fastify (lib/handleRequest.js) takes such a request
// as having a body and looks for the parser of an empty content type; there
// is none, so it raises FST_ERR_CTP_INVALID_MEDIA_TYPE (415). Without a body
// framing (no Content-Length, or 0, and no transfer encoding) the body is not
// parsed and the route runs; DELETE and OPTIONS are parsed only when they
// name a content type. A chunked empty body is such a request: that is what
// Go's client sends for an empty body reader of unknown length.
func bodyWithoutContentType(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return false
	}
	if _, named := r.Header["Content-Type"]; named {
		return false
	}
	return len(r.TransferEncoding) > 0 || r.ContentLength > 0
}

// refuseUnparsableBody answers a body the framework refused before the route
// ran, as the server does. Fastify raises its own errors
// (FST_ERR_CTP_EMPTY_JSON_BODY, 400, for an empty body labelled JSON;
// FST_ERR_CTP_INVALID_MEDIA_TYPE, 415, for a body without a content type),
// but the server's error handler (backend/src/server/plugins/error-handler.ts)
// knows only its own error classes and turns any other error into its
// generic 500: {reqId, statusCode: 500, error: "InternalServerError",
// message: "Something went wrong"}.
func refuseUnparsableBody(w http.ResponseWriter) {
	apiError(w, http.StatusInternalServerError, "InternalServerError", "Something went wrong")
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func errorName(status int) string {
	switch status {
	case 400:
		return "BadRequest"
	case 401:
		return "UnauthorizedError"
	case 403:
		return "PermissionDenied"
	case 404:
		return "NotFound"
	case 422:
		return "ValidationFailure"
	case 429:
		return "RateLimitExceeded"
	case 500:
		return "InternalServerError"
	case 502:
		return "BadGateway"
	case 503:
		return "ServiceUnavailable"
	case 504:
		return "GatewayTimeout"
	}
	return http.StatusText(status)
}

func apiError(w http.ResponseWriter, status int, name string, message any) {
	writeJSON(w, status, map[string]any{
		"reqId": "req-" + uuid.NewString()[:13], "statusCode": status, "message": message, "error": name,
	})
}

// issue is one entry of a 422 ValidationFailure: a zod issue, with the
// fields zod adds for its code (unset ones are left out): invalid_type has
// expected and received; invalid_enum_value options and received;
// invalid_string validation; too_small and too_big minimum or maximum,
// inclusive, exact and type.
type issue struct {
	Code       string `json:"code"`
	Expected   any    `json:"expected,omitempty"`
	Received   any    `json:"received,omitempty"`
	Options    []any  `json:"options,omitempty"`
	Validation any    `json:"validation,omitempty"`
	Minimum    any    `json:"minimum,omitempty"`
	Maximum    any    `json:"maximum,omitempty"`
	Type       string `json:"type,omitempty"`
	Inclusive  any    `json:"inclusive,omitempty"`
	Exact      any    `json:"exact,omitempty"`
	Path       []any  `json:"path"`
	Message    string `json:"message"`
}

func validationError(w http.ResponseWriter, issues []issue) {
	apiError(w, 422, "ValidationFailure", issues)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decodeBody reads a JSON object, or answers 422.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		validationError(w, []issue{{Code: "invalid_type", Path: []any{}, Message: "Expected a JSON object body: " + err.Error()}})
		return false
	}
	return true
}

// decodePatch reads a PATCH body into v and also says which fields it holds,
// so that a field sent as null (clear it) differs from one left out (keep it).
func decodePatch(w http.ResponseWriter, r *http.Request, v any) (present map[string]json.RawMessage, ok bool) {
	raw, _ := io.ReadAll(r.Body)
	if json.Unmarshal(raw, v) != nil || json.Unmarshal(raw, &present) != nil {
		validationError(w, []issue{{Code: "invalid_type", Path: []any{}, Message: "Expected a JSON object body"}})
		return nil, false
	}
	return present, true
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}
