package provider_test

// Acceptance tests of Kubernetes Auth on the real CLI: the local KMS sends
// each service account token to the local Kubernetes API in a TokenReview,
// as the server does, then checks the service account and audience.

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/acctest"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localk8s"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// onlyLoginsOn checks that every login of the run went to route, and at
// least one did.
func onlyLoginsOn(env *acctest.Env, route string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, other := range []string{"POST /api/v1/auth/universal-auth/login", oidcLoginRoute, kubernetesLoginRoute, awsLoginRoute,
			gcpLoginRoute, azureLoginRoute} {
			if n := env.KMS.RequestCount(other); other != route && n != 0 {
				return fmt.Errorf("%d logins on %s", n, other)
			}
		}
		if env.KMS.RequestCount(route) == 0 {
			return fmt.Errorf("no login on %s", route)
		}
		return nil
	}
}

// reviewedTokens are the ids of the tokens the cluster authenticated.
func reviewedTokens(env *acctest.Env) []string {
	var ids []string
	for _, r := range env.Cluster.Reviews() {
		if r.Authenticated {
			ids = append(ids, r.TokenID)
		}
	}
	return ids
}

// The whole lifecycle with Kubernetes Auth only: create, update in place,
// import, destroy, with a token file and nothing but variables.
func TestAccKubernetes_lifecycleWithoutAClientSecret(t *testing.T) {
	env := acctest.Start(t)
	token, id := env.KubernetesToken()
	kubernetesOnlyEnv(t, env, localstack.KubernetesIdentityID, token)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationOnlyHCL(env, basicBody),
				Check: resource.ComposeTestCheckFunc(
					checkMappedSecretsWork(env, "dev", "/", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
					onlyLoginsOn(env, kubernetesLoginRoute),
				),
			},
			{
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 15", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(rotationAddr, "rotation_interval", "15"),
					onlyLoginsOn(env, kubernetesLoginRoute),
				),
			},
			{
				ResourceName: rotationAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"rotation_trigger", "delete_secrets_on_destroy", "revoke_credentials_on_destroy"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ids := env.KMS.RotationIDs(); len(ids) != 0 {
				return fmt.Errorf("rotations left after destroy: %v", ids)
			}
			for _, reviewed := range reviewedTokens(env) {
				if reviewed != id {
					return fmt.Errorf("the cluster reviewed token %s, want only %s", reviewed, id)
				}
			}
			return onlyLoginsOn(env, kubernetesLoginRoute)(nil)
		},
	})
}

// Each refused Kubernetes login stops the run at configure time with an
// error that says what to fix, after exactly one login attempt.
func TestAccKubernetes_refusedLoginsSayWhatToFix(t *testing.T) {
	env := acctest.Start(t)
	issue := func(ns, name string, o localk8s.TokenOptions) func() string {
		return func() string {
			tok, _ := env.Cluster.IssueToken(localk8s.ServiceAccount{Namespace: ns, Name: name}, o)
			return tok
		}
	}
	cases := []struct {
		name, identity string
		token          func() string
		want           string
	}{
		{"wrong namespace", localstack.KubernetesIdentityID, issue("payroll", "terraform", localk8s.TokenOptions{}),
			`K8s namespace not allowed(.|\n)*allowed namespaces`},
		{"wrong service account", localstack.KubernetesIdentityID, issue("ci", "default", localk8s.TokenOptions{}),
			`K8s name not allowed(.|\n)*serviceAccountName`},
		{"expired token", localstack.KubernetesIdentityID, issue("ci", "terraform", localk8s.TokenOptions{Lifetime: -time.Minute}),
			`service account token has expired(.|\n)*did not authenticate`},
		{"wrong audience", localstack.KubernetesAudienceIdentityID, issue("ci", "terraform", localk8s.TokenOptions{CanReview: true}),
			`invalid for the target audiences(.|\n)*projected service account token with that audience`},
		{"login token may not review", localstack.KubernetesAudienceIdentityID,
			issue("ci", "terraform", localk8s.TokenOptions{Audiences: []string{localstack.KubernetesAudience}}),
			`cannot create resource(.|\n)*system:auth-delegator`},
		{"unknown identity", "00000000-0000-4000-8000-000000000000", issue("ci", "terraform", localk8s.TokenOptions{}),
			`Kubernetes auth method not found(.|\n)*kubernetes_identity_id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kubernetesOnlyEnv(t, env, tc.identity, tc.token())
			env.KMS.ResetCounters()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      rotationOnlyHCL(env, basicBody),
					ExpectError: regexp.MustCompile(`Hanzo KMS authentication failed(.|\n)*` + wrapped(tc.want)),
				}},
			})
			if n := env.KMS.RequestCount(kubernetesLoginRoute); n != 1 {
				t.Errorf("%d login attempts, want 1:\n%s", n, env.KMS.CountsString())
			}
			if n := env.KMS.TotalRequests(); n != 1 {
				t.Errorf("%d requests, want only the refused login:\n%s", n, env.KMS.CountsString())
			}
		})
	}
}

// The token file replaced between two runs (the kubelet rotates projected
// tokens): the second run logs in with the new token; and when the KMS
// access token expires in the middle of an apply, the provider logs in once
// more with the file read again.
func TestAccKubernetes_tokenFileChangesBetweenRuns(t *testing.T) {
	env := acctest.Start(t)
	first, firstID := env.KubernetesToken()
	file := kubernetesOnlyEnv(t, env, localstack.KubernetesIdentityID, first)
	second, secondID := env.KubernetesToken()
	third, thirdID := env.KubernetesToken()
	write := func(token string) {
		if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
			t.Error(err)
		}
	}
	lastReviewed := func(id string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			ids := reviewedTokens(env)
			if len(ids) == 0 || ids[len(ids)-1] != id {
				return fmt.Errorf("reviewed tokens %v, want the last to be %s", ids, id)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rotationOnlyHCL(env, basicBody),
				Check:  resource.ComposeTestCheckFunc(lastReviewed(firstID), onlyLoginsOn(env, kubernetesLoginRoute)),
			},
			{
				PreConfig: func() { write(second) },
				Config:    rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 7", 1)),
				Check:     resource.ComposeTestCheckFunc(lastReviewed(secondID), onlyLoginsOn(env, kubernetesLoginRoute)),
			},
			{
				PreConfig: func() {
					env.KMS.InjectFault(localkms.Fault{Route: routePatch, ExpireTokens: true, OnFire: func() { write(third) }})
				},
				Config: rotationOnlyHCL(env, strings.Replace(basicBody, "rotation_interval = 30", "rotation_interval = 9", 1)),
				Check: resource.ComposeTestCheckFunc(lastReviewed(thirdID), func(*terraform.State) error {
					joined := strings.Join(reviewedTokens(env), ",")
					if !strings.Contains(joined, secondID+","+thirdID) {
						return fmt.Errorf("reviewed tokens %s: want a login with %s, then one with %s", joined, secondID, thirdID)
					}
					return nil
				}),
			},
		},
	})
}
