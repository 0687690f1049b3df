# Log in with OIDC workload identity: no stored secret. The identity id is
# not a secret; the token is the one Terraform Cloud gives the run in
# TFC_WORKLOAD_IDENTITY_TOKEN (the default), read again at every login.
provider "hanzokms" {
  host             = "https://us.kms.hanzo.ai"
  oidc_identity_id = "7d2e8f4a-0c1b-4c8e-9a55-2f1f6b0e9c31"

  # A tagged Terraform Cloud token (TFC_WORKLOAD_IDENTITY_AUDIENCE_KMS):
  # oidc_token_env_var = "TFC_WORKLOAD_IDENTITY_TOKEN_KMS"
}

# Or with no provider block at all, from the workspace's environment:
#   HANZO_KMS_HOST, HANZO_KMS_OIDC_IDENTITY_ID (and TFC_WORKLOAD_IDENTITY_AUDIENCE
#   to have Terraform Cloud issue the token)
