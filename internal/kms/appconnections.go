package kms

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

const auth0ConnectionsPath = "/api/v1/app-connections/auth0"

// Auth0ConnectionCredentials are what an Auth0 app connection authenticates
// with. The server never answers ClientSecret back.
type Auth0ConnectionCredentials struct {
	Domain       string `json:"domain"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret,omitempty"`
	Audience     string `json:"audience"`
}

// Auth0Connection is the API's appConnection object.
type Auth0Connection struct {
	ID              string                     `json:"id"`
	Name            string                     `json:"name"`
	Description     *string                    `json:"description"`
	App             string                     `json:"app"`
	Method          string                     `json:"method"`
	Credentials     Auth0ConnectionCredentials `json:"credentials"`
	CredentialsHash string                     `json:"credentialsHash"`
	ProjectID       *string                    `json:"projectId"`
	CreatedAt       string                     `json:"createdAt"`
	UpdatedAt       string                     `json:"updatedAt"`
	// ProjectIDAnswered says whether the answer had a projectId field at
	// all (null counts): releases without project-scoped connections (the
	// backend as of 2025-06-22) answer none and ignore a projectId sent.
	ProjectIDAnswered bool `json:"-"`
}

// UnmarshalJSON decodes the object and notes whether projectId was in it.
func (c *Auth0Connection) UnmarshalJSON(data []byte) error {
	type plain Auth0Connection
	var fields struct {
		plain
		ProjectID json.RawMessage `json:"projectId"`
	}
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	*c = Auth0Connection(fields.plain)
	c.ProjectIDAnswered = fields.ProjectID != nil
	if c.ProjectIDAnswered && string(fields.ProjectID) != "null" {
		var id string
		if err := json.Unmarshal(fields.ProjectID, &id); err != nil {
			return fmt.Errorf("projectId: %w", err)
		}
		c.ProjectID = &id
	}
	return nil
}

// CreateAuth0ConnectionRequest is the create body.
type CreateAuth0ConnectionRequest struct {
	Name        string                     `json:"name"`
	Description *string                    `json:"description,omitempty"`
	Method      string                     `json:"method"`
	Credentials Auth0ConnectionCredentials `json:"credentials"`
	ProjectID   string                     `json:"projectId,omitempty"`
}

// UpdateAuth0ConnectionRequest is the PATCH body; unset fields are left out.
type UpdateAuth0ConnectionRequest struct {
	Name        *string                     `json:"name,omitempty"`
	Description NullableString              `json:"description,omitzero"`
	Credentials *Auth0ConnectionCredentials `json:"credentials,omitempty"`
}

type connectionEnvelope struct {
	AppConnection *Auth0Connection `json:"appConnection"`
}

func (e connectionEnvelope) connection(method, path string) (*Auth0Connection, error) {
	if e.AppConnection == nil {
		return nil, fmt.Errorf("%s %s: the answer holds no appConnection", method, path)
	}
	return e.AppConnection, nil
}

func connectionPath(id string) string { return auth0ConnectionsPath + "/" + url.PathEscape(id) }

// CreateAuth0Connection creates an Auth0 app connection; the server checks
// the credentials against Auth0 first.
func (c *Client) CreateAuth0Connection(ctx context.Context, in CreateAuth0ConnectionRequest) (*Auth0Connection, error) {
	var out connectionEnvelope
	if err := c.do(ctx, request{method: "POST", path: auth0ConnectionsPath, body: in}, &out); err != nil {
		return nil, err
	}
	return out.connection("POST", auth0ConnectionsPath)
}

// GetAuth0Connection reads an Auth0 app connection.
func (c *Client) GetAuth0Connection(ctx context.Context, id string) (*Auth0Connection, error) {
	var out connectionEnvelope
	path := connectionPath(id)
	if err := c.do(ctx, request{method: "GET", path: path, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.connection("GET", path)
}

// UpdateAuth0Connection patches an Auth0 app connection.
func (c *Client) UpdateAuth0Connection(ctx context.Context, id string, in UpdateAuth0ConnectionRequest) (*Auth0Connection, error) {
	var out connectionEnvelope
	path := connectionPath(id)
	if err := c.do(ctx, request{method: "PATCH", path: path, body: in, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.connection("PATCH", path)
}

// DeleteAuth0Connection deletes an Auth0 app connection.
func (c *Client) DeleteAuth0Connection(ctx context.Context, id string) error {
	return c.do(ctx, request{method: "DELETE", path: connectionPath(id), idempotent: true}, nil)
}
