# Offline: the provider is mocked, so these runs need no KMS and no Auth0.
# They prove the module's shape (keys, names, outputs) and that its variable
# validations refuse what the provider would refuse.

mock_provider "hanzokms" {
  mock_resource "hanzokms_auth0_client_secret_rotation" {
    defaults = {
      rotation_status  = "success"
      next_rotation_at = "2027-01-02T03:00:00Z"
    }
  }
  mock_resource "hanzokms_app_connection_auth0" {
    defaults = {
      id = "0b7c4c1e-3d7a-4f2e-9e55-1a2b3c4d5e6f"
    }
  }
}

variables {
  project_id    = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  environment   = "prod"
  connection_id = "6f1d2b7a-5c3e-4e8f-9a0b-1c2d3e4f5a6b"
  # Set in every run, used only with create_connection: Terraform 1.11
  # refuses an apply whose ephemeral variable was left unset at plan.
  connection_client_secret = "m2m-secret"
  applications = {
    "billing-api" = {
      client_id   = "billing-client"
      secret_path = "/app/auth0/"
    }
    "payments" = {
      client_id         = "payments-client"
      secret_names      = { client_id = "PAY_ID", client_secret = "PAY_SECRET" }
      rotation_interval = 7
      rotate_at_utc     = { hours = 3, minutes = 30 }
    }
  }
}

run "one_rotation_per_application" {
  override_resource {
    target = hanzokms_auth0_client_secret_rotation.this
    values = {
      id               = "11111111-2222-4333-8444-555555555555"
      next_rotation_at = "2027-02-03T04:00:00Z"
      rotation_status  = "failed"
    }
  }

  assert {
    condition     = toset(keys(hanzokms_auth0_client_secret_rotation.this)) == toset(["billing-api", "payments"])
    error_message = "one rotation per application, keyed by its name"
  }
  assert {
    condition     = hanzokms_auth0_client_secret_rotation.this["billing-api"].name == "billing-api" && hanzokms_auth0_client_secret_rotation.this["payments"].name == "payments"
    error_message = "each rotation is named after its key"
  }
  assert {
    condition     = alltrue([for r in values(hanzokms_auth0_client_secret_rotation.this) : r.connection_id == var.connection_id && r.project_id == var.project_id && r.environment == "prod"])
    error_message = "every rotation uses the given connection, project and environment"
  }
  assert {
    condition     = length(hanzokms_app_connection_auth0.this) == 0
    error_message = "no connection is created when connection_id is given"
  }
  assert {
    condition     = hanzokms_auth0_client_secret_rotation.this["billing-api"].parameters.client_id == "billing-client" && hanzokms_auth0_client_secret_rotation.this["payments"].parameters.client_id == "payments-client"
    error_message = "each rotation rotates its own application"
  }
  assert {
    condition     = hanzokms_auth0_client_secret_rotation.this["payments"].rotation_interval == 7 && hanzokms_auth0_client_secret_rotation.this["payments"].rotate_at_utc.hours == 3 && hanzokms_auth0_client_secret_rotation.this["payments"].rotate_at_utc.minutes == 30
    error_message = "an application's schedule reaches its rotation"
  }
  assert {
    condition     = hanzokms_auth0_client_secret_rotation.this["billing-api"].rotation_interval == 30 && hanzokms_auth0_client_secret_rotation.this["billing-api"].rotate_at_utc.hours == 0 && hanzokms_auth0_client_secret_rotation.this["billing-api"].auto_rotation_enabled
    error_message = "the default schedule is every 30 days at 00:00 UTC, automatic"
  }
  assert {
    condition = output.secret_names == {
      "billing-api" = { secret_path = "/app/auth0/", client_id = "BILLING_API_CLIENT_ID", client_secret = "BILLING_API_CLIENT_SECRET" }
      "payments"    = { secret_path = "/", client_id = "PAY_ID", client_secret = "PAY_SECRET" }
    }
    error_message = "secret names: <NAME>_CLIENT_ID/_CLIENT_SECRET by default, or as given"
  }
  assert {
    condition     = output.rotation_ids == { "billing-api" = "11111111-2222-4333-8444-555555555555", "payments" = "11111111-2222-4333-8444-555555555555" }
    error_message = "rotation_ids maps each name to its rotation's id"
  }
  assert {
    condition     = output.next_rotation_at == { "billing-api" = "2027-02-03T04:00:00Z", "payments" = "2027-02-03T04:00:00Z" }
    error_message = "next_rotation_at maps each name to its rotation's next rotation"
  }
  assert {
    condition     = output.rotation_status == { "billing-api" = "failed", "payments" = "failed" }
    error_message = "rotation_status maps each name to its rotation's last outcome"
  }
  assert {
    condition     = output.connection_id == var.connection_id
    error_message = "connection_id is the one given"
  }
}

