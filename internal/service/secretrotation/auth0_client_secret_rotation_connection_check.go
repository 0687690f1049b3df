package secretrotation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// checkRotationConnection makes a wrong connection_id a plan-time error
// rather than a failed apply: for a new rotation, or when connection_id
// changes, it reads the connection once through the KMS. A plan that keeps
// the connection makes no request. An id known only after apply (a
// connection created in the same run) is checked by the apply's own plan.
func checkRotationConnection(ctx context.Context, client *kms.Client, req resource.ModifyPlanRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	if client == nil || req.Plan.Raw.IsNull() {
		return diags
	}
	var id types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("connection_id"), &id)...)
	if diags.HasError() || id.IsUnknown() || id.IsNull() || !framework.UUIDPattern.MatchString(id.ValueString()) {
		return diags // not known yet, or already refused by the attribute's validator
	}
	if !req.State.Raw.IsNull() {
		var prior types.String
		diags.Append(req.State.GetAttribute(ctx, path.Root("connection_id"), &prior)...)
		if prior.Equal(id) {
			return diags
		}
	}

	attr := path.Root("connection_id")
	err := checkConnection(ctx, client, id.ValueString())
	var apiErr *kms.APIError
	switch {
	case err == nil:
	case kms.IsNotFound(err):
		diags.AddAttributeError(attr, "App connection not found", fmt.Sprintf(
			"connection_id %q: the KMS has no app connection with this ID. Use the id of a "+
				"hanzokms_app_connection_auth0 (or the ID shown on the connection's page in the KMS).", id.ValueString()))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && strings.Contains(apiErr.Message, "is not for App"):
		diags.AddAttributeError(attr, "Not an Auth0 app connection", fmt.Sprintf(
			"connection_id %q is an app connection for another service, not Auth0 (%s). An Auth0 client secret "+
				"rotation needs an Auth0 connection.", id.ValueString(), apiErr.Message))
	default:
		// The identity may be allowed to use the connection without reading
		// it, or the KMS may be briefly unavailable: the apply will tell.
		diags.AddAttributeWarning(attr, "App connection not checked", fmt.Sprintf(
			"Could not read app connection %q to check it before the apply: %v", id.ValueString(), err))
	}
	return diags
}

// connectionChecks remembers each connection's answer for the life of a
// provider client, so a plan creating many rotations on one connection
// reads it once.
var connectionChecks framework.PerClient[string, connectionCheck]

type connectionCheck struct {
	once sync.Once
	err  error
}

// checkConnection reads the connection once per client.
func checkConnection(ctx context.Context, client *kms.Client, id string) error {
	check := connectionChecks.Get(client, id, true)
	check.once.Do(func() { _, check.err = client.GetAuth0Connection(ctx, id) })
	return check.err
}
