# Terraform 1.14+. Rotate on demand, changing nothing else:
#   terraform apply -invoke=action.hanzokms_auth0_client_secret_rotation_rotate.billing
action "hanzokms_auth0_client_secret_rotation_rotate" "billing" {
  config {
    rotation_id = hanzokms_auth0_client_secret_rotation.billing.id
  }
}

# Or rotate after every release, once its consumers read the mapped secret.
variable "release" {
  type = string
}

resource "terraform_data" "release" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.billing]
    }
  }
}
