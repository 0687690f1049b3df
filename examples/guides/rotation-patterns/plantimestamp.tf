# The same without another provider: the first apply of each calendar month
# rotates (plantimestamp() is the time of the plan, in UTC).
resource "hanzokms_auth0_client_secret_rotation" "payments" {
  name              = "payments-auth0"
  project_id        = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  connection_id     = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
  environment       = "prod"
  rotation_interval = 30

  auto_rotation_enabled = false
  rotation_trigger      = formatdate("YYYY-MM", plantimestamp())

  parameters      = { client_id = "aBcD1234payments" }
  secrets_mapping = { client_id = "PAYMENTS_CLIENT_ID", client_secret = "PAYMENTS_CLIENT_SECRET" }
}
