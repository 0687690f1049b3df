package kms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Secret is a KMS secret as the v4 read route answers it. SecretValue is a
// secret: callers must keep it out of logs.
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

func (c *Client) readSecret(ctx context.Context, projectID, environment, secretPath, name string) (*secretEnvelope, error) {
	var out secretEnvelope
	query := url.Values{"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
	path := "/api/v4/secrets/" + url.PathEscape(name)
	err := c.do(ctx, request{method: "GET", path: path, query: query, idempotent: true}, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusInternalServerError && apiErr.ErrorName == "InternalServerError" {
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
