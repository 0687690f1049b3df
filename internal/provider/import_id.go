package provider

import (
	"fmt"
	"strings"
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
	if uuidPattern.MatchString(raw) {
		return rotationImportID{RotationID: strings.ToLower(raw)}, nil
	}
	parts := strings.Split(raw, ":")
	if len(parts) != 4 {
		return rotationImportID{}, fmt.Errorf("import ID %q: expected %s", raw, rotationImportFormats)
	}
	id := rotationImportID{ProjectID: parts[0], Environment: parts[1], SecretPath: normalizeSecretPath(parts[2]), Name: parts[3], SecretPathAsWritten: parts[2]}
	switch {
	case id.ProjectID == "":
		return rotationImportID{}, fmt.Errorf("import ID %q: the project_id part is empty; expected %s", raw, rotationImportFormats)
	case !environmentSlug.MatchString(id.Environment):
		return rotationImportID{}, fmt.Errorf("import ID %q: environment %q %s", raw, id.Environment, envRule)
	case !secretPathPattern.MatchString(parts[2]):
		return rotationImportID{}, fmt.Errorf("import ID %q: secret_path %q %s", raw, parts[2], secretPathRule)
	case !slugPattern.MatchString(id.Name) || len(id.Name) > 64:
		return rotationImportID{}, fmt.Errorf("import ID %q: name %q %s, 1-64 characters", raw, id.Name, slugRule)
	}
	return id, nil
}
