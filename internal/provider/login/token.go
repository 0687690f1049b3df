package login

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/envvar"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// tokenLoginOption is a pre-issued access token, used as is: no login.
var tokenLoginOption = loginOption{
	title: "a ready access token",
	doc:   "a ready access `token`",
	attributes: []loginAttribute{{
		name: "token", env: envvar.Token, secret: true,
		schema: schema.StringAttribute{
			MarkdownDescription: "A pre-issued machine identity access token, used as is (no login; it is not " +
				"renewed). Conflicts with every login method's attributes. May also be set with `" + envvar.Token + "`.",
			Optional:  true,
			Sensitive: true,
		},
	}},
	selectors: []string{"token"},
	prepare: func(s settings) (chosenLogin, diag.Diagnostics) {
		return tokenLogin{token: s.login["token"]}, nil
	},
}

type tokenLogin struct{ token string }

func (t tokenLogin) configure(cfg *kms.Config, _ tfLogger) { cfg.Token = t.token }

// A refused token is worded by kmsLoginFailure (no login is sent anyway).
func (tokenLogin) explainRefusal(error) (string, bool) { return "", false }
