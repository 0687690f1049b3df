#!/usr/bin/env bash
# Builds the MPL-licensed CLIs the acceptance tests run on, from the Go module
# proxy, into a cache outside the repository, and prints nothing else but
# progress. A cached binary that answers its version is never rebuilt.
#
#   OpenTofu v1.12.6  -> $CACHE/opentofu-1.12.6/tofu         (primary)
#   Terraform v1.5.7  -> $CACHE/terraform-1.5.7/terraform    (oldest supported)
#   Terraform v1.16.0 -> $CACHE/terraform-1.16.0/terraform   (newest: identity, query, actions)
#
# and the release and lint tools, the same way:
#   goreleaser v2.15.1     -> $CACHE/goreleaser-2.15.1/goreleaser       (make release-check)
#   golangci-lint v2.15.0  -> $CACHE/golangci-lint-2.15.0/golangci-lint (make lint)
#   actionlint v1.7.12     -> $CACHE/actionlint-1.7.12/actionlint       (make lint)
#   terraform-docs v0.20.0 -> $CACHE/terraform-docs-0.20.0/terraform-docs (make generate: the module's README)
#
# Terraform 1.6 and later are BUSL-1.1 licensed. Terraform v1.16.0 is built here
# only to run this provider's acceptance tests against it (non-production use).
# It is never committed, vendored, packaged or shipped: the binary lives only in
# the cache above, outside the repository, and no release artifact includes it.
set -euo pipefail

CACHE="${HANZOKMS_CLI_CACHE:-$HOME/.cache/terraform-provider-hanzokms}"
TOFU_VERSION=1.12.6
TERRAFORM_VERSION=1.5.7
TOFU="$CACHE/opentofu-$TOFU_VERSION/tofu"
TERRAFORM="$CACHE/terraform-$TERRAFORM_VERSION/terraform"
TERRAFORM_NEW_VERSION=1.16.0
TERRAFORM_NEW="$CACHE/terraform-$TERRAFORM_NEW_VERSION/terraform"
GORELEASER_VERSION=2.15.1
GORELEASER="$CACHE/goreleaser-$GORELEASER_VERSION/goreleaser"
GOLANGCI_LINT_VERSION=2.15.0
GOLANGCI_LINT="$CACHE/golangci-lint-$GOLANGCI_LINT_VERSION/golangci-lint"
ACTIONLINT_VERSION=1.7.12
ACTIONLINT="$CACHE/actionlint-$ACTIONLINT_VERSION/actionlint"
TERRAFORM_DOCS_VERSION=0.20.0
TERRAFORM_DOCS="$CACHE/terraform-docs-$TERRAFORM_DOCS_VERSION/terraform-docs"

# The CLIs are their own modules: build them outside this module's go.mod.
export GOFLAGS=-mod=mod
export GOWORK=off
export GOTOOLCHAIN=local

# says <text> <command...>: whether the command's output contains text. The
# output is read whole before it is searched: `cmd | grep -q` under pipefail
# fails with 141 whenever grep, done at the first line, closes the pipe
# before cmd has written its last (a race a cold CI run lost: `tofu version`
# writes two lines).
says() { local want=$1 out; shift; out=$("$@" 2>/dev/null) || return 1; [[ $out == *"$want"* ]]; }
has_version() { [ -x "$1" ] && TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 says "$2" "$1" version; }

