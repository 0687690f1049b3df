package localk8s_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localk8s"
)

func review(t *testing.T, c *localk8s.Cluster, reviewer, token string, audiences []string) (int, map[string]any) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CACertPEM())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	spec := map[string]any{"token": token}
	if audiences != nil {
		spec["audiences"] = audiences
	}
	body, _ := json.Marshal(map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec})
	req, _ := http.NewRequest(http.MethodPost, c.URL()+"/apis/authentication.k8s.io/v1/tokenreviews", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+reviewer)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func status(out map[string]any) map[string]any { s, _ := out["status"].(map[string]any); return s }

func TestTokenReview(t *testing.T) {
	c, err := localk8s.Start(localk8s.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sa := localk8s.ServiceAccount{Namespace: "ci", Name: "terraform"}
	reviewer, _ := c.IssueToken(localk8s.ServiceAccount{Namespace: "kube-system", Name: "reviewer"}, localk8s.TokenOptions{CanReview: true})
	plain, _ := c.IssueToken(sa, localk8s.TokenOptions{})
	withAudience, _ := c.IssueToken(sa, localk8s.TokenOptions{Audiences: []string{"hanzo-kms"}})
	expired, _ := c.IssueToken(sa, localk8s.TokenOptions{Lifetime: -time.Second})

	code, out := review(t, c, reviewer, plain, nil)
	user, _ := status(out)["user"].(map[string]any)
	if code != http.StatusCreated || status(out)["authenticated"] != true || user["username"] != "system:serviceaccount:ci:terraform" {
		t.Errorf("a good token: %d %v", code, out)
	}
	if code, out := review(t, c, reviewer, withAudience, []string{"hanzo-kms"}); code != 201 || status(out)["authenticated"] != true {
		t.Errorf("the requested audience: %d %v", code, out)
	}
	for name, tc := range map[string]struct {
		token     string
		audiences []string
	}{
		"another audience": {withAudience, nil}, "not the requested audience": {plain, []string{"hanzo-kms"}},
		"expired": {expired, nil}, "unknown": {"eyJ.e30.c2ln", nil},
	} {
		if code, out := review(t, c, reviewer, tc.token, tc.audiences); code != 201 || status(out)["authenticated"] == true || status(out)["error"] == "" {
			t.Errorf("%s: %d %v", name, code, out)
		}
	}
	if code, _ := review(t, c, "not-a-token", plain, nil); code != http.StatusUnauthorized {
		t.Errorf("an unknown reviewer: %d", code)
	}
	if code, out := review(t, c, plain, plain, nil); code != http.StatusForbidden || out["reason"] != "Forbidden" {
		t.Errorf("a reviewer without system:auth-delegator: %d %v", code, out)
	}
}
