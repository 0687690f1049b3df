// Package localjwt holds the RS256 signing keys of the local cloud stand-ins
// (internal/standin/localgcp, internal/standin/localazure): a key with its id and a
// self-signed certificate, published the way Google and Microsoft publish
// theirs, so that the local KMS verifies the stand-ins' tokens as the server
// verifies the clouds'.
package localjwt

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Key is an RSA signing key with its id and self-signed certificate.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
	CertDER []byte
}

// NewKey makes a 2048-bit key with a random id and a certificate for subject.
func NewKey(subject string) (*Key, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 20)
	_, _ = rand.Read(id)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: subject},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, err
	}
	return &Key{ID: hex.EncodeToString(id), Private: priv, CertDER: der}, nil
}

// CertPEM is the certificate in PEM, as Google's certificate endpoints answer it.
func (k *Key) CertPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.CertDER}))
}

// CertBase64 is the certificate in standard base64 DER, as a JWKS x5c entry.
func (k *Key) CertBase64() string { return base64.StdEncoding.EncodeToString(k.CertDER) }

// Sign makes an RS256 JWT of claims with the key's id in its header.
func (k *Key) Sign(claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.Private},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.ID))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// SignPayload signs a JSON payload given as text, as the IAM signJwt API does.
func (k *Key) SignPayload(payload string) (string, error) {
	var claims map[string]any
	if err := json.Unmarshal([]byte(payload), &claims); err != nil {
		return "", fmt.Errorf("the payload is not a JSON object: %w", err)
	}
	return k.Sign(claims)
}
