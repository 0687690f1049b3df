package kms

import (
	"strings"
	"testing"
)

func TestParseHostRefusesTheAPIPath(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"https://kms.example.com/api", `use "https://kms.example.com"`},
		{"https://kms.example.com/api/", `use "https://kms.example.com"`},
		{"https://kms.example.com/API/v1", `use "https://kms.example.com"`},
		{"https://corp.example.com/kms/api/v2/", `use "https://corp.example.com/kms"`},
	} {
		_, err := ParseHost(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ends with the API path") {
			t.Errorf("ParseHost(%q) = %v, want an error saying %s", tc.raw, err, tc.want)
		}
	}
	// A reverse proxy's prefix is not the API path, even when it contains "api".
	for _, raw := range []string{"https://kms.example.com/kms", "https://corp.example.com/apis", "https://corp.example.com/api-gateway/kms"} {
		if u, err := ParseHost(raw); err != nil || u.String() != raw {
			t.Errorf("ParseHost(%q) = %v, %v; want it kept", raw, u, err)
		}
	}
}
