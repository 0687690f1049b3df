package secretrotation

import "regexp"

// The server's rules for where a rotation lives and what it writes, checked
// at plan time so that a bad configuration fails before any request.
var (
	environmentSlug   = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)
	secretPathPattern = regexp.MustCompile(`^/([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?)?$`)
	secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	noSpacePattern    = regexp.MustCompile(`^\S+$`)
)

const (
	envRule        = "must be an environment slug: lowercase letters and digits, separated by single hyphens or underscores"
	secretPathRule = "must be a folder path starting with \"/\", e.g. \"/\" or \"/app/auth0\" (letters, digits, _ . - between single slashes)"
	secretNameRule = "must be a secret name of letters, digits, underscores, dots and hyphens (no spaces or slashes)"
)
