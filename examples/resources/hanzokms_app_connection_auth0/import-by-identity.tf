# Terraform 1.12+ and OpenTofu 1.12+: import by the connection's identity.
import {
  to       = hanzokms_app_connection_auth0.tenant
  identity = { id = "5b7e0c1a-3d52-4a5e-9a43-7c1d2e3f4a5b" }
}
