package kms

import "fmt"

// CredentialError says a login method could not obtain its credential (a
// service account token file that cannot be read, no AWS credentials), so no
// login was sent. It never contains the credential.
type CredentialError struct {
	Method string // LoginMethod.Name
	// Source names where the credential was looked for.
	Source string
	Err    error
}

func (e *CredentialError) Error() string {
	return fmt.Sprintf("obtaining the %s credential from %s: %v", e.Method, e.Source, e.Err)
}

func (e *CredentialError) Unwrap() error { return e.Err }
