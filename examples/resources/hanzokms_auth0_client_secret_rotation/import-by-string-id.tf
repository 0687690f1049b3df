import {
  to = hanzokms_auth0_client_secret_rotation.billing
  id = "3c90c3cc-0d44-4b50-8888-8dd25736052a:prod:/billing:billing-api-auth0"
}
