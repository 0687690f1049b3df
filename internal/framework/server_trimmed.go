package framework

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The KMS trims some values before it checks and stores them (its request
// schemas apply JavaScript's String.prototype.trim: Infisical's
// backend/src/services/app-connection/app-connection-schemas.ts for a
// connection's description, auth0/auth0-connection-schemas.ts for its
// credentials, backend/src/ee/services/secret-rotation-v2/
// secret-rotation-v2-schemas.ts for a rotation's description and project,
// auth0-client-secret/auth0-client-secret-rotation-schemas.ts for its client
// id). A value with white space at either end would come back different from
// the configuration, which the CLI reports as "Provider produced inconsistent
// result after apply". Such values are refused at plan time instead of being
// trimmed quietly: state then always holds what the KMS answered, byte for
// byte, for this resource, its import, the data sources and the list
// resource alike, and the configuration says exactly what is stored.

// ServerTrimmed refuses a value with white space at either end.
func ServerTrimmed() validator.String { return serverTrimmedValidator{} }

type serverTrimmedValidator struct{}

func (serverTrimmedValidator) Description(context.Context) string {
	return "value must not begin or end with white space (the KMS trims it)"
}

func (v serverTrimmedValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (serverTrimmedValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	var where []string
	if trimmed := strings.TrimLeftFunc(value, isJSWhiteSpace); trimmed != value {
		where = append(where, fmt.Sprintf("begins with %q", value[:len(value)-len(trimmed)]))
	}
	if trimmed := strings.TrimRightFunc(value, isJSWhiteSpace); trimmed != value && trimmed != "" {
		where = append(where, fmt.Sprintf("ends with %q", value[len(trimmed):]))
	}
	if len(where) == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "White space at the edge of "+req.Path.String(),
		fmt.Sprintf("%s %s. The KMS trims white space from both ends of %s before it stores it, so the value it keeps "+
			"would differ from the configuration. Remove it, for instance with trimspace(...), or chomp(...) around a "+
			"heredoc (which ends with a newline).", req.Path, strings.Join(where, " and "), req.Path))
}

var _ validator.String = serverTrimmedValidator{}

// JSTrim is JavaScript's String.prototype.trim, which the KMS applies.
func JSTrim(s string) string { return strings.TrimFunc(s, isJSWhiteSpace) }

// isJSWhiteSpace is what JavaScript's trim removes: white space (tab,
// vertical tab, form feed, space, no-break space, the byte order mark,
// every Unicode space separator) and line terminators (line feed, carriage
// return, line and paragraph separators). Unlike unicode.IsSpace, it
// includes U+FEFF and excludes U+0085.
func isJSWhiteSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\ufeff', '\u2028', '\u2029':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}
