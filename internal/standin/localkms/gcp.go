package localkms

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// GCPIdentity is a machine identity with GCP Auth, configured as on the
// server (Infisical's backend/src/services/identity-gcp-auth/).
type GCPIdentity struct {
	ID string `json:"id"`
	// Type is "gce" (a metadata server identity token) or "iam" (a JWT signed
	// by the IAM Credentials API for a service account).
	Type string `json:"type"`
	// AllowedServiceAccounts, AllowedProjects and AllowedZones: comma
	// separated, "" allows any; projects and zones apply to gce only.
	AllowedServiceAccounts string `json:"allowedServiceAccounts,omitempty"`
	AllowedProjects        string `json:"allowedProjects,omitempty"`
	AllowedZones           string `json:"allowedZones,omitempty"`
	AccessTokenTTL         *int64 `json:"accessTokenTTL,omitempty"`
	AccessTokenMaxTTL      *int64 `json:"accessTokenMaxTTL,omitempty"`
	// Logins are the service accounts of the accepted logins, in order.
	Logins []string `json:"logins,omitempty"`
}

// AddGCPIdentity adds (or replaces) an identity with GCP Auth.
func (s *Server) AddGCPIdentity(g GCPIdentity) error {
	if g.ID == "" || (g.Type != "gce" && g.Type != "iam") {
		return errors.New("local kms: a GCP identity needs an id and a type, gce or iam")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.GCPIdentities == nil {
		s.st.GCPIdentities = map[string]*GCPIdentity{}
	}
	s.st.GCPIdentities[g.ID] = &g
	s.persist()
	return nil
}

// GCPLogins lists the service accounts an identity's accepted logins carried.
func (s *Server) GCPLogins(identityID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.st.GCPIdentities[identityID]; ok {
		return append([]string(nil), g.Logins...)
	}
	return nil
}

// Where the server fetches Google's keys; Options replace them in tests.
const (
	googleOAuth2CertsURL = "https://www.googleapis.com/oauth2/v1/certs"
	googleSACertsURL     = "https://www.googleapis.com/service_accounts/v1/metadata/x509/"
)

func (s *Server) googleOAuth2CertsURL() string {
	if s.opts.GoogleOAuth2CertsURL != "" {
		return s.opts.GoogleOAuth2CertsURL
	}
	return googleOAuth2CertsURL
}

func (s *Server) googleServiceAccountCertsURL(email string) string {
	if s.opts.GoogleServiceAccountCertsURL != nil {
		return s.opts.GoogleServiceAccountCertsURL(email)
	}
	return googleSACertsURL + url.PathEscape(email)
}

// serviceAccountEmail is the server's pattern for an iam login's sub: a
// user-managed service account (name@project.iam.gserviceaccount.com).
var serviceAccountEmail = regexp.MustCompile(`^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$`)

// gcpLogin checks the JWT as the server does: 404 without GCP Auth; gce:
// google-auth-library's checks against Google's OAuth2 certificates, whose
// failures the server does not catch (500), then an email (401); iam: the
// sub's form (401), the service account's certificates (a failed fetch is
// a 500), the signature and expiry (403 TokenError), the audience (401);
// then the allowed service accounts, projects and zones (401).
func (s *Server) gcpLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IdentityID string `json:"identityId"`
		JWT        string `json:"jwt"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	identityID := strings.TrimSpace(body.IdentityID)
	cfg, ok := identityConfig(s, func(st *state) map[string]*GCPIdentity { return st.GCPIdentities }, identityID)
	if !ok {
		apiError(w, 404, "NotFound", "GCP auth method not found for identity, did you configure GCP auth?")
		return
	}
	var email string
	var engine map[string]any
	switch cfg.Type {
	case "gce":
		claims, failed := s.verifyGoogleIDToken(r, body.JWT, identityID)
		if failed {
			somethingWentWrong(w)
			return
		}
		email, _ = claims["email"].(string)
		if email == "" {
			apiError(w, 401, "UnauthorizedError", "Unauthorized")
			return
		}
		if g, ok := claims["google"].(map[string]any); ok {
			engine, _ = g["compute_engine"].(map[string]any)
		}
	case "iam":
		d, ok := decodeJWT(body.JWT)
		if !ok {
			somethingWentWrong(w) // the server reads the header of a null decode
			return
		}
		sub := d.str("sub")
		if sub == "" || !serviceAccountEmail.MatchString(sub) {
			apiError(w, 401, "UnauthorizedError", "Invalid service account identifier")
			return
		}
		var certs map[string]string
		if err := getJSON(r.Context(), s.googleServiceAccountCertsURL(sub), &certs); err != nil {
			somethingWentWrong(w)
			return
		}
		var cert = parseCertPEM(certs[d.kid])
		if err := d.verifySignature(cert); err != nil {
			tokenError(w, err)
			return
		}
		if err := d.jsonwebtokenChecks(s.now(), "", ""); err != nil {
			tokenError(w, err)
			return
		}
		if d.str("aud") != identityID {
			apiError(w, 401, "UnauthorizedError", "Invalid audience in GCP IAM Token")
			return
		}
		email = sub
	}
	if cfg.AllowedServiceAccounts != "" && !inCommaList(cfg.AllowedServiceAccounts, email) {
		apiError(w, 401, "UnauthorizedError", "Access denied: GCP service account not allowed.")
		return
	}
	if cfg.Type == "gce" && engine != nil {
		project, _ := engine["project_id"].(string)
		zone, _ := engine["zone"].(string)
		if cfg.AllowedProjects != "" && !inCommaList(cfg.AllowedProjects, project) {
			apiError(w, 401, "UnauthorizedError", "Access denied: GCP project not allowed.")
			return
		}
		if cfg.AllowedZones != "" && !inCommaList(cfg.AllowedZones, zone) {
			apiError(w, 401, "UnauthorizedError", "Access denied: GCP zone not allowed.")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ident, ok := s.st.GCPIdentities[identityID]; ok {
		ident.Logins = append(ident.Logins, email)
	}
	s.issueLoginToken(w, identityID, cfg.AccessTokenTTL, cfg.AccessTokenMaxTTL)
}

// verifyGoogleIDToken is google-auth-library's verifySignedJwtWithCerts
// with Google's OAuth2 certificates, issuer https://accounts.google.com and
// the identity id as audience; failed is true when it would throw (a plain
// Error, which the server answers as a 500).
func (s *Server) verifyGoogleIDToken(r *http.Request, raw, audience string) (map[string]any, bool) {
	var certs map[string]string
	if err := getJSON(r.Context(), s.googleOAuth2CertsURL(), &certs); err != nil {
		s.logf("GCP login: fetching Google's certificates: %v", err)
		return nil, true
	}
	d, ok := decodeJWT(raw)
	if !ok {
		return nil, true
	}
	if err := d.verifySignature(parseCertPEM(certs[d.kid])); err != nil {
		s.logf("GCP login: %v", err)
		return nil, true
	}
	iat, okIat := d.unix("iat")
	exp, okExp := d.unix("exp")
	const skew = 300 * time.Second
	now := s.now()
	switch {
	case !okIat || !okExp:
		return nil, true
	case !exp.Before(now.Add(24 * time.Hour)): // "Expiration time too far in future"
		return nil, true
	case now.Before(iat.Add(-skew)): // "Token used too early"
		return nil, true
	case now.After(exp.Add(skew)): // "Token used too late"
		s.logf("GCP login: token used too late")
		return nil, true
	case d.str("iss") != "https://accounts.google.com": // "Invalid issuer"
		return nil, true
	case d.str("aud") != audience: // "Wrong recipient, payload audience != requiredAudience"
		s.logf("GCP login: wrong recipient")
		return nil, true
	}
	return d.claims, false
}
