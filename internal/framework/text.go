package framework

import (
	"fmt"
	"strings"
)

// UniqueStrings keeps the first of each value, in order.
func UniqueStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// QuoteAll lists values for a message: "a", "b".
func QuoteAll(in []string) string {
	quoted := make([]string, len(in))
	for i, s := range in {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}
