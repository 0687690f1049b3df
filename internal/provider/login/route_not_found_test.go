package login

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// errorsFrom answers every request with status and body, and returns what a
// KMS client makes of a rotation read and a login there.
func errorsFrom(t *testing.T, status int, body string) (host string, read, login error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	withToken, err := kms.New(kms.Config{Host: srv.URL, Token: "t", MaxRetries: new(0)})
	if err != nil {
		t.Fatal(err)
	}
	_, read = withToken.GetAuth0ClientSecretRotation(context.Background(), "6b1f5f0e-8c7b-4a43-9d9a-1f0b2c3d4e5f")
	withSecret, err := kms.New(kms.Config{Host: srv.URL, ClientID: "id", ClientSecret: "s", MaxRetries: new(0)})
	if err != nil {
		t.Fatal(err)
	}
	login = withSecret.Login(context.Background())
	return srv.URL, read, login
}

// A missing route is explained (host, route, what to check); the service's
// own not-found is passed on as the KMS said it. The login hints agree: only
// a missing login route means "not a KMS at this address".
func TestRouteNotFoundIsExplainedAndTheServicesNotFoundIsNot(t *testing.T) {
	host, read, login := errorsFrom(t, 404, `{"message":"Route GET:/x not found","error":"Not Found","statusCode":404}`)
	detail := framework.APIErrorDetail(read)
	for _, want := range []string{
		"The server at " + host + " does not serve the route GET /api/v2/secret-rotations/auth0-client-secret/6b1f5f0e-8c7b-4a43-9d9a-1f0b2c3d4e5f",
		"not an answer about the object", "host (or HANZO_KMS_HOST)", "path prefix", "serves secret rotations",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("the route-not-found detail does not say %q:\n%s", want, detail)
		}
	}
	if summary, _ := kmsLoginFailure(login, host); summary != "Hanzo KMS not found at host" {
		t.Errorf("a missing login route: %q", summary)
	}

	host, read, login = errorsFrom(t, 404, `{"reqId":"req-1","statusCode":404,"message":"Could not find it","error":"NotFound"}`)
	if detail := framework.APIErrorDetail(read); strings.Contains(detail, "does not serve") || !strings.Contains(detail, "Could not find it") {
		t.Errorf("the service's not-found was explained as a missing route:\n%s", detail)
	}
	if summary, _ := kmsLoginFailure(login, host); summary == "Hanzo KMS not found at host" {
		t.Errorf("the service's own 404 on login was taken for a missing KMS")
	}
}
