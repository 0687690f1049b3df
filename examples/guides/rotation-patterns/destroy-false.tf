# OpenTofu 1.12+ and Terraform 1.16+: removing this block, or destroying the
# configuration, forgets the rotation instead of deleting it. The KMS keeps
# rotating it on its schedule; the mapped secrets and the Auth0 secret stay as
# they are. delete_secrets_on_destroy and revoke_credentials_on_destroy have no
# effect then: they apply only when the provider deletes the rotation.
resource "hanzokms_auth0_client_secret_rotation" "handed_over" {
  name              = "billing-api-auth0"
  project_id        = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  connection_id     = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
  environment       = "prod"
  rotation_interval = 30

  parameters      = { client_id = "aBcD1234billing" }
  secrets_mapping = { client_id = "AUTH0_CLIENT_ID", client_secret = "AUTH0_CLIENT_SECRET" }

  lifecycle {
    destroy = false
  }
}
