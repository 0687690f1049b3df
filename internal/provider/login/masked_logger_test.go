package login

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
)

// Every secret the provider holds from the start is masked in its log
// lines, should one reach a message or a field: the GitHub Actions request
// token included, which it never sends anywhere but the runner.
func TestLogLinesMaskTheConfiguredSecretsAndTheGitHubRequestToken(t *testing.T) {
	const requestToken = "gh-request-token-0123456789"
	t.Setenv(envvar.GitHubTokenRequestToken, requestToken)
	clientSecret, token := "client-secret-0123456789", "kms-token-0123456789"
	s := settings{login: map[string]string{"client_secret": clientSecret, "token": token}}
	logger := newTFLogger(logMasked(s)...)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	for _, secret := range []string{clientSecret, token, requestToken} {
		logger.Trace(ctx, "a line with "+secret, map[string]any{"value": secret, "header": "Bearer " + secret})
	}
	if strings.Count(logs.String(), "a line with") != 3 {
		t.Fatalf("the lines were not logged:\n%s", logs.String())
	}
	for name, secret := range map[string]string{"client secret": clientSecret, "token": token, "GitHub request token": requestToken} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the %s is in the log:\n%s", name, logs.String())
		}
	}
}
