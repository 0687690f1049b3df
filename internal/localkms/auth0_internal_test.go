package localkms

import "testing"

// The server appends "clients/<id>" to the connection's audience as is.
func TestClientURLAppendsToTheAudienceAsIs(t *testing.T) {
	for audience, want := range map[string]string{
		"https://tenant.example/api/v2/": "https://tenant.example/api/v2/clients/app%2F1",
		"https://tenant.example/api/v2":  "https://tenant.example/api/v2clients/app%2F1",
	} {
		if got := clientURL(auth0Credentials{Audience: audience}, "app/1"); got != want {
			t.Errorf("clientURL(%q) = %q, want %q", audience, got, want)
		}
	}
}
