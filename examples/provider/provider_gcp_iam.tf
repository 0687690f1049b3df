# GCP Auth, type iam, from anywhere with Google credentials (a key file in
# GOOGLE_APPLICATION_CREDENTIALS, gcloud's, or a Google Cloud runner): the
# provider has the IAM Credentials API sign a JWT for the service account,
# which the KMS checks with that account's public keys.
provider "hanzokms" {
  host                      = "https://kms.example.com"
  gcp_identity_id           = "8f1a2b3c-4d5e-4f6a-8b9c-0d1e2f3a4b5c"
  gcp_auth_type             = "iam"
  gcp_service_account_email = "terraform@acme-ci.iam.gserviceaccount.com"
}