run "creates_the_connection_when_asked" {
  variables {
    connection_id = null
    create_connection = {
      name      = "tenant-rotator"
      domain    = "example.us.auth0.com"
      client_id = "m2m-client"
    }
    connection_client_secret = "m2m-secret"
  }

  assert {
    condition     = length(hanzokms_app_connection_auth0.this) == 1 && hanzokms_app_connection_auth0.this[0].name == "tenant-rotator"
    error_message = "the connection is created"
  }
  assert {
    condition     = hanzokms_app_connection_auth0.this[0].rotated_client_ids == toset(["billing-client", "payments-client"])
    error_message = "the connection's preflight checks every application"
  }
  assert {
    condition     = alltrue([for r in values(hanzokms_auth0_client_secret_rotation.this) : r.connection_id == "0b7c4c1e-3d7a-4f2e-9e55-1a2b3c4d5e6f"]) && output.connection_id == "0b7c4c1e-3d7a-4f2e-9e55-1a2b3c4d5e6f"
    error_message = "the rotations use the connection created"
  }
  assert {
    condition     = hanzokms_app_connection_auth0.this[0].client_secret == null
    error_message = "the connection's secret goes only to the write-only attribute"
  }
  assert {
    condition     = alltrue([for v in values(output.next_rotation_at) : v != null])
    error_message = "next_rotation_at has every rotation's next rotation"
  }
}

run "refuses_both_connection_choices" {
  command = plan
  variables {
    create_connection        = { name = "tenant-rotator", domain = "example.us.auth0.com", client_id = "m2m-client" }
    connection_client_secret = "m2m-secret"
  }
  expect_failures = [hanzokms_auth0_client_secret_rotation.this]
}

run "refuses_a_connection_without_its_secret" {
  command = plan
  variables {
    connection_client_secret = null
    connection_id            = null
    create_connection        = { name = "tenant-rotator", domain = "example.us.auth0.com", client_id = "m2m-client" }
  }
  expect_failures = [hanzokms_app_connection_auth0.this]
}

run "refuses_a_name_that_is_not_a_slug" {
  command = plan
  variables {
    applications = { "Billing_API" = { client_id = "billing-client" } }
  }
  expect_failures = [var.applications]
}

run "refuses_a_relative_secret_path" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing-client", secret_path = "app/auth0" } }
  }
  expect_failures = [var.applications]
}

run "refuses_a_client_id_with_spaces" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing client" } }
  }
  expect_failures = [var.applications]
}

run "refuses_a_secret_name_with_a_slash" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing-client", secret_names = { client_id = "AUTH0/ID", client_secret = "AUTH0_SECRET" } } }
  }
  expect_failures = [var.applications]
}

run "refuses_the_same_name_for_both_secrets" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing-client", secret_names = { client_id = "AUTH0", client_secret = "AUTH0" } } }
  }
  expect_failures = [var.applications]
}

run "refuses_two_applications_mapping_one_secret_in_a_folder" {
  command = plan
  variables {
    applications = {
      "billing"  = { client_id = "billing-client", secret_path = "/app", secret_names = { client_id = "AUTH0_ID", client_secret = "AUTH0_SECRET" } }
      "payments" = { client_id = "payments-client", secret_path = "/app/", secret_names = { client_id = "PAY_ID", client_secret = "AUTH0_SECRET" } }
    }
  }
  expect_failures = [var.applications]
}

run "same_names_in_different_folders_are_fine" {
  command = plan
  variables {
    applications = {
      "billing"  = { client_id = "billing-client", secret_path = "/billing", secret_names = { client_id = "AUTH0_ID", client_secret = "AUTH0_SECRET" } }
      "payments" = { client_id = "payments-client", secret_path = "/payments", secret_names = { client_id = "AUTH0_ID", client_secret = "AUTH0_SECRET" } }
    }
  }
  assert {
    condition     = length(hanzokms_auth0_client_secret_rotation.this) == 2
    error_message = "two folders may use the same names"
  }
}

run "refuses_a_zero_interval" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing-client", rotation_interval = 0 } }
  }
  expect_failures = [var.applications]
}

run "refuses_hour_24" {
  command = plan
  variables {
    applications = { "billing" = { client_id = "billing-client", rotate_at_utc = { hours = 24 } } }
  }
  expect_failures = [var.applications]
}

run "refuses_an_environment_that_is_not_a_slug" {
  command = plan
  variables {
    environment = "Prod Env"
  }
  expect_failures = [var.environment]
}

run "refuses_a_connection_id_that_is_not_a_uuid" {
  command = plan
  variables {
    connection_id = "acc-auth0"
  }
  expect_failures = [var.connection_id]
}

run "refuses_an_audience_without_its_slash" {
  command = plan
  variables {
    connection_id            = null
    create_connection        = { name = "tenant-rotator", domain = "example.us.auth0.com", client_id = "m2m-client", audience = "https://example.us.auth0.com/api/v2" }
    connection_client_secret = "m2m-secret"
  }
  expect_failures = [var.create_connection]
}
