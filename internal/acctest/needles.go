package acctest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// Kinds of secret a leak test looks for. A test states how many of each it
// expects (Needles.Expect), and how many the local world's stand-ins must
// have served (Needles.ExpectServed); a kind that comes up short fails the
// test, so a search that found nothing because it had nothing to look for
// cannot pass.
const (
	KindIdentitySecret   = "machine identity client secret"
	KindAccessToken      = "access token (login)"
	KindRenewedToken     = "access token (renewed)"
	KindAuth0Secret      = "Auth0 application secret"
	KindConnectionSecret = "app connection client_secret"
	KindWriteOnlySecret  = "app connection client_secret_wo"
	KindEphemeral        = "ephemeral credentials client_secret"
	KindAuth0Token       = "Auth0 access token"
	// KindOIDCToken: an identity token of an OIDC login (or its signature).
	KindOIDCToken = "OIDC identity token"
	// KindGitHubRequestToken: ACTIONS_ID_TOKEN_REQUEST_TOKEN, the bearer a
	// GitHub Actions job asks the runner for OIDC tokens with: whoever holds
	// it can mint identity tokens for the job.
	KindGitHubRequestToken = "GitHub Actions token request bearer (ACTIONS_ID_TOKEN_REQUEST_TOKEN)"
)

// minNeedleLength: shorter values would match by chance; every secret the
// local servers issue is far longer.
const minNeedleLength = 12

// Needles are the secrets a leak test searches for, each under a kind and a
// label that a failure names (never the secret itself).
type Needles struct {
	labels map[string][]string // secret -> "kind: label" of each time it was added
	seen   map[[2]string]bool  // (kind, secret) already counted
	kinds  map[string]int
	expect map[string]int
	// served counts, by kind, the credentials a stand-in handed out or was
	// sent, each time (see ExpectServed).
	served       map[string]int
	expectServed map[string]int
}

// NewNeedles is an empty set.
func NewNeedles() *Needles {
	return &Needles{labels: map[string][]string{}, seen: map[[2]string]bool{}, kinds: map[string]int{}, expect: map[string]int{},
		served: map[string]int{}, expectServed: map[string]int{}}
}

// Add records one secret of a kind. A value may be of several kinds (the
// secret an ephemeral resource returned is also what a write-only attribute
// sent, and an Auth0 secret): it counts once for each, and is searched once.
// Empty values are ignored, and so do not count.
func (n *Needles) Add(kind, label, secret string) {
	if secret == "" || n.seen[[2]string{kind, secret}] {
		return
	}
	n.seen[[2]string{kind, secret}] = true
	n.kinds[kind]++
	n.labels[secret] = append(n.labels[secret], kind+": "+label)
}

// AddAll records several secrets of one kind, labelled by position.
func (n *Needles) AddAll(kind, label string, secrets []string) {
	for i, s := range secrets {
		n.Add(kind, fmt.Sprintf("%s #%d", label, i), s)
	}
}

// Expect states that at least minimum distinct secrets of kind must be
// searched for. Identical credentials are one needle: a floor on logins
// belongs in ExpectServed.
func (n *Needles) Expect(kind string, minimum int) { n.expect[kind] = minimum }

// addServed records a credential of kind as the stand-in that served it saw
// it: one token handed out, or one signed request verified, for one login.
// It counts each time, identical ones too, and is searched for once.
func (n *Needles) addServed(kind, label, secret string) {
	if secret == "" {
		return
	}
	n.served[kind]++
	n.Add(kind, label, secret)
}

// ExpectServed states that the local world's stand-ins served at least
// minimum credentials of kind (AddStack counts them where they were served:
// every token a stand-in handed out, every signed request STS verified).
// This is the floor for "the run logged in N times": two logins in the same
// second can sign the same request, or get the same token where the issuer
// puts nothing unique in it, which is one needle to search for but still
// two logins, so counting distinct needles would make the floor depend on
// the machine's speed.
func (n *Needles) ExpectServed(kind string, minimum int) { n.expectServed[kind] = minimum }

