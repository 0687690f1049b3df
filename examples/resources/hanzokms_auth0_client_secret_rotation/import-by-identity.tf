# Terraform 1.12+ and OpenTofu 1.12+: import by the rotation's identity.
import {
  to       = hanzokms_auth0_client_secret_rotation.billing
  identity = { id = "0d4f7f3e-8f1c-4a55-9d0e-2f6c6d1b9a11" }
}
