package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

const auth0RotationsPath = "/api/v2/secret-rotations/auth0-client-secret"

// RotateAtUTC is the time of day, in UTC, at which a due rotation runs.
type RotateAtUTC struct {
	Hours   int64 `json:"hours"`
	Minutes int64 `json:"minutes"`
}

// Auth0RotationParameters names the Auth0 application whose secret rotates.
type Auth0RotationParameters struct {
	ClientID string `json:"clientId"`
}

// Auth0SecretsMapping names the two KMS secrets the credentials are written to.
type Auth0SecretsMapping struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// RotationConnection is the app connection summary of a rotation.
type RotationConnection struct {
	App  string `json:"app"`
	Name string `json:"name"`
	ID   string `json:"id"`
}

// RotationEnvironment is the environment summary of a rotation.
type RotationEnvironment struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	ID   string `json:"id"`
}

// RotationFolder is the folder a rotation and its mapped secrets live in.
type RotationFolder struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// Auth0ClientSecretRotation is the API's secretRotation object, every field
// of it (fields a newer server adds are ignored).
type Auth0ClientSecretRotation struct {
	ID                      string                  `json:"id"`
	Name                    string                  `json:"name"`
	Description             *string                 `json:"description"`
	Type                    string                  `json:"type"`
	Parameters              Auth0RotationParameters `json:"parameters"`
	SecretsMapping          Auth0SecretsMapping     `json:"secretsMapping"`
	IsAutoRotationEnabled   bool                    `json:"isAutoRotationEnabled"`
	ActiveIndex             int64                   `json:"activeIndex"`
	FolderID                string                  `json:"folderId"`
	ConnectionID            string                  `json:"connectionId"`
	CreatedAt               string                  `json:"createdAt"`
	UpdatedAt               string                  `json:"updatedAt"`
	RotationInterval        int64                   `json:"rotationInterval"`
	RotationStatus          string                  `json:"rotationStatus"`
	LastRotationAttemptedAt string                  `json:"lastRotationAttemptedAt"`
	LastRotatedAt           string                  `json:"lastRotatedAt"`
	LastRotationJobID       *string                 `json:"lastRotationJobId"`
	NextRotationAt          *string                 `json:"nextRotationAt"`
	IsLastRotationManual    bool                    `json:"isLastRotationManual"`
	LastRotationMessage     *string                 `json:"lastRotationMessage"`
	Connection              RotationConnection      `json:"connection"`
	Environment             RotationEnvironment     `json:"environment"`
	ProjectID               string                  `json:"projectId"`
	Folder                  RotationFolder          `json:"folder"`
	RotateAtUTC             RotateAtUTC             `json:"rotateAtUtc"`
}

// CreateAuth0ClientSecretRotationRequest is the create body. Every field is
// sent, isAutoRotationEnabled included, so no server default decides for us.
type CreateAuth0ClientSecretRotationRequest struct {
	Name                  string                  `json:"name"`
	ProjectID             string                  `json:"projectId"`
	Description           *string                 `json:"description,omitempty"`
	ConnectionID          string                  `json:"connectionId"`
	Environment           string                  `json:"environment"`
	SecretPath            string                  `json:"secretPath"`
	IsAutoRotationEnabled bool                    `json:"isAutoRotationEnabled"`
	RotationInterval      int64                   `json:"rotationInterval"`
	RotateAtUTC           RotateAtUTC             `json:"rotateAtUtc"`
	Parameters            Auth0RotationParameters `json:"parameters"`
	SecretsMapping        Auth0SecretsMapping     `json:"secretsMapping"`
}

// NullableString is a PATCH field with three states: absent (zero value), set
// to null (Set with a nil Value), or set to a string.
type NullableString struct {
	Set   bool
	Value *string
}

// IsZero makes `omitzero` leave an unset field out of the body.
func (n NullableString) IsZero() bool { return !n.Set }

// MarshalJSON writes null or the string.
func (n NullableString) MarshalJSON() ([]byte, error) { return json.Marshal(n.Value) }

// UpdateAuth0ClientSecretRotationRequest is the PATCH body: only the fields
// that are set are sent, and a false isAutoRotationEnabled is sent as false.
type UpdateAuth0ClientSecretRotationRequest struct {
	Name                  *string                  `json:"name,omitempty"`
	Description           NullableString           `json:"description,omitzero"`
	IsAutoRotationEnabled *bool                    `json:"isAutoRotationEnabled,omitempty"`
	RotationInterval      *int64                   `json:"rotationInterval,omitempty"`
	RotateAtUTC           *RotateAtUTC             `json:"rotateAtUtc,omitempty"`
	Parameters            *Auth0RotationParameters `json:"parameters,omitempty"`
	SecretsMapping        *Auth0SecretsMapping     `json:"secretsMapping,omitempty"`
}

