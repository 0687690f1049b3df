package provider

// Schema helpers shared by the resources and data sources.

import (
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// computedString is a resource attribute only the KMS sets.
func computedString(description string, modifiers []planmodifier.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true, PlanModifiers: modifiers}
}

// computedDataSourceString is a data source attribute read from the KMS.
func computedDataSourceString(description string) datasourceschema.StringAttribute {
	return datasourceschema.StringAttribute{MarkdownDescription: description, Computed: true}
}
