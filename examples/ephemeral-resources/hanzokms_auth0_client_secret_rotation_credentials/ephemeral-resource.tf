# The current client id and secret, never written to plan or state: hand them
# to another provider or to a write-only attribute.
ephemeral "hanzokms_auth0_client_secret_rotation_credentials" "billing" {
  rotation_id = hanzokms_auth0_client_secret_rotation.billing.id
}

resource "kubernetes_secret_v1" "billing_auth0" {
  metadata {
    name = "billing-auth0"
  }
  data_wo = {
    client_id     = ephemeral.hanzokms_auth0_client_secret_rotation_credentials.billing.client_id
    client_secret = ephemeral.hanzokms_auth0_client_secret_rotation_credentials.billing.client_secret
  }
  data_wo_revision = 1
}
