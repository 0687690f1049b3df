package localkms

import (
	"fmt"
	"math"
	"strings"
)

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
	// The number rules are zod's min and max (rotationInterval
	// z.coerce.number().min(1); rotateAtUtc's hours and minutes
	// z.number().min(0).max(23) and .max(59)), with zod's issues: too_small
	// or too_big with the bound, inclusive, not exact, of type number.
	bounded := func(v *float64, lo, hi float64, path ...any) {
		switch {
		case v == nil:
			issues = append(issues, issue{Code: "invalid_type", Expected: "number", Received: "undefined", Path: path, Message: "Required"})
		case *v < lo:
			issues = append(issues, issue{Code: "too_small", Minimum: lo, Type: "number", Inclusive: true, Exact: false, Path: path,
				Message: fmt.Sprintf("Number must be greater than or equal to %g", lo)})
		case *v > hi:
			issues = append(issues, issue{Code: "too_big", Maximum: hi, Type: "number", Inclusive: true, Exact: false, Path: path,
				Message: fmt.Sprintf("Number must be less than or equal to %g", hi)})
		}
	}
	if required(b.RotationInterval != nil, "rotationInterval") {
		bounded(b.RotationInterval, 1, math.Inf(1), "rotationInterval")
	}
	if b.RotateAtUTC != nil {
		bounded(b.RotateAtUTC.Hours, 0, 23, "rotateAtUtc", "hours")
		bounded(b.RotateAtUTC.Minutes, 0, 59, "rotateAtUtc", "minutes")
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
		// A create with both names equal passes the schema and is refused
		// after Auth0 issued the secret (createRotation); an update's is
		// refused here (not seen on the real server, which checks only the
		// names that change).
		if !create && m["clientId"] != "" && m["clientId"] == m["clientSecret"] {
			add("Secret names must be unique", "secretsMapping")
		}
	}
	return issues
}
