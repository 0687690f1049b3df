// Package secretrotation is the secret rotation family of Terraform types:
// today the Auth0 client secret rotation, as a resource (with its identity,
// import ids and the move from Infisical's provider), a data source of one
// and of many, an ephemeral resource of its credentials, a list resource, a
// rotate action, and the functions that build and parse its import id. It
// talks to the KMS only through internal/kms.
package secretrotation

import (
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
)

// Registration is every type of the family, for the provider to serve.
func Registration() framework.Registration {
	return framework.Registration{
		Resources:          []func() resource.Resource{NewAuth0ClientSecretRotationResource},
		DataSources:        []func() datasource.DataSource{NewAuth0ClientSecretRotationDataSource, NewAuth0ClientSecretRotationsDataSource},
		EphemeralResources: []func() ephemeral.EphemeralResource{NewAuth0ClientSecretRotationCredentialsEphemeralResource},
		ListResources:      []func() list.ListResource{NewAuth0ClientSecretRotationListResource},
		Actions:            []func() action.Action{NewAuth0ClientSecretRotationRotateAction},
		Functions:          []func() function.Function{NewRotationImportIDFunction, NewParseRotationImportIDFunction},
	}
}