// Served is how many credentials of kind the stand-ins served, identical
// ones included.
func (n *Needles) Served(kind string) int { return n.served[kind] }

// Count is how many distinct secrets of kind are recorded.
func (n *Needles) Count(kind string) int { return n.kinds[kind] }

// Len is how many distinct secrets are recorded.
func (n *Needles) Len() int { return len(n.labels) }

// AddStack records every secret the local world ever held: the machine
// identity's client secret, every access token the KMS issued (by login and
// by renew, including those since renewed away), and every client secret any
// Auth0 application of the tenant ever had (the connection's own management
// secret, and each rotated one), and every access token the tenant issued
// (to the local KMS, and to the provider's own checks of a connection), and
// every OIDC token the local issuer minted, and its signature on its own,
// and the Kubernetes and AWS credentials of the machine logins.
func (n *Needles) AddStack(st *localstack.Stack) {
	n.Add(KindIdentitySecret, "seeded identity", st.IdentityClientSecret)
	for i, tok := range st.KMS.IssuedTokens() {
		kind := KindAccessToken
		if tok.Renewed {
			kind = KindRenewedToken
		}
		n.Add(kind, fmt.Sprintf("token #%d", i), tok.Value)
	}
	for _, app := range st.Tenant.Applications() {
		n.AddAll(KindAuth0Secret, app, st.Tenant.SecretHistory(app))
	}
	n.AddAll(KindAuth0Token, "tenant token", st.Tenant.IssuedAccessTokens())
	if st.Issuer != nil {
		for i, tok := range st.Issuer.MintedTokens() {
			n.addServed(KindOIDCToken, fmt.Sprintf("OIDC token #%d", i), tok)
			// A JWT's signature alone is as secret as the whole token.
			if dot := strings.LastIndex(tok, "."); dot >= 0 {
				n.Add(KindOIDCToken, fmt.Sprintf("OIDC token #%d signature", i), tok[dot+1:])
			}
		}
	}
	n.addMachineLogins(st)
}

