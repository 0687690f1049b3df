package login

import (
	"context"
	"net/http"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// tfLogger sends the kms client's request lines to tflog. The client already
// redacts bodies; the masks here are a second line: should a configured
// secret (or an OIDC token read later) ever reach a message or a field, it
// is replaced before output.
type tfLogger struct {
	secrets *secretSet
}

type secretSet struct {
	mu     sync.Mutex
	values []string
}

// logMasked are the secrets the provider's log lines mask from the start:
// every secret attribute of the login methods that is set, and the GitHub Actions request
// token (ACTIONS_ID_TOKEN_REQUEST_TOKEN), with which anyone can mint OIDC
// tokens for the job. OIDC tokens are added as they are read.
func logMasked(s settings) []string {
	return append(s.secrets(), os.Getenv(envvar.GitHubTokenRequestToken))
}

func newTFLogger(secrets ...string) tfLogger {
	l := tfLogger{secrets: &secretSet{}}
	for _, s := range secrets {
		l.addSecret(s)
	}
	return l
}

// addSecret masks one more value from now on.
func (l tfLogger) addSecret(secret string) {
	if secret == "" {
		return
	}
	l.secrets.mu.Lock()
	defer l.secrets.mu.Unlock()
	for _, s := range l.secrets.values {
		if s == secret {
			return
		}
	}
	l.secrets.values = append(l.secrets.values, secret)
}

func (l tfLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "client_secret", "clientSecret", "token", "access_token", "accessToken", "jwt")
	l.secrets.mu.Lock()
	secrets := append([]string(nil), l.secrets.values...)
	l.secrets.mu.Unlock()
	if len(secrets) > 0 {
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	}
	return ctx
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}

// maskedTokenSource hands each token a login reads (OIDC, Kubernetes, GCE,
// Azure) to the provider's log
// masks before the client uses it: should it ever reach a log line, it is
// replaced there.
type maskedTokenSource struct {
	inner  kms.OIDCTokenSource
	logger tfLogger
}

func (m maskedTokenSource) Token(ctx context.Context, httpClient *http.Client) (string, error) {
	token, err := m.inner.Token(ctx, httpClient)
	if err == nil {
		m.logger.addSecret(token)
	}
	return token, err
}

func (m maskedTokenSource) Describe() string { return m.inner.Describe() }
