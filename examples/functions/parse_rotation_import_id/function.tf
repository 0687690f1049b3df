locals {
  # { rotation_id = null, project_id = "3c90c3cc-...", environment = "prod",
  #   secret_path = "/app/auth0", name = "billing-api" }
  parsed = provider::hanzokms::parse_rotation_import_id("3c90c3cc-0d44-4b50-8888-8dd25736052a:prod:/app/auth0:billing-api")
}

output "rotation_folder" {
  value = "${local.parsed.environment}:${local.parsed.secret_path}"
}
