package framework

import "regexp"

// The server's rules that both families check at plan time, so that a bad
// configuration fails before any request.
var (
	// SlugPattern: lowercase letters, digits and single hyphens. The server
	// refuses (422) a name that is not already such a slug.
	SlugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// UUIDPattern: the form of every id the KMS assigns.
	UUIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// What a value breaking each rule is told.
const (
	SlugRule = "must be a slug: lowercase letters, digits and single hyphens (no leading, trailing or double hyphen)"
	UUIDRule = "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"
)
