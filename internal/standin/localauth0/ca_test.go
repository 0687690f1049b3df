package localauth0_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
)

// A tenant given a CA-signed certificate serves it: a client that trusts
// only that CA (as the real KMS does through NODE_EXTRA_CA_CERTS) reaches
// it, CACertPEM is the CA, and a client without the CA is refused.
func TestTenantServesACertificateSignedByAGivenCA(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, err := realkms.WriteNewCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := realkms.LoadCA(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf(net.ParseIP("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	tn, err := localauth0.Start(localauth0.Options{Certificate: &leaf, CACertPEM: ca.CertPEM})
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	tn.AddApplication(localauth0.Application{ClientID: "m2m", ManagementScopes: []string{localauth0.ScopeReadClients}})

	block, _ := pem.Decode(tn.CACertPEM())
	if block == nil {
		t.Fatal("CACertPEM holds no PEM block")
	}
	got, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !got.IsCA || !got.Equal(ca.Cert) {
		t.Fatalf("CACertPEM is not the given CA (err %v)", err)
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM)
	onlyCA := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"m2m"}, "client_secret": {tn.Secret("m2m")},
		"audience": {tn.ManagementAudience()}}
	for name, c := range map[string]*http.Client{"a client trusting the CA": onlyCA, "HTTPClient": tn.HTTPClient()} {
		resp, err := c.PostForm(tn.URL()+"/oauth/token", form)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: token endpoint answered %d", name, resp.StatusCode)
		}
	}
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}).
		PostForm(tn.URL()+"/oauth/token", form); err == nil {
		t.Fatal("a client that does not trust the CA reached the tenant")
	}
	if _, err := localauth0.Start(localauth0.Options{Certificate: &leaf}); err == nil {
		t.Fatal("a certificate without its CA was accepted")
	}
}
