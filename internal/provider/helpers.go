package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// clientFrom takes the provider's client out of ProviderData. Nil data means
// the provider is not configured yet (validation, or a configuration that is
// only known after apply); the caller then must not need the API.
func clientFrom(data any, diags *diag.Diagnostics) *kms.Client {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; please report this bug", data))
		return nil
	}
	return pd.client
}

func requireClient(client *kms.Client, diags *diag.Diagnostics) bool {
	if client == nil {
		diags.AddError("Hanzo KMS provider not configured",
			"The provider configuration is not known yet (it depends on values known only after apply), so the KMS cannot be reached. "+
				"Set host and credentials from values known at plan time, or from environment variables.")
		return false
	}
	return true
}

// apiErrorDetail renders a client error for a diagnostic. The kms client's
// errors carry the server's message and reqId, never a secret.
func apiErrorDetail(err error) string {
	if kms.IsAmbiguous(err) {
		return err.Error() + "\n\nThe KMS may or may not have carried out the request. Run terraform plan (a refresh) to see where things stand before trying again."
	}
	return err.Error()
}
