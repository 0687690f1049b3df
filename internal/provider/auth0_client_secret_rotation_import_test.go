package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// createOutsideTerraform makes a rotation through the API, as the KMS UI would.
func createOutsideTerraform(t *testing.T, env *acctest.Env, secretPath string) *kms.Auth0ClientSecretRotation {
	t.Helper()
	created, err := env.Client.CreateAuth0ClientSecretRotation(context.Background(), kms.CreateAuth0ClientSecretRotationRequest{
		Name: "billing-auth0", ProjectID: acctest.ProjectID, ConnectionID: env.ConnectionID, Environment: "dev",
		SecretPath: secretPath, IsAutoRotationEnabled: true, RotationInterval: 30,
		Parameters:     kms.Auth0RotationParameters{ClientID: acctest.AppClientID},
		SecretsMapping: kms.Auth0SecretsMapping{ClientID: "AUTH0_CLIENT_ID", ClientSecret: "AUTH0_CLIENT_SECRET"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func importedAttr(states []*terraform.InstanceState, attr, want string) error {
	if len(states) != 1 {
		return fmt.Errorf("%d instances imported, want 1", len(states))
	}
	if got := states[0].Attributes[attr]; got != want {
		return fmt.Errorf("imported %s = %q, want %q", attr, got, want)
	}
	return nil
}

// Imported by name from a nested folder spelled with a trailing slash, as
// the configuration spells it: the next plan is empty.
func TestAccAuth0ClientSecretRotation_importByNameFromNestedFolderWithTrailingSlash(t *testing.T) {
	env := acctest.Start(t)
	config := withProvider(env, rotationBlock(env).Str("secret_path", "/app/auth0/"))
	var created *kms.Auth0ClientSecretRotation
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:          func() { created = createOutsideTerraform(t, env, "/app/auth0") },
				Config:             config,
				ResourceName:       rotationAddr,
				ImportState:        true,
				ImportStateId:      acctest.ProjectID + ":dev:/app/auth0/:billing-auth0",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if err := importedAttr(states, "id", created.ID); err != nil {
						return err
					}
					return importedAttr(states, "folder_id", created.FolderID)
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMappedSecretsWork(env, "dev", "/app/auth0", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}

// A rotation whose last attempt failed imports with that status and its
// message, warns, and plans nothing.
func TestAccAuth0ClientSecretRotation_importFailedRotation(t *testing.T) {
	acctest.PreCheck(t)
	env := acctest.Start(t)
	config := withProvider(env, rotationBlock(env))
	created := createOutsideTerraform(t, env, "/")
	grantManagementScopes(env, "read:clients")
	if _, err := env.Client.RotateAuth0ClientSecret(context.Background(), created.ID, created.LastRotatedAt); err == nil {
		t.Fatal("the rotation succeeded without update:client_keys")
	}
	if _, _, _, status := env.KMS.Rotation(created.ID); status != "failed" {
		t.Fatalf("the rotation's status is %q, want failed", status)
	}

	// The warning, as the CLI prints it (terraform-plugin-testing shows no
	// warnings); the import is then forgotten, for the steps below.
	cli := acctest.NewCLI(t)
	out, err := cli.Run(config, "import", "-input=false", rotationAddr, created.ID)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	text := acctest.Squash(out)
	for _, want := range []string{
		fmt.Sprintf("Warning: The last rotation of %q failed", created.Name),
		"Insufficient scope, expected any of: update:client_keys",
		"The mapped secrets still hold the credentials of the last successful rotation",
		"Import successful!",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the import does not say %q:\n%s", want, out)
		}
	}
	if out, err := cli.Run(config, "state", "rm", rotationAddr); err != nil {
		t.Fatalf("state rm: %v\n%s", err, out)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       rotationAddr,
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return created.ID, nil },
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if err := importedAttr(states, "rotation_status", "failed"); err != nil {
						return err
					}
					msg := states[0].Attributes["last_rotation_message"]
					if !regexp.MustCompile(`Insufficient scope, expected any of: update:client_keys`).MatchString(msg) {
						return fmt.Errorf("imported last_rotation_message = %q", msg)
					}
					return importedAttr(states, "last_rotated_at", created.LastRotatedAt)
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// The mapped secrets still hold the last good credentials.
				Check: checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
			},
		},
	})
}
