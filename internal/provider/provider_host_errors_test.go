package provider_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
)

// Each way of pointing the provider at the wrong place gets an error that
// names it, on the real CLI; only the KMS refusing the credentials sends the
// user to the credentials.
func TestAccProviderHostMistakesNameTheCause(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	cli := acctest.NewCLI(t)
	tlsKMS := httptest.NewTLSServer(env.KMS.Handler())
	t.Cleanup(tlsKMS.Close)
	hostPort := strings.TrimPrefix(env.KMSURL, "http://")
	credentialsHint := "Check client_id and client_secret"

	cases := []struct {
		name, host, secret string
		want               []string
	}{
		{"a host ending in /api", env.KMSURL + "/api", "", []string{
			"Invalid Hanzo KMS host", `ends with the API path "/api", which the provider adds itself: use "` + env.KMSURL + `"`}},
		{"a host ending in /api/v1/", env.KMSURL + "/api/v1/", "", []string{
			"Invalid Hanzo KMS host", `ends with the API path "/api/v1"`, `use "` + env.KMSURL + `"`}},
		{"nothing listening", "http://127.0.0.1:1", "", []string{
			"Hanzo KMS refused the connection", "Nothing accepts connections at http://127.0.0.1:1", "host (or HANZO_KMS_HOST)"}},
		{"a name that does not resolve", "https://kms.invalid", "", []string{
			"Hanzo KMS host name does not resolve", "no such host", "host (or HANZO_KMS_HOST)"}},
		{"https to a plain HTTP server", "https://" + hostPort, "", []string{
			"Hanzo KMS host has the wrong scheme", "server gave HTTP response to HTTPS client", "answered in plain HTTP"}},
		{"a private CA not given", tlsKMS.URL, "", []string{
			"Hanzo KMS certificate not trusted", "certificate signed by unknown authority", "ca_certificate (or HANZO_KMS_CA_CERTIFICATE)"}},
		{"not the KMS's base URL", env.KMSURL + "/kms", "", []string{
			"Hanzo KMS not found at host", "answered 404 to the login route", "/api/v1/auth/universal-auth/login"}},
		{"a wrong secret", env.KMSURL, "not-the-secret", []string{
			"Hanzo KMS authentication failed", "HTTP 401", "Invalid credentials", credentialsHint}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			secret := env.IdentityClientSecret
			if c.secret != "" {
				secret = c.secret
			}
			// No ca_certificate: the private CA case must not be trusted.
			config := fmt.Sprintf(`
provider "hanzokms" {
  host          = %q
  client_id     = %q
  client_secret = %q
  max_retries   = 0
}

data "hanzokms_auth0_client_secret_rotations" "all" {
  project_id  = %q
  environment = "dev"
}
`, c.host, acctest.IdentityClientID, secret, acctest.ProjectID)
			out, err := cli.Run(config, "plan", "-input=false")
			if err == nil {
				t.Fatalf("plan succeeded:\n%s", out)
			}
			text := acctest.Squash(out)
			for _, want := range c.want {
				if !strings.Contains(text, want) {
					t.Errorf("the error does not say %q:\n%s", want, out)
				}
			}
			if c.secret == "" && strings.Contains(text, credentialsHint) {
				t.Errorf("a host mistake is blamed on the credentials:\n%s", out)
			}
			if strings.Contains(out, secret) {
				t.Error("the output holds the identity's secret")
			}
		})
	}
}
