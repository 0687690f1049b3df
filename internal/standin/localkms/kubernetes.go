package localkms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
)

// KubernetesIdentity is a machine identity with Kubernetes Auth, configured
// as on the server (Infisical's
// backend/src/services/identity-kubernetes-auth/identity-kubernetes-auth-service.ts).
type KubernetesIdentity struct {
	ID string `json:"id"`
	// KubernetesHost is the cluster's API, e.g. https://127.0.0.1:6443.
	KubernetesHost string `json:"kubernetesHost"`
	// CACert (PEM) is trusted for KubernetesHost instead of the system roots.
	CACert string `json:"caCert,omitempty"`
	// TokenReviewerJWT authenticates the TokenReview; without one the
	// login's own token does (it then needs system:auth-delegator).
	TokenReviewerJWT string `json:"tokenReviewerJwt,omitempty"`
	// AllowedNamespaces and AllowedNames: comma separated, globs allowed;
	// "" allows any.
	AllowedNamespaces string `json:"allowedNamespaces,omitempty"`
	AllowedNames      string `json:"allowedNames,omitempty"`
	// AllowedAudience, when set, is sent in the TokenReview and must be
	// among the audiences the cluster answers.
	AllowedAudience   string `json:"allowedAudience,omitempty"`
	AccessTokenTTL    *int64 `json:"accessTokenTTL,omitempty"`
	AccessTokenMaxTTL *int64 `json:"accessTokenMaxTTL,omitempty"`
}

// AddKubernetesIdentity adds (or replaces) an identity with Kubernetes Auth.
func (s *Server) AddKubernetesIdentity(k KubernetesIdentity) error {
	if k.ID == "" || k.KubernetesHost == "" {
		return errors.New("local kms: a Kubernetes identity needs id and kubernetesHost")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.KubernetesIdentities == nil {
		s.st.KubernetesIdentities = map[string]*KubernetesIdentity{}
	}
	s.st.KubernetesIdentities[k.ID] = &k
	s.persist()
	return nil
}

type tokenReviewAnswer struct {
	Status struct {
		Authenticated bool     `json:"authenticated"`
		Error         string   `json:"error"`
		Audiences     []string `json:"audiences"`
		User          struct {
			Username string `json:"username"`
		} `json:"user"`
	} `json:"status"`
}

// kubernetesLogin reviews the token with the cluster, then checks the
// service account and audience as the server does: 404 without Kubernetes
// Auth; the cluster's refusal of the reviewer (401/403) as 401 with its
// message; a token the cluster does not authenticate, or a namespace, name
// or audience not allowed, as 401.
func (s *Server) kubernetesLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IdentityID string `json:"identityId"`
		JWT        string `json:"jwt"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	cfg, ok := identityConfig(s, func(st *state) map[string]*KubernetesIdentity { return st.KubernetesIdentities }, strings.TrimSpace(body.IdentityID))
	if !ok {
		apiError(w, 404, "NotFound", "Kubernetes auth method not found for identity, did you configure Kubernetes auth?")
		return
	}
	review, status, name, msg := reviewKubernetesToken(r, cfg, body.JWT)
	if status != 0 {
		apiError(w, status, name, msg)
		return
	}
	switch {
	case review.Status.Error != "":
		apiError(w, 401, "KubernetesTokenReviewError", review.Status.Error)
		return
	case !review.Status.Authenticated:
		apiError(w, 401, "KubernetesTokenReviewError", "Kubernetes token not authenticated")
		return
	}
	parts := strings.Split(review.Status.User.Username, ":")
	if len(parts) != 4 || parts[0] != "system" || parts[1] != "serviceaccount" {
		apiError(w, 400, "BadRequest", "Invalid username format")
		return
	}
	namespace, name := parts[2], parts[3]
	if !allowedByList(cfg.AllowedNamespaces, namespace) {
		apiError(w, 401, "UnauthorizedError", "Access denied: K8s namespace not allowed.")
		return
	}
	if !allowedByList(cfg.AllowedNames, name) {
		apiError(w, 401, "UnauthorizedError", "Access denied: K8s name not allowed.")
		return
	}
	if cfg.AllowedAudience != "" {
		found := false
		for _, a := range review.Status.Audiences {
			found = found || a == cfg.AllowedAudience
		}
		if !found {
			apiError(w, 401, "UnauthorizedError", "Access denied: K8s audience not allowed.")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issueLoginToken(w, cfg.ID, cfg.AccessTokenTTL, cfg.AccessTokenMaxTTL)
}

// allowedByList is the server's check of a comma-separated list of names
// or globs; an empty list allows everything.
func allowedByList(list, value string) bool {
	if strings.TrimSpace(list) == "" {
		return true
	}
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); matchesPattern(value, p) {
			return true
		}
	}
	return false
}

// reviewKubernetesToken posts the TokenReview, authenticated with the
// reviewer JWT or the login JWT itself. A refusal comes back as the status,
// error name and message the server answers.
func reviewKubernetesToken(r *http.Request, cfg KubernetesIdentity, jwt string) (tokenReviewAnswer, int, string, string) {
	var answer tokenReviewAnswer
	reviewer := cfg.TokenReviewerJWT
	if reviewer == "" {
		reviewer = jwt
	}
	spec := map[string]any{"token": jwt}
	if cfg.AllowedAudience != "" {
		spec["audiences"] = []string{cfg.AllowedAudience}
	}
	payload, _ := json.Marshal(map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec})
	client, err := oidcHTTPClient(cfg.CACert)
	if err != nil {
		return answer, 400, "BadRequest", err.Error()
	}
	host := cfg.KubernetesHost
	if !strings.HasPrefix(host, "http://") && !strings.HasPrefix(host, "https://") {
		host = "https://" + host
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost,
		strings.TrimRight(host, "/")+path.Clean("/apis/authentication.k8s.io/v1/tokenreviews"), bytes.NewReader(payload))
	if err != nil {
		return answer, 400, "BadRequest", err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+reviewer)
	resp, err := client.Do(req)
	if err != nil {
		return answer, 400, "KubernetesConnectionError", fmt.Sprintf("Failed to communicate with Kubernetes API server at %s: %v", cfg.KubernetesHost, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		var st struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &st)
		switch resp.StatusCode {
		case 401:
			if st.Message == "" {
				st.Message = "Token reviewer JWT is invalid or expired. Please verify the token reviewer JWT is correct and has not expired."
			}
			return answer, 401, "KubernetesTokenReviewerUnauthorized", st.Message
		case 403:
			if st.Message == "" {
				st.Message = "Token reviewer JWT does not have permission to perform TokenReviews. Ensure the service account has the 'system:auth-delegator' ClusterRole binding."
			}
			return answer, 401, "KubernetesTokenReviewerForbidden", st.Message
		}
		if st.Message == "" {
			st.Message = fmt.Sprintf("Kubernetes returned HTTP %d: %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
		return answer, 400, "KubernetesTokenReviewRequestError", st.Message
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return answer, 400, "BadRequest", "Failed to review token"
	}
	return answer, 0, "", ""
}
