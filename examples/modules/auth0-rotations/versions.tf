terraform {
  # Write-only attributes and ephemeral variables keep the connection's
  # client secret out of plan and state: Terraform 1.11+ or OpenTofu 1.11+.
  required_version = ">= 1.11.0"

  required_providers {
    hanzokms = {
      source = "hanzoai/hanzokms"
    }
  }
}
