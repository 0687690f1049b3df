package realkms

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log"
	"net/http"
	"strings"
	"sync"
)

// LicenseServer stands in for the license server an on-premises instance
// asks for its plan when it has a license key. The backend logs in with the
// key, fetches its plan at start and every ten minutes, and reports its
// seats when memberships change. The plan is the self-hosted default with
// secret rotation (an enterprise feature) on and rate limits high enough
// for a test suite on one address.
type LicenseServer struct {
	key    string
	logger *log.Logger

	mu     sync.Mutex
	tokens map[string]bool
	seats  map[string]any
}

// NewLicenseServer answers logins with this license key only.
func NewLicenseServer(key string, logger *log.Logger) *LicenseServer {
	return &LicenseServer{key: key, logger: logger, tokens: map[string]bool{}}
}

// Plan is the feature set the stand-in hands out: every field the backend
// reads from an on-premises plan, as its built-in defaults have them, except
// secretRotation (on) and the per-organisation rate limits (high).
func Plan() map[string]any {
	return map[string]any{
		"_id": nil, "slug": "enterprise", "tier": 3,
		"workspaceLimit": nil, "workspacesUsed": 0, "memberLimit": nil, "membersUsed": 0,
		"environmentLimit": nil, "environmentsUsed": 0, "identityLimit": nil, "identitiesUsed": 0,
		"dynamicSecret": false, "secretVersioning": true, "pitRecovery": false, "ipAllowlisting": false,
		"rbac": false, "githubOrgSync": false, "customRateLimits": false, "customAlerts": false,
		"secretAccessInsights": false, "auditLogs": false, "auditLogsRetentionDays": 0, "auditLogStreams": false,
		"auditLogStreamLimit": 3, "samlSSO": false, "hsm": false, "oidcSSO": false, "scim": false, "ldap": false,
		"groups": false, "status": nil, "trial_end": nil, "has_used_trial": true, "secretApproval": false,
		"secretRotation": true, "caCrl": false, "instanceUserManagement": false, "externalKms": false,
		"rateLimits": map[string]any{"readLimit": 100000, "writeLimit": 100000, "secretsLimit": 100000},
		"pkiEst":     false, "enforceMfa": false, "projectTemplates": false, "kmip": false, "gateway": false,
		"sshHostGroups": false, "secretScanning": false, "enterpriseSecretSyncs": false, "enterpriseAppConnections": false,
	}
}

// Handler serves the three routes the backend calls.
func (l *LicenseServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/v1/license-login", func(w http.ResponseWriter, r *http.Request) {
		if l.key == "" || r.Header.Get("X-API-KEY") != l.key {
			l.answer(w, r, 401, map[string]any{"message": "invalid license key"})
			return
		}
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		tok := hex.EncodeToString(b)
		l.mu.Lock()
		l.tokens[tok] = true
		l.mu.Unlock()
		l.answer(w, r, 200, map[string]any{"token": tok})
	})
	mux.HandleFunc("GET /api/license/v1/plan", func(w http.ResponseWriter, r *http.Request) {
		if !l.authorized(r) {
			l.answer(w, r, 401, map[string]any{"message": "unauthorized"})
			return
		}
		l.answer(w, r, 200, map[string]any{"currentPlan": Plan()})
	})
	mux.HandleFunc("PATCH /api/license/v1/license", func(w http.ResponseWriter, r *http.Request) {
		if !l.authorized(r) {
			l.answer(w, r, 401, map[string]any{"message": "unauthorized"})
			return
		}
		var seats map[string]any
		_ = json.NewDecoder(r.Body).Decode(&seats)
		l.mu.Lock()
		l.seats = seats
		l.mu.Unlock()
		l.answer(w, r, 200, map[string]any{"success": true})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		l.answer(w, r, 404, map[string]any{"message": "not served by the license stand-in"})
	})
	return mux
}

func (l *LicenseServer) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	l.mu.Lock()
	defer l.mu.Unlock()
	return ok && l.tokens[tok]
}

func (l *LicenseServer) answer(w http.ResponseWriter, r *http.Request, status int, body any) {
	if l.logger != nil {
		l.logger.Printf("license %s %s -> %d", r.Method, r.URL.Path, status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
