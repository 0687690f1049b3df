# OIDC from GitHub Actions: with `permissions: id-token: write` the job has
# ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, and the
# provider requests its token itself, for this audience.
provider "hanzokms" {
  host             = "https://us.kms.hanzo.ai"
  oidc_identity_id = "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"
  oidc_audience    = "hanzo-kms"
}
