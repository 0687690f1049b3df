package localkms

import "strings"

// A rotation's create and update bodies, and the server's rules for them.

type rotateAt struct {
	Hours   *float64 `json:"hours"`
	Minutes *float64 `json:"minutes"`
}

type rotationBody struct {
	Name                  *string            `json:"name"`
	ProjectID             *string            `json:"projectId"`
	Description           *string            `json:"description"`
	ConnectionID          *string            `json:"connectionId"`
	Environment           *string            `json:"environment"`
	SecretPath            *string            `json:"secretPath"`
	IsAutoRotationEnabled *bool              `json:"isAutoRotationEnabled"`
	RotationInterval      *float64           `json:"rotationInterval"`
	RotateAtUTC           *rotateAt          `json:"rotateAtUtc"`
	Parameters            *map[string]string `json:"parameters"`
	SecretsMapping        *map[string]string `json:"secretsMapping"`
}

// validate applies the server's create rules (create) or the subset a
// PATCH may carry.
func (b *rotationBody) validate(create bool) []issue {
	var issues []issue
	add := func(msg string, path ...any) {
		issues = append(issues, issue{Code: "custom", Path: path, Message: msg})
	}
	required := func(present bool, field string) bool {
		if !present && create {
			add("Required", field)
		}
		return present
	}
	if required(b.Name != nil, "name") {
		// A mixed-case name is refused, not lowercased.
		if name := strings.TrimSpace(*b.Name); len(name) < 1 || len(name) > 64 || !slugRe.MatchString(name) {
			add("name field can only contain lowercase letters, numbers, and hyphens (1-64 characters)", "name")
		} else {
			b.Name = &name
		}
	}
	// projectId, description, secretPath and parameters.clientId are
	// trimmed before they are checked and stored, as the server's schemas
	// do (backend/src/ee/services/secret-rotation-v2/secret-rotation-v2-schemas.ts
	// and auth0-client-secret/auth0-client-secret-rotation-schemas.ts).
	if create && required(b.ProjectID != nil, "projectId") {
		if projectID := jsTrim(*b.ProjectID); projectID == "" {
			add("Project ID required", "projectId")
		} else {
			b.ProjectID = &projectID
		}
	}
	if b.Description != nil {
		description := jsTrim(*b.Description)
		b.Description = &description
		if jsLength(description) > 256 {
			add("Description cannot exceed 256 characters", "description")
		}
	}
	if create && required(b.ConnectionID != nil, "connectionId") && !uuidRe.MatchString(*b.ConnectionID) {
		add("Invalid uuid", "connectionId")
	}
	if create && required(b.Environment != nil, "environment") && (len(*b.Environment) < 1 || len(*b.Environment) > 64) {
		add("String must contain 1-64 character(s)", "environment")
	}
	if create && required(b.SecretPath != nil, "secretPath") {
		path := jsTrim(*b.SecretPath)
		b.SecretPath = &path
		if !strings.HasPrefix(*b.SecretPath, "/") {
			add("Secret path must start with /", "secretPath")
		}
		if p := *b.SecretPath; len(p) > 1 {
			p = strings.TrimRight(p, "/")
			b.SecretPath = &p
		}
	}
	if required(b.RotationInterval != nil, "rotationInterval") && *b.RotationInterval < 1 {
		add("Number must be greater than or equal to 1", "rotationInterval")
	}
	if b.RotateAtUTC != nil {
		if b.RotateAtUTC.Hours == nil || *b.RotateAtUTC.Hours < 0 || *b.RotateAtUTC.Hours > 23 {
			add("Number must be between 0 and 23", "rotateAtUtc", "hours")
		}
		if b.RotateAtUTC.Minutes == nil || *b.RotateAtUTC.Minutes < 0 || *b.RotateAtUTC.Minutes > 59 {
			add("Number must be between 0 and 59", "rotateAtUtc", "minutes")
		}
	}
	if required(b.Parameters != nil, "parameters") {
		clientID := jsTrim((*b.Parameters)["clientId"])
		if clientID == "" {
			add("Client ID Required", "parameters", "clientId")
		} else {
			params := map[string]string{}
			for k, v := range *b.Parameters {
				params[k] = v
			}
			params["clientId"] = clientID
			b.Parameters = &params
		}
	}
	if required(b.SecretsMapping != nil, "secretsMapping") {
		m := *b.SecretsMapping
		if m["clientId"] == "" {
			add("Required", "secretsMapping", "clientId")
		}
		if m["clientSecret"] == "" {
			add("Required", "secretsMapping", "clientSecret")
		}
		if m["clientId"] != "" && m["clientId"] == m["clientSecret"] {
			add("Secret names must be unique", "secretsMapping")
		}
	}
	return issues
}
