package kms

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// A rotate-secrets whose answer is lost: the client reads the rotation back
// and decides from lastRotatedAt and isLastRotationManual whether its call
// rotated. Each case drops the connection after the server decided, so the
// client cannot know from the call itself.

const previousRotatedAt = "2026-01-01T00:00:00Z"

// rotationAfter is the rotation as the server holds it after the lost call.
func rotationAfter(lastRotatedAt string, manual bool, status string) string {
	r := rotationJSON("r2", "lost")
	r = strings.Replace(r, `"lastRotatedAt":"`+previousRotatedAt+`"`, `"lastRotatedAt":"`+lastRotatedAt+`"`, 1)
	r = strings.Replace(r, `"isLastRotationManual":false`, fmt.Sprintf(`"isLastRotationManual":%v`, manual), 1)
	r = strings.Replace(r, `"rotationStatus":"success"`, `"rotationStatus":"`+status+`"`, 1)
	r = strings.Replace(r, `"activeIndex":0`, `"activeIndex":1`, 1)
	return r
}

func lostRotateAnswer(t *testing.T, readBack string) (rotates, reads *atomic.Int32, c *Client) {
	t.Helper()
	f, srv := newFakeKMS(t)
	rotates, reads = &atomic.Int32{}, &atomic.Int32{}
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch {
		case strings.HasSuffix(r.URL.Path, "/rotate-secrets"):
			rotates.Add(1)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		case r.Method == "GET" && r.URL.Path == auth0RotationsPath+"/r2":
			reads.Add(1)
			fmt.Fprintf(w, `{"secretRotation":%s}`, readBack)
			return true
		}
		return false
	}
	c, _ = newTestClient(t, srv)
	return rotates, reads, c
}

func TestLostRotateAnswerIsAdoptedWhenTheReadShowsThisCallRotated(t *testing.T) {
	rotates, reads, c := lostRotateAnswer(t, rotationAfter("2026-02-02T02:02:02.000Z", true, "success"))
	got, err := c.RotateAuth0ClientSecret(context.Background(), "r2", previousRotatedAt)
	if err != nil {
		t.Fatalf("a rotation the read-back proves happened was reported as a failure: %v", err)
	}
	if got.LastRotatedAt != "2026-02-02T02:02:02.000Z" || got.ActiveIndex != 1 || !got.IsLastRotationManual {
		t.Errorf("the adopted rotation is not the one read back: %+v", got)
	}
	if n := rotates.Load(); n != 1 {
		t.Errorf("rotate-secrets sent %d times, want 1 (a second call would rotate again)", n)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads to settle the outcome, want 1", n)
	}
}

func TestLostRotateAnswerIsNotAdoptedWhenTheReadShowsNoNewRotation(t *testing.T) {
	cases := []struct {
		name, readBack string
	}{
		// The server tried, Auth0 refused: a failed manual attempt,
		// lastRotatedAt unchanged.
		{"the rotation failed", rotationAfter(previousRotatedAt, true, "failed")},
		// The server never acted.
		{"nothing happened", rotationJSON("r2", "lost")},
		// A scheduled rotation ran instead: new lastRotatedAt, not manual.
		{"only a scheduled rotation ran", rotationAfter("2026-02-02T02:02:02.000Z", false, "success")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rotates, reads, c := lostRotateAnswer(t, tc.readBack)
			got, err := c.RotateAuth0ClientSecret(context.Background(), "r2", previousRotatedAt)
			if err == nil {
				t.Fatalf("adopted %+v, although the read-back does not show this call's rotation", got)
			}
			if !IsAmbiguous(err) {
				t.Errorf("err = %v, want the ambiguous outcome reported as such", err)
			}
			if n := rotates.Load(); n != 1 {
				t.Errorf("rotate-secrets sent %d times, want 1", n)
			}
			if n := reads.Load(); n != 1 {
				t.Errorf("%d reads, want 1", n)
			}
		})
	}
}

func TestLostRotateAnswerWithAFailingReadIsReportedAmbiguous(t *testing.T) {
	f, srv := newFakeKMS(t)
	f.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		switch {
		case strings.HasSuffix(r.URL.Path, "/rotate-secrets"):
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		case r.Method == "GET":
			writeErr(w, 500, "InternalServerError", `"down"`)
			return true
		}
		return false
	}
	c, _ := newTestClient(t, srv)
	_, err := c.RotateAuth0ClientSecret(context.Background(), "r2", previousRotatedAt)
	if !IsAmbiguous(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if n := len(f.requests(auth0RotationsPath + "/r2/rotate-secrets")); n != 1 {
		t.Errorf("rotate-secrets sent %d times, want 1", n)
	}
}