// IsEmpty reports whether the update would change nothing.
func (u UpdateAuth0ClientSecretRotationRequest) IsEmpty() bool {
	return u.Name == nil && !u.Description.Set && u.IsAutoRotationEnabled == nil &&
		u.RotationInterval == nil && u.RotateAtUTC == nil && u.Parameters == nil && u.SecretsMapping == nil
}

// DeleteOptions are the delete route's two query flags; both default false.
type DeleteOptions struct {
	DeleteSecrets              bool
	RevokeGeneratedCredentials bool
}

// GeneratedCredential is one credential slot of a rotation.
type GeneratedCredential struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// GeneratedCredentials is the generated-credentials answer; the slot at
// ActiveIndex is the one the mapped secrets hold.
type GeneratedCredentials struct {
	GeneratedCredentials []GeneratedCredential `json:"generatedCredentials"`
	ActiveIndex          int64                 `json:"activeIndex"`
	RotationID           string                `json:"rotationId"`
	Type                 string                `json:"type"`
}

// Active returns the credentials the mapped secrets currently hold.
func (g *GeneratedCredentials) Active() (GeneratedCredential, error) {
	if g.ActiveIndex < 0 || int(g.ActiveIndex) >= len(g.GeneratedCredentials) {
		return GeneratedCredential{}, fmt.Errorf("rotation %s has no credentials in its active slot %d", g.RotationID, g.ActiveIndex)
	}
	return g.GeneratedCredentials[g.ActiveIndex], nil
}

type rotationEnvelope struct {
	SecretRotation *Auth0ClientSecretRotation `json:"secretRotation"`
}

type rotationListEnvelope struct {
	SecretRotations []Auth0ClientSecretRotation `json:"secretRotations"`
}

func rotationPath(id string) string {
	return auth0RotationsPath + "/" + url.PathEscape(id)
}

func (e rotationEnvelope) rotation(method, path string) (*Auth0ClientSecretRotation, error) {
	if e.SecretRotation == nil {
		return nil, fmt.Errorf("%s %s: the answer holds no secretRotation", method, path)
	}
	return e.SecretRotation, nil
}

// CreateAuth0ClientSecretRotation creates a rotation; the server issues the
// first credentials before it answers.
//
// A create is not repeated blindly. When its outcome is unknown (timeout,
// dropped connection, 5xx), the rotation is looked up by name: one that
// matches the request is the one this call made; when there is none, the
// create is sent once more. One call never makes two rotations.
func (c *Client) CreateAuth0ClientSecretRotation(ctx context.Context, in CreateAuth0ClientSecretRotationRequest) (*Auth0ClientSecretRotation, error) {
	const attempts = 2
	var err error
	for range attempts {
		var out rotationEnvelope
		err = c.do(ctx, request{method: "POST", path: auth0RotationsPath, body: in}, &out)
		if err == nil {
			return out.rotation("POST", auth0RotationsPath)
		}
		if !createOutcomeUnknown(err) {
			return nil, err
		}
		c.logger.Debug(ctx, "hanzokms: create outcome unknown, looking the rotation up by name", map[string]any{"name": in.Name})
		existing, lookupErr := c.GetAuth0ClientSecretRotationByName(ctx, in.ProjectID, in.Environment, in.SecretPath, in.Name)
		switch {
		case lookupErr == nil && createdFrom(existing, in):
			return existing, nil
		case lookupErr == nil:
			return nil, fmt.Errorf("%w; a rotation named %q now exists at %s but does not match this configuration", err, in.Name, in.SecretPath)
		case !IsNotFound(lookupErr):
			return nil, fmt.Errorf("%w; looking it up by name also failed: %v", err, lookupErr)
		}
	}
	return nil, err
}

