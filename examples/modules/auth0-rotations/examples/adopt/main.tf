# Bringing rotations made elsewhere (the KMS UI, a script) under the module:
# one `import` block with for_each, its IDs built by the provider's function.
# Needs Terraform 1.8+ or OpenTofu 1.7+ (import for_each and provider
# functions); the module itself needs 1.11+. Set adopt = false once imported.

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

variable "connection_id" {
  type = string
}

variable "applications" {
  type = map(object({
    client_id   = string
    secret_path = optional(string, "/")
  }))
}

variable "adopt" {
  description = "Import the existing rotations of var.applications by name."
  type        = bool
  default     = true
}

module "rotations" {
  source = "../.."

  project_id    = var.project_id
  environment   = var.environment
  connection_id = var.connection_id
  applications  = var.applications
}

import {
  for_each = var.adopt ? var.applications : {}

  to = module.rotations.hanzokms_auth0_client_secret_rotation.this[each.key]
  id = provider::hanzokms::rotation_import_id(var.project_id, var.environment, each.value.secret_path, each.key)
}

output "rotation_ids" {
  value = module.rotations.rotation_ids
}
