// Package login is how the provider logs in to the KMS: the login chooser
// (this file), one file per login method (its attributes and their
// environment variables, how its settings are checked, the kms.LoginMethod it
// builds and how its refusals are explained), the wording of every other
// login failure (failures.go), and the logger that masks every credential a
// login reads (masked_logger.go). The provider's Configure uses only
// SchemaAttributes, ConfigValidators, Doc and Prepare.
package login

// How the provider chooses its login: each login method is described once,
// in a file of its own; this file only picks the one method whose settings
// are present.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// loginOptions are the login methods, in the order messages list them (set
// in init: the methods' prepare functions list them too).
var loginOptions []loginOption

func init() {
	loginOptions = []loginOption{
		tokenLoginOption,
		universalAuthLoginOption,
		oidcLoginOption,
		kubernetesLoginOption,
		awsIAMLoginOption,
		gcpLoginOption,
		azureLoginOption,
	}
}

// loginOption describes one login method.
type loginOption struct {
	// title names the method in messages: "universal auth", "OIDC".
	title string
	// doc is the method's phrase in the provider's description, in Markdown.
	doc string
	// attributes are the method's provider attributes.
	attributes []loginAttribute
	// selectors are the attributes whose presence chooses the method; the
	// other attributes only complete or tune it, and alone are an error.
	selectors []string
	// selectorHint says what the selectors hold, for the error about an
	// attribute of the method set without them.
	selectorHint string
	// prepare checks that the method's settings are complete and coherent,
	// before any request, and returns the login to use.
	prepare func(s settings) (chosenLogin, diag.Diagnostics)
}

// loginAttribute is one provider attribute of a login method.
type loginAttribute struct {
	name, env string
	schema    schema.StringAttribute
	// secret values are masked in every log line of the provider.
	secret bool
	// conflictsWith names attributes of the same method that cannot be set
	// with this one.
	conflictsWith []string
	// identityID marks a machine identity's id. The KMS looks identities up
	// in uuid columns (e.g. Infisical's
	// backend/src/services/identity-oidc-auth/identity-oidc-auth-service.ts),
	// so anything else fails its query as a bare 500 "Something went wrong":
	// it is refused at plan time and at configure time instead.
	identityID bool
}

// identityIDRule is what an identity id attribute must be.
const identityIDRule = "a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"

// chosenLogin is a login method whose settings are complete.
type chosenLogin interface {
	// configure puts the login into the client's configuration; logger masks
	// every credential the login reads later (tokens read at each login).
	configure(cfg *kms.Config, logger tfLogger)
	// explainRefusal says what the KMS checked and what to change when it
	// refused the login, or when the credential could not be obtained. ok is
	// false for failures that are not about the credential (a wrong host or
	// CA, a KMS that is down), which kmsLoginFailure words.
	explainRefusal(err error) (advice string, ok bool)
}

// named says an attribute and, when it came from one, its variable.
func (s settings) named(attr, env string) string {
	if s.fromEnv[attr] {
		return fmt.Sprintf("%s (set by %s)", attr, env)
	}
	return attr
}

// namedAttr is named for an attribute of any login method.
func (s settings) namedAttr(attr string) string { return s.named(attr, envOf(attr)) }

// orEnv says an attribute with its variable: "token (or HANZO_KMS_TOKEN)".
func orEnv(attr string) string { return attr + " (or " + envOf(attr) + ")" }

// envOf is the variable of a login attribute.
func envOf(attr string) string {
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			if a.name == attr {
				return a.env
			}
		}
	}
	return ""
}

func (o loginOption) isSelector(attr string) bool {
	for _, s := range o.selectors {
		if s == attr {
			return true
		}
	}
	return false
}

// usage says how to choose the method: "OIDC: oidc_identity_id (or HANZO_KMS_OIDC_IDENTITY_ID)".
func (o loginOption) usage() string {
	var names []string
	for _, s := range o.selectors {
		names = append(names, orEnv(s))
	}
	return o.title + ": " + strings.Join(names, " and ")
}

func loginUsages() string {
	var all []string
	for _, o := range loginOptions {
		all = append(all, o.usage())
	}
	return strings.Join(all, "; ")
}