build_tofu() {
  if has_version "$TOFU" "OpenTofu v$TOFU_VERSION"; then
    echo "install-clis: OpenTofu v$TOFU_VERSION cached at $TOFU"; return
  fi
  echo "install-clis: building OpenTofu v$TOFU_VERSION (about 6 minutes on 2 cores)"
  local dir
  # go install refuses OpenTofu (its go.mod has a replace directive); build in the module cache.
  dir=$(cd / && go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  mkdir -p "$(dirname "$TOFU")"
  (cd "$dir" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$TOFU.tmp" ./cmd/tofu)
  mv "$TOFU.tmp" "$TOFU"
  has_version "$TOFU" "OpenTofu v$TOFU_VERSION"
}

build_terraform() {
  if has_version "$TERRAFORM" "Terraform v$TERRAFORM_VERSION"; then
    echo "install-clis: Terraform v$TERRAFORM_VERSION cached at $TERRAFORM"; return
  fi
  echo "install-clis: building Terraform v$TERRAFORM_VERSION (about 5 minutes on 2 cores)"
  mkdir -p "$(dirname "$TERRAFORM")"
  (cd / && GOBIN="$(dirname "$TERRAFORM")" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION")
  has_version "$TERRAFORM" "Terraform v$TERRAFORM_VERSION"
}

# Terraform v1.16.0 (BUSL-1.1: built for this provider's tests only, never shipped).
# `go install` refuses it (replace directives) and the module zip lacks nine
# remote-state backends that are nested modules of their own. So: copy the module
# to a scratch directory, cut every remote-state backend whose nested module is
# missing (its import, its entry in the backends map, its require and replace in
# go.mod), and build there. The local, http, inmem and cloud/remote backends stay,
# which is all the acceptance tests use.
build_terraform_new() {
  if has_version "$TERRAFORM_NEW" "Terraform v$TERRAFORM_NEW_VERSION"; then
    echo "install-clis: Terraform v$TERRAFORM_NEW_VERSION cached at $TERRAFORM_NEW"; return
  fi
  echo "install-clis: building Terraform v$TERRAFORM_NEW_VERSION for tests only (BUSL-1.1; about 4 minutes on 2 cores)"
  local dir work init missing=() name alias
  dir=$(cd / && go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_NEW_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "install-clis: module download of Terraform v$TERRAFORM_NEW_VERSION failed" >&2; return 1; }
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand $work now: it is local to this function
  trap "rm -rf '$work'; trap - RETURN" RETURN
  cp -r "$dir" "$work/terraform" && chmod -R u+w "$work/terraform"
  work="$work/terraform"
  init="$work/internal/backend/init/init.go"
  # The nested modules: every `replace .../remote-state/X => ./internal/backend/remote-state/X`
  # whose directory the module zip does not carry.
  while read -r name; do
    [ -f "$work/internal/backend/remote-state/$name/go.mod" ] && continue
    [ -d "$work/internal/backend/remote-state/$name" ] && [ -n "$(ls -A "$work/internal/backend/remote-state/$name")" ] && continue
    missing+=("$name")
  done < <(sed -n 's#^replace github.com/hashicorp/terraform/internal/backend/remote-state/\([a-z0-9]*\) => .*#\1#p' "$work/go.mod")
  [ "${#missing[@]}" -gt 0 ] || { echo "install-clis: found no missing remote-state module to cut: recipe out of date" >&2; return 1; }
  echo "install-clis: cutting remote-state backends: ${missing[*]}"
  for name in "${missing[@]}"; do
    alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"github.com/hashicorp/terraform/internal/backend/remote-state/$name\"\$#\1#p" "$init")
    [ -n "$alias" ] || { echo "install-clis: no import of remote-state/$name in $init: recipe out of date" >&2; return 1; }
    sed -i -e "\#\"github.com/hashicorp/terraform/internal/backend/remote-state/$name\"\$#d" \
      -e "/[^A-Za-z0-9_]$alias\.New(/d" "$init"
    sed -i -e "\#^[[:space:]]*github.com/hashicorp/terraform/internal/backend/remote-state/$name [^ ]*\$#d" \
      -e "\#^replace github.com/hashicorp/terraform/internal/backend/remote-state/$name =>#d" "$work/go.mod"
    if grep -q "remote-state/$name[\" ]" "$init" "$work/go.mod" || grep -q "[^A-Za-z0-9_]$alias\." "$init"; then
      echo "install-clis: remote-state/$name still referenced after the cut" >&2; return 1
    fi
  done
  mkdir -p "$(dirname "$TERRAFORM_NEW")"
  (cd "$work" && go build -trimpath -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$TERRAFORM_NEW.tmp" .)
  mv "$TERRAFORM_NEW.tmp" "$TERRAFORM_NEW"
  has_version "$TERRAFORM_NEW" "Terraform v$TERRAFORM_NEW_VERSION" ||
    { echo "install-clis: built Terraform does not report v$TERRAFORM_NEW_VERSION" >&2; return 1; }
  echo "install-clis: Terraform v$TERRAFORM_NEW_VERSION built at $TERRAFORM_NEW (tests only; never ship it)"
}

build_goreleaser() {
  if [ -x "$GORELEASER" ] && says "$GORELEASER_VERSION" "$GORELEASER" --version; then
    echo "install-clis: goreleaser v$GORELEASER_VERSION cached at $GORELEASER"; return
  fi
  echo "install-clis: building goreleaser v$GORELEASER_VERSION (about 6 minutes on 2 cores)"
  mkdir -p "$(dirname "$GORELEASER")"
  (cd / && GOBIN="$(dirname "$GORELEASER")" go install "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION")
}

build_golangci_lint() {
  if [ -x "$GOLANGCI_LINT" ] && says "version $GOLANGCI_LINT_VERSION" "$GOLANGCI_LINT" version; then
    echo "install-clis: golangci-lint v$GOLANGCI_LINT_VERSION cached at $GOLANGCI_LINT"; return
  fi
  echo "install-clis: building golangci-lint v$GOLANGCI_LINT_VERSION (about 7 minutes on 2 cores)"
  mkdir -p "$(dirname "$GOLANGCI_LINT")"
  (cd / && GOBIN="$(dirname "$GOLANGCI_LINT")" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION")
}

build_actionlint() {
  # Its first line is the bare version, with or without a v.
  local first=
  [ -x "$ACTIONLINT" ] && first=$("$ACTIONLINT" -version 2>/dev/null) && first=${first%%$'\n'*}
  if [ "$first" = "v$ACTIONLINT_VERSION" ] || [ "$first" = "$ACTIONLINT_VERSION" ]; then
    echo "install-clis: actionlint v$ACTIONLINT_VERSION cached at $ACTIONLINT"; return
  fi
  echo "install-clis: building actionlint v$ACTIONLINT_VERSION (under a minute)"
  mkdir -p "$(dirname "$ACTIONLINT")"
  (cd / && GOBIN="$(dirname "$ACTIONLINT")" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION")
}

# terraform-docs writes the inputs and outputs table of examples/modules/*/README.md.
# `go install ...@v0.20.0` asks the proxy for the module's version list (to
# report a deprecation), which is refused here; the exact version is served, so
# download it and build inside the module cache, as for OpenTofu.
build_terraform_docs() {
  if [ -x "$TERRAFORM_DOCS" ] && says "v$TERRAFORM_DOCS_VERSION" "$TERRAFORM_DOCS" --version; then
    echo "install-clis: terraform-docs v$TERRAFORM_DOCS_VERSION cached at $TERRAFORM_DOCS"; return
  fi
  echo "install-clis: building terraform-docs v$TERRAFORM_DOCS_VERSION (about 2 minutes on 2 cores)"
  mkdir -p "$(dirname "$TERRAFORM_DOCS")"
  local dir
  dir=$(cd / && go mod download -json "github.com/terraform-docs/terraform-docs@v$TERRAFORM_DOCS_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "install-clis: module download of terraform-docs v$TERRAFORM_DOCS_VERSION failed" >&2; return 1; }
  (cd "$dir" && go build -trimpath -o "$TERRAFORM_DOCS.tmp" .)
  mv "$TERRAFORM_DOCS.tmp" "$TERRAFORM_DOCS"
  says "v$TERRAFORM_DOCS_VERSION" "$TERRAFORM_DOCS" --version ||
    { echo "install-clis: built terraform-docs does not report v$TERRAFORM_DOCS_VERSION" >&2; return 1; }
}

# locked <build function>: one build of a tool at a time. .ci/run builds the
# linters in the background while `make test` runs, and `make lint` asks for
# them again: the second caller waits here, then finds the binary cached.
# One lock per tool, so that a leg asking for its CLI never waits on another
# tool's build.
locked() {
  mkdir -p "$CACHE"
  ( flock 9; "$1" ) 9>"$CACHE/.lock-$1"
}

case "${1:-all}" in
  tofu) locked build_tofu ;;
  terraform) locked build_terraform ;;
  terraform-new) locked build_terraform_new ;;
  goreleaser) locked build_goreleaser ;;
  golangci-lint) locked build_golangci_lint ;;
  actionlint) locked build_actionlint ;;
  linters) locked build_golangci_lint; locked build_actionlint ;;
  terraform-docs) locked build_terraform_docs ;;
  all) locked build_tofu; locked build_terraform; locked build_terraform_new ;;
  paths) echo "TOFU=$TOFU"; echo "TERRAFORM=$TERRAFORM"; echo "TERRAFORM_NEW=$TERRAFORM_NEW"; echo "GORELEASER=$GORELEASER"
         echo "GOLANGCI_LINT=$GOLANGCI_LINT"; echo "ACTIONLINT=$ACTIONLINT"; echo "TERRAFORM_DOCS=$TERRAFORM_DOCS" ;;
  *) echo "usage: $0 [all|tofu|terraform|terraform-new|goreleaser|golangci-lint|actionlint|linters|terraform-docs|paths]" >&2; exit 2 ;;
esac
