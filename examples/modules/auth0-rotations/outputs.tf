output "connection_id" {
  description = "ID of the Auth0 app connection that performs the rotations (created here or given)."
  value       = local.connection_id
}

output "rotation_ids" {
  description = "Rotation ID by rotation name."
  value       = { for name, r in hanzokms_auth0_client_secret_rotation.this : name => r.id }
}

output "secret_names" {
  description = "By rotation name: the folder (`secret_path`) and the names of the two KMS secrets (`client_id`, `client_secret`) that the application's consumers read."
  value = {
    for name, r in hanzokms_auth0_client_secret_rotation.this : name => {
      secret_path   = r.secret_path
      client_id     = r.secrets_mapping.client_id
      client_secret = r.secrets_mapping.client_secret
    }
  }
}

output "next_rotation_at" {
  description = "By rotation name: when the next automatic rotation is due (RFC 3339, UTC); null when auto-rotation is off."
  value       = { for name, r in hanzokms_auth0_client_secret_rotation.this : name => r.next_rotation_at }
}

output "rotation_status" {
  description = "By rotation name: the outcome of the last rotation attempt, `success` or `failed`."
  value       = { for name, r in hanzokms_auth0_client_secret_rotation.this : name => r.rotation_status }
}
