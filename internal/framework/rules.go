package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The server's rules, checked at plan time so that a bad configuration fails
// before any request.
var (
	// slugPattern: lowercase letters, digits and single hyphens. The server
	// refuses (422) a name that is not already such a slug.
	slugPattern       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	uuidPattern       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	environmentSlug   = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)
	secretPathPattern = regexp.MustCompile(`^/([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?)?$`)
	secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	noSpacePattern    = regexp.MustCompile(`^\S+$`)
	// audiencePattern: an http(s) URL ending in "/", because the KMS appends
	// "clients/<id>" to the audience to reach the Management API.
	audiencePattern = regexp.MustCompile(`^https?://[^\s/]+(/\S*)?/$`)
)

const (
	slugRule       = "must be a slug: lowercase letters, digits and single hyphens (no leading, trailing or double hyphen)"
	uuidRule       = "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"
	envRule        = "must be an environment slug: lowercase letters and digits, separated by single hyphens or underscores"
	secretPathRule = "must be a folder path starting with \"/\", e.g. \"/\" or \"/app/auth0\" (letters, digits, _ . - between single slashes)"
	secretNameRule = "must be a secret name of letters, digits, underscores, dots and hyphens (no spaces or slashes)"
	audienceRule   = "must be the Management API's URL ending in \"/\", e.g. https://example.us.auth0.com/api/v2/ " +
		"(the KMS appends clients/<client id> to it, so without the slash every rotation fails)"
)

// durationValidator accepts a positive Go duration.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive Go duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseDurationSetting(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s: %v; use a positive Go duration such as 30s or 2m.", req.Path, err))
	}
}

var _ validator.String = durationValidator{}
