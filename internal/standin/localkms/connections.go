package localkms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

type connection struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	ProjectID   *string `json:"projectId"`
	// App is empty for an Auth0 connection; another app's connection (see
	// AddOtherAppConnection) exists only to be refused by the Auth0 routes.
	App         string           `json:"app,omitempty"`
	Credentials auth0Credentials `json:"credentials"`
	// SealedCredentials are Credentials encrypted, sealed again at every
	// write of them; credentialsHash is their hash.
	SealedCredentials []byte    `json:"sealedCredentials,omitempty"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

// connectionJSON is the answer of every connection route. An older release
// (Options.OlderRelease) has no project-scoped connections: its
// appConnection has no projectId field (the response schemas of
// backend/src/services/app-connection/app-connection-schemas.ts as of
// 2025-06-22 have none), and its create body schema strips a projectId sent.
func (s *Server) connectionJSON(c *connection) map[string]any {
	conn := map[string]any{
		"id": c.ID, "name": c.Name, "description": c.Description, "app": "auth0", "method": "client-credentials",
		"credentials":     map[string]any{"domain": c.Credentials.Domain, "clientId": c.Credentials.ClientID, "audience": c.Credentials.Audience},
		"credentialsHash": c.credentialsHash(), "projectId": c.ProjectID, "version": 1,
		"createdAt": formatTime(c.CreatedAt), "updatedAt": formatTime(c.UpdatedAt),
		"orgId": "local", "isPlatformManagedCredentials": false,
	}
	if s.olderRelease.Load() {
		delete(conn, "projectId")
	}
	return map[string]any{"appConnection": conn}
}

type connectionBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Method      *string `json:"method"`
	ProjectID   *string `json:"projectId"`
	Credentials *struct {
		Domain       string `json:"domain"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		Audience     string `json:"audience"`
	} `json:"credentials"`
}

// validate applies the server's rules to a create (create) or update body.
// Like the server's schemas, it trims the description and every credential
// before checking them (backend/src/services/app-connection/
// app-connection-schemas.ts and auth0/auth0-connection-schemas.ts): what is
// stored is the trimmed value.
func (b *connectionBody) validate(create bool) []issue {
	var issues []issue
	add := func(msg string, path ...any) {
		issues = append(issues, issue{Code: "custom", Path: path, Message: msg})
	}
	if b.Name == nil && create {
		add("Required", "name")
	}
	if b.Name != nil && (len(*b.Name) > 64 || !slugRe.MatchString(*b.Name)) {
		add("name field can only contain lowercase letters, numbers, and hyphens (1-64 characters)", "name")
	}
	if b.Description != nil {
		trimmed := jsTrim(*b.Description)
		b.Description = &trimmed
		if jsLength(trimmed) > 256 {
			add("Description cannot exceed 256 characters", "description")
		}
	}
	if create && (b.Method == nil || *b.Method != "client-credentials") {
		add("Invalid enum value. Expected 'client-credentials'", "method")
	}
	if b.Credentials == nil && create {
		add("Required", "credentials")
	}
	if c := b.Credentials; c != nil {
		for _, f := range []struct {
			field, required string
			value           *string
		}{
			{"domain", "Domain required", &c.Domain},
			{"clientId", "Client ID required", &c.ClientID},
			{"clientSecret", "Client Secret required", &c.ClientSecret},
			{"audience", "Audience required", &c.Audience},
		} {
			*f.value = jsTrim(*f.value)
			if *f.value == "" {
				add(f.required, "credentials", f.field)
			}
		}
	}
	return issues
}

