package framework

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// PreferWriteOnly warns, on a CLI that can send write-only attributes, that a
// secret set in its stored attribute would be kept out of state by its
// write-only twin. The decision is stringvalidator.PreferWriteOnlyAttribute's
// (the CLI's capability, a value set); its warning is raised again on the
// resource rather than the attribute, because a CLI shows the configuration
// line of an attribute's diagnostic, and that line may hold the secret itself.
func PreferWriteOnly(storedAttribute, writeOnlyAttribute string) validator.String {
	return preferWriteOnlyValidator{
		stored: storedAttribute, writeOnly: writeOnlyAttribute,
		inner: stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot(writeOnlyAttribute)),
	}
}

type preferWriteOnlyValidator struct {
	stored, writeOnly string
	inner             validator.String
}

func (v preferWriteOnlyValidator) Description(ctx context.Context) string {
	return v.inner.Description(ctx)
}

func (v preferWriteOnlyValidator) MarkdownDescription(ctx context.Context) string {
	return v.inner.MarkdownDescription(ctx)
}

func (v preferWriteOnlyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	var inner validator.StringResponse
	v.inner.ValidateString(ctx, req, &inner)
	for _, d := range inner.Diagnostics {
		if d.Severity() != diag.SeverityWarning {
			resp.Diagnostics.Append(d)
			continue
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("Prefer %s: it keeps the secret out of state", v.writeOnly),
			fmt.Sprintf("%s is stored in the state (sensitive, but readable by anyone who can read the state). This CLI "+
				"supports write-only attributes: set %s (with %s_version) instead, and the secret is sent to the KMS "+
				"without ever being stored in the plan or the state.", v.stored, v.writeOnly, v.writeOnly))
	}
}
