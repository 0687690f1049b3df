package secretrotation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/framework"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
)

// The mapped-name check. The KMS refuses a rotation whose mapped secret
// names are taken in its folder, but the Hanzo KMS does so only after it has
// replaced the Auth0 application's secret (current Infisical checks first):
// a refused create would leave Auth0 holding a secret nobody knows. So the
// provider proves the names free before it sends a create, whichever server
// it talks to.
//
// It asks what the server's own check asks: which shared secrets the folder
// itself holds (imports and subfolders do not count). One listing per folder
// per provider process answers it for every rotation of the folder; the
// names the process creates are added to it, so that two rotations of one
// apply cannot both claim a name. The plan lists the folder too, which tells
// a wrong environment or folder before anything is made.

// folderNames is what one provider process knows of one folder's names.
type folderNames struct {
	// mu is held while the folder is listed, so that parallel creates in
	// one folder wait for one listing.
	mu     sync.Mutex
	loaded bool
	err    error
	// inFolder: the names the listing found, kept up to date with what this
	// process renames and deletes. claimed: the names of rotations this
	// process created (or tried to).
	inFolder map[string]bool
	claimed  map[string]bool
	// missing explains a listing refused because the folder or its
	// environment does not exist (nil otherwise).
	missing *missingFolder
}

// mappedNames holds the folders of each provider client.
var mappedNames framework.PerClient[rotationFolder, folderNames]

// rotationFolder is where a rotation and its mapped secrets live.
type rotationFolder struct {
	project, environment, secretPath string
}

// load lists the folder once for the process; the caller holds f.mu.
func (f *folderNames) load(ctx context.Context, client *kms.Client, where rotationFolder) error {
	if f.loaded || f.err != nil {
		return f.err
	}
	names, err := client.ListSecretNames(ctx, where.project, where.environment, where.secretPath)
	if err != nil {
		f.err = err
		if kms.IsSecretPathNotFound(err) {
			f.missing = diagnoseMissingFolder(ctx, client, where)
		}
		return err
	}
	f.loaded = true
	f.inFolder = make(map[string]bool, len(names))
	f.claimed = map[string]bool{}
	for _, n := range names {
		f.inFolder[n] = true
	}
	return nil
}

// mappedName is one entry of secrets_mapping.
type mappedName struct{ attr, name string }

func (m mappedName) path() path.Path { return path.Root("secrets_mapping").AtName(m.attr) }

// checkMappedNames lists the folder (once per process) and says why a
// rotation with these names cannot be created there: a missing environment
// or folder, or a taken name. With claim, free names are taken for this
// process in the same step, so no other rotation of the run can take them;
// without, it only checks the folder (and names must be nil).
func checkMappedNames(ctx context.Context, client *kms.Client, where rotationFolder, names []mappedName, claim bool) diag.Diagnostics {
	var diags diag.Diagnostics
	f := mappedNames.Get(client, where, true)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(ctx, client, where); err != nil {
		if f.missing != nil {
			diags.Append(f.missing.diagnostic(where))
			return diags
		}
		if claim {
			diags.AddAttributeError(names[0].path(), "Could not check that the mapped secret names are free",
				fmt.Sprintf("Before creating the rotation the provider lists the secrets of environment %q, folder %q, to make sure "+
					"the mapped names are free (the KMS changes the Auth0 application's secret before it refuses a taken name). "+
					"That listing failed, so nothing was created: %s\n\nThe machine identity needs permission to read (or describe) "+
					"secrets in that folder.", where.environment, where.secretPath, framework.APIErrorDetail(err)))
		} else {
			// The identity may lack the permission to list while still being
			// allowed to create, or the KMS may be briefly unavailable: the
			// apply checks again before it creates anything.
			diags.AddAttributeWarning(path.Root("secret_path"), "Folder not checked",
				fmt.Sprintf("Could not list the secrets of environment %q, folder %q to check the folder before the apply: %v",
					where.environment, where.secretPath, err))
		}
		return diags
	}
	for _, n := range names {
		switch {
		case f.inFolder[n.name]:
			diags.AddAttributeError(n.path(), "Mapped secret already exists",
				fmt.Sprintf("secrets_mapping.%s names secret %q, which already exists in environment %q, folder %q of project %s. "+
					"A rotation writes its own secrets and the KMS refuses names that are taken, but only after it has replaced the "+
					"Auth0 application's client secret, which would lock every consumer out. Nothing was sent.\n\n"+
					"Choose another name in secrets_mapping, or delete or rename the existing secret. If this create replaces a "+
					"rotation of the same folder (create_before_destroy, or a destroy that kept the secrets), see "+
					"delete_secrets_on_destroy.",
					n.attr, n.name, where.environment, where.secretPath, where.project))
		case f.claimed[n.name]:
			diags.AddAttributeError(n.path(), "Mapped secret name used twice",
				fmt.Sprintf("secrets_mapping.%s names secret %q in environment %q, folder %q of project %s, which another rotation "+
					"created in this run already maps. Two rotations cannot write the same secret: give each its own names. "+
					"Nothing was sent for this rotation.",
					n.attr, n.name, where.environment, where.secretPath, where.project))
		}
	}
	if claim && !diags.HasError() {
		for _, n := range names {
			f.claimed[n.name] = true
		}
	}
	return diags
}

