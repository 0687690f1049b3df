package secretrotation

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

var _ function.Function = (*rotationImportIDFunction)(nil)

// NewRotationImportIDFunction is the factory of
// provider::hanzokms::rotation_import_id, which builds the import ID of a
// rotation by name, so that a module adopting many rotations writes one
// `import` block with `for_each` rather than concatenating strings.
func NewRotationImportIDFunction() function.Function { return &rotationImportIDFunction{} }

type rotationImportIDFunction struct{}

func (f *rotationImportIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "rotation_import_id"
}

func (f *rotationImportIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The import ID of an Auth0 client secret rotation, by name",
		MarkdownDescription: "Returns `<project_id>:<environment>:<secret_path>:<name>`, the ID that imports a " +
			"`hanzokms_auth0_client_secret_rotation` by its name, after checking each part by the rules of an import " +
			"by name (and of the resource's attributes of the same names): an error names the argument that breaks " +
			"them. `secret_path` may be nested (`/app/auth0`) and may end in `/`, which the import ignores; it is kept " +
			"as given, so that the imported state spells it as the configuration does. Needs Terraform 1.8 or later, " +
			"or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "project_id", MarkdownDescription: "ID of the KMS project."},
			function.StringParameter{Name: "environment", MarkdownDescription: "Environment slug, e.g. `prod`."},
			function.StringParameter{Name: "secret_path", MarkdownDescription: "Folder of the rotation, e.g. `/` or `/app/auth0`."},
			function.StringParameter{Name: "name", MarkdownDescription: "Name of the rotation."},
		},
		Return: function.StringReturn{},
	}
}

func (f *rotationImportIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var parts [4]string
	resp.Error = req.Arguments.Get(ctx, &parts[0], &parts[1], &parts[2], &parts[3])
	if resp.Error != nil {
		return
	}
	for i, part := range rotationImportIDParts {
		if err := checkRotationImportIDPart(part, parts[i]); err != nil {
			resp.Error = function.NewArgumentFuncError(int64(i), err.Error())
			return
		}
	}
	resp.Error = resp.Result.Set(ctx, strings.Join(parts[:], ":"))
}