// Check fails t when a kind has fewer secrets than expected, then searches
// every corpus for every secret in each encoding a log line, a state file or
// an HTTP dump could carry it in. It reports the kind and label of each hit,
// never the secret.
func (n *Needles) Check(t testing.TB, corpora map[string][]byte) {
	t.Helper()
	kinds := make([]string, 0, len(n.expect))
	for k := range n.expect {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if n.kinds[k] < n.expect[k] {
			t.Errorf("only %d secrets of kind %q to search for, want at least %d: the search would prove less than it claims",
				n.kinds[k], k, n.expect[k])
		} else if n.served[k] > 0 {
			t.Logf("searching for %d secrets of kind %q, from %d served", n.kinds[k], k, n.served[k])
		} else {
			t.Logf("searching for %d secrets of kind %q", n.kinds[k], k)
		}
	}
	servedKinds := make([]string, 0, len(n.expectServed))
	for k := range n.expectServed {
		servedKinds = append(servedKinds, k)
	}
	sort.Strings(servedKinds)
	for _, k := range servedKinds {
		if n.served[k] < n.expectServed[k] {
			t.Errorf("the stand-ins served only %d credentials of kind %q, want at least %d: the run logged in fewer times "+
				"than the search claims to cover", n.served[k], k, n.expectServed[k])
		}
	}
	if len(corpora) == 0 {
		t.Errorf("nothing to search in")
	}
	names := make([]string, 0, len(corpora))
	for name, corpus := range corpora {
		if len(corpus) == 0 {
			t.Errorf("corpus %q is empty: the search would prove nothing", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	// Each corpus is also searched as the spellings that split a value
	// across lines would leave it: line breaks removed (MIME and PEM wrap
	// base64 at 76 and 64 columns), and the bytes of a hex.Dump.
	// (Both ends kept is looked for on one line, so not in the first.)
	type view struct {
		corpus, name string
		data         []byte
		oneLine      bool
	}
	var views []view
	for _, name := range names {
		views = append(views, view{name, name, corpora[name], true})
		if joined := withoutLineBreaks(corpora[name]); !bytes.Equal(joined, corpora[name]) {
			views = append(views, view{name, name + " (line breaks removed)", joined, false})
		}
		if dumped := hexDumpBytes(corpora[name]); len(dumped) > 0 {
			views = append(views, view{name, name + " (hex dump read back)", dumped, true})
		}
	}
	for secret, labels := range n.labels {
		label := strings.Join(labels, " = ")
		if len(secret) < minNeedleLength {
			t.Errorf("%s is %d characters: too short to search for reliably", label, len(secret))
			continue
		}
		forms := Encodings(secret)
		head, tail, hasEnds := BothEnds(secret)
		found := map[string]bool{} // corpora already reported: not again for their other views
		for _, v := range views {
			if found[v.corpus] {
				continue
			}
			for _, form := range forms {
				if bytes.Contains(v.data, []byte(form.Value)) {
					t.Errorf("%s appears in %s (%s)", label, v.name, form.Name)
					found[v.corpus] = true
				}
			}
			if hasEnds && v.oneLine && bothEndsIn(v.data, head, tail) {
				t.Errorf("%s appears in %s (cut short, both ends kept)", label, v.name)
				found[v.corpus] = true
			}
		}
	}
}

// maxElision is how much text a secret cut short may have in place of its
// middle ("...", "…", "<redacted>", "****") and still count as one value.
const maxElision = 16

// BothEnds are the start and end a secret cut short keeps ("abcdef…uvwxyz"):
// together half the secret or more, each at least six characters. ok is
// false when the secret is too short for both to say anything.
func BothEnds(secret string) (head, tail string, ok bool) {
	keep := max(6, (len(secret)+3)/4)
	if 2*keep >= len(secret) {
		return "", "", false
	}
	return secret[:keep], secret[len(secret)-keep:], true
}

// bothEndsIn reports whether data holds head, then at most maxElision
// characters on the same line, then tail.
func bothEndsIn(data []byte, head, tail string) bool {
	for rest := data; ; {
		i := bytes.Index(rest, []byte(head))
		if i < 0 {
			return false
		}
		after := rest[i+len(head):]
		window := after[:min(len(after), maxElision+len(tail))]
		if nl := bytes.IndexByte(window, '\n'); nl >= 0 {
			window = window[:nl]
		}
		if bytes.Contains(window, []byte(tail)) {
			return true
		}
		rest = rest[i+1:]
	}
}

// withoutLineBreaks is data with every line break removed, raw (CR, LF) or
// escaped inside a JSON string (\r, \n).
func withoutLineBreaks(data []byte) []byte {
	out := bytes.ReplaceAll(data, []byte(`\r`), nil)
	out = bytes.ReplaceAll(out, []byte(`\n`), nil)
	out = bytes.ReplaceAll(out, []byte("\r"), nil)
	return bytes.ReplaceAll(out, []byte("\n"), nil)
}

// hexDumpLine is one line of hex.Dump: an offset, up to sixteen bytes in hex
// (a second space after the eighth), and the bytes as text.
var hexDumpLine = regexp.MustCompile(`(?:^|[^0-9a-f])[0-9a-f]{8}  ((?:[0-9a-f]{2} {1,2}){1,16})`)

// hexDumpBytes reads back the bytes of every hex.Dump line in data (its
// lines may be apart or inside a JSON string), one run after the other, so
// that a secret split across lines is whole again.
func hexDumpBytes(data []byte) []byte {
	var out []byte
	for _, m := range hexDumpLine.FindAllSubmatch(data, -1) {
		b, err := hex.DecodeString(strings.Join(strings.Fields(string(m[1])), ""))
		if err == nil {
			out = append(out, b...)
		}
	}
	return out
}

// Encoding is one spelling of a secret.
type Encoding struct{ Name, Value string }

// Encodings are the spellings of secret a leak could take: as is; base64,
// standard and URL alphabets, with and without padding; the part of a base64
// encoding that does not depend on the bytes around the secret (for a secret
// inside a larger encoded value, such as a basic auth header), at each of the
// three alignments; URL query and path escaped; JSON-escaped (as inside a
// JSON string, and again as a JSON string inside a JSON log line); hex
// (%x, %X, % x); its bytes in decimal (%v of a []byte, a JSON array); and
// cut short with a long start or end kept. Check adds the spellings that
// are not one substring: wrapped base64 (MIME, PEM), hex.Dump, and both
// ends kept (BothEnds).
func Encodings(secret string) []Encoding {
	raw := []byte(secret)
	forms := []Encoding{
		{"plain", secret},
		{"base64 standard", base64.StdEncoding.EncodeToString(raw)},
		{"base64 standard unpadded", base64.RawStdEncoding.EncodeToString(raw)},
		{"base64 URL", base64.URLEncoding.EncodeToString(raw)},
		{"base64 URL unpadded", base64.RawURLEncoding.EncodeToString(raw)},
		{"URL query escaped", url.QueryEscape(secret)},
		{"URL path escaped", url.PathEscape(secret)},
		{"JSON escaped", jsonEscaped(secret)},
		{"JSON escaped twice", jsonEscaped(jsonEscaped(secret))},
		{"hex (%x)", hex.EncodeToString(raw)},
		{"hex upper case (%X)", strings.ToUpper(hex.EncodeToString(raw))},
		{"hex spaced (% x)", joinBytes(raw, "%02x", " ")},
		{"decimal bytes (%v of a []byte)", joinBytes(raw, "%d", " ")},
		{"decimal bytes, comma separated (a JSON array of numbers)", joinBytes(raw, "%d", ",")},
	}
	// Cut short: a long start or a long end kept (half the secret, at least
	// minNeedleLength characters); both ends kept is BothEnds.
	if keep := max(minNeedleLength, (len(secret)+1)/2); keep < len(secret) {
		forms = append(forms, Encoding{"cut short, start kept", secret[:keep]}, Encoding{"cut short, end kept", secret[len(secret)-keep:]})
	}
	for offset := range 3 {
		for _, enc := range []struct {
			name string
			e    *base64.Encoding
		}{{"standard", base64.RawStdEncoding}, {"URL", base64.RawURLEncoding}} {
			shifted := enc.e.EncodeToString(append(make([]byte, offset), raw...))
			// Characters wholly made of the secret's bits.
			from, to := (8*offset+5)/6, 8*(offset+len(raw))/6
			if to-from >= minNeedleLength {
				forms = append(forms, Encoding{fmt.Sprintf("inside base64 %s, offset %d", enc.name, offset), shifted[from:to]})
			}
		}
	}
	// Drop repeats (a secret of plain letters is its own URL escape).
	var out []Encoding
	for _, f := range forms {
		if !slices.ContainsFunc(out, func(o Encoding) bool { return o.Value == f.Value }) {
			out = append(out, f)
		}
	}
	return out
}

// joinBytes is each byte of raw in format, joined by sep.
func joinBytes(raw []byte, format, sep string) string {
	parts := make([]string, len(raw))
	for i, b := range raw {
		parts[i] = fmt.Sprintf(format, b)
	}
	return strings.Join(parts, sep)
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// ReadTree reads every regular file under dir into one corpus per file,
// named by its path relative to dir (state files, plans, logs a CLI left).
func ReadTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		// Provider binaries and CLI plugins are not the project's output.
		if strings.Contains(p, string(filepath.Separator)+".terraform"+string(filepath.Separator)+"providers") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = data
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return out
}
