#!/usr/bin/env bash
# Builds the MPL-licensed CLIs the acceptance tests run on, from the Go module
# proxy, into a cache outside the repository, and prints nothing else but
# progress. A cached binary that answers its version is never rebuilt.
#
#   OpenTofu v1.12.6  -> $CACHE/opentofu-1.12.6/tofu       (primary)
#   Terraform v1.5.7  -> $CACHE/terraform-1.5.7/terraform  (oldest supported)
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

case "${1:-all}" in
  tofu) build_tofu ;;
  terraform) build_terraform ;;
  goreleaser) build_goreleaser ;;
  all) build_tofu; build_terraform ;;
  paths) echo "TOFU=$TOFU"; echo "TERRAFORM=$TERRAFORM"; echo "GORELEASER=$GORELEASER" ;;
  *) echo "usage: $0 [all|tofu|terraform|goreleaser|paths]" >&2; exit 2 ;;
esac
