# One Auth0 app connection (created here, or an existing one by id) and one
# rotation per application, each writing its application's client id and
# rotated secret into two KMS secrets of its folder.

locals {
  connection_id = var.create_connection == null ? var.connection_id : hanzokms_app_connection_auth0.this[0].id

  secret_names = {
    for name, app in var.applications : name => app.secret_names != null ? app.secret_names : {
      client_id     = "${upper(replace(name, "-", "_"))}_CLIENT_ID"
      client_secret = "${upper(replace(name, "-", "_"))}_CLIENT_SECRET"
    }
  }
}

resource "hanzokms_app_connection_auth0" "this" {
  count = var.create_connection == null ? 0 : 1

  name        = var.create_connection.name
  description = var.create_connection.description
  domain      = var.create_connection.domain
  client_id   = var.create_connection.client_id
  audience    = var.create_connection.audience

  client_secret_wo         = var.connection_client_secret
  client_secret_wo_version = var.create_connection.client_secret_version

  # The plan-time preflight checks at Auth0 that each application exists and
  # has a client secret to rotate.
  rotated_client_ids = length(var.applications) == 0 ? null : toset([for app in values(var.applications) : app.client_id])

  lifecycle {
    precondition {
      condition     = var.connection_client_secret != null
      error_message = "create_connection needs connection_client_secret, the Machine-to-Machine application's client secret."
    }
  }
}

resource "hanzokms_auth0_client_secret_rotation" "this" {
  for_each = var.applications

  name                  = each.key
  description           = each.value.description
  project_id            = var.project_id
  connection_id         = local.connection_id
  environment           = var.environment
  secret_path           = each.value.secret_path
  auto_rotation_enabled = each.value.auto_rotation_enabled
  rotation_interval     = each.value.rotation_interval
  rotate_at_utc         = each.value.rotate_at_utc
  rotation_trigger      = each.value.rotation_trigger

  parameters = {
    client_id = each.value.client_id
  }
  secrets_mapping = local.secret_names[each.key]

  delete_secrets_on_destroy     = var.delete_secrets_on_destroy
  revoke_credentials_on_destroy = var.revoke_credentials_on_destroy

  lifecycle {
    precondition {
      condition     = (var.connection_id == null) != (var.create_connection == null)
      error_message = "Set exactly one of connection_id (an existing Auth0 app connection) and create_connection (one for this module to create)."
    }
  }
}
