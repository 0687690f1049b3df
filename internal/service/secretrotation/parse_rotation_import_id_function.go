package secretrotation

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*parseRotationImportIDFunction)(nil)

// NewParseRotationImportIDFunction is the factory of
// provider::hanzokms::parse_rotation_import_id, the inverse of
// rotation_import_id: it takes an import ID apart by the import's own parser.
func NewParseRotationImportIDFunction() function.Function { return &parseRotationImportIDFunction{} }

type parseRotationImportIDFunction struct{}

var parsedRotationImportIDTypes = map[string]attr.Type{
	"rotation_id": types.StringType, "project_id": types.StringType, "environment": types.StringType,
	"secret_path": types.StringType, "name": types.StringType,
}

func (f *parseRotationImportIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_rotation_import_id"
}

func (f *parseRotationImportIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The parts of an Auth0 client secret rotation's import ID",
		MarkdownDescription: "Takes apart an ID that imports a `hanzokms_auth0_client_secret_rotation`, exactly as " +
			"the import does. A rotation ID (a UUID) gives an object whose `rotation_id` is that UUID in lowercase and " +
			"whose other attributes are null; `<project_id>:<environment>:<secret_path>:<name>` gives `rotation_id` " +
			"null and the four parts, `secret_path` as written (a trailing `/`, which the import ignores, is kept). " +
			"An ID the import would refuse is an error that says which part is wrong. Needs Terraform 1.8 or later, " +
			"or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "id", MarkdownDescription: "A rotation ID, or `<project_id>:<environment>:<secret_path>:<name>`."},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedRotationImportIDTypes},
	}
}

func (f *parseRotationImportIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var raw string
	resp.Error = req.Arguments.Get(ctx, &raw)
	if resp.Error != nil {
		return
	}
	id, err := parseRotationImportID(raw)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	values := map[string]attr.Value{
		"rotation_id": types.StringNull(), "project_id": types.StringNull(), "environment": types.StringNull(),
		"secret_path": types.StringNull(), "name": types.StringNull(),
	}
	if id.byName() {
		values["project_id"] = types.StringValue(id.ProjectID)
		values["environment"] = types.StringValue(id.Environment)
		values["secret_path"] = types.StringValue(id.SecretPathAsWritten)
		values["name"] = types.StringValue(id.Name)
	} else {
		values["rotation_id"] = types.StringValue(id.RotationID)
	}
	result, diags := types.ObjectValue(parsedRotationImportIDTypes, values)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, result)
}