// forgetMappedNames records that this process deleted the named secrets of
// a folder. A folder not listed yet needs nothing: its listing, when it comes,
// finds them gone (one in progress is waited for).
func forgetMappedNames(client *kms.Client, where rotationFolder, names ...string) {
	f := mappedNames.Get(client, where, false)
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		return
	}
	for _, n := range names {
		delete(f.inFolder, n)
		delete(f.claimed, n)
	}
}

// renameMappedNames records that this process renamed a rotation's secrets.
func renameMappedNames(client *kms.Client, where rotationFolder, renames map[string]string) {
	f := mappedNames.Get(client, where, false)
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		return
	}
	for from, to := range renames {
		if from == to {
			continue
		}
		delete(f.inFolder, from)
		delete(f.claimed, from)
		f.inFolder[to] = true
	}
}

// missingFolder says which part of a rotation's folder does not exist, and
// what does, as far as the KMS would tell.
type missingFolder struct {
	environmentMissing bool
	environments       []string // the project's environment slugs, when known
	parent             string   // the folder above the missing one
	siblings           []string // the folders under parent
	serverMessage      string   // the KMS's own words, when nothing better is known
}

// diagnoseMissingFolder asks the KMS what exists around a folder the secret
// listing did not find: one folder listing of the parent (which also tells a
// missing environment), and the project's environments when that is it.
// Only a refused listing costs these requests.
func diagnoseMissingFolder(ctx context.Context, client *kms.Client, where rotationFolder) *missingFolder {
	m := &missingFolder{parent: "/"}
	name := ""
	if where.secretPath != "/" {
		i := strings.LastIndex(where.secretPath, "/")
		m.parent, name = where.secretPath[:i], where.secretPath[i+1:]
		if m.parent == "" {
			m.parent = "/"
		}
	}
	folders, err := client.ListFolders(ctx, where.project, where.environment, m.parent)
	var apiErr *kms.APIError
	switch {
	case err == nil:
		for _, f := range folders {
			if f.Name == name {
				// The folder is there after all: say what the KMS said.
				m.serverMessage = "the KMS answered that the folder was not found"
				return m
			}
			m.siblings = append(m.siblings, f.Name)
		}
		sort.Strings(m.siblings)
		if name == "" {
			m.serverMessage = "the KMS answered that the folder was not found"
		}
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && strings.Contains(apiErr.Message, "Environment"):
		m.environmentMissing = true
		if envs, err := client.GetProjectEnvironments(ctx, where.project); err == nil {
			for _, e := range envs {
				m.environments = append(m.environments, e.Slug)
			}
			sort.Strings(m.environments)
		}
	default:
		m.serverMessage = fmt.Sprintf("the KMS answered that the folder was not found, and looking for what exists failed: %v", err)
	}
	return m
}

func (m *missingFolder) diagnostic(where rotationFolder) diag.Diagnostic {
	if m.environmentMissing {
		known := "The provider could not read the project's environments."
		if len(m.environments) > 0 {
			known = "Its environments are: " + framework.QuoteAll(m.environments) + " (use the slug, not the name)."
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("environment"), "Environment not found",
			fmt.Sprintf("environment %q does not exist in project %s. %s", where.environment, where.project, known))
	}
	detail := fmt.Sprintf("secret_path %q does not exist in environment %q of project %s. ", where.secretPath, where.environment, where.project)
	switch {
	case m.serverMessage != "":
		detail += "(" + m.serverMessage + ".) "
	case len(m.siblings) > 0:
		detail += fmt.Sprintf("The folders in %q are: %s. ", m.parent, framework.QuoteAll(m.siblings))
	default:
		detail += fmt.Sprintf("There is no folder in %q (it may not exist either). ", m.parent)
	}
	detail += "A rotation does not create its folder: create it in the KMS first, or choose an existing one."
	return diag.NewAttributeErrorDiagnostic(path.Root("secret_path"), "Folder not found", detail)
}

// planFolderCheck checks, at plan, that the folder a rotation is about to be
// created in exists: new rotations, and replacements that move to another
// folder. It costs the folder's listing, once per folder and process, which
// the apply's creates then use.
//
// It does not judge the mapped names: the CLI plans the create of a
// replacement as a new resource (no prior state), and the rotation it
// replaces may still hold the names then, to free them before the create
// (delete_secrets_on_destroy). The names are judged before each create, and
// a replacement in the same folder by refuseStrandingReplacement.
func planFolderCheck(ctx context.Context, client *kms.Client, plan auth0RotationModel, state *auth0RotationModel) diag.Diagnostics {
	if client == nil || plan.ProjectID.IsUnknown() || plan.Environment.IsUnknown() || plan.SecretPath.IsUnknown() ||
		plan.ProjectID.IsNull() || plan.Environment.IsNull() {
		return nil
	}
	where := rotationFolder{project: plan.ProjectID.ValueString(), environment: plan.Environment.ValueString(), secretPath: "/"}
	if !plan.SecretPath.IsNull() {
		where.secretPath = normalizeSecretPath(plan.SecretPath.ValueString())
	}
	if state != nil && state.ProjectID.Equal(plan.ProjectID) && state.Environment.Equal(plan.Environment) &&
		normalizeSecretPath(state.SecretPath.ValueString()) == where.secretPath {
		return nil
	}
	return checkMappedNames(ctx, client, where, nil, false)
}
