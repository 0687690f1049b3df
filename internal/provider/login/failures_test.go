package login

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// The causes the acceptance tests cannot stage cheaply; the others run on
// the real CLI in internal/provider/provider_host_errors_test.go.
func TestKMSLoginFailureNamesTheCause(t *testing.T) {
	const host = "https://kms.example.com"
	cases := []struct {
		err           error
		summary, want string
	}{
		{&kms.APIError{Method: "POST", Path: "/api/v1/auth/universal-auth/login", StatusCode: 403}, "Hanzo KMS refused the login", "trusted IPs"},
		{&kms.APIError{Method: "POST", Path: "/api/v1/auth/universal-auth/login", StatusCode: 503}, "Hanzo KMS login failed", "not a credentials problem"},
		{fmt.Errorf("login: %w", context.DeadlineExceeded), "Hanzo KMS did not answer in time", "request_timeout (or HANZO_KMS_REQUEST_TIMEOUT)"},
		{fmt.Errorf("login: %w", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "kms.example.com"}), "Hanzo KMS certificate is for another host", "host (or HANZO_KMS_HOST)"},
		{fmt.Errorf("login: %w", x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.Expired}), "Hanzo KMS certificate is invalid", "expired"},
		{errors.New("connection reset by peer"), "Could not reach Hanzo KMS", "before the KMS could judge the credentials"},
	}
	for _, tc := range cases {
		summary, detail := kmsLoginFailure(tc.err, host)
		if summary != tc.summary || !strings.Contains(detail, tc.want) || !strings.Contains(detail, tc.err.Error()) {
			t.Errorf("%v:\n got %q / %q\nwant %q / ...%q...", tc.err, summary, detail, tc.summary, tc.want)
		}
		if strings.Contains(detail, "Check client_id") {
			t.Errorf("%v is blamed on the credentials", tc.err)
		}
	}
}
