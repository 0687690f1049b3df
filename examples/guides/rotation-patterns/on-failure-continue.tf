# Terraform 1.16+: rotate after every release, but never fail the release
# because of the rotation. With on_failure = continue, a failed rotation is a
# warning; the rotation's rotation_status (and the list data source filtered
# by rotation_status = "failed") shows it afterwards.
action "hanzokms_auth0_client_secret_rotation_rotate" "billing" {
  config {
    rotation_id = hanzokms_auth0_client_secret_rotation.billing.id
  }
}

resource "terraform_data" "release" {
  input = var.release

  lifecycle {
    action_trigger {
      events     = [after_update]
      actions    = [action.hanzokms_auth0_client_secret_rotation_rotate.billing]
      on_failure = continue
    }
  }
}

variable "release" {
  type = string
}
