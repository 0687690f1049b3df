package login

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// kmsLoginFailure turns a failed login to the KMS into a diagnostic's summary
// and detail that name the real cause. A login fails for many reasons that
// have nothing to do with the credentials (a wrong host, scheme or CA, a KMS
// that is down), and sending the user to check a correct secret wastes their
// time; only the KMS refusing the credentials (401) points at them.
func kmsLoginFailure(err error, host string) (summary, detail string) {
	hint := kmsConnectionHint(err, host)
	return hint.summary, fmt.Sprintf("%v\n\n%s", err, hint.advice)
}

type connectionHint struct{ summary, advice string }

func kmsConnectionHint(err error, host string) connectionHint {
	hostSetting := "host (or " + envvar.Host + ")"
	var apiErr *kms.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusUnauthorized:
			return connectionHint{"Hanzo KMS authentication failed", fmt.Sprintf(
				"The KMS at %s refused the machine identity. Check client_id and client_secret (or %s and %s), or "+
					"token (or %s). A refused login is not retried: repeated failures lock the identity for a few minutes.",
				host, envvar.ClientID, envvar.ClientSecret, envvar.Token)}
		case http.StatusNotFound:
			if !apiErr.RouteNotFound() {
				break // the KMS itself answered: it is there, and says what it did not find
			}
			return connectionHint{"Hanzo KMS not found at host", fmt.Sprintf(
				"%s answered 404 to the login route, so it is not the base URL of a Hanzo KMS. Set %s to the URL the "+
					"KMS web app is served at (e.g. %s), without an API path; a KMS behind a reverse proxy "+
					"under a path prefix needs exactly that prefix.", host, hostSetting, kms.DefaultHost)}
		case http.StatusForbidden:
			return connectionHint{"Hanzo KMS refused the login", fmt.Sprintf(
				"The KMS at %s knows the identity but refused this login (HTTP 403): its universal auth may not allow "+
					"logins from this IP address (trusted IPs) or may be turned off. Check the identity's universal "+
					"auth settings in the KMS.", host)}
		}
		return connectionHint{"Hanzo KMS login failed", fmt.Sprintf(
			"The KMS at %s failed to answer the login (HTTP %d). This is not a credentials problem; try again later, "+
				"or check the KMS's status.", host, apiErr.StatusCode)}
	}

	var recordErr tls.RecordHeaderError
	if errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &recordErr) {
		return connectionHint{"Hanzo KMS host has the wrong scheme", fmt.Sprintf(
			"%s starts with https://, but the server answered in plain HTTP. Use http:// only for a local server "+
				"without TLS, or point %s at the KMS's HTTPS address.", host, hostSetting)}
	}
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return connectionHint{"Hanzo KMS certificate not trusted", fmt.Sprintf(
			"The KMS at %s presented a certificate signed by an authority this machine does not trust. For a KMS "+
				"behind a private TLS chain, set ca_certificate (or %s) to the PEM of that chain's root CA.",
			host, envvar.CACertificate)}
	}
	var hostnameErr x509.HostnameError
	if errors.As(err, &hostnameErr) {
		return connectionHint{"Hanzo KMS certificate is for another host", fmt.Sprintf(
			"The certificate of the server at %s is not valid for that name. Set %s to a name the certificate "+
				"covers.", host, hostSetting)}
	}
	var invalidCert x509.CertificateInvalidError
	if errors.As(err, &invalidCert) {
		return connectionHint{"Hanzo KMS certificate is invalid", fmt.Sprintf(
			"The certificate of the server at %s is invalid (expired or not yet valid, or not for server use); "+
				"it needs renewing on the server side.", host)}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return connectionHint{"Hanzo KMS host name does not resolve", fmt.Sprintf(
			"The name in %s does not resolve from where Terraform runs. Check %s for a typo, and this machine's "+
				"DNS or VPN if the KMS is on a private network.", host, hostSetting)}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return connectionHint{"Hanzo KMS refused the connection", fmt.Sprintf(
			"Nothing accepts connections at %s. Check the host and port in %s, and that the KMS is running.",
			host, hostSetting)}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return connectionHint{"Hanzo KMS did not answer in time", fmt.Sprintf(
			"The KMS at %s did not answer within request_timeout (or %s). A firewall or proxy may be dropping "+
				"the connection; check %s, or raise the timeout for a slow network.", host, envvar.RequestTimeout, hostSetting)}
	}
	return connectionHint{"Could not reach Hanzo KMS", fmt.Sprintf(
		"The login to the KMS at %s failed before the KMS could judge the credentials. Check %s, the network "+
			"between this machine and the KMS, and ca_certificate (or %s) for a private TLS chain.",
		host, hostSetting, envvar.CACertificate)}
}
