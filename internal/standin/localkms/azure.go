package localkms

import (
	"errors"
	"net/http"
	"strings"
)

// AzureIdentity is a machine identity with Azure Auth, configured as on the
// server (Infisical's backend/src/services/identity-azure-auth/).
type AzureIdentity struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	// Resource is the audience the token must carry; the server's default
	// is https://management.azure.com/.
	Resource string `json:"resource"`
	// AllowedServicePrincipalIDs: comma separated object ids; "" allows any.
	AllowedServicePrincipalIDs string `json:"allowedServicePrincipalIds,omitempty"`
	AccessTokenTTL             *int64 `json:"accessTokenTTL,omitempty"`
	AccessTokenMaxTTL          *int64 `json:"accessTokenMaxTTL,omitempty"`
	// Logins are the service principals (oid) of the accepted logins, in order.
	Logins []string `json:"logins,omitempty"`
}

// AddAzureIdentity adds (or replaces) an identity with Azure Auth.
func (s *Server) AddAzureIdentity(a AzureIdentity) error {
	if a.ID == "" || a.TenantID == "" {
		return errors.New("local kms: an Azure identity needs an id and a tenantId")
	}
	if a.Resource == "" {
		a.Resource = "https://management.azure.com/"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.AzureIdentities == nil {
		s.st.AzureIdentities = map[string]*AzureIdentity{}
	}
	s.st.AzureIdentities[a.ID] = &a
	s.persist()
	return nil
}

// AzureLogins lists the service principals an identity's accepted logins carried.
func (s *Server) AzureLogins(identityID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.st.AzureIdentities[identityID]; ok {
		return append([]string(nil), a.Logins...)
	}
	return nil
}

func (s *Server) azureKeysURL(tenant string) string {
	if s.opts.AzureKeysURL != nil {
		return s.opts.AzureKeysURL(tenant)
	}
	return "https://login.microsoftonline.com/" + tenant + "/discovery/keys"
}

// azureLogin checks the token as the server does: 404 without Azure Auth;
// the tenant's keys (a failed fetch, or a token that cannot be decoded, is
// the server's uncaught 500), no key for the token's kid (401 "Invalid
// signing key"), jsonwebtoken's signature, expiry, audience and issuer
// (403 TokenError), then tid (401) and oid against the allowed service
// principals (401).
func (s *Server) azureLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IdentityID string `json:"identityId"`
		JWT        string `json:"jwt"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	identityID := strings.TrimSpace(body.IdentityID)
	cfg, ok := identityConfig(s, func(st *state) map[string]*AzureIdentity { return st.AzureIdentities }, identityID)
	if !ok {
		apiError(w, 404, "NotFound", "Azure auth method not found for identity, did you configure Azure Auth?")
		return
	}
	d, ok := decodeJWT(body.JWT)
	if !ok {
		somethingWentWrong(w)
		return
	}
	var jwks struct {
		Keys []struct {
			Kid string   `json:"kid"`
			X5C []string `json:"x5c"`
		} `json:"keys"`
	}
	if err := getJSON(r.Context(), s.azureKeysURL(cfg.TenantID), &jwks); err != nil {
		s.logf("Azure login: fetching the tenant's keys: %v", err)
		somethingWentWrong(w)
		return
	}
	var certB64 string
	found := false
	for _, k := range jwks.Keys {
		if k.Kid == d.kid && len(k.X5C) > 0 {
			certB64, found = k.X5C[0], true
			break
		}
	}
	if !found {
		apiError(w, 401, "UnauthorizedError", "Invalid signing key")
		return
	}
	// A token for a custom resource may carry the audience without the
	// trailing slash the configured resource has; the server accepts both.
	resource := cfg.Resource
	if aud := d.str("aud"); !strings.HasSuffix(aud, "/") && strings.HasSuffix(resource, "/") {
		resource = strings.TrimSuffix(resource, "/")
	}
	if err := d.verifySignature(parseCertBase64(certB64)); err != nil {
		tokenError(w, err)
		return
	}
	if err := d.jsonwebtokenChecks(s.now(), resource, "https://sts.windows.net/"+cfg.TenantID+"/"); err != nil {
		tokenError(w, err)
		return
	}
	if d.str("tid") != cfg.TenantID {
		apiError(w, 401, "UnauthorizedError", "Tenant ID mismatch")
		return
	}
	oid := d.str("oid")
	if cfg.AllowedServicePrincipalIDs != "" && !inCommaList(cfg.AllowedServicePrincipalIDs, oid) {
		apiError(w, 401, "UnauthorizedError", "Service principal '"+oid+"' not allowed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ident, ok := s.st.AzureIdentities[identityID]; ok {
		ident.Logins = append(ident.Logins, oid)
	}
	s.issueLoginToken(w, identityID, cfg.AccessTokenTTL, cfg.AccessTokenMaxTTL)
}
