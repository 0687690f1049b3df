package login

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// kubernetesLoginOption is a pod's service account token, which the KMS
// checks with the cluster (TokenReview) for a machine identity with
// Kubernetes Auth.
var kubernetesLoginOption = loginOption{
	title: "Kubernetes Auth",
	doc:   "Kubernetes Auth (`kubernetes_identity_id`, with the pod's service account token)",
	attributes: []loginAttribute{
		{
			name: "kubernetes_identity_id", env: envvar.KubernetesIdentityID, identityID: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "ID of a machine identity with Kubernetes Auth: the provider logs in with the service " +
					"account token of the pod it runs in, which the KMS checks with the cluster's TokenReview API against " +
					"the identity's allowed namespaces, service account names and audience. Conflicts with the other login " +
					"methods' attributes. May also be set with `" + envvar.KubernetesIdentityID + "`.",
				Optional: true,
			},
		},
		{
			name: "kubernetes_service_account_token_path", env: envvar.KubernetesServiceAccountTokenPath,
			conflictsWith: []string{"kubernetes_service_account_token"},
			schema: schema.StringAttribute{
				MarkdownDescription: "Path of the service account token file, read again at every login (the kubelet " +
					"rotates projected tokens). Defaults to `" + kms.DefaultKubernetesServiceAccountTokenPath + "`; point it " +
					"at a projected token volume when the identity requires an audience. Conflicts with " +
					"`kubernetes_service_account_token`. May also be set with `" + envvar.KubernetesServiceAccountTokenPath + "`.",
				Optional: true,
			},
		},
		{
			name: "kubernetes_service_account_token", env: envvar.KubernetesServiceAccountToken, secret: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "The service account token itself, for a run outside the pod (it is not re-read, so " +
					"prefer `kubernetes_service_account_token_path`). Never logged. May also be set with `" +
					envvar.KubernetesServiceAccountToken + "`.",
				Optional:  true,
				Sensitive: true,
			},
		},
	},
	selectors:    []string{"kubernetes_identity_id"},
	selectorHint: "the id of the machine identity whose Kubernetes Auth trusts the service account",
	prepare:      prepareKubernetesLogin,
}

type kubernetesLogin struct {
	identityID string
	source     kms.OIDCTokenSource
	// sourceSetting names where the token comes from, for errors.
	sourceSetting string
	s             settings
}

func prepareKubernetesLogin(s settings) (chosenLogin, diag.Diagnostics) {
	login := kubernetesLogin{identityID: s.login["kubernetes_identity_id"], s: s}
	path, token := s.login["kubernetes_service_account_token_path"], s.login["kubernetes_service_account_token"]
	switch {
	case path != "" && token != "":
		var diags diag.Diagnostics
		diags.AddError("Conflicting Kubernetes service account tokens",
			fmt.Sprintf("Both %s and %s are set: set one.", s.namedAttr("kubernetes_service_account_token_path"),
				s.namedAttr("kubernetes_service_account_token")))
		return nil, diags
	case token != "":
		login.source, login.sourceSetting = kms.KubernetesTokenLiteral(token), s.namedAttr("kubernetes_service_account_token")
	case path != "":
		login.source, login.sourceSetting = kms.OIDCTokenFromFile(path), s.namedAttr("kubernetes_service_account_token_path")
	default:
		login.source = kms.OIDCTokenFromFile(kms.DefaultKubernetesServiceAccountTokenPath)
		login.sourceSetting = "the default token file " + kms.DefaultKubernetesServiceAccountTokenPath
	}
	return login, nil
}

func (k kubernetesLogin) configure(cfg *kms.Config, logger tfLogger) {
	// Every token read is masked in the provider's log lines too.
	cfg.Login = kms.KubernetesAuth{IdentityID: k.identityID, Token: maskedTokenSource{k.source, logger}}
}

// explainRefusal says what the KMS and the cluster checked. The KMS sends
// the token to the cluster in a TokenReview, authenticated with the reviewer
// token stored with the identity, or with the login token itself when none
// is; then it compares system:serviceaccount:<namespace>:<name> and the
// token's audiences with the identity's (Infisical's
// backend/src/services/identity-kubernetes-auth/identity-kubernetes-auth-service.ts).
func (k kubernetesLogin) explainRefusal(err error) (string, bool) {
	var credErr *kms.CredentialError
	if errors.As(err, &credErr) {
		return fmt.Sprintf("The service account token could not be read from %s: in a pod, check that the service account "+
			"token is mounted (automountServiceAccountToken, or a projected volume) and that the path is right; set "+
			"kubernetes_service_account_token_path (or %s).", k.sourceSetting, envvar.KubernetesServiceAccountTokenPath), true
	}
	var apiErr *kms.APIError
	if !errors.As(err, &apiErr) {
		return "", false
	}
	msg := apiErr.Message
	identity := k.s.namedAttr("kubernetes_identity_id")
	switch {
	case apiErr.StatusCode == http.StatusNotFound && strings.Contains(msg, "Kubernetes auth method not found"):
		return fmt.Sprintf("No machine identity with Kubernetes Auth has the id %q: check %s, and that the identity has "+
			"Kubernetes Auth configured in the KMS.", k.identityID, identity), true
	case apiErr.StatusCode != http.StatusUnauthorized && apiErr.StatusCode != http.StatusBadRequest:
		return "", false
	case strings.Contains(msg, "namespace not allowed"):
		return fmt.Sprintf("The cluster accepted the service account token (from %s), but the service account's namespace is "+
			"not one of the identity's allowed namespaces: run Terraform in a pod of an allowed namespace, or add the "+
			"namespace to the identity's Kubernetes Auth (allowed namespaces, comma-separated, globs allowed).", k.sourceSetting), true
	case strings.Contains(msg, "name not allowed"):
		return fmt.Sprintf("The cluster accepted the service account token (from %s), but the service account's name is not "+
			"one of the identity's allowed service account names: run the pod as an allowed service account "+
			"(serviceAccountName), or add its name to the identity's Kubernetes Auth.", k.sourceSetting), true
	case strings.Contains(msg, "audience"):
		// The cluster itself refuses a token without the audience the KMS
		// asks it to review for; the KMS's own audience check comes after.
		return fmt.Sprintf("The service account token (from %s) was not issued for the identity's allowed audience: mount a "+
			"projected service account token with that audience (a serviceAccountToken volume source with audience set) "+
			"and point kubernetes_service_account_token_path (or %s) at it, or change the identity's allowed audience.",
			k.sourceSetting, envvar.KubernetesServiceAccountTokenPath), true
	case strings.Contains(msg, "tokenreviews") || strings.Contains(msg, "Token reviewer") || strings.Contains(msg, "auth-delegator") ||
		msg == "Unauthorized":
		return "The cluster refused the KMS's TokenReview request itself: the token the KMS reviews with (the token reviewer " +
			"JWT stored with the identity, or, when none is stored, the login's own service account token) is not valid " +
			"for the cluster's API or lacks the right to create TokenReviews. Bind the reviewing service account to the " +
			"ClusterRole system:auth-delegator, or store a valid token reviewer JWT with the identity.", true
	case apiErr.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("The cluster did not authenticate the service account token (from %s): it may have expired, been "+
			"issued by another cluster than the identity's Kubernetes host, or belong to a deleted service account. "+
			"A projected token file is refreshed by the kubelet; a token given as a value is not.", k.sourceSetting), true
	}
	return fmt.Sprintf("Check %s and the identity's Kubernetes Auth settings (Kubernetes host, CA certificate, token reviewer).", identity), true
}
