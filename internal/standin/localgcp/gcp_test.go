package localgcp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
)

const (
	runner = "ci-runner@acme-ci.iam.gserviceaccount.com"
	target = "terraform@acme-ci.iam.gserviceaccount.com"
)

func start(t *testing.T) *localgcp.Server {
	t.Helper()
	s, err := localgcp.Start(localgcp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.AddServiceAccount(runner); err != nil {
		t.Fatal(err)
	}
	if err := s.AddServiceAccount(target, runner); err != nil {
		t.Fatal(err)
	}
	s.SetInstance(localgcp.Instance{ServiceAccount: runner, ProjectID: "acme-ci", Zone: "europe-west1-b"})
	return s
}

func metadataGet(t *testing.T, s *localgcp.Server, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+"/computeMetadata/v1/"+path, nil)
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

func signJWT(t *testing.T, s *localgcp.Server, bearer, email, payload string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"payload": payload})
	req, _ := http.NewRequest("POST", s.URL()+"/v1/projects/-/serviceAccounts/"+email+":signJwt", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// signJwt: only an access token the metadata server issued, only for an
// account its service account may sign for, only a payload that lives at
// most 12 hours; the key id answered is the one the certificates list.
func TestSignJWTChecksCallerAndPayload(t *testing.T) {
	s := start(t)
	status, tok := metadataGet(t, s, "instance/service-accounts/default/token")
	var access struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(tok, &access) != nil || access.AccessToken == "" {
		t.Fatalf("access token: %d %s", status, tok)
	}
	ok := `{"sub":"` + target + `","aud":"x","exp":` + jsonTime(time.Now().Add(time.Hour)) + `}`
	if status, out := signJWT(t, s, "ya29.forged", target, ok); status != 401 {
		t.Errorf("an unknown bearer: %d %v", status, out)
	}
	if status, out := signJWT(t, s, access.AccessToken, "other@acme-ci.iam.gserviceaccount.com", ok); status != 403 {
		t.Errorf("an account that does not exist: %d %v", status, out)
	}
	far := `{"sub":"` + target + `","aud":"x","exp":` + jsonTime(time.Now().Add(13*time.Hour)) + `}`
	if status, out := signJWT(t, s, access.AccessToken, target, far); status != 400 {
		t.Errorf("a 13-hour JWT: %d %v", status, out)
	}
	status, out := signJWT(t, s, access.AccessToken, target, ok)
	if status != 200 {
		t.Fatalf("sign: %d %v", status, out)
	}
	req, _ := http.Get(s.ServiceAccountCertsURL(target))
	var certs map[string]string
	_ = json.NewDecoder(req.Body).Decode(&certs)
	req.Body.Close()
	if !strings.Contains(certs[out["keyId"].(string)], "BEGIN CERTIFICATE") {
		t.Errorf("keyId %v is not among the account's certificates %v", out["keyId"], certs)
	}
	if resp, _ := http.Get(s.ServiceAccountCertsURL("nobody@acme-ci.iam.gserviceaccount.com")); resp.StatusCode != 404 {
		t.Errorf("certificates of an unknown account: %d", resp.StatusCode)
	}
}

// An instance without a service account has no identity token.
func TestNoServiceAccountNoIdentity(t *testing.T) {
	s := start(t)
	s.SetInstance(localgcp.Instance{ProjectID: "acme-ci"})
	if status, _ := metadataGet(t, s, "instance/service-accounts/default/identity?audience=x"); status != 404 {
		t.Errorf("identity without a service account: %d", status)
	}
}

func jsonTime(t time.Time) string { b, _ := json.Marshal(t.Unix()); return string(b) }
