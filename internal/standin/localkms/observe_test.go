package localkms_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const loginRoute = "POST /api/v1/auth/universal-auth/login"

func startObserved(t *testing.T) (*localkms.Server, string) {
	t.Helper()
	s, err := localkms.New(localkms.Options{}, stateBoot)
	if err != nil {
		t.Fatal(err)
	}
	l, srv, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return s, "http://" + l.Addr().String()
}

func postLogin(url, secret string) (*http.Response, []byte, error) {
	resp, err := http.Post(url+"/api/v1/auth/universal-auth/login", "application/json",
		strings.NewReader(`{"clientId":"id","clientSecret":"`+secret+`"}`))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestNewerServerAddsFieldsToEveryAnswerAndKeepsTheRest(t *testing.T) {
	s, url := startObserved(t)
	s.SetNewerServer(true)
	for _, secret := range []string{"secret", "wrong"} {
		resp, body, err := postLogin(url, secret)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("not JSON any more: %s", body)
		}
		if out["addedInANewerRelease"] == nil || out["newerObject"] == nil || out["newerList"] == nil {
			t.Errorf("HTTP %d answer without the newer fields: %s", resp.StatusCode, body)
		}
		if secret == "secret" && (resp.StatusCode != 200 || out["accessToken"] == "") {
			t.Errorf("the answer itself changed: HTTP %d %s", resp.StatusCode, body)
		}
		if secret == "wrong" && (resp.StatusCode != 401 || out["message"] != "Invalid credentials") {
			t.Errorf("the error itself changed: HTTP %d %s", resp.StatusCode, body)
		}
	}
	// An injected drop still drops: nothing is written after the hijack.
	s.InjectFault(localkms.Fault{Route: loginRoute, DropAfterAct: true})
	if _, _, err := postLogin(url, "secret"); err == nil {
		t.Errorf("a dropped connection answered")
	}
}

func TestServerRecordsWaitsAbandonedRequestsAndTokens(t *testing.T) {
	s, url := startObserved(t)
	if _, _, err := postLogin(url, "secret"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if _, _, err := postLogin(url, "secret"); err != nil {
		t.Fatal(err)
	}
	if gaps := s.Gaps(loginRoute); len(gaps) != 1 || gaps[0] < 50*time.Millisecond {
		t.Errorf("gaps %v, want one of at least 50ms", gaps)
	}
	if toks := s.IssuedTokens(); len(toks) != 2 || toks[0].Renewed || toks[0].Value == toks[1].Value {
		t.Errorf("issued tokens %+v", toks)
	}

	s.InjectFault(localkms.Fault{Route: loginRoute, Delay: 5 * time.Second})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	// No body (the server notices a hang-up only once it has read the body),
	// and not announced as JSON (an empty JSON body is refused at once).
	_, err := client.Post(url+"/api/v1/auth/universal-auth/login", "text/plain", nil)
	if err == nil {
		t.Fatal("the held request answered before the client's timeout")
	}
	deadline := time.Now().Add(2 * time.Second)
	for s.AbandonedRequests(loginRoute) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.AbandonedRequests(loginRoute); n != 1 {
		t.Errorf("%d abandoned requests, want 1", n)
	}
}
