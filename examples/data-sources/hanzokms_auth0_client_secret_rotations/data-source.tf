# Every rotation of the project's prod environment whose last attempt failed.
data "hanzokms_auth0_client_secret_rotations" "prod" {
  project_id  = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  environment = "prod"
}

output "failed_rotations" {
  value = [for r in data.hanzokms_auth0_client_secret_rotations.prod.rotations : r.name if r.rotation_status == "failed"]
}
