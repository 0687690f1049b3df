package secretrotation

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestIsInfisicalProviderAcceptsFullAndShortAddresses(t *testing.T) {
	for address, want := range map[string]bool{
		"registry.terraform.io/infisical/infisical": true,
		"registry.opentofu.org/infisical/infisical": true,
		"infisical/infisical":                       true,
		"Infisical/Infisical":                       true,
		"registry.terraform.io/hashicorp/infisical": false,
		"example.com/infisical/infisical":           false,
		"infisical":                                 false,
		"":                                          false,
	} {
		if got := isInfisicalProvider(address); got != want {
			t.Errorf("isInfisicalProvider(%q) = %v, want %v", address, got, want)
		}
	}
}

// infisicalStateJSON is an Infisical rotation's state as Terraform stores it,
// with an attribute this provider does not know (a newer Infisical).
const infisicalStateJSON = `{
  "id": "0d4f7f3e-8f1c-4a55-9d0e-2f6c6d1b9a11", "name": "billing-auth0", "description": null,
  "auto_rotation_enabled": false, "project_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  "connection_id": "5b7e0c1a-3d52-4a5e-9a43-7c1d2e3f4a5b", "environment": "prod", "secret_path": "/app/auth0",
  "rotation_interval": 45, "rotate_at_utc": {"hours": 4, "minutes": 30},
  "parameters": {"client_id": "app-client-1"},
  "secrets_mapping": {"client_id": "AUTH0_CLIENT_ID", "client_secret": "AUTH0_CLIENT_SECRET"},
  "some_future_attribute": "ignored"
}`

func moveRequest(address, typeName, raw string) (resource.MoveStateRequest, *resource.MoveStateResponse, *tfsdk.State) {
	ctx := context.Background()
	var s resource.SchemaResponse
	(&auth0ClientSecretRotationResource{}).Schema(ctx, resource.SchemaRequest{}, &s)
	target := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}
	resp := &resource.MoveStateResponse{TargetState: target}
	return resource.MoveStateRequest{
		SourceProviderAddress: address, SourceTypeName: typeName,
		SourceRawState: &tfprotov6.RawState{JSON: []byte(raw)},
	}, resp, &resp.TargetState
}

func TestMoveFromInfisicalTakesTheRotationAsIs(t *testing.T) {
	ctx := context.Background()
	for _, address := range []string{"registry.terraform.io/infisical/infisical", "infisical/infisical"} {
		req, resp, target := moveRequest(address, infisicalAuth0RotationType, infisicalStateJSON)
		moveFromInfisicalAuth0Rotation(ctx, req, resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", address, resp.Diagnostics)
		}
		var got auth0RotationModel
		if diags := target.Get(ctx, &got); diags.HasError() {
			t.Fatalf("%s: %v", address, diags)
		}
		checks := map[string][2]string{
			"id":                        {got.ID.ValueString(), "0d4f7f3e-8f1c-4a55-9d0e-2f6c6d1b9a11"},
			"environment":               {got.Environment.ValueString(), "prod"},
			"secret_path":               {got.SecretPath.ValueString(), "/app/auth0"},
			"rotation_interval":         {got.RotationInterval.String(), "45"},
			"rotate_at_utc":             {got.RotateAtUTC.String(), `{"hours":4,"minutes":30}`},
			"parameters":                {got.Parameters.String(), `{"client_id":"app-client-1"}`},
			"auto_rotation_enabled":     {got.AutoRotationEnabled.String(), "false"},
			"description":               {got.Description.String(), "<null>"},
			"delete_secrets_on_destroy": {got.DeleteSecretsOnDestroy.String(), "false"},
			"rotation_trigger null":     {boolString(got.RotationTrigger.IsNull()), "true"},
			"active_index null":         {boolString(got.ActiveIndex.IsNull()), "true"},
		}
		for name, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s: %s = %s, want %s", address, name, c[0], c[1])
			}
		}
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestMoveFromInfisicalLeavesOtherSourcesAlone(t *testing.T) {
	ctx := context.Background()
	for _, tc := range [][2]string{
		{"registry.terraform.io/infisical/infisical", "infisical_secret_rotation_azure_client_secret"},
		{"registry.terraform.io/someone/infisical", infisicalAuth0RotationType},
	} {
		req, resp, target := moveRequest(tc[0], tc[1], infisicalStateJSON)
		moveFromInfisicalAuth0Rotation(ctx, req, resp)
		if resp.Diagnostics.HasError() || !target.Raw.IsNull() {
			t.Errorf("%s %s: moved (%v)", tc[0], tc[1], resp.Diagnostics)
		}
	}
}

func TestMoveFromInfisicalNamesWhatTheStateLacks(t *testing.T) {
	req, resp, _ := moveRequest("infisical/infisical", infisicalAuth0RotationType, `{"id": "not-a-uuid", "name": "x"}`)
	moveFromInfisicalAuth0Rotation(context.Background(), req, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("an incomplete state moved")
	}
	detail := resp.Diagnostics[0].Detail()
	for _, want := range []string{"id", "project_id", "secrets_mapping.client_secret"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error does not name %s: %s", want, detail)
		}
	}
}
