package acctest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
		"plain":                          planted,
		"base64":                         base64.StdEncoding.EncodeToString([]byte(planted)),
		"base64 URL unpadded":            base64.RawURLEncoding.EncodeToString([]byte(planted)),
		"query escaped":                  url.QueryEscape(planted),
		"JSON in JSON":                   strings.ReplaceAll(planted, "&", `\\u0026`),
		"basic auth header":              "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:"+planted)),
		"after one byte":                 base64.StdEncoding.EncodeToString([]byte("x" + planted + "tail")),
		"URL alphabet, 2 bytes":          base64.URLEncoding.EncodeToString([]byte("xy" + planted)),
		"hex (%x)":                       fmt.Sprintf("%x", "prefix:"+planted+":suffix"),
		"hex upper case (%X)":            fmt.Sprintf("%X", []byte("prefix:"+planted)),
		"hex spaced (% x)":               fmt.Sprintf("% x", []byte(planted+" and more")),
		"hex.Dump":                       hex.Dump([]byte("Authorization: Bearer " + planted + "\r\n\r\n")),
		"hex.Dump, JSON log":             jsonEscaped(hex.Dump([]byte("a header of some length, then " + planted))),
		"%v of a []byte":                 fmt.Sprintf("%v", []byte("body="+planted+"&x=1")),
		"%d of a []byte":                 fmt.Sprintf("%d", []byte(planted)),
		"JSON array of bytes":            mustJSON(t, []int{1, 2, 115, 51, 99, 114, 51, 116, 47, 119, 105, 116, 104, 43, 111, 100, 100, 61, 99, 104, 97, 114, 115, 38, 109, 111, 114, 101, 45, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57}),
		"MIME base64 (76 columns, CRLF)": wrap(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("mail body ", 5)+planted)), 76, "\r\n"),
		"PEM (64 columns)":               "-----BEGIN DATA-----\n" + wrap(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("der", 20)+planted)), 64, "\n") + "\n-----END DATA-----",
		"PEM inside a JSON string":       jsonEscaped(wrap(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("z", 30)+planted)), 64, "\n")),
		"cut short, start kept":          planted[:len(planted)/2+1] + "...",
		"cut short, end kept":            "..." + planted[len(planted)/2:],
		"cut short, both ends kept":      planted[:10] + "..." + planted[len(planted)-10:],
		"cut short, both ends, ellipsis": planted[:10] + "…" + planted[len(planted)-10:],
		"cut short, both ends, redacted": planted[:10] + "<redacted>" + planted[len(planted)-10:],
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

// Logins that fall in the same second can be served identical credentials:
// one needle to search for, but each counts as served, so a floor on logins
// does not depend on how fast the machine ran them.
func TestNeedlesCountEachCredentialServed(t *testing.T) {
	n := NewNeedles()
	for i := range 3 {
		n.addServed(KindAWSSignature, fmt.Sprintf("STS call #%d signature", i), "same-second-signature-0123456789")
	}
	n.Expect(KindAWSSignature, 1)
	n.ExpectServed(KindAWSSignature, 3)
	corpus := map[string][]byte{"log": []byte("nothing secret here")}
	r := &recorder{TB: t}
	n.Check(r, corpus)
	if len(r.errors) != 0 || n.Count(KindAWSSignature) != 1 || n.Served(KindAWSSignature) != 3 {
		t.Errorf("three identical signatures served: %d to search for, %d served, failures %q; want 1, 3 and none",
			n.Count(KindAWSSignature), n.Served(KindAWSSignature), r.errors)
	}
	n.ExpectServed(KindAWSSignature, 4)
	r = &recorder{TB: t}
	n.Check(r, corpus)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "served only 3") {
		t.Errorf("a kind served fewer times than expected passed: %q", r.errors)
	}
}

// wrap breaks s into lines of width characters, as MIME and PEM do.
func wrap(s string, width int, newline string) string {
	var lines []string
	for len(s) > width {
		lines = append(lines, s[:width])
		s = s[width:]
	}
	return strings.Join(append(lines, s), newline)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// What is not a secret's spelling is not reported: a short start or end
// (a log that identifies a token by its first characters), ends that are
// too short, or parts on different lines.
func TestNeedlesIgnoreWhatIsNotTheSecret(t *testing.T) {
	for name, text := range map[string]string{
		"first eight characters":       planted[:8] + "...",
		"last four characters":         "****" + planted[len(planted)-4:],
		"both ends, five each":         planted[:5] + "..." + planted[len(planted)-5:],
		"both ends, a long gap":        planted[:10] + strings.Repeat(".", 40) + planted[len(planted)-10:],
		"both ends, on two lines":      planted[:10] + "\n" + planted[len(planted)-10:],
		"hex of another value":         hex.Dump([]byte("nothing secret here at all, just a long enough value")),
		"decimal bytes of another one": fmt.Sprintf("%v", []byte("0123456789abcdef")),
	} {
		t.Run(name, func(t *testing.T) {
			n := NewNeedles()
			n.Add(KindIdentitySecret, "planted", planted)
			r := &recorder{TB: t}
			n.Check(r, map[string][]byte{"log": []byte("before " + text + " after")})
			if len(r.errors) != 0 {
				t.Errorf("reported %q in %q", r.errors, text)
			}
		})
	}
}
