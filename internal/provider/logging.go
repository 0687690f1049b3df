package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tfLogger sends the kms client's request lines to tflog. The client already
// redacts bodies; the masks here are a second line: should a configured
// secret ever reach a message or a field, it is replaced before output.
type tfLogger struct {
	secrets []string
}

func newTFLogger(secrets ...string) tfLogger {
	nonEmpty := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	return tfLogger{secrets: nonEmpty}
}

func (l tfLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "client_secret", "clientSecret", "token", "access_token", "accessToken")
	if len(l.secrets) > 0 {
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
	}
	return ctx
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}
