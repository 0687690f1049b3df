#!/usr/bin/env bash
# Generates docs/ from the provider's schema with terraform-plugin-docs, offline:
# the schema JSON comes from the cached Terraform 1.16.0
# (`terraform providers schema -json`), so tfplugindocs neither downloads nor
# looks for a `terraform` on PATH. Terraform 1.16 rather than OpenTofu, because
# OpenTofu's schema JSON has no list resources and no actions. (Terraform 1.16
# is BUSL-1.1: run here to document this provider, never shipped; see
# .ci/install-clis.sh.) The provider key is renamed to its short name, one of
# the two tfplugindocs looks up.
# It also writes the inputs and outputs table of each example module's
# README.md with terraform-docs (examples/modules/*/.terraform-docs.yml).
#   .ci/gen-docs.sh            regenerate docs/ and the module READMEs
#   .ci/gen-docs.sh --check    fail when docs/ or a module README differs from what is generated
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${HANZOKMS_CLI_CACHE:-$HOME/.cache/terraform-provider-hanzokms}"
TERRAFORM_NEW="$CACHE/terraform-1.16.0/terraform"
[ -x "$TERRAFORM_NEW" ] || .ci/install-clis.sh terraform-new
TERRAFORM_DOCS="$CACHE/terraform-docs-0.20.0/terraform-docs"
[ -x "$TERRAFORM_DOCS" ] || .ci/install-clis.sh terraform-docs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plugin_dir="$work/plugins/registry.terraform.io/hanzoai/hanzokms/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin_dir"
go build -o "$plugin_dir/terraform-provider-hanzokms_v0.0.1" .
cat > "$work/main.tf" <<'TF'
terraform {
  required_providers {
    hanzokms = { source = "hanzoai/hanzokms", version = "0.0.1" }
  }
}
TF
printf 'disable_checkpoint = true\n' > "$work/cli.tfrc"
(cd "$work" && export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 &&
  "$TERRAFORM_NEW" init -input=false -no-color -plugin-dir="$work/plugins" >/dev/null &&
  "$TERRAFORM_NEW" providers schema -json) |
  sed 's#"registry.terraform.io/hanzoai/hanzokms"#"hanzokms"#' > "$work/schema.json"
# A schema without the list resource or the action would drop their pages silently.
for key in '"action_schemas"' '"list_resource_schemas"' '"resource_identity_schemas"'; do
  grep -q "$key" "$work/schema.json" || { echo "gen-docs: the schema JSON has no $key" >&2; exit 1; }
done

if [ "${1:-}" = "--check" ]; then
  cp -r docs "$work/docs.before" 2>/dev/null || mkdir -p "$work/docs.before"
  mkdir -p "$work/modules.before"
  for config in examples/modules/*/.terraform-docs.yml; do
    module=$(basename "$(dirname "$config")")
    cp "$(dirname "$config")/README.md" "$work/modules.before/$module.md"
  done
fi
go tool tfplugindocs generate --provider-name hanzokms --providers-schema "$work/schema.json" --rendered-website-dir docs
go tool tfplugindocs validate --provider-name hanzokms
for config in examples/modules/*/.terraform-docs.yml; do
  (cd "$(dirname "$config")" && "$TERRAFORM_DOCS" . >/dev/null)
done
if [ "${1:-}" = "--check" ]; then
  if ! diff -ru "$work/docs.before" docs; then
    echo "gen-docs: docs/ is out of date with the schema: run make generate and commit docs/" >&2
    exit 1
  fi
  for config in examples/modules/*/.terraform-docs.yml; do
    readme="$(dirname "$config")/README.md"
    if ! diff -u "$work/modules.before/$(basename "$(dirname "$config")").md" "$readme"; then
      echo "gen-docs: $readme's inputs and outputs table is out of date with the module: run make generate and commit it" >&2
      exit 1
    fi
  done
  echo "gen-docs: docs/ matches the schema, and the module READMEs their modules"
fi
