# Adopt existing rotations by name, many at once (Terraform 1.8+, OpenTofu 1.7+).
variable "rotations" {
  description = "Rotation name => folder, of rotations made in the KMS UI."
  type        = map(string)
  default = {
    "billing-api" = "/app/auth0"
    "payments"    = "/"
  }
}

import {
  for_each = var.rotations

  to = hanzokms_auth0_client_secret_rotation.adopted[each.key]
  id = provider::hanzokms::rotation_import_id("3c90c3cc-0d44-4b50-8888-8dd25736052a", "prod", each.value, each.key)
}

output "billing_import_id" {
  # "3c90c3cc-0d44-4b50-8888-8dd25736052a:prod:/app/auth0:billing-api"
  value = provider::hanzokms::rotation_import_id("3c90c3cc-0d44-4b50-8888-8dd25736052a", "prod", "/app/auth0", "billing-api")
}
