data "hanzokms_auth0_client_secret_rotation" "billing" {
  project_id  = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  environment = "prod"
  secret_path = "/billing"
  name        = "billing-api-auth0"
}

output "billing_secret_rotates_next" {
  value = data.hanzokms_auth0_client_secret_rotation.billing.next_rotation_at
}
