package kms

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localgcp"
)

// An iam login's JWT is {sub: the service account, aud: the identity id,
// iat, exp} with ten minutes of life, signed through signJwt with the
// metadata server's access token (Application Default Credentials); every
// secret read is handed to seen; a refused signJwt is a SignJWTError.
func TestIAMSignedJWTClaimsAndCredentials(t *testing.T) {
	g, err := localgcp.Start(localgcp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	const runner, target = "ci-runner@acme-ci.iam.gserviceaccount.com", "terraform@acme-ci.iam.gserviceaccount.com"
	if err := g.AddServiceAccount(runner); err != nil {
		t.Fatal(err)
	}
	if err := g.AddServiceAccount(target, runner); err != nil {
		t.Fatal(err)
	}
	g.SetInstance(localgcp.Instance{ServiceAccount: runner})
	t.Setenv("GCE_METADATA_HOST", g.MetadataHost())
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", t.TempDir())

	var seen []string
	src := IAMSignedJWT(target, "identity-1", g.URL(), func(s string) { seen = append(seen, s) })
	jwt, err := src.Token(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jwt, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Sub, Aud string
		Iat, Exp int64
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Sub != target || claims.Aud != "identity-1" || time.Duration(claims.Exp-claims.Iat)*time.Second != iamJWTLifetime ||
		time.Since(time.Unix(claims.Iat, 0)) > time.Minute {
		t.Errorf("claims %+v", claims)
	}
	issued := g.Issued()
	if len(issued) != 2 || issued[0].Kind != "access" || len(seen) != 2 || seen[0] != issued[0].Value || seen[1] != jwt {
		t.Errorf("the access token and the JWT were not both handed to seen: %d issued, %d seen", len(issued), len(seen))
	}
	if d := src.Describe(); strings.Contains(d, issued[0].Value) || !strings.Contains(d, target) {
		t.Errorf("Describe: %q", d)
	}

	_, err = IAMSignedJWT("batch@acme-ci.iam.gserviceaccount.com", "identity-1", g.URL(), nil).Token(context.Background(), nil)
	var signErr *SignJWTError
	if !errors.As(err, &signErr) || signErr.Status != "PERMISSION_DENIED" || strings.Contains(err.Error(), "ya29.") {
		t.Errorf("signJwt for an account the runner may not sign for: %v", err)
	}
}
