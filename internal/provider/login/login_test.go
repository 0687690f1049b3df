package login

import (
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// The KMS's failures to read an issuer's discovery document or keys quote
// the transport error, which may say "expired" or name a signature: the
// hint speaks of the KMS's request to the issuer, not of the token. The
// messages are the server's (identity-oidc-auth-service.ts).
func TestOIDCDiscoveryAndJWKSFailuresAreNotBlamedOnTheToken(t *testing.T) {
	s := settings{login: map[string]string{"oidc_identity_id": "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"}, fromEnv: map[string]bool{}}
	login := oidcLogin{identityID: "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31", sourceSetting: envvar.TFCWorkloadIdentityToken, s: s}
	cases := []struct{ message, want, notWant string }{
		{"Access denied: Failed to fetch OIDC discovery document from https://token.example. certificate has expired",
			"could not read the OIDC discovery document", "has expired: the provider reads it"},
		{"Access denied: Failed to fetch OIDC discovery document from https://signature.example. connect ECONNREFUSED",
			"could not read the OIDC discovery document", "signature does not verify"},
		{"Access denied: OIDC discovery document does not contain a jwks_uri. The identity provider may be misconfigured.",
			"could not read the OIDC discovery document", "signature does not verify"},
		{"Access denied: Failed to retrieve signing key from OIDC provider: certificate has expired",
			"signing keys (JWKS)", "has expired: the provider reads it"},
		{"Access denied: Failed to retrieve signing keys from OIDC provider: self-signed certificate in certificate chain",
			"signing keys (JWKS)", "signature does not verify"},
		{"Access denied: No signing keys available from OIDC provider's JWKS endpoint.", "signing keys (JWKS)", "signature does not verify"},
		// The token's own faults keep their hints.
		{"Access denied: jwt expired", "has expired: the provider reads it", "discovery"},
		{"Access denied: invalid signature", "signature does not verify", "could not read"},
		{"Access denied: Unable to verify JWT signature. The signing key 'k1' was not found in the OIDC provider's JWKS endpoint.",
			"signature does not verify", "could not read"},
	}
	for _, tc := range cases {
		err := &kms.LoginError{Method: kms.LoginOIDC, Host: "https://kms.example",
			Err: &kms.APIError{Method: "POST", Path: "/api/v1/auth/oidc-auth/login", StatusCode: 401, ErrorName: "UnauthorizedError", Message: tc.message}}
		summary, detail := loginFailure(login, err, "https://kms.example")
		if summary != "Hanzo KMS authentication failed" || !strings.Contains(detail, tc.want) || strings.Contains(detail, tc.notWant) {
			t.Errorf("%s:\n got %q\nwant ...%q..., not %q", tc.message, detail, tc.want, tc.notWant)
		}
	}
}

// A login still rate-limited after the waits allowed is not blamed on the
// credentials, for either method, and names the settings that bound the waits.
func TestRateLimitedLoginIsNotBlamedOnTheCredentials(t *testing.T) {
	rateLimited := &kms.APIError{Method: "POST", Path: "/api/v1/auth/universal-auth/login", StatusCode: 429,
		ErrorName: "RateLimitExceeded", Message: "Rate limit exceeded. Please try again in 40 seconds"}
	noSettings := settings{login: map[string]string{}, fromEnv: map[string]bool{}}
	for method, login := range map[string]chosenLogin{"universal auth": universalAuthLogin{}, "OIDC": oidcLogin{s: noSettings}} {
		err := &kms.LoginError{Method: kms.LoginUniversalAuth, Host: "https://kms.example", Err: rateLimited, Attempts: 5}
		summary, detail := loginFailure(login, err, "https://kms.example")
		if summary != "Hanzo KMS rate-limited the login" || !strings.Contains(detail, "max_retries (or HANZO_KMS_MAX_RETRIES)") ||
			!strings.Contains(detail, "request_timeout (or HANZO_KMS_REQUEST_TIMEOUT)") || !strings.Contains(detail, "after 5 attempts") {
			t.Errorf("%s: %q / %q", method, summary, detail)
		}
		if strings.Contains(detail, "fix the credentials") || strings.Contains(detail, "Check client_id") {
			t.Errorf("%s: blamed on the credentials: %s", method, detail)
		}
	}
	// The lockout's 429 is a refusal of the credentials.
	lock := &kms.LoginError{Method: kms.LoginUniversalAuth, Host: "https://kms.example", Attempts: 1,
		Err: &kms.APIError{StatusCode: 429, ErrorName: "RateLimitExceeded", Message: "Failed to acquire lock: rate limit exceeded"}}
	if summary, detail := loginFailure(universalAuthLogin{}, lock, "https://kms.example"); summary != "Hanzo KMS authentication failed" ||
		!strings.Contains(detail, "fix the credentials") {
		t.Errorf("lock contention: %q / %q", summary, detail)
	}
}
