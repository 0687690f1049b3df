package localkms

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// What tests observe of the server beyond request counts: the tokens it
// issued, the requests whose client gave up, and a switch that makes it
// answer like a newer release.

// IssuedToken is an access token the server issued.
type IssuedToken struct {
	Value string
	// Renewed is true for a token issued by token renew, false for a login.
	Renewed bool
}

func (s *Server) noteIssued(value string, renewed bool) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.issued = append(s.issued, IssuedToken{Value: value, Renewed: renewed})
}

// IssuedTokens is every access token the server ever issued, oldest first,
// including those renewed away or expired since (leak tests search for them).
func (s *Server) IssuedTokens() []IssuedToken {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return append([]IssuedToken(nil), s.issued...)
}

func (s *Server) noteAbandoned(route string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.abandoned[route]++
}

// AbandonedRequests is how many requests to route the client gave up on
// (closed the connection) while an injected Delay held them. The server sees
// a hang-up only once it has read the request's body: a request with a body
// that nothing reads during the delay is not counted.
func (s *Server) AbandonedRequests(route string) int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.abandoned[route]
}

// Gaps is the time between consecutive requests to route since the last
// ResetCounters: how long a client waited before each retry.
func (s *Server) Gaps(route string) []time.Duration {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	times := s.arrivals[route]
	var gaps []time.Duration
	for i := 1; i < len(times); i++ {
		gaps = append(gaps, times[i].Sub(times[i-1]))
	}
	return gaps
}

// SetNewerServer makes every JSON answer, errors included, carry fields this
// server does not otherwise send, at every level of nesting: a string, a
// number, an object and an array. A client must ignore what it does not
// know, as it will meet it when the KMS adds fields.
func (s *Server) SetNewerServer(on bool) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.newerServer = on
}

func (s *Server) answersAsNewerServer() bool {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.newerServer
}

// newerServerWriter holds the answer back, then writes it with the extra
// fields added. A hijacked connection (an injected drop) writes nothing.
type newerServerWriter struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (n *newerServerWriter) WriteHeader(code int) {
	if n.status == 0 {
		n.status = code
	}
}

func (n *newerServerWriter) Write(p []byte) (int, error) {
	if n.status == 0 {
		n.status = http.StatusOK
	}
	return n.body.Write(p)
}

func (n *newerServerWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := n.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("local kms: the connection cannot be hijacked")
	}
	n.hijacked = true
	return hj.Hijack()
}

func (n *newerServerWriter) finish() {
	if n.hijacked || n.status == 0 {
		return
	}
	body := n.body.Bytes()
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) == nil {
		if out, err := json.Marshal(withNewerFields(v)); err == nil {
			body = append(out, '\n')
		}
	}
	n.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(body)))
	n.ResponseWriter.WriteHeader(n.status)
	_, _ = n.ResponseWriter.Write(body)
}

func withNewerFields(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			t[k] = withNewerFields(inner)
		}
		t["addedInANewerRelease"] = "a field this client does not know"
		t["newerCounter"] = 7
		t["newerObject"] = map[string]any{"nested": true, "list": []any{"a", 1}}
		t["newerList"] = []any{map[string]any{"id": "x"}}
	case []any:
		for i := range t {
			t[i] = withNewerFields(t[i])
		}
	}
	return v
}
