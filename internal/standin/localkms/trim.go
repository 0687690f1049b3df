package localkms

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// jsTrim is JavaScript's String.prototype.trim, which the server's zod
// schemas apply (`z.string().trim()`) before a value is checked and stored:
// it removes white space (tab, vertical tab, form feed, space, no-break
// space, the byte order mark and every Unicode space separator) and line
// terminators (line feed, carriage return, line and paragraph separators)
// from both ends. It differs from strings.TrimSpace: U+FEFF is trimmed,
// U+0085 is not.
func jsTrim(s string) string {
	return strings.TrimFunc(s, isJSWhiteSpace)
}

func isJSWhiteSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\ufeff', '\u2028', '\u2029':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// jsLength is a string's length as JavaScript counts it (UTF-16 code
// units), which zod's max() compares.
func jsLength(s string) int {
	return len(utf16.Encode([]rune(s)))
}
