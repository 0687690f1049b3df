resource "hanzokms_auth0_client_secret_rotation" "billing" {
  name          = "billing-api-auth0"
  description   = "Rotates the billing API's Auth0 client secret"
  project_id    = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  connection_id = hanzokms_app_connection_auth0.tenant.id
  environment   = "prod"
  secret_path   = "/billing"

  # Single-phase: the old secret stops working at once, so rotate on demand.
  auto_rotation_enabled = false
  rotation_interval     = 30
  rotate_at_utc = {
    hours   = 3
    minutes = 0
  }

  parameters = {
    client_id = "sKh8f3Ld0Q2w9rVbXc1Tn7Yp4ZmA6eJu"
  }

  secrets_mapping = {
    client_id     = "AUTH0_CLIENT_ID"
    client_secret = "AUTH0_CLIENT_SECRET"
  }

  # Change this value to rotate now.
  rotation_trigger = "2026-11-26"

  # On destroy: keep the mapped secrets, and do not revoke the secret at Auth0.
  delete_secrets_on_destroy     = false
  revoke_credentials_on_destroy = false
}
