# By rotation ID:
terraform import hanzokms_auth0_client_secret_rotation.billing 3c90c3cc-0d44-4b50-8888-8dd25736052a

# By project_id:environment:secret_path:name:
terraform import hanzokms_auth0_client_secret_rotation.billing 3c90c3cc-0d44-4b50-8888-8dd25736052a:prod:/billing:billing-api-auth0
