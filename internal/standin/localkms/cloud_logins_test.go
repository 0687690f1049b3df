package localkms_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localazure"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

const (
	runnerSA  = "runner@acme-ci.iam.gserviceaccount.com"
	otherSA   = "other@acme-ci.iam.gserviceaccount.com"
	gceID     = "gce-identity"
	iamID     = "iam-identity"
	azureID   = "azure-identity"
	resource  = "https://management.azure.com/"
	gceZone   = "europe-west1-b"
	gceProjID = "acme-ci"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type cloudWorld struct {
	clock  *clock
	gcp    *localgcp.Server
	azure  *localazure.Server
	kms    *localkms.Server
	client *kms.Client
}

func newCloudWorld(t *testing.T, gce localkms.GCPIdentity, iam localkms.GCPIdentity, az localkms.AzureIdentity) *cloudWorld {
	t.Helper()
	c := &clock{t: time.Now()}
	g, err := localgcp.Start(localgcp.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	for _, sa := range []string{runnerSA, otherSA} {
		if err := g.AddServiceAccount(sa); err != nil {
			t.Fatal(err)
		}
	}
	g.SetInstance(localgcp.Instance{ServiceAccount: runnerSA, ProjectID: gceProjID, ProjectNumber: 42, Zone: gceZone, Name: "runner-1"})
	a, err := localazure.Start(localazure.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	gce.ID, gce.Type = gceID, "gce"
	iam.ID, iam.Type = iamID, "iam"
	az.ID = azureID
	if az.TenantID == "" {
		az.TenantID = a.TenantID()
	}
	k, err := localkms.New(localkms.Options{
		Now: c.now, GoogleOAuth2CertsURL: g.OAuth2CertsURL(), GoogleServiceAccountCertsURL: g.ServiceAccountCertsURL,
		AzureKeysURL: a.KeysURL,
	}, localkms.Bootstrap{GCPIdentities: []localkms.GCPIdentity{gce, iam}, AzureIdentities: []localkms.AzureIdentity{az}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(k.Handler())
	t.Cleanup(srv.Close)
	client, err := kms.New(kms.Config{Host: srv.URL, Token: "unused", MaxRetries: new(0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GCE_METADATA_HOST", g.MetadataHost())
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", t.TempDir()) // no gcloud credentials: ADC falls to the metadata server
	t.Setenv("IDENTITY_ENDPOINT", a.IdentityEndpoint())
	t.Setenv("IDENTITY_HEADER", a.IdentityHeader)
	return &cloudWorld{clock: c, gcp: g, azure: a, kms: k, client: client}
}

func wantRefusal(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want HTTP %d %q, got %v", status, msg, err)
	}
	if apiErr.StatusCode != status || apiErr.Message != msg {
		t.Fatalf("want HTTP %d %q, got HTTP %d %q", status, msg, apiErr.StatusCode, apiErr.Message)
	}
}

func gceToken(t *testing.T, audience string) string {
	t.Helper()
	tok, err := kms.GCEIdentityToken(audience).Token(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestGCELoginAndEachRefusal(t *testing.T) {
	ctx := context.Background()
	w := newCloudWorld(t, localkms.GCPIdentity{AllowedServiceAccounts: runnerSA, AllowedProjects: gceProjID, AllowedZones: gceZone},
		localkms.GCPIdentity{}, localkms.AzureIdentity{})
	resp, err := kms.GCPAuth{IdentityID: gceID, Token: kms.GCEIdentityToken(gceID)}.Login(ctx, w.client)
	if err != nil || resp.AccessToken == "" {
		t.Fatalf("login: %v %+v", err, resp)
	}
	if got := w.kms.GCPLogins(gceID); len(got) != 1 || got[0] != runnerSA {
		t.Errorf("logins: %v", got)
	}

	_, err = w.client.GCPLogin(ctx, "no-such-identity", gceToken(t, "no-such-identity"))
	wantRefusal(t, err, 404, "GCP auth method not found for identity, did you configure GCP auth?")
	// An audience other than the identity id: google-auth-library throws,
	// and the server does not catch it.
	_, err = w.client.GCPLogin(ctx, gceID, gceToken(t, "another-audience"))
	wantRefusal(t, err, 500, "Something went wrong")
	tok := gceToken(t, gceID)
	_, err = w.client.GCPLogin(ctx, gceID, tok[:len(tok)-4]+"AAAA")
	wantRefusal(t, err, 500, "Something went wrong")
	w.clock.advance(time.Hour + 6*time.Minute) // past exp and the 5 minutes of skew
	_, err = w.client.GCPLogin(ctx, gceID, tok)
	wantRefusal(t, err, 500, "Something went wrong")

	for _, c := range []struct {
		inst localgcp.Instance
		msg  string
	}{
		{localgcp.Instance{ServiceAccount: otherSA, ProjectID: gceProjID, Zone: gceZone}, "Access denied: GCP service account not allowed."},
		{localgcp.Instance{ServiceAccount: runnerSA, ProjectID: "elsewhere", Zone: gceZone}, "Access denied: GCP project not allowed."},
		{localgcp.Instance{ServiceAccount: runnerSA, ProjectID: gceProjID, Zone: "us-east1-c"}, "Access denied: GCP zone not allowed."},
	} {
		w.gcp.SetInstance(c.inst)
		_, err = w.client.GCPLogin(ctx, gceID, gceToken(t, gceID))
		wantRefusal(t, err, 401, c.msg)
	}
	// Without format=full the token has no compute_engine claims, and the
	// server skips the project and zone checks.
	w.gcp.SetInstance(localgcp.Instance{ServiceAccount: runnerSA, ProjectID: "elsewhere", Zone: "us-east1-c"})
	if _, err := w.client.GCPLogin(ctx, gceID, standardFormatToken(t, w.gcp, gceID)); err != nil {
		t.Errorf("a standard-format token: %v", err)
	}
	// The metadata server refuses a request without Metadata-Flavor.
	resp2, err := http.Get(w.gcp.URL() + "/computeMetadata/v1/instance/service-accounts/default/identity?audience=x")
	if err != nil || resp2.StatusCode != 403 {
		t.Errorf("no Metadata-Flavor: %v %v", err, resp2)
	}
}

func standardFormatToken(t *testing.T, g *localgcp.Server, audience string) string {
	req, _ := http.NewRequest("GET", g.URL()+"/computeMetadata/v1/instance/service-accounts/default/identity?audience="+url.QueryEscape(audience), nil)
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return b.String()
}

func TestIAMLoginAndEachRefusal(t *testing.T) {
	ctx := context.Background()
	w := newCloudWorld(t, localkms.GCPIdentity{}, localkms.GCPIdentity{AllowedServiceAccounts: runnerSA}, localkms.AzureIdentity{})
	var seen []string
	src := kms.IAMSignedJWT(runnerSA, iamID, w.gcp.URL(), func(s string) { seen = append(seen, s) })
	resp, err := kms.GCPAuth{IdentityID: iamID, Type: kms.GCPAuthTypeIAM, Token: src}.Login(ctx, w.client)
	if err != nil || resp.AccessToken == "" {
		t.Fatalf("login: %v %+v", err, resp)
	}
	if len(seen) != 2 || !strings.HasPrefix(seen[0], "ya29.") || strings.Count(seen[1], ".") != 2 {
		t.Errorf("the access token and the signed JWT were not both handed to the mask: %d values", len(seen))
	}

	sign := func(email, aud string) string {
		tok, err := kms.IAMSignedJWT(email, aud, w.gcp.URL(), nil).Token(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The instance's service account may sign for itself only.
	_, err = kms.IAMSignedJWT(otherSA, iamID, w.gcp.URL(), nil).Token(ctx, nil)
	var signErr *kms.SignJWTError
	if !errors.As(err, &signErr) || signErr.StatusCode != 403 || signErr.Status != "PERMISSION_DENIED" {
		t.Errorf("signJwt for another service account: %v", err)
	}
	_, err = w.client.GCPLogin(ctx, iamID, sign(runnerSA, "another-identity"))
	wantRefusal(t, err, 401, "Invalid audience in GCP IAM Token")
	tok := sign(runnerSA, iamID)
	_, err = w.client.GCPLogin(ctx, iamID, tok[:len(tok)-4]+"AAAA")
	wantRefusal(t, err, 403, "invalid signature")
	_, err = w.client.GCPLogin(ctx, iamID, gceToken(t, iamID)) // a gce token: sub is a number
	wantRefusal(t, err, 401, "Invalid service account identifier")
	_, err = w.client.GCPLogin(ctx, iamID, "not-a-jwt")
	wantRefusal(t, err, 500, "Something went wrong")

	// otherSA signs for itself (as its own instance would), but is not allowed.
	w.gcp.SetInstance(localgcp.Instance{ServiceAccount: otherSA, ProjectID: gceProjID, Zone: gceZone})
	_, err = w.client.GCPLogin(ctx, iamID, sign(otherSA, iamID))
	wantRefusal(t, err, 401, "Access denied: GCP service account not allowed.")

	w.clock.advance(11 * time.Minute)
	_, err = w.client.GCPLogin(ctx, iamID, tok)
	wantRefusal(t, err, 403, "Your token has expired. Please re-authenticate.")
}

func TestAzureLoginAndEachRefusal(t *testing.T) {
	ctx := context.Background()
	// The allowed principal is the stand-in's system-assigned identity,
	// known once it runs: the identity is configured again below.
	w := newCloudWorld(t, localkms.GCPIdentity{}, localkms.GCPIdentity{}, localkms.AzureIdentity{Resource: resource})
	allowed := w.azure.SystemAssigned().ObjectID
	if err := w.kms.AddAzureIdentity(localkms.AzureIdentity{ID: azureID, TenantID: w.azure.TenantID(), Resource: resource,
		AllowedServicePrincipalIDs: "00000000-0000-0000-0000-000000000000, " + allowed}); err != nil {
		t.Fatal(err)
	}
	login := func(res string) (*kms.TokenResponse, error) {
		return kms.AzureAuth{IdentityID: azureID, Token: kms.AzureManagedIdentityToken(res, "", "")}.Login(ctx, w.client)
	}
	if resp, err := login(resource); err != nil || resp.AccessToken == "" {
		t.Fatalf("login through IDENTITY_ENDPOINT: %v %+v", err, resp)
	}
	if got := w.azure.Issued(); len(got) != 1 || got[0].Resource != resource {
		t.Errorf("issued: %+v", got)
	}
	// IMDS (the stand-in's, in place of 169.254.169.254).
	t.Setenv("IDENTITY_ENDPOINT", "")
	t.Setenv("IDENTITY_HEADER", "")
	imds := kms.AzureAuth{IdentityID: azureID, Token: kms.AzureManagedIdentityToken(resource, "", w.azure.IMDSTokenURL())}
	if _, err := imds.Login(ctx, w.client); err != nil {
		t.Fatalf("login through IMDS: %v", err)
	}
	t.Setenv("IDENTITY_ENDPOINT", w.azure.IdentityEndpoint())
	t.Setenv("IDENTITY_HEADER", w.azure.IdentityHeader)

	_, err := login("https://vault.azure.net/")
	wantRefusal(t, err, 403, "jwt audience invalid. expected: "+resource)
	_, err = kms.AzureAuth{IdentityID: "nobody", Token: kms.AzureManagedIdentityToken(resource, "", "")}.Login(ctx, w.client)
	wantRefusal(t, err, 404, "Azure auth method not found for identity, did you configure Azure Auth?")

	w.azure.SetSystemAssigned(localazure.Identity{ClientID: "c", ObjectID: "11111111-2222-3333-4444-555555555555"})
	_, err = login(resource)
	wantRefusal(t, err, 401, "Service principal '11111111-2222-3333-4444-555555555555' not allowed")

	tok := w.azure.Issued()[0].Value
	_, err = w.client.AzureLogin(ctx, azureID, tok[:len(tok)-4]+"AAAA")
	wantRefusal(t, err, 403, "invalid signature")
	w.clock.advance(25 * time.Hour)
	_, err = w.client.AzureLogin(ctx, azureID, tok)
	wantRefusal(t, err, 403, "Your token has expired. Please re-authenticate.")

	// An identity of another tenant: its keys do not hold the token's kid.
	other, err := localazure.Start(localazure.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	t.Setenv("IDENTITY_ENDPOINT", "") // IMDS, the other tenant's
	otherTok, err := kms.AzureManagedIdentityToken(resource, "", other.IMDSTokenURL()).Token(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.client.AzureLogin(ctx, azureID, otherTok)
	wantRefusal(t, err, 401, "Invalid signing key")
}
