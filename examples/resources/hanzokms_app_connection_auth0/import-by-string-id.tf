import {
  to = hanzokms_app_connection_auth0.tenant
  id = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
}
