# Configure with a machine identity (universal auth).
provider "hanzokms" {
  host          = "https://us.kms.hanzo.ai"
  client_id     = var.kms_client_id
  client_secret = var.kms_client_secret
}

# Or leave the block empty and set the environment instead (Terraform Cloud):
#   HANZO_KMS_HOST, HANZO_KMS_CLIENT_ID, HANZO_KMS_CLIENT_SECRET
#   (or HANZO_KMS_TOKEN), HANZO_KMS_CA_CERTIFICATE,
#   HANZO_KMS_REQUEST_TIMEOUT, HANZO_KMS_MAX_RETRIES
