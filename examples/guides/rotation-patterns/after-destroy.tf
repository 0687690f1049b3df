# Terraform 1.16+: when a consumer that held the secret goes away (here, a
# deployment replaced by a new one), rotate the secret it held. The action
# runs after the old consumer is destroyed, so the new one reads the new
# secret from the mapped KMS secret.
resource "terraform_data" "deployment" {
  triggers_replace = var.deployment_color

  lifecycle {
    action_trigger {
      events  = [after_destroy]
      actions = [action.hanzokms_auth0_client_secret_rotation_rotate.billing]
    }
  }
}

variable "deployment_color" {
  type = string
}
