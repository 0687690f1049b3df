// Package localsts is a local stand-in for AWS STS, as far as AWS IAM Auth
// needs one: it answers sts:GetCallerIdentity for requests signed (SigV4)
// with keys it knows, and refuses an unknown key, a wrong session token, an
// expired signature or a tampered request, with STS's error codes.
package localsts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Principal is an AWS identity with one access key.
type Principal struct {
	AccessKeyID, SecretAccessKey string
	// SessionToken is required with the key when set (temporary credentials).
	SessionToken string
	Account      string
	// ARN is what GetCallerIdentity answers, e.g.
	// arn:aws:sts::111122223333:assumed-role/terraform/session.
	ARN    string
	UserID string
}

// Options configure the server.
type Options struct {
	// Addr to listen on; a free loopback port by default.
	Addr   string
	Now    func() time.Time
	Logger *log.Logger
}

// Server is a running local STS.
type Server struct {
	opts   Options
	server *httptest.Server

	mu         sync.Mutex
	principals map[string]Principal
	calls      []Call
}

// Call is one GetCallerIdentity the server answered or refused.
type Call struct {
	AccessKeyID string
	Region      string
	// Signature is the request's SigV4 signature (leak tests look for it).
	Signature string
	// Error is the STS error code, "" when answered.
	Error string
}

// Start runs the server on loopback (plain HTTP: the local KMS maps every
// region's endpoint to it).
func Start(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, principals: map[string]Principal{}}
	s.server = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return nil, err
		}
		_ = s.server.Listener.Close()
		s.server.Listener = l
	}
	s.server.Start()
	return s, nil
}

// URL is the server's address.
func (s *Server) URL() string { return s.server.URL }

// Close stops the server.
func (s *Server) Close() { s.server.Close() }

// AddPrincipal makes a key known (or replaces the principal of a key).
func (s *Server) AddPrincipal(p Principal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.principals[p.AccessKeyID] = p
}

// Principals are every principal the server knows.
func (s *Server) Principals() []Principal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Principal, 0, len(s.principals))
	for _, p := range s.principals {
		out = append(out, p)
	}
	return out
}

// Calls are the requests seen so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// maxSkew is how far the signing time may be from STS's clock.
const maxSkew = 15 * time.Minute

var authorizationPattern = regexp.MustCompile(
	`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([a-z0-9-]+)/sts/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || r.Method != http.MethodPost || r.URL.Path != "/" {
		s.fail(w, r, Call{}, http.StatusBadRequest, "InvalidAction", "Could not find operation for this request.")
		return
	}
	m := authorizationPattern.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		s.fail(w, r, Call{}, http.StatusForbidden, "IncompleteSignature",
			"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
		return
	}
	keyID, region, signedHeaders := m[1], m[3], strings.Split(m[4], ";")
	call := Call{AccessKeyID: keyID, Region: region, Signature: m[5]}
	s.mu.Lock()
	p, known := s.principals[keyID]
	s.mu.Unlock()
	if !known || (p.SessionToken != "" && r.Header.Get("X-Amz-Security-Token") != p.SessionToken) {
		s.fail(w, r, call, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		s.fail(w, r, call, http.StatusForbidden, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		return
	}
	now := s.opts.Now().UTC()
	if signedAt.Before(now.Add(-maxSkew)) || signedAt.After(now.Add(maxSkew)) {
		s.fail(w, r, call, http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - 15 min.)", signedAt.Format("20060102T150405Z"),
			now.Add(-maxSkew).Format("20060102T150405Z"), now.Format("20060102T150405Z")))
		return
	}
	// Sign the same request again, with only the headers the caller signed,
	// and compare: any change to the body, a signed header, the region or
	// the key makes the signatures differ.
	again, _ := http.NewRequestWithContext(context.Background(), r.Method, "https://"+r.Host+"/", strings.NewReader(string(body)))
	for _, h := range signedHeaders {
		if h != "host" {
			again.Header.Set(h, r.Header.Get(h))
		}
	}
	again.Header.Del("Authorization")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, SessionToken: p.SessionToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), "sts", region, signedAt); err != nil ||
		again.Header.Get("Authorization") != r.Header.Get("Authorization") {
		s.fail(w, r, call, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match "+
			"the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
		return
	}
	if string(body) != "Action=GetCallerIdentity&Version=2011-06-15" {
		s.fail(w, r, call, http.StatusBadRequest, "InvalidAction", "Could not find operation for this request.")
		return
	}
	s.record(call)
	result := map[string]string{"Account": p.Account, "Arn": p.ARN, "UserId": p.UserID}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"GetCallerIdentityResponse": map[string]any{
			"GetCallerIdentityResult": result, "ResponseMetadata": map[string]string{"RequestId": "local-sts"},
		}})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
		`<Arn>%s</Arn><UserId>%s</UserId><Account>%s</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
		p.ARN, p.UserID, p.Account)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	if s.opts.Logger != nil {
		s.opts.Logger.Printf("local sts: GetCallerIdentity region=%s error=%q", c.Region, c.Error)
	}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, c Call, status int, code, message string) {
	c.Error = code
	s.record(c)
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"Error": map[string]string{"Code": code, "Message": message, "Type": "Sender"}, "RequestId": "local-sts"})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error></ErrorResponse>`, code, message)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
