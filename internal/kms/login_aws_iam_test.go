package kms

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The AWS login body is what the server reads (Infisical's
// identity-aws-auth-service.ts): POST, the form body and the headers base64,
// the headers a JSON object of strings whose Authorization names the region
// in its credential scope, and Host the regional STS endpoint signed for.
func TestAWSIAMLoginSendsTheSignedRequestAsTheServerReadsIt(t *testing.T) {
	var got awsIAMLoginRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/auth/aws-auth/login" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		_, _ = w.Write([]byte(`{"accessToken":"t","expiresIn":60,"accessTokenMaxTTL":60,"tokenType":"Bearer"}`))
	}))
	defer srv.Close()
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	c, err := New(Config{Host: srv.URL, Login: AWSIAMAuth{
		IdentityID: "identity-1", Region: "eu-west-1", Now: func() time.Time { return at },
		Credentials: credentials.NewStaticCredentialsProvider("ASIAEXAMPLE", "secret-key", "session-token"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	body, _ := base64.StdEncoding.DecodeString(got.IAMRequestBody)
	rawHeaders, _ := base64.StdEncoding.DecodeString(got.IAMRequestHeaders)
	var headers map[string]string
	if err := json.Unmarshal(rawHeaders, &headers); err != nil {
		t.Fatalf("headers are not a JSON object of strings: %v (%s)", err, rawHeaders)
	}
	auth := headers["Authorization"]
	switch {
	case got.IdentityID != "identity-1" || got.IAMHTTPRequestMethod != "POST":
		t.Errorf("identity %q, method %q", got.IdentityID, got.IAMHTTPRequestMethod)
	case string(body) != "Action=GetCallerIdentity&Version=2011-06-15":
		t.Errorf("body %q", body)
	case headers["Host"] != "sts.eu-west-1.amazonaws.com":
		t.Errorf("Host %q", headers["Host"])
	case !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261203/eu-west-1/sts/aws4_request, SignedHeaders="):
		t.Errorf("Authorization %q", auth)
	case headers["X-Amz-Date"] != "20261203T090000Z" || headers["X-Amz-Security-Token"] != "session-token":
		t.Errorf("headers %v", headers)
	case headers["Content-Type"] != "application/x-www-form-urlencoded; charset=utf-8":
		t.Errorf("Content-Type %q", headers["Content-Type"])
	}
	if strings.Contains(string(rawHeaders), "secret-key") {
		t.Error("the secret key left the machine")
	}
}

// Credentials that cannot be had: no login is sent, and the error says where
// they were looked for.
func TestAWSIAMLoginWithoutCredentialsSendsNothing(t *testing.T) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests++ }))
	defer srv.Close()
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, context.DeadlineExceeded
	})
	c, _ := New(Config{Host: srv.URL, Login: AWSIAMAuth{IdentityID: "i", Region: "eu-west-1", Credentials: failing}})
	err := c.Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "AWS credential chain") || requests != 0 {
		t.Errorf("err %v, %d requests", err, requests)
	}
}
