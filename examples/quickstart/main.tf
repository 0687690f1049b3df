# Quickstart: rotate an Auth0 application's client secret with Hanzo KMS.
#
# The provider reads its configuration from the environment:
#   HANZO_KMS_HOST, HANZO_KMS_CLIENT_ID, HANZO_KMS_CLIENT_SECRET
# `make demo` runs this against a local KMS and Auth0 tenant; see README.md to
# run it against a real one.

terraform {
  required_providers {
    hanzokms = {
      source = "hanzoai/hanzokms"
    }
  }
}

provider "hanzokms" {}

variable "project_id" {
  description = "ID of the KMS project that holds the mapped secrets."
  type        = string
}

variable "connection_id" {
  description = "ID of the Auth0 app connection that performs the rotation."
  type        = string
}

variable "auth0_client_id" {
  description = "Client ID of the Auth0 application whose secret rotates."
  type        = string
}

variable "environment" {
  description = "Environment slug of the mapped secrets."
  type        = string
  default     = "dev"
}

variable "rotation_trigger" {
  description = "Change this value to rotate the secret now."
  type        = string
  default     = "initial"
}

resource "hanzokms_auth0_client_secret_rotation" "billing" {
  name          = "billing-api-auth0"
  description   = "Rotates the billing API's Auth0 client secret"
  project_id    = var.project_id
  connection_id = var.connection_id
  environment   = var.environment
  secret_path   = "/"

  # Single-phase: the old secret stops working at once. Rotate on demand.
  auto_rotation_enabled = false
  rotation_interval     = 30
  rotate_at_utc = {
    hours   = 3
    minutes = 0
  }

  parameters = {
    client_id = var.auth0_client_id
  }

  secrets_mapping = {
    client_id     = "BILLING_AUTH0_CLIENT_ID"
    client_secret = "BILLING_AUTH0_CLIENT_SECRET"
  }

  rotation_trigger = var.rotation_trigger
}

output "rotation_id" {
  value = hanzokms_auth0_client_secret_rotation.billing.id
}

output "active_index" {
  value = hanzokms_auth0_client_secret_rotation.billing.active_index
}

output "last_rotated_at" {
  value = hanzokms_auth0_client_secret_rotation.billing.last_rotated_at
}
