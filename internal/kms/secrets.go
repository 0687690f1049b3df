package kms

import (
	"context"
	"errors"
	"fmt"
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

// SecretNotReadableError says that a secret exists but the KMS held its value
// back: a Hanzo KMS answers 200 with a null secret and an aiAccess status
// when an AI-access policy has not (yet) released it to this identity.
type SecretNotReadableError struct {
	Name, Environment, SecretPath string
	// AccessStatus is the aiAccess status the KMS gave (e.g. "pending"); it
	// may be empty.
	AccessStatus string
}

func (e *SecretNotReadableError) Error() string {
	status := e.AccessStatus
	if status == "" {
		status = "unknown"
	}
	return fmt.Sprintf("secret %q exists in environment %q, folder %q, but its value is not readable yet: "+
		"the KMS holds it back under an AI-access policy (status %q); ask a project admin to approve this identity's access",
		e.Name, e.Environment, e.SecretPath, status)
}

// IsSecretNotReadable reports whether err is a *SecretNotReadableError.
func IsSecretNotReadable(err error) bool {
	var e *SecretNotReadableError
	return errors.As(err, &e)
}

type secretEnvelope struct {
	Secret   *Secret `json:"secret"`
	AIAccess *struct {
		Status string `json:"status"`
	} `json:"aiAccess"`
}

func (c *Client) readSecret(ctx context.Context, projectID, environment, secretPath, name string) (*secretEnvelope, error) {
	var out secretEnvelope
	query := url.Values{"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
	if err := c.do(ctx, request{method: "GET", path: "/api/v4/secrets/" + url.PathEscape(name), query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetSecret reads one secret by name from a folder. A secret the KMS holds
// back answers a *SecretNotReadableError, never an empty value.
func (c *Client) GetSecret(ctx context.Context, projectID, environment, secretPath, name string) (*Secret, error) {
	out, err := c.readSecret(ctx, projectID, environment, secretPath, name)
	if err != nil {
		return nil, err
	}
	if out.Secret == nil {
		notReadable := &SecretNotReadableError{Name: name, Environment: environment, SecretPath: secretPath}
		if out.AIAccess != nil {
			notReadable.AccessStatus = out.AIAccess.Status
		}
		return nil, notReadable
	}
	return out.Secret, nil
}
