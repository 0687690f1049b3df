# A helper for local_stack.tftest.hcl: what the KMS itself holds, read through
# the list data source, so that a run checks the server and not only state.
# (Its runs take no values from other runs: OpenTofu 1.12 evaluates a run's
# variables again at cleanup, when only the latest run of each state is known,
# and stops cleaning up when one of them no longer evaluates.)

terraform {
  required_providers {
    hanzokms = {
      source = "hanzoai/hanzokms"
    }
  }
}

variable "project_id" {
  type = string
}

variable "environment" {
  type = string
}

data "hanzokms_auth0_client_secret_rotations" "all" {
  project_id  = var.project_id
  environment = var.environment
}

output "names" {
  value = [for r in data.hanzokms_auth0_client_secret_rotations.all.rotations : r.name]
}

output "client_ids" {
  value = { for r in data.hanzokms_auth0_client_secret_rotations.all.rotations : r.name => r.client_id }
}
