# Every rotation of the project's prod environment whose last attempt failed.
data "hanzokms_auth0_client_secret_rotations" "failed" {
  project_id      = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  environment     = "prod"
  rotation_status = "failed"
}

output "failed_rotations" {
  value = { for r in data.hanzokms_auth0_client_secret_rotations.failed.rotations : r.name => r.last_rotation_message }
}

# Every rotation one app connection performs, or of one Auth0 application.
data "hanzokms_auth0_client_secret_rotations" "by_connection" {
  project_id    = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  connection_id = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
}

data "hanzokms_auth0_client_secret_rotations" "billing_app" {
  project_id = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  client_id  = "aBcD1234billing"
}
