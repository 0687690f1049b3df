package localkms

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// decodedJWT is a JWT read without checking it, as the server first decodes
// GCP and Azure JWTs to find the key to check them with.
type decodedJWT struct {
	tok    *jwt.JSONWebToken
	kid    string
	claims map[string]any
}

func decodeJWT(raw string) (*decodedJWT, bool) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256})
	if err != nil || len(tok.Headers) == 0 {
		return nil, false
	}
	var claims map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return nil, false
	}
	return &decodedJWT{tok: tok, kid: tok.Headers[0].KeyID, claims: claims}, true
}

func (d *decodedJWT) str(claim string) string {
	v, _ := d.claims[claim].(string)
	return v
}

func (d *decodedJWT) unix(claim string) (time.Time, bool) {
	v, ok := d.claims[claim].(float64)
	return time.Unix(int64(v), 0), ok
}

// verifySignature checks the signature with cert's key (jsonwebtoken's
// "invalid signature" when it does not match).
func (d *decodedJWT) verifySignature(cert *x509.Certificate) error {
	if cert == nil {
		// jsonwebtoken's words when no key was found for the token's kid.
		return errors.New("secret or public key must be provided")
	}
	var ignored map[string]any
	if d.tok.Headers[0].Algorithm != string(jose.RS256) {
		return errors.New("invalid algorithm")
	}
	if err := d.tok.Claims(cert.PublicKey, &ignored); err != nil {
		return errors.New("invalid signature")
	}
	return nil
}

// parseCertPEM reads one PEM certificate (Google's certificate endpoints).
func parseCertPEM(p string) *x509.Certificate {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return cert
}

// parseCertBase64 reads a JWKS x5c entry (Microsoft's keys).
func parseCertBase64(b string) *x509.Certificate {
	der, err := base64.StdEncoding.DecodeString(b)
	if err != nil {
		return nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	return cert
}

// getJSON fetches a key document; any non-2xx is an error, as axios makes it.
func getJSON(ctx context.Context, url string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: cleanTransport()}).Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Request failed with status code %d", resp.StatusCode) //nolint:staticcheck // the server's HTTP library's own words
	}
	return json.Unmarshal(data, out)
}

// jsonwebtokenChecks are jsonwebtoken's checks after the signature, in its
// order: nbf, exp, then audience and issuer when asked for. Its messages
// are the server's (the error handler turns "jwt expired" into its own).
func (d *decodedJWT) jsonwebtokenChecks(now time.Time, audience, issuer string) error {
	if nbf, ok := d.unix("nbf"); ok && now.Before(nbf) {
		return errors.New("jwt not active")
	}
	if exp, ok := d.unix("exp"); ok && !now.Before(exp) {
		return errors.New("jwt expired")
	}
	if audience != "" {
		match := false
		switch aud := d.claims["aud"].(type) {
		case string:
			match = aud == audience
		case []any:
			for _, a := range aud {
				match = match || a == audience
			}
		}
		if !match {
			return errors.New("jwt audience invalid. expected: " + audience)
		}
	}
	if issuer != "" && d.str("iss") != issuer {
		return errors.New("jwt issuer invalid. expected: " + issuer)
	}
	return nil
}

// tokenError answers a jsonwebtoken failure as the server's error handler
// does: 403 TokenError, "jwt expired" in its own words.
func tokenError(w http.ResponseWriter, err error) {
	msg := err.Error()
	switch msg {
	case "jwt expired":
		msg = "Your token has expired. Please re-authenticate."
	case "jwt malformed":
		msg = "The provided access token is malformed. Please use a valid token or generate a new one and try again."
	case "invalid algorithm":
		msg = "The access token is signed with an invalid algorithm. Please provide a valid token and try again."
	}
	apiError(w, 403, "TokenError", msg)
}

// somethingWentWrong is the server's answer to an error it does not catch.
func somethingWentWrong(w http.ResponseWriter) {
	apiError(w, 500, "InternalServerError", "Something went wrong")
}
