package framework

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// serverTrimmed refuses exactly what JavaScript's trim would remove, and
// names the attribute and the characters.
func TestServerTrimmedRefusesWhatTheKMSTrims(t *testing.T) {
	for value, want := range map[string]string{
		"ok":               "",
		"":                 "",
		"inner  space":     "",
		"\u0085nel\u0085":  "", // NEL: Go's space, not JavaScript's
		"line\n":           `description ends with "\n"`,
		" lead":            `description begins with " "`,
		"\ufeffbom":        `description begins with "\ufeff"`,
		"\u2028ls\u3000":   `description begins with "\u2028" and ends with "\u3000"`,
		"\t\r\n":           `description begins with "\t\r\n".`,
		"nbsp\u00a0\u2009": `description ends with "\u00a0\u2009"`,
	} {
		resp := &validator.StringResponse{}
		ServerTrimmed().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("description"), ConfigValue: types.StringValue(value),
		}, resp)
		if want == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q refused: %v", value, resp.Diagnostics)
			}
			continue
		}
		if !resp.Diagnostics.HasError() {
			t.Errorf("%q accepted", value)
			continue
		}
		if detail := resp.Diagnostics[0].Detail(); !strings.Contains(detail, want) {
			t.Errorf("%q: %q does not say %q", value, detail, want)
		}
	}
}
