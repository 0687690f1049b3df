# OIDC with a token file, e.g. a Kubernetes projected service account token:
# the file is read again at every login, as the kubelet replaces it.
provider "hanzokms" {
  host             = "https://kms.example.com"
  oidc_identity_id = "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"
  oidc_token_file  = "/var/run/secrets/tokens/hanzo-kms"
}
