package acctest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Helper()             {}

const planted = "s3cr3t/with+odd=chars&more-0123456789"

func TestNeedlesFindEachSpelling(t *testing.T) {
	spellings := map[string]string{
		"plain":                 planted,
		"base64":                base64.StdEncoding.EncodeToString([]byte(planted)),
		"base64 URL unpadded":   base64.RawURLEncoding.EncodeToString([]byte(planted)),
		"query escaped":         url.QueryEscape(planted),
		"JSON in JSON":          strings.ReplaceAll(planted, "&", `\\u0026`),
		"basic auth header":     "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:"+planted)),
		"after one byte":        base64.StdEncoding.EncodeToString([]byte("x" + planted + "tail")),
		"URL alphabet, 2 bytes": base64.URLEncoding.EncodeToString([]byte("xy" + planted)),
	}
	for name, spelled := range spellings {
		t.Run(name, func(t *testing.T) {
			n := NewNeedles()
			n.Add(KindIdentitySecret, "planted", planted)
			r := &recorder{TB: t}
			n.Check(r, map[string][]byte{"log": []byte("before " + spelled + " after")})
			if len(r.errors) == 0 {
				t.Errorf("the secret spelled %q was not found", spelled)
			}
			for _, e := range r.errors {
				if strings.Contains(e, planted) {
					t.Errorf("a failure message repeats the secret: %s", e)
				}
			}
		})
	}
}

func TestNeedlesFailWhenAKindComesUpShort(t *testing.T) {
	n := NewNeedles()
	n.Add(KindAccessToken, "one", "kms.0123456789abcdef")
	n.Expect(KindAccessToken, 2)
	n.Expect(KindOIDCToken, 1)
	r := &recorder{TB: t}
	n.Check(r, map[string][]byte{"log": []byte("nothing secret here")})
	if len(r.errors) != 2 {
		t.Errorf("want a failure for each short kind, got %q", r.errors)
	}
}

func TestNeedlesFailOnAnEmptyCorpus(t *testing.T) {
	n := NewNeedles()
	n.Add(KindAccessToken, "one", "kms.0123456789abcdef")
	r := &recorder{TB: t}
	n.Check(r, map[string][]byte{"log": nil})
	if len(r.errors) != 1 {
		t.Errorf("an empty corpus passed: %q", r.errors)
	}
}

func TestNeedlesCountAValueOnceForEachKind(t *testing.T) {
	n := NewNeedles()
	n.Add(KindEphemeral, "read", "the-same-secret-value")
	n.Add(KindWriteOnlySecret, "sent", "the-same-secret-value")
	n.Add(KindWriteOnlySecret, "sent again", "the-same-secret-value")
	if n.Count(KindEphemeral) != 1 || n.Count(KindWriteOnlySecret) != 1 || n.Len() != 1 {
		t.Errorf("counts: ephemeral %d, write-only %d, distinct %d", n.Count(KindEphemeral), n.Count(KindWriteOnlySecret), n.Len())
	}
}