// checkCredentials asks Auth0 for a Management API token, as the server
// does before it stores new credentials, and keeps the token with them.
func (s *Server) checkCredentials(w http.ResponseWriter, creds *auth0Credentials) bool {
	if localHostName(creds.Domain) {
		apiError(w, 400, "BadRequest", "Local IPs not allowed as URL")
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	token, expiresAt, err := s.managementToken(ctx, *creds)
	if err != nil {
		// The server passes on its HTTP library's own message, not Auth0's
		// error (backend/src/services/app-connection/auth0/auth0-connection-fns.ts).
		var refused *auth0TokenError
		message := "Unable to validate connection: verify credentials"
		if errors.As(err, &refused) && refused.status != 0 {
			message = fmt.Sprintf("Request failed with status code %d", refused.status)
		}
		apiError(w, 400, "BadRequest", message)
		return false
	}
	creds.AccessToken, creds.ExpiresAt = token, expiresAt.UnixMilli()
	return true
}

// localHostName reports whether the server refuses a URL as local before
// asking it anything: the host names localhost and host.docker.internal are
// refused always (outside development mode); an IPv4 address, or the
// addresses a name resolves to, only when private and the server does not
// allow internal connections (blockLocalAndPrivateIpAddresses in
// backend/src/lib/validator/validate-url.ts, run on the connection's domain
// by getAuth0ConnectionAccessToken in backend/src/services/app-connection/
// auth0/auth0-connection-fns.ts). The local KMS allows internal
// connections, as ALLOW_INTERNAL_IP_CONNECTIONS=true does (its tenant is on
// 127.0.0.1), so only the two names are refused.
func localHostName(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "localhost" || host == "host.docker.internal"
}

func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) {
	var body connectionBody
	if !decodeBody(w, r, &body) {
		return
	}
	if issues := body.validate(true); len(issues) > 0 {
		validationError(w, issues)
		return
	}
	creds := auth0Credentials{
		Domain: normalizeDomain(body.Credentials.Domain), ClientID: body.Credentials.ClientID,
		ClientSecret: body.Credentials.ClientSecret, Audience: body.Credentials.Audience,
	}
	s.mu.Lock()
	for _, c := range s.st.Connections {
		if c.Name == *body.Name {
			s.mu.Unlock()
			apiError(w, 400, "BadRequest", fmt.Sprintf("An App Connection with the name %q already exists", *body.Name))
			return
		}
	}
	s.mu.Unlock()
	if !s.checkCredentials(w, &creds) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := &connection{ID: uuid.NewString(), Name: *body.Name, Description: body.Description, Credentials: creds, CreatedAt: now, UpdatedAt: now}
	s.sealCredentials(c)
	if body.ProjectID != nil && *body.ProjectID != "" && !s.olderRelease.Load() {
		c.ProjectID = body.ProjectID
	}
	s.st.Connections[c.ID] = c
	s.persist()
	writeJSON(w, 200, s.connectionJSON(c))
}

func (s *Server) lookupConnection(w http.ResponseWriter, r *http.Request) *connection {
	id := r.PathValue("id")
	if !uuidRe.MatchString(id) {
		validationError(w, []issue{{Code: "invalid_string", Validation: "uuid", Path: []any{"connectionId"}, Message: "Invalid uuid"}})
		return nil
	}
	c := s.st.Connections[id]
	if c == nil {
		apiError(w, 404, "NotFound", fmt.Sprintf("Could not find App Connection with ID %s", id))
		return nil
	}
	if c.App != "" {
		// Upstream finds the connection first, then refuses it for the route's app.
		apiError(w, 400, "BadRequest", fmt.Sprintf("App Connection with ID %s is not for App \"auth0\"", id))
		return nil
	}
	return c
}

func (s *Server) getConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lookupConnection(w, r); c != nil {
		writeJSON(w, 200, s.connectionJSON(c))
	}
}

func (s *Server) updateConnection(w http.ResponseWriter, r *http.Request) {
	var body connectionBody
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
	c := s.lookupConnection(w, r)
	s.mu.Unlock()
	if c == nil {
		return
	}
	var creds *auth0Credentials
	if body.Credentials != nil {
		creds = &auth0Credentials{
			Domain: normalizeDomain(body.Credentials.Domain), ClientID: body.Credentials.ClientID,
			ClientSecret: body.Credentials.ClientSecret, Audience: body.Credentials.Audience,
		}
		if !s.checkCredentials(w, creds) {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if body.Name != nil {
		c.Name = *body.Name
	}
	if hasDescription {
		c.Description = body.Description
	}
	if creds != nil {
		// Only new credentials are encrypted again; a change of name or
		// description leaves credentialsHash as it was.
		c.Credentials = *creds
		s.sealCredentials(c)
	}
	c.UpdatedAt = s.now()
	s.persist()
	writeJSON(w, 200, s.connectionJSON(c))
}

func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupConnection(w, r)
	if c == nil {
		return
	}
	for _, rot := range s.st.Rotations {
		if rot.ConnectionID == c.ID {
			// The server's words for a connection still in use (a foreign key
			// refuses the delete).
			apiError(w, 400, "BadRequest", "Cannot delete App Connection with existing connections. Remove all existing connections and try again.")
			return
		}
	}
	delete(s.st.Connections, c.ID)
	s.persist()
	writeJSON(w, 200, s.connectionJSON(c))
}

// listConnectionClients is only for user sessions upstream (verifyAuth with
// AuthMode.JWT only, backend/src/server/routes/v1/app-connection-routers/
// auth0-connection-router.ts); machine identities (the only kind of token
// here) are refused by the hook before the route's parameters are checked:
// a ForbiddenRequestError named after the request URL
// (backend/src/server/plugins/auth/verify-auth.ts), answered with the
// error's default message (backend/src/lib/errors/index.ts).
func (s *Server) listConnectionClients(w http.ResponseWriter, r *http.Request) {
	apiError(w, 403, "Forbidden access to "+r.URL.RequestURI(), "You are not allowed to access this resource")
}
