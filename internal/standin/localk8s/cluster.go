// Package localk8s is a local stand-in for a Kubernetes cluster's API, as far
// as Kubernetes Auth needs one: it issues service account tokens and answers
// TokenReview (authentication.k8s.io/v1) for them, over TLS, authenticating
// the reviewer with a bearer token it issued.
package localk8s

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// DefaultAudience is the API server's own audience: a pod's default token
// carries it, and a TokenReview that names no audience checks against it.
const DefaultAudience = "https://kubernetes.default.svc.cluster.local"

// ServiceAccount is who a token belongs to.
type ServiceAccount struct {
	Namespace, Name string
}

// Username is the service account's user name in TokenReview answers.
func (sa ServiceAccount) Username() string {
	return "system:serviceaccount:" + sa.Namespace + ":" + sa.Name
}

// TokenOptions describe a token to issue.
type TokenOptions struct {
	// Audiences default to DefaultAudience.
	Audiences []string
	// Lifetime defaults to an hour; a negative one issues an expired token.
	Lifetime time.Duration
	// CanReview binds the service account to system:auth-delegator: its
	// token may create TokenReviews.
	CanReview bool
}

// Options configure a cluster.
type Options struct {
	// Addr to listen on; a free loopback port by default.
	Addr   string
	Now    func() time.Time
	Logger *log.Logger
}

// Cluster is a running local Kubernetes API.
type Cluster struct {
	opts   Options
	server *httptest.Server

	mu      sync.Mutex
	tokens  map[string]*issued
	reviews []Review
	seq     int
}

type issued struct {
	id        string
	sa        ServiceAccount
	audiences []string
	expires   time.Time
	canReview bool
}

// Review is one TokenReview the cluster answered.
type Review struct {
	// Reviewer is the service account that asked, "" when refused.
	Reviewer string
	// TokenID is the reviewed token's id (see IssueToken), "" when unknown.
	TokenID       string
	Audiences     []string
	Authenticated bool
}

// Start runs a cluster on loopback over TLS.
func Start(opts Options) (*Cluster, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cluster{opts: opts, tokens: map[string]*issued{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apis/authentication.k8s.io/v1/tokenreviews", c.tokenReview)
	c.server = httptest.NewUnstartedServer(mux)
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return nil, err
		}
		_ = c.server.Listener.Close()
		c.server.Listener = l
	}
	c.server.StartTLS()
	return c, nil
}

// URL is the API server's address (https://127.0.0.1:port).
func (c *Cluster) URL() string { return c.server.URL }

// CACertPEM is the certificate to trust for URL.
func (c *Cluster) CACertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.server.Certificate().Raw})
}

// Close stops the cluster.
func (c *Cluster) Close() { c.server.Close() }

// IssueToken issues a service account token (JWT-shaped; the cluster knows
// it by value) and returns it with its id, which Reviews report.
func (c *Cluster) IssueToken(sa ServiceAccount, o TokenOptions) (token, id string) {
	if len(o.Audiences) == 0 {
		o.Audiences = []string{DefaultAudience}
	}
	if o.Lifetime == 0 {
		o.Lifetime = time.Hour
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	id = fmt.Sprintf("sa-token-%d", c.seq)
	now := c.opts.Now()
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "local-k8s"})
	claims, _ := json.Marshal(map[string]any{
		"iss": DefaultAudience, "sub": sa.Username(), "aud": o.Audiences, "jti": id,
		"iat": now.Unix(), "exp": now.Add(o.Lifetime).Unix(),
	})
	sig := make([]byte, 64)
	_, _ = rand.Read(sig)
	enc := base64.RawURLEncoding.EncodeToString
	token = enc(header) + "." + enc(claims) + "." + enc(sig)
	c.tokens[token] = &issued{id: id, sa: sa, audiences: o.Audiences, expires: now.Add(o.Lifetime), canReview: o.CanReview}
	return token, id
}

// IssuedTokens are every token the cluster issued (leak tests look for them).
func (c *Cluster) IssuedTokens() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.tokens))
	for tok := range c.tokens {
		out = append(out, tok)
	}
	return out
}

// Reviews are the TokenReviews answered so far.
func (c *Cluster) Reviews() []Review {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Review(nil), c.reviews...)
}

type tokenReview struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Token     string   `json:"token"`
		Audiences []string `json:"audiences,omitempty"`
	} `json:"spec"`
	Status *reviewStatus `json:"status,omitempty"`
}

type reviewStatus struct {
	Authenticated bool     `json:"authenticated,omitempty"`
	User          *user    `json:"user,omitempty"`
	Audiences     []string `json:"audiences,omitempty"`
	Error         string   `json:"error,omitempty"`
}

type user struct {
	Username string   `json:"username,omitempty"`
	UID      string   `json:"uid,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

// tokenReview authenticates the caller (401 for a token it does not know
// or that expired, 403 for one without the right to review), then judges
// spec.token as the API server does: unknown, expired, or not for any of
// the requested audiences is "error" with authenticated unset.
func (c *Cluster) tokenReview(w http.ResponseWriter, r *http.Request) {
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	reviewer, ok := c.tokens[bearer]
	if !ok || !now.Before(reviewer.expires) {
		c.reviews = append(c.reviews, Review{})
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
		return
	}
	if !reviewer.canReview {
		c.reviews = append(c.reviews, Review{})
		writeStatus(w, http.StatusForbidden, "Forbidden", fmt.Sprintf(`tokenreviews.authentication.k8s.io is forbidden: User %q `+
			`cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`, reviewer.sa.Username()))
		return
	}
	var review tokenReview
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Kind != "TokenReview" ||
		review.APIVersion != "authentication.k8s.io/v1" {
		writeStatus(w, http.StatusBadRequest, "BadRequest", "the body is not an authentication.k8s.io/v1 TokenReview")
		return
	}
	wanted := review.Spec.Audiences
	if len(wanted) == 0 {
		wanted = []string{DefaultAudience}
	}
	record := Review{Reviewer: reviewer.sa.Username(), Audiences: review.Spec.Audiences}
	status := &reviewStatus{User: &user{}}
	tok, known := c.tokens[review.Spec.Token]
	switch {
	case !known:
		status.Error = "[invalid bearer token, square/go-jose: error in cryptographic primitive]"
	case !now.Before(tok.expires):
		record.TokenID = tok.id
		status.Error = "[invalid bearer token, service account token has expired]"
	default:
		record.TokenID = tok.id
		var matched []string
		for _, a := range wanted {
			for _, have := range tok.audiences {
				if a == have {
					matched = append(matched, a)
				}
			}
		}
		if len(matched) == 0 {
			status.Error = fmt.Sprintf("[invalid bearer token, token audiences %q is invalid for the target audiences %q]", tok.audiences, wanted)
			break
		}
		status.Authenticated, status.Audiences = true, matched
		status.User = &user{Username: tok.sa.Username(), UID: "uid-" + tok.sa.Namespace + "-" + tok.sa.Name,
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + tok.sa.Namespace, "system:authenticated"}}
	}
	record.Authenticated = status.Authenticated
	c.reviews = append(c.reviews, record)
	if c.opts.Logger != nil {
		c.opts.Logger.Printf("local k8s: TokenReview by %s: authenticated=%v", record.Reviewer, record.Authenticated)
	}
	review.Status = status
	review.Spec.Token = "" // the API server echoes the token; nothing needs it here
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(review)
}

func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "status": "Failure",
		"message": message, "reason": reason, "code": code,
	})
}
