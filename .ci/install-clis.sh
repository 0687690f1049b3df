#!/usr/bin/env bash
# Builds the MPL-licensed CLIs the acceptance tests run on, from the Go module
# proxy, into a cache outside the repository, and prints nothing else but
# progress. A cached binary that answers its version is never rebuilt.
#
#   OpenTofu v1.12.6  -> $CACHE/opentofu-1.12.6/tofu       (primary)
#   Terraform v1.5.7  -> $CACHE/terraform-1.5.7/terraform  (oldest supported)
#
# and the release and lint tools, the same way:
#   goreleaser v2.15.1     -> $CACHE/goreleaser-2.15.1/goreleaser       (make release-check)
#   golangci-lint v2.15.0  -> $CACHE/golangci-lint-2.15.0/golangci-lint (make lint)
#   actionlint v1.7.12     -> $CACHE/actionlint-1.7.12/actionlint       (make lint)
#
# Terraform 1.6 and later are BUSL-licensed: never built here.
set -euo pipefail

CACHE="${HANZOKMS_CLI_CACHE:-$HOME/.cache/terraform-provider-hanzokms}"
TOFU_VERSION=1.12.6
TERRAFORM_VERSION=1.5.7
TOFU="$CACHE/opentofu-$TOFU_VERSION/tofu"
TERRAFORM="$CACHE/terraform-$TERRAFORM_VERSION/terraform"
GORELEASER_VERSION=2.15.1
GORELEASER="$CACHE/goreleaser-$GORELEASER_VERSION/goreleaser"
GOLANGCI_LINT_VERSION=2.15.0
GOLANGCI_LINT="$CACHE/golangci-lint-$GOLANGCI_LINT_VERSION/golangci-lint"
ACTIONLINT_VERSION=1.7.12
ACTIONLINT="$CACHE/actionlint-$ACTIONLINT_VERSION/actionlint"

# The CLIs are their own modules: build them outside this module's go.mod.
export GOFLAGS=-mod=mod
export GOWORK=off
export GOTOOLCHAIN=local

has_version() { [ -x "$1" ] && TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null | grep -q "$2"; }

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

build_goreleaser() {
  if [ -x "$GORELEASER" ] && "$GORELEASER" --version 2>/dev/null | grep -q "$GORELEASER_VERSION"; then
    echo "install-clis: goreleaser v$GORELEASER_VERSION cached at $GORELEASER"; return
  fi
  echo "install-clis: building goreleaser v$GORELEASER_VERSION (about 6 minutes on 2 cores)"
  mkdir -p "$(dirname "$GORELEASER")"
  (cd / && GOBIN="$(dirname "$GORELEASER")" go install "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION")
}

build_golangci_lint() {
  if [ -x "$GOLANGCI_LINT" ] && "$GOLANGCI_LINT" version 2>/dev/null | grep -q "version $GOLANGCI_LINT_VERSION"; then
    echo "install-clis: golangci-lint v$GOLANGCI_LINT_VERSION cached at $GOLANGCI_LINT"; return
  fi
  echo "install-clis: building golangci-lint v$GOLANGCI_LINT_VERSION (about 7 minutes on 2 cores)"
  mkdir -p "$(dirname "$GOLANGCI_LINT")"
  (cd / && GOBIN="$(dirname "$GOLANGCI_LINT")" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION")
}

build_actionlint() {
  if [ -x "$ACTIONLINT" ] && "$ACTIONLINT" -version 2>/dev/null | grep -qx "v\?$ACTIONLINT_VERSION"; then
    echo "install-clis: actionlint v$ACTIONLINT_VERSION cached at $ACTIONLINT"; return
  fi
  echo "install-clis: building actionlint v$ACTIONLINT_VERSION (under a minute)"
  mkdir -p "$(dirname "$ACTIONLINT")"
  (cd / && GOBIN="$(dirname "$ACTIONLINT")" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION")
}

case "${1:-all}" in
  tofu) build_tofu ;;
  terraform) build_terraform ;;
  goreleaser) build_goreleaser ;;
  golangci-lint) build_golangci_lint ;;
  actionlint) build_actionlint ;;
  linters) build_golangci_lint; build_actionlint ;;
  all) build_tofu; build_terraform ;;
  paths) echo "TOFU=$TOFU"; echo "TERRAFORM=$TERRAFORM"; echo "GORELEASER=$GORELEASER"
         echo "GOLANGCI_LINT=$GOLANGCI_LINT"; echo "ACTIONLINT=$ACTIONLINT" ;;
  *) echo "usage: $0 [all|tofu|terraform|goreleaser|golangci-lint|actionlint|linters|paths]" >&2; exit 2 ;;
esac
