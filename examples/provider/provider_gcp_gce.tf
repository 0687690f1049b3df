# GCP Auth, type gce, from Compute Engine, GKE, Cloud Run or Cloud Build: the
# provider asks the metadata server for an identity token of the instance's
# service account, and the KMS checks it with Google's certificates against
# the identity's allowed service accounts, projects and zones.
provider "hanzokms" {
  host            = "https://kms.example.com"
  gcp_identity_id = "5b8e2c1d-3f4a-4b6c-9d7e-1a2b3c4d5e6f"
}
