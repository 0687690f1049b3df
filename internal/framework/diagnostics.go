package framework

// What a failed request tells the practitioner: the diagnostics every
// resource, data source and action builds from a KMS client error.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// APIErrorDetail renders a client error for a diagnostic. The kms client's
// errors carry the server's message and reqId, never a secret.
func APIErrorDetail(err error) string {
	if kms.IsAmbiguous(err) {
		return err.Error() + "\n\nThe KMS may or may not have carried out the request. Run terraform plan (a refresh) to see where things stand before trying again."
	}
	var apiErr *kms.APIError
	if errors.As(err, &apiErr) && apiErr.RouteNotFound() {
		return err.Error() + "\n\n" + routeNotFoundAdvice(apiErr)
	}
	if kms.IsWebPage(err) {
		return err.Error() + "\n\nCheck host (or " + envvar.Host + "): it must be the address the KMS is served at, with exactly the " +
			"path prefix a reverse proxy puts it under (if any) and no API path."
	}
	return err.Error()
}

// routeNotFoundAdvice explains a 404 the KMS service did not answer: the
// server at host has no such route, which says nothing about the object.
func routeNotFoundAdvice(apiErr *kms.APIError) string {
	feature := "this API route"
	switch {
	case strings.HasPrefix(apiErr.Path, "/api/v2/secret-rotations/"):
		feature = "secret rotations (a KMS build without the secret-rotation routes answers every rotation request this way)"
	case strings.HasPrefix(apiErr.Path, "/api/v1/app-connections/"):
		feature = "app connections"
	case strings.HasPrefix(apiErr.Path, "/api/v4/secrets"):
		// The client turns to the v3 routes on a server without the v4
		// ones: this answer means it has neither.
		feature = "the secrets API (neither its v4 nor its v3 routes answered)"
	}
	host := apiErr.Host
	if host == "" {
		host = "the configured host"
	}
	return fmt.Sprintf("The server at %s does not serve the route %s %s: that is not an answer about the object asked for, "+
		"which may well still exist. Check host (or %s): it must be the address the KMS is served at, with exactly the path prefix "+
		"a reverse proxy puts it under (if any) and no API path; and check that the KMS at that address serves %s.",
		host, apiErr.Method, apiErr.Path, envvar.Host, feature)
}

// KeptInState is added to a failed read that did not prove the object gone.
const KeptInState = "\n\nNothing was removed from the Terraform state: only the KMS answering that the object does not exist does that."
