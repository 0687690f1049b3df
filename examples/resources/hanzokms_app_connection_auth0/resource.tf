# With a write-only secret (Terraform 1.11+, OpenTofu 1.11+): never stored in state.
resource "hanzokms_app_connection_auth0" "tenant" {
  name                     = "acme-auth0"
  description              = "Machine-to-Machine application with read:clients and update:client_keys"
  domain                   = "acme.us.auth0.com"
  client_id                = var.auth0_m2m_client_id
  client_secret_wo         = var.auth0_m2m_client_secret
  client_secret_wo_version = 1 # bump to send a new secret

  # Checked at Auth0 at plan time (the preflight): each exists and has a client secret to rotate.
  rotated_client_ids = [var.billing_api_client_id]
  # preflight = false # when only the KMS can reach Auth0
}

# On older CLIs, a sensitive attribute instead (kept in state):
#   client_secret = var.auth0_m2m_client_secret
