package kms

import (
	"context"
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

// GetSecret reads one secret by name from a folder.
func (c *Client) GetSecret(ctx context.Context, projectID, environment, secretPath, name string) (*Secret, error) {
	var out struct {
		Secret Secret `json:"secret"`
	}
	query := url.Values{"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
	if err := c.do(ctx, request{method: "GET", path: "/api/v4/secrets/" + url.PathEscape(name), query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out.Secret, nil
}
