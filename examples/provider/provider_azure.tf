# Azure Auth, from a VM or scale set agent, AKS, App Service or Container Apps
# with a managed identity: the provider asks the managed identity for an access
# token for the identity's resource, and the KMS checks it with the tenant's
# signing keys, then the tenant and the service principal.
provider "hanzokms" {
  host              = "https://kms.example.com"
  azure_identity_id = "2d4f6a8c-0e1b-4c3d-9e5f-7a8b9c0d1e2f"
}
