package framework

// Attributes that only the KMS sets, and how its answers map onto them.

import (
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ComputedString is a resource attribute only the KMS sets.
func ComputedString(description string, modifiers []planmodifier.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true, PlanModifiers: modifiers}
}

// ComputedDataSourceString is a data source attribute read from the KMS.
func ComputedDataSourceString(description string) datasourceschema.StringAttribute {
	return datasourceschema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// DescriptionFromAPI maps the API's null or "" to whichever of the two the
// configuration used, so neither spelling plans a change forever.
func DescriptionFromAPI(api *string, prior types.String) types.String {
	if api != nil && *api != "" {
		return types.StringValue(*api)
	}
	if !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() == "" {
		return types.StringValue("")
	}
	return types.StringNull()
}
