# A module that declares an Auth0 app connection and one rotation per
# application, every one with the same schedule and mapping convention.

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

variable "auth0_domain" {
  type = string
}

variable "auth0_m2m_client_id" {
  type = string
}

variable "auth0_m2m_client_secret" {
  type      = string
  sensitive = true
}

variable "applications" {
  description = "Rotation name => Auth0 application client id."
  type        = map(string)
}

variable "rotation_interval" {
  type    = number
  default = 30
}

resource "hanzokms_app_connection_auth0" "this" {
  name          = "${var.environment}-auth0"
  project_id    = var.project_id
  domain        = var.auth0_domain
  client_id     = var.auth0_m2m_client_id
  client_secret = var.auth0_m2m_client_secret
}

resource "hanzokms_auth0_client_secret_rotation" "this" {
  for_each = var.applications

  name              = each.key
  project_id        = var.project_id
  connection_id     = hanzokms_app_connection_auth0.this.id
  environment       = var.environment
  secret_path       = "/auth0/${each.key}"
  rotation_interval = var.rotation_interval

  parameters = {
    client_id = each.value
  }

  secrets_mapping = {
    client_id     = "AUTH0_CLIENT_ID"
    client_secret = "AUTH0_CLIENT_SECRET"
  }
}

output "rotation_ids" {
  value = { for name, r in hanzokms_auth0_client_secret_rotation.this : name => r.id }
}
