# Rotate from Terraform rather than on the KMS schedule: when 30 days have
# passed, time_rotating (hashicorp/time provider) is replaced at the next plan,
# its id changes, and so does rotation_trigger, which rotates the secret.
resource "time_rotating" "billing" {
  rotation_days = 30
}

resource "hanzokms_auth0_client_secret_rotation" "billing" {
  name              = "billing-api-auth0"
  project_id        = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  connection_id     = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
  environment       = "prod"
  rotation_interval = 30

  auto_rotation_enabled = false
  rotation_trigger      = time_rotating.billing.id

  parameters      = { client_id = "aBcD1234billing" }
  secrets_mapping = { client_id = "AUTH0_CLIENT_ID", client_secret = "AUTH0_CLIENT_SECRET" }
}