func createOutcomeUnknown(err error) bool {
	if IsAmbiguous(err) {
		return true
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 500
}

// createdFrom reports whether r is what the create request in would make.
func createdFrom(r *Auth0ClientSecretRotation, in CreateAuth0ClientSecretRotationRequest) bool {
	return r.ConnectionID == in.ConnectionID && r.Parameters == in.Parameters && r.SecretsMapping == in.SecretsMapping
}

// GetAuth0ClientSecretRotation reads a rotation by id.
func (c *Client) GetAuth0ClientSecretRotation(ctx context.Context, id string) (*Auth0ClientSecretRotation, error) {
	var out rotationEnvelope
	path := rotationPath(id)
	if err := c.do(ctx, request{method: "GET", path: path, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.rotation("GET", path)
}

// GetAuth0ClientSecretRotationByName reads a rotation by its name in a folder.
func (c *Client) GetAuth0ClientSecretRotationByName(ctx context.Context, projectID, environment, secretPath, name string) (*Auth0ClientSecretRotation, error) {
	var out rotationEnvelope
	path := auth0RotationsPath + "/rotation-name/" + url.PathEscape(name)
	query := url.Values{"projectId": {projectID}, "environment": {environment}, "secretPath": {secretPath}}
	if err := c.do(ctx, request{method: "GET", path: path, query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.rotation("GET", path)
}

// ListAuth0ClientSecretRotations lists the rotations of a project.
func (c *Client) ListAuth0ClientSecretRotations(ctx context.Context, projectID string) ([]Auth0ClientSecretRotation, error) {
	var out rotationListEnvelope
	query := url.Values{"projectId": {projectID}}
	if err := c.do(ctx, request{method: "GET", path: auth0RotationsPath, query: query, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.SecretRotations, nil
}

// UpdateAuth0ClientSecretRotation patches the fields set in in. A PATCH of the
// same fields twice leaves the same result, so it is retried like a read.
func (c *Client) UpdateAuth0ClientSecretRotation(ctx context.Context, id string, in UpdateAuth0ClientSecretRotationRequest) (*Auth0ClientSecretRotation, error) {
	var out rotationEnvelope
	path := rotationPath(id)
	if err := c.do(ctx, request{method: "PATCH", path: path, body: in, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.rotation("PATCH", path)
}

// DeleteAuth0ClientSecretRotation deletes a rotation. A 404 is returned as an
// *APIError (IsNotFound) for the caller to decide. The server takes no
// rotation lock on delete (deleteSecretRotation in Infisical's
// backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-service.ts),
// so a delete is never refused because a rotation is running; a revoke that
// Auth0 refuses comes back as the server's bare 500.
func (c *Client) DeleteAuth0ClientSecretRotation(ctx context.Context, id string, opts DeleteOptions) error {
	query := url.Values{
		"deleteSecrets":              {strconv.FormatBool(opts.DeleteSecrets)},
		"revokeGeneratedCredentials": {strconv.FormatBool(opts.RevokeGeneratedCredentials)},
	}
	return c.do(ctx, request{method: "DELETE", path: rotationPath(id), query: query, idempotent: true}, nil)
}

// rotationInProgressWaits are the pauses before asking again while the KMS
// answers that a rotation of the same configuration is running (a scheduled
// one, say): the server refused before acting, so asking again is safe. Only
// a rotate-now is refused that way (rotateSecretRotation checks the rotation's
// lock; create, update and delete do not).
var rotationInProgressWaits = []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}

func whileRotationInProgress(ctx context.Context, call func() error) error {
	err := call()
	for _, wait := range rotationInProgressWaits {
		if !IsRotationInProgress(err) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
		err = call()
	}
	return err
}

// RotateAuth0ClientSecret rotates now. previousLastRotatedAt is the rotation's
// lastRotatedAt before the call: when the outcome is unknown, a rotation read
// back with a different lastRotatedAt and isLastRotationManual proves that this
// call rotated, so it is not repeated (each rotation invalidates the secret).
func (c *Client) RotateAuth0ClientSecret(ctx context.Context, id, previousLastRotatedAt string) (*Auth0ClientSecretRotation, error) {
	var out rotationEnvelope
	path := rotationPath(id) + "/rotate-secrets"
	err := whileRotationInProgress(ctx, func() error { return c.do(ctx, request{method: "POST", path: path}, &out) })
	if err == nil {
		return out.rotation("POST", path)
	}
	if !IsAmbiguous(err) {
		return nil, err
	}
	current, readErr := c.GetAuth0ClientSecretRotation(ctx, id)
	if readErr == nil && current.IsLastRotationManual && current.LastRotatedAt != previousLastRotatedAt {
		return current, nil
	}
	return nil, err
}

// GetAuth0ClientSecretRotationCredentials reads both credential slots. The
// answer holds secrets: callers must keep them out of logs and state.
func (c *Client) GetAuth0ClientSecretRotationCredentials(ctx context.Context, id string) (*GeneratedCredentials, error) {
	var out GeneratedCredentials
	if err := c.do(ctx, request{method: "GET", path: rotationPath(id) + "/generated-credentials", idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
