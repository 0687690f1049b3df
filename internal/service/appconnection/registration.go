// Package appconnection is the app connection family of Terraform types:
// today the Auth0 connection resource (with its identity and the preflight
// that checks its credentials at Auth0 before the KMS stores them). It talks
// to the KMS only through internal/kms.
package appconnection

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// Registration is every type of the family, for the provider to serve.
func Registration() framework.Registration {
	return framework.Registration{
		Resources: []func() resource.Resource{NewAppConnectionAuth0Resource},
	}
}
