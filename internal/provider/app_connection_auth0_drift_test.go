package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
)

// movesTheHash runs do and fails the test unless the KMS's credentialsHash
// of the configuration's connection moved: a step that did not move it
// would prove nothing.
func movesTheHash(t *testing.T, env *acctest.Env, do func()) func() {
	return func() {
		t.Helper()
		id := connectionIDFromKMS(t, env)
		before := env.KMS.ConnectionCredentialsHash(id)
		do()
		if env.KMS.ConnectionCredentialsHash(id) == before {
			t.Fatal("the KMS's credentialsHash did not move")
		}
	}
}

// The KMS keeps the connection's Auth0 Management API token inside its
// encrypted credentials and encrypts them again whenever it stores a new
// token, so credentialsHash and updatedAt move after rotations with nothing
// changed: the next plan is empty all the same.
func TestAccAppConnectionAuth0_kmsTokenRefreshIsNoDrift(t *testing.T) {
	env := acctest.Start(t)
	conn := connectionBlock(env)
	rotation := rotationBlock(env).Set("connection_id", conn.Address()+".id")
	config := withProvider(env, conn, rotation)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A manual rotation once the token kept since the create is
				// due for renewal.
				PreConfig: movesTheHash(t, env, func() {
					env.Clock.Advance(localkms.Auth0TokenMaxLifetime - localkms.Auth0TokenRefreshWithin)
					rotationID := env.KMS.RotationIDs()[0]
					current, err := env.Client.GetAuth0ClientSecretRotation(context.Background(), rotationID)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := env.Client.RotateAuth0ClientSecret(context.Background(), rotationID, current.LastRotatedAt); err != nil {
						t.Fatal(err)
					}
				}),
				Config:   config,
				PlanOnly: true,
			},
			{
				// The KMS's own scheduled rotation, a month later.
				PreConfig: movesTheHash(t, env, func() {
					env.Clock.Advance(32 * 24 * time.Hour)
					if n := env.KMS.Tick(); n != 1 {
						t.Fatalf("the scheduler attempted %d rotations, want 1", n)
					}
				}),
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// What the KMS answers (domain, client id, audience) is compared: a client id
// changed outside Terraform is planned back, with the configured secret. A
// secret changed alone cannot be seen (the KMS never answers it, and its
// hash moves on its own), and plans nothing.
func TestAccAppConnectionAuth0_driftOutsideTerraform(t *testing.T) {
	env := acctest.Start(t)
	config := withProvider(env, connectionBlock(env))
	configuredSecret := env.Tenant.Secret(acctest.ManagementClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.KMS.EditConnectionCredentialsOutOfBand(connectionIDFromKMS(t, env), func(_, clientID, secret, _ *string) {
						*clientID, *secret = "typed-in-the-ui", "typed-in-the-ui"
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectionAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectionAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.ManagementClientID)),
					},
				},
				Check: func(*terraform.State) error {
					id := connectionIDFromKMS(t, env)
					got, err := env.Client.GetAuth0Connection(context.Background(), id)
					if err != nil {
						return err
					}
					if got.Credentials.ClientID != acctest.ManagementClientID || env.KMS.ConnectionClientSecret(id) != configuredSecret {
						return fmt.Errorf("the configured credentials were not sent back: client id %q", got.Credentials.ClientID)
					}
					return nil
				},
			},
			{
				PreConfig: movesTheHash(t, env, func() {
					env.KMS.EditConnectionCredentialsOutOfBand(connectionIDFromKMS(t, env), func(_, _, secret, _ *string) {
						*secret = "typed-in-the-ui"
					})
				}),
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// grantManagementScopes sets the Management API scopes of the connection's
// application at the tenant, then moves the KMS's clock past the point where
// it renews the token it keeps: Auth0 writes the scopes into a token when it
// issues it, so only the KMS's next token carries the new grant (as with the
// real server, which keeps its token up to 5 minutes).
func grantManagementScopes(env *acctest.Env, scopes ...string) {
	env.Tenant.SetManagementScopes(acctest.ManagementClientID, scopes)
	env.Clock.Advance(localkms.Auth0TokenMaxLifetime - localkms.Auth0TokenRefreshWithin)
}
