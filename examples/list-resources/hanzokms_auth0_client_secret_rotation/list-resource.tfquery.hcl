# Terraform 1.14+. Find the production rotations made outside Terraform:
#   terraform query
# and write import blocks and configuration for all of them:
#   terraform query -generate-config-out=rotations.tf
list "hanzokms_auth0_client_secret_rotation" "prod" {
  provider         = hanzokms
  include_resource = true

  config {
    project_id  = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    environment = "prod"
    secret_path = "/billing" # optional: one folder only
  }
}

# Day two: every rotation whose last attempt failed, before its consumers
# notice; also by connection_id or by the Auth0 application's client_id.
list "hanzokms_auth0_client_secret_rotation" "failed" {
  provider = hanzokms

  config {
    project_id      = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    rotation_status = "failed"
  }
}
