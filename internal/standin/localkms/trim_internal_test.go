package localkms

import "testing"

// jsTrim is JavaScript's trim: Unicode space separators, the byte order
// mark and the line and paragraph separators go; NEL (U+0085), which Go
// counts as space, stays.
func TestJSTrim(t *testing.T) {
	for in, want := range map[string]string{
		"  a b \n":             "a b",
		"\t\v\f\r\na\u00a0":    "a",
		"\ufeffa\u2028\u2029":  "a",
		"\u3000a\u2009":        "a",
		"\u0085a\u0085":        "\u0085a\u0085",
		"":                     "",
		" \n ":                 "",
		"inner  space\tstays ": "inner  space\tstays",
	} {
		if got := jsTrim(in); got != want {
			t.Errorf("jsTrim(%q) = %q, want %q", in, got, want)
		}
	}
	if n := jsLength("é😀"); n != 3 {
		t.Errorf("jsLength counts UTF-16 code units: got %d, want 3", n)
	}
}
