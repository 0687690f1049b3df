package localsts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localsts"
)

var principal = localsts.Principal{
	AccessKeyID: "ASIATESTKEY000000001", SecretAccessKey: "test-secret-key", SessionToken: "test-session-token",
	Account: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/runner/s", UserID: "AROATEST:s",
}

// send forwards a signed request as the KMS does: its headers, Host kept.
func send(t *testing.T, s *localsts.Server, headers map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(body))
	req.Header.Set("Accept", "application/json")
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func sign(t *testing.T, p localsts.Principal, at time.Time) map[string]string {
	t.Helper()
	h, err := kms.SignGetCallerIdentity(context.Background(),
		aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, SessionToken: p.SessionToken}, "eu-west-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func errorCode(out map[string]any) string {
	e, _ := out["Error"].(map[string]any)
	code, _ := e["Code"].(string)
	return code
}

func TestGetCallerIdentityVerifiesTheSignature(t *testing.T) {
	now := time.Now()
	s, err := localsts.Start(localsts.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.AddPrincipal(principal)

	status, out := send(t, s, sign(t, principal, now), kms.STSGetCallerIdentityBody)
	result, _ := out["GetCallerIdentityResponse"].(map[string]any)["GetCallerIdentityResult"].(map[string]any)
	if status != 200 || result["Arn"] != principal.ARN || result["Account"] != principal.Account {
		t.Fatalf("a good signature: %d %v", status, out)
	}

	cases := []struct {
		name    string
		headers func() map[string]string
		body    string
		code    string
	}{
		{"tampered body", func() map[string]string { return sign(t, principal, now) },
			"Action=GetCallerIdentity&Version=2011-06-16", "SignatureDoesNotMatch"},
		{"tampered signed header", func() map[string]string {
			h := sign(t, principal, now)
			h["Content-Type"] = "application/json"
			return h
		}, kms.STSGetCallerIdentityBody, "SignatureDoesNotMatch"},
		{"another host", func() map[string]string {
			h := sign(t, principal, now)
			h["Host"] = "sts.us-east-1.amazonaws.com"
			return h
		}, kms.STSGetCallerIdentityBody, "SignatureDoesNotMatch"},
		{"wrong secret key", func() map[string]string {
			p := principal
			p.SecretAccessKey = "guessed"
			return sign(t, p, now)
		}, kms.STSGetCallerIdentityBody, "SignatureDoesNotMatch"},
		{"expired signature", func() map[string]string { return sign(t, principal, now.Add(-16*time.Minute)) },
			kms.STSGetCallerIdentityBody, "SignatureDoesNotMatch"},
		{"signed in the future", func() map[string]string { return sign(t, principal, now.Add(16*time.Minute)) },
			kms.STSGetCallerIdentityBody, "SignatureDoesNotMatch"},
		{"wrong session token", func() map[string]string {
			p := principal
			p.SessionToken = "stale"
			return sign(t, p, now)
		}, kms.STSGetCallerIdentityBody, "InvalidClientTokenId"},
		{"unknown key", func() map[string]string {
			p := principal
			p.AccessKeyID = "ASIAUNKNOWN"
			return sign(t, p, now)
		}, kms.STSGetCallerIdentityBody, "InvalidClientTokenId"},
		{"no signature", func() map[string]string { return map[string]string{"Host": "sts.eu-west-1.amazonaws.com"} },
			kms.STSGetCallerIdentityBody, "IncompleteSignature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out := send(t, s, tc.headers(), tc.body)
			if status != http.StatusForbidden || errorCode(out) != tc.code {
				t.Errorf("got %d %v, want 403 %s", status, out, tc.code)
			}
		})
	}
	// Only the good request was answered.
	answered := 0
	for _, c := range s.Calls() {
		if c.Error == "" {
			answered++
		}
	}
	if answered != 1 {
		t.Errorf("%d answered calls, want 1: %+v", answered, s.Calls())
	}
}

// A signature that expired in transit (the signing time is more than 15
// minutes old when STS sees it) says so in STS's words.
func TestExpiredSignatureSaysSo(t *testing.T) {
	now := time.Now()
	s, err := localsts.Start(localsts.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.AddPrincipal(principal)
	_, out := send(t, s, sign(t, principal, now.Add(-time.Hour)), kms.STSGetCallerIdentityBody)
	msg, _ := out["Error"].(map[string]any)["Message"].(string)
	if !strings.HasPrefix(msg, "Signature expired:") {
		t.Errorf("message %q", msg)
	}
}
