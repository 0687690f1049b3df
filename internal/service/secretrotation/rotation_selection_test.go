package secretrotation

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

func TestSelectRotationsAppliesEveryFilterSet(t *testing.T) {
	rotation := func(name, env, folder, connection, client, status string) kms.Auth0ClientSecretRotation {
		r := kms.Auth0ClientSecretRotation{Name: name, ConnectionID: connection, RotationStatus: status}
		r.Environment.Slug, r.Folder.Path, r.Parameters.ClientID = env, folder, client
		return r
	}
	const conn1, conn2 = "0b7c4c1e-3d7a-4f2e-9e55-1a2b3c4d5e6f", "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
	all := []kms.Auth0ClientSecretRotation{
		rotation("delta", "prod", "/app", conn2, "app-4", "success"),
		rotation("beta", "dev", "/", conn1, "app-2", "failed"),
		rotation("alpha", "dev", "/", conn1, "app-1", "success"),
		rotation("gamma", "dev", "/app", conn2, "app-1", "failed"),
	}
	null := types.StringNull()
	str := types.StringValue
	for _, tc := range []struct {
		name   string
		filter rotationFilter
		want   string
	}{
		{"none", rotationFilter{null, null, null, null, null}, "alpha beta gamma delta"},
		{"connection, in any case", rotationFilter{null, null, str(strings.ToUpper(conn2)), null, null}, "gamma delta"},
		{"client", rotationFilter{null, null, null, str("app-1"), null}, "alpha gamma"},
		{"failed", rotationFilter{null, null, null, null, str("failed")}, "beta gamma"},
		{"failed in a folder, trailing slash", rotationFilter{str("dev"), str("/app/"), null, null, str("failed")}, "gamma"},
		{"all at once, nothing matches", rotationFilter{str("dev"), str("/"), str(conn1), str("app-1"), str("failed")}, ""},
	} {
		var got []string
		for _, r := range selectRotations(all, tc.filter) {
			got = append(got, r.Name)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, strings.Join(got, " "), tc.want)
		}
	}
}
