package secretrotation

import (
	"fmt"
	"strings"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// rotationImportID is what `terraform import` accepts for a rotation: its
// UUID, or project_id:environment:secret_path:name.
type rotationImportID struct {
	RotationID                               string
	ProjectID, Environment, SecretPath, Name string
	// SecretPathAsWritten keeps the import ID's spelling (a trailing slash,
	// say), so that state matches a configuration that spells it the same.
	SecretPathAsWritten string
}

func (id rotationImportID) byName() bool { return id.RotationID == "" }

const rotationImportFormats = "a rotation ID (UUID) or <project_id>:<environment>:<secret_path>:<name>, e.g. 3c90c3cc-0d44-4b50-8888-8dd25736052a:dev:/:my-auth0-rotation"

func parseRotationImportID(raw string) (rotationImportID, error) {
	raw = strings.TrimSpace(raw)
	if framework.UUIDPattern.MatchString(raw) {
		return rotationImportID{RotationID: strings.ToLower(raw)}, nil
	}
	parts := strings.Split(raw, ":")
	if len(parts) != 4 {
		return rotationImportID{}, fmt.Errorf("import ID %q: expected %s", raw, rotationImportFormats)
	}
	id := rotationImportID{ProjectID: parts[0], Environment: parts[1], SecretPath: normalizeSecretPath(parts[2]), Name: parts[3], SecretPathAsWritten: parts[2]}
	for i, part := range rotationImportIDParts {
		if err := checkRotationImportIDPart(part, parts[i]); err != nil {
			if part == "project_id" {
				return rotationImportID{}, fmt.Errorf("import ID %q: %v; expected %s", raw, err, rotationImportFormats)
			}
			return rotationImportID{}, fmt.Errorf("import ID %q: %v", raw, err)
		}
	}
	return id, nil
}

// rotationImportIDParts are the parts of an import ID by name, in order.
var rotationImportIDParts = [4]string{"project_id", "environment", "secret_path", "name"}

// checkRotationImportIDPart applies an import by name's rule for one part:
// the import parser and the provider functions that build and take apart
// such IDs share it.
func checkRotationImportIDPart(part, value string) error {
	switch part {
	case "project_id":
		if value == "" {
			return fmt.Errorf("the project_id part is empty")
		}
		if strings.Contains(value, ":") {
			return fmt.Errorf("project_id %q must not contain \":\", which separates the parts of the ID", value)
		}
	case "environment":
		if !environmentSlug.MatchString(value) {
			return fmt.Errorf("environment %q %s", value, envRule)
		}
	case "secret_path":
		if !secretPathPattern.MatchString(value) {
			return fmt.Errorf("secret_path %q %s", value, secretPathRule)
		}
	case "name":
		if !framework.SlugPattern.MatchString(value) || len(value) > 64 {
			return fmt.Errorf("name %q %s, 1-64 characters", value, framework.SlugRule)
		}
	}
	return nil
}
