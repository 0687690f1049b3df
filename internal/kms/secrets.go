package kms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Secret is a KMS secret as the read by name answers it. SecretValue is a
// secret: callers must keep it out of logs. SecretPath is empty when the
// server answered through its v3 route, whose answer leaves it out; that
// route's answer (the backend as of 2025-06-22) has no isRotatedSecret or
// rotationId either, so they are false and empty there even for a
// rotation's mapped secret.
type Secret struct {
	ID              string `json:"id"`
	SecretKey       string `json:"secretKey"`
	SecretValue     string `json:"secretValue"`
	Version         int64  `json:"version"`
	Type            string `json:"type"`
	SecretPath      string `json:"secretPath"`
	Environment     string `json:"environment"`
	IsRotatedSecret bool   `json:"isRotatedSecret"`
	RotationID      string `json:"rotationId"`
}

// SecretNotReadableError says that the KMS answered a read of one secret by
// name with its bare 500 "Something went wrong". A Hanzo KMS answers that
// when an AI-access policy requiring approval covers the folder: the v4 read
// route (backend/src/server/routes/v4/secret-router.ts of hanzoai/kms) checks
// the policy for machine identities before it looks the secret up, queues a
// read request for a project admin and returns a null secret, which the
// route's own response schema refuses; the error handler turns that failure
// into the generic 500. The same answer also comes from a server that simply
// failed, and from any name in such a folder, existing or not: the error says
// both.
type SecretNotReadableError struct {
	Name, Environment, SecretPath string
	// ReqID is the KMS's request id, for its logs.
	ReqID string
}

func (e *SecretNotReadableError) Error() string {
	reqID := ""
	if e.ReqID != "" {
		reqID = " (reqId " + e.ReqID + ")"
	}
	return fmt.Sprintf("the KMS answered HTTP 500 \"Something went wrong\" to the read of secret %q in environment %q, folder %q%s. "+
		"A Hanzo KMS answers that while an AI-access policy on the folder holds secret values back from machine identities "+
		"until a project admin approves the read (each read asks again); it also answers that when it fails. Ask a project "+
		"admin whether such a policy covers this folder and to approve this identity's read (or to set the folder's "+
		"policy to auto-approve); otherwise try again later",
		e.Name, e.Environment, e.SecretPath, reqID)
}

// IsSecretNotReadable reports whether err is a *SecretNotReadableError.
func IsSecretNotReadable(err error) bool {
	var e *SecretNotReadableError
	return errors.As(err, &e)
}

type secretEnvelope struct {
	Secret *Secret `json:"secret"`
}

// readSecret reads a secret by name through the v4 route (query projectId;
// backend/src/server/routes/v4/secret-router.ts) or, on a server without it,
// the v3 one (GET /api/v3/secrets/raw/{name}, query workspaceId;
// backend/src/server/routes/v3/secret-router.ts). Both answer a folder or
// secret that does not exist with the service's 404.
func (c *Client) readSecret(ctx context.Context, projectID, environment, secretPath, name string) (*secretEnvelope, error) {
	var out secretEnvelope
	v4Path, v3Path := "/api/v4/secrets/"+url.PathEscape(name), "/api/v3/secrets/raw/"+url.PathEscape(name)
	path := v4Path
	readV4 := func() error {
		path = v4Path
		query := url.Values{"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
		return c.do(ctx, request{method: "GET", path: path, query: query, idempotent: true}, &out)
	}
	readV3 := func() error {
		path = v3Path
		query := url.Values{"workspaceId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
		return c.do(ctx, request{method: "GET", path: path, query: query, idempotent: true}, &out)
	}
	err := c.generations.secrets.call(ctx, c.logger, readV4, readV3)
	var apiErr *APIError
	// Only the v4 route has the AI-access policy: a 500 of the v3 one is
	// only a failure.
	if path == v4Path && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusInternalServerError && apiErr.ErrorName == "InternalServerError" {
		return nil, &SecretNotReadableError{Name: name, Environment: environment, SecretPath: secretPath, ReqID: apiErr.ReqID}
	}
	if err != nil {
		return nil, err
	}
	if out.Secret == nil {
		return nil, fmt.Errorf("GET %s: the answer holds no secret", path)
	}
	return &out, nil
}

// GetSecret reads one secret by name from a folder. A read the KMS answers
// with its bare 500 (an AI-access policy holding values back, or a failure)
// is a *SecretNotReadableError, never an empty value.
func (c *Client) GetSecret(ctx context.Context, projectID, environment, secretPath, name string) (*Secret, error) {
	out, err := c.readSecret(ctx, projectID, environment, secretPath, name)
	if err != nil {
		return nil, err
	}
	return out.Secret, nil
}
