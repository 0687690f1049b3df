package framework

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// ProviderData is what every resource, data source, ephemeral resource, list
// resource and action receives from the provider's Configure: one client,
// logged in once, shared by all of them.
type ProviderData struct {
	Client *kms.Client
}

// ClientFrom takes the provider's client out of ProviderData. Nil data means
// the provider is not configured yet (validation, or a configuration that is
// only known after apply); the caller then must not need the API.
func ClientFrom(data any, diags *diag.Diagnostics) *kms.Client {
	if data == nil {
		return nil
	}
	pd, ok := data.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *framework.ProviderData, got %T; please report this bug", data))
		return nil
	}
	return pd.Client
}

// RequireClient says, when client is nil, why the KMS cannot be reached yet.
func RequireClient(client *kms.Client, diags *diag.Diagnostics) bool {
	if client == nil {
		diags.AddError("Hanzo KMS provider not configured",
			"The provider configuration is not known yet (it depends on values known only after apply), so the KMS cannot be reached. "+
				"Set host and credentials from values known at plan time, or from environment variables.")
		return false
	}
	return true
}
