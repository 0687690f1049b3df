package login

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// universalAuthLoginOption is a machine identity's client id and secret.
var universalAuthLoginOption = loginOption{
	title: "universal auth",
	doc:   "universal auth (`client_id` and `client_secret`)",
	attributes: []loginAttribute{
		{
			name: "client_id", env: envvar.ClientID,
			schema: schema.StringAttribute{
				MarkdownDescription: "Client ID of a machine identity with universal auth. Requires `client_secret`; " +
					"conflicts with `token`. May also be set with `" + envvar.ClientID + "`.",
				Optional:  true,
				Sensitive: true,
			},
		},
		{
			name: "client_secret", env: envvar.ClientSecret, secret: true,
			schema: schema.StringAttribute{
				MarkdownDescription: "Client secret of the machine identity. Never logged. May also be set with `" + envvar.ClientSecret + "`.",
				Optional:            true,
				Sensitive:           true,
			},
		},
	},
	selectors: []string{"client_id", "client_secret"},
	prepare: func(s settings) (chosenLogin, diag.Diagnostics) {
		id, secret := s.login["client_id"], s.login["client_secret"]
		if id != "" && secret != "" {
			return universalAuthLogin{clientID: id, clientSecret: secret}, nil
		}
		missing := orEnv("client_secret")
		if id == "" {
			missing = orEnv("client_id")
		}
		var diags diag.Diagnostics
		diags.AddError("Missing Hanzo KMS credentials",
			"Universal auth needs both the client id and the client secret of a machine identity. Set "+missing+
				"; or choose another login method: "+loginUsages()+".")
		return nil, diags
	},
}

type universalAuthLogin struct{ clientID, clientSecret string }

func (u universalAuthLogin) configure(cfg *kms.Config, _ tfLogger) {
	cfg.Login = kms.UniversalAuth{ClientID: u.clientID, ClientSecret: u.clientSecret}
}

// explainRefusal adds the settings to the refusals the KMS client explains
// (usage limit, lockout, lock contention); a plain 401 is kmsLoginFailure's.
func (universalAuthLogin) explainRefusal(err error) (string, bool) {
	var loginErr *kms.LoginError
	if !errors.As(err, &loginErr) || loginErr.Reason() == "" {
		return "", false
	}
	return fmt.Sprintf("The identity is client_id (or %s) with client_secret (or %s).", envvar.ClientID, envvar.ClientSecret), true
}
