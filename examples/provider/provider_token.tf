# A ready access token, used as is: no login, no renewal.
provider "hanzokms" {
  host  = "https://us.kms.hanzo.ai"
  token = var.kms_access_token
}