// chooseLogin picks exactly one login method, or says which settings
// conflict or are missing. It sends no request.
func chooseLogin(s settings) (chosenLogin, diag.Diagnostics) {
	var diags diag.Diagnostics
	var chosen []loginOption
	var set []string
	for _, o := range loginOptions {
		var names []string
		for _, sel := range o.selectors {
			if s.login[sel] != "" {
				names = append(names, s.namedAttr(sel))
			}
		}
		if len(names) > 0 {
			chosen = append(chosen, o)
			set = append(set, strings.Join(names, " and "))
		}
	}
	if len(chosen) > 1 {
		diags.AddError("Conflicting Hanzo KMS credentials",
			"More than one login method is set: "+strings.Join(set, "; ")+". Set only one of them. The login methods, "+
				"each chosen by the settings named: "+loginUsages()+".")
		return nil, diags
	}
	for _, o := range loginOptions {
		if len(chosen) == 1 && chosen[0].title == o.title {
			continue
		}
		for _, a := range o.attributes {
			if o.isSelector(a.name) || s.login[a.name] == "" {
				continue
			}
			var selectors []string
			for _, sel := range o.selectors {
				selectors = append(selectors, orEnv(sel))
			}
			diags.AddAttributeError(path.Root(a.name), "Incomplete "+o.title+" login",
				fmt.Sprintf("%s is set, but %s is not: set %s, or remove %s.", s.namedAttr(a.name),
					strings.Join(selectors, " and "), o.selectorHint, a.name))
			return nil, diags
		}
	}
	if len(chosen) == 0 {
		diags.AddError("Missing Hanzo KMS credentials",
			"The provider needs a machine identity or an access token. Set the settings of one login method: "+loginUsages()+".")
		return nil, diags
	}
	login, diags := chosen[0].prepare(s)
	if diags.HasError() {
		return nil, diags
	}
	for _, a := range chosen[0].attributes {
		if value := s.login[a.name]; a.identityID && value != "" && !framework.UUIDPattern.MatchString(value) {
			diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
				fmt.Sprintf("%s must be the machine identity's ID, %s (the KMS shows it on the identity's page), got %q. "+
					"The KMS looks the identity up by that ID and fails with a bare server error on anything else.",
					orEnvOrSetBy(s, a.name), identityIDRule, value))
			return nil, diags
		}
	}
	return login, diags
}

// orEnvOrSetBy names an attribute with the variable that set it, or that
// could have: "x (set by HANZO_KMS_X)" or "x (or HANZO_KMS_X)".
func orEnvOrSetBy(s settings, attr string) string {
	if s.fromEnv[attr] {
		return s.namedAttr(attr)
	}
	return orEnv(attr)
}

// loginFailure is the diagnostic for a failed login: the chosen method's
// explanation of a refusal, or kmsLoginFailure's wording of everything else
// (a wrong host, scheme, CA, an unreachable KMS).
func loginFailure(login chosenLogin, err error, host string) (summary, detail string) {
	var loginErr *kms.LoginError
	if errors.As(err, &loginErr) && loginErr.RateLimited() {
		return "Hanzo KMS rate-limited the login", fmt.Sprintf("%v\n\nThe KMS refused the login before looking at the "+
			"credentials: too many requests from this address in its rate-limit window, which every run behind the same "+
			"address shares. The provider waits as the KMS asks and logs in again, up to max_retries (or %s) times, "+
			"and makes no wait longer than request_timeout (or %s). Try again later, or raise those settings.",
			err, envvar.MaxRetries, envvar.RequestTimeout)
	}
	if advice, ok := login.explainRefusal(err); ok {
		return "Hanzo KMS authentication failed", err.Error() + "\n\n" + advice + " A refused login is not retried."
	}
	return kmsLoginFailure(err, host)
}

// SchemaAttributes are every login method's attributes.
func SchemaAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, o := range loginOptions {
		for _, a := range o.attributes {
			attr := a.schema
			if a.identityID {
				attr.Validators = append(attr.Validators, stringvalidator.RegexMatches(framework.UUIDPattern,
					"must be the machine identity's ID, "+identityIDRule+" (so must "+a.env+")"))
				attr.MarkdownDescription += " It is " + identityIDRule + ", as the KMS shows it on the identity's page."
			}
			out[a.name] = attr
		}
	}
	return out
}

// ConfigValidators refuse, at validate time, the attributes of two
// methods set together in the configuration, and the attributes of one
// method that exclude each other. (Environment variables are checked at
// configure time by chooseLogin.)
func ConfigValidators() []provider.ConfigValidator {
	var out []provider.ConfigValidator
	for i, a := range loginOptions {
		for _, b := range loginOptions[i+1:] {
			for _, sa := range a.selectors {
				for _, sb := range b.selectors {
					out = append(out, providervalidator.Conflicting(path.MatchRoot(sa), path.MatchRoot(sb)))
				}
			}
		}
		for _, attr := range a.attributes {
			for _, other := range attr.conflictsWith {
				out = append(out, providervalidator.Conflicting(path.MatchRoot(attr.name), path.MatchRoot(other)))
			}
		}
	}
	return out
}

// Doc lists the methods for the provider's description.
func Doc() string {
	var docs []string
	for _, o := range loginOptions {
		docs = append(docs, o.doc)
	}
	return strings.Join(docs[:len(docs)-1], ", ") + ", or " + docs[len(docs)-1]
}

// Login is the chosen login method, ready to configure a KMS client, with
// the logger that masks its credentials.
type Login struct {
	chosen chosenLogin
	logger tfLogger
}

// Prepare reads the login attributes (values holds the configuration's, by
// name; environment variables fill the null ones), chooses the one login
// method they set and checks it. It sends no request.
func Prepare(values map[string]types.String) (*Login, diag.Diagnostics) {
	s := resolveSettings(values)
	chosen, diags := chooseLogin(s)
	if diags.HasError() {
		return nil, diags
	}
	return &Login{chosen: chosen, logger: newTFLogger(logMasked(s)...)}, diags
}

// Configure puts the login and the masking logger into a client's
// configuration.
func (l *Login) Configure(cfg *kms.Config) {
	cfg.Logger = l.logger
	l.chosen.configure(cfg, l.logger)
}

// Failure is the diagnostic's summary and detail for a failed login to host.
func (l *Login) Failure(err error, host string) (summary, detail string) {
	return loginFailure(l.chosen, err, host)
}
