package provider

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// selectRotations keeps the rotations of one environment and folder (each
// filter applies when set; a trailing slash of the folder is ignored) and
// sorts them by environment, folder and name. The list data source and the
// list resource filter alike.
func selectRotations(all []kms.Auth0ClientSecretRotation, environment, secretPath types.String) []kms.Auth0ClientSecretRotation {
	found := make([]kms.Auth0ClientSecretRotation, 0, len(all))
	for _, r := range all {
		if !environment.IsNull() && r.Environment.Slug != environment.ValueString() {
			continue
		}
		if !secretPath.IsNull() && r.Folder.Path != normalizeSecretPath(secretPath.ValueString()) {
			continue
		}
		found = append(found, r)
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Environment.Slug != b.Environment.Slug {
			return a.Environment.Slug < b.Environment.Slug
		}
		if a.Folder.Path != b.Folder.Path {
			return a.Folder.Path < b.Folder.Path
		}
		return a.Name < b.Name
	})
	return found
}
