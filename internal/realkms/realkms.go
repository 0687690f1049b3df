// Package realkms is the project's side of the real-server acceptance leg:
// the variables .ci/real-kms.sh hands the tests, the calls that bootstrap a
// fresh Infisical instance (an admin identity, a project, a folder, a secret),
// the CA the backend trusts for the local Auth0 tenant, and the license
// stand-in that gives the instance an enterprise plan.
package realkms

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// The variables .ci/real-kms.sh sets for the command it runs.
const (
	// EnvServer chooses the acceptance tests' server: "real" for the one
	// below, "" or "local" for the local KMS.
	EnvServer           = "HANZO_KMS_ACC_SERVER"
	EnvURL              = "HANZO_KMS_REAL_URL"
	EnvOrgID            = "HANZO_KMS_REAL_ORG_ID"
	EnvClientID         = "HANZO_KMS_REAL_CLIENT_ID"
	EnvClientSecretFile = "HANZO_KMS_REAL_CLIENT_SECRET_FILE"
	EnvProjectID        = "HANZO_KMS_REAL_PROJECT_ID"
	EnvAuth0CACert      = "HANZO_KMS_REAL_AUTH0_CA_CERT"
	EnvAuth0CAKey       = "HANZO_KMS_REAL_AUTH0_CA_KEY"
	EnvVersion          = "HANZO_KMS_REAL_VERSION"
)

// Selected reports whether the acceptance tests are to run on the real
// server; an unknown value of HANZO_KMS_ACC_SERVER is an error, so that a
// typo does not silently run the local leg.
func Selected() (bool, error) {
	switch v := os.Getenv(EnvServer); v {
	case "", "local":
		return false, nil
	case "real":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want \"real\" or \"local\"", EnvServer, v)
	}
}

// Server is the running real server, as .ci/real-kms.sh describes it.
type Server struct {
	URL   string
	OrgID string
	// ClientID and ClientSecret are an org admin identity's universal auth
	// credentials: it can create projects and app connections.
	ClientID     string
	ClientSecret string
	// ProjectID is a project the bootstrap made (tests make their own).
	ProjectID string
	// CACertFile and CAKeyFile are the CA the backend trusts (its
	// NODE_EXTRA_CA_CERTS) for the local Auth0 tenant's certificate.
	CACertFile string
	CAKeyFile  string
	// Version names the server's release: its newest database migration.
	Version string
}

// FromEnv reads the Server from the variables .ci/real-kms.sh sets.
func FromEnv() (*Server, error) {
	s := &Server{
		URL: os.Getenv(EnvURL), OrgID: os.Getenv(EnvOrgID), ClientID: os.Getenv(EnvClientID),
		ProjectID: os.Getenv(EnvProjectID), CACertFile: os.Getenv(EnvAuth0CACert), CAKeyFile: os.Getenv(EnvAuth0CAKey),
		Version: os.Getenv(EnvVersion),
	}
	var missing []string
	for name, v := range map[string]string{EnvURL: s.URL, EnvOrgID: s.OrgID, EnvClientID: s.ClientID,
		EnvClientSecretFile: os.Getenv(EnvClientSecretFile), EnvAuth0CACert: s.CACertFile, EnvAuth0CAKey: s.CAKeyFile} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("%s=real but %s unset: run the tests through .ci/real-kms.sh", EnvServer, strings.Join(missing, ", "))
	}
	b, err := os.ReadFile(os.Getenv(EnvClientSecretFile))
	if err != nil {
		return nil, fmt.Errorf("reading the identity's client secret: %w", err)
	}
	s.ClientSecret = strings.TrimSpace(string(b))
	if s.ClientSecret == "" {
		return nil, errors.New("the identity's client secret file is empty")
	}
	return s, nil
}
