# End to end, against a real KMS and Auth0: internal/moduletest runs it with
# the local stack. Elsewhere, set the provider's HANZO_KMS_* variables,
# TF_VAR_project_id, TF_VAR_environment (whose root folder must exist),
# TF_VAR_create_connection and TF_VAR_connection_client_secret, for a tenant
# with two applications whose client IDs are app-client-1 and app-client-2:
# it rotates their secrets, then destroys everything it made. (That adding and
# removing an application leaves the other rotation in place, never replaced,
# the Go test checks from the KMS's request counts.)

variables {
  delete_secrets_on_destroy = true
}

run "creates_the_connection_and_a_rotation" {
  variables {
    applications = {
      "billing-api" = { client_id = "app-client-1" }
    }
  }

  assert {
    condition     = keys(output.rotation_ids) == ["billing-api"] && can(regex("^[0-9a-f-]{36}$", output.rotation_ids["billing-api"]))
    error_message = "one rotation, with the id the KMS gave it"
  }
  assert {
    condition     = output.rotation_status["billing-api"] == "success"
    error_message = "the first secret was issued"
  }
  assert {
    condition     = output.next_rotation_at["billing-api"] != null && timecmp(output.next_rotation_at["billing-api"], plantimestamp()) > 0
    error_message = "the next rotation is due in the future"
  }
  assert {
    condition     = output.connection_id == hanzokms_app_connection_auth0.this[0].id
    error_message = "the rotation uses the connection created"
  }
}

run "the_kms_holds_it" {
  module {
    source = "./tests/lookup"
  }

  assert {
    condition     = output.names == ["billing-api"] && output.client_ids["billing-api"] == "app-client-1"
    error_message = "the KMS lists the rotation of the first application"
  }
}

run "adds_an_application" {
  variables {
    applications = {
      "billing-api" = { client_id = "app-client-1" }
      "payments"    = { client_id = "app-client-2", rotation_interval = 7, rotate_at_utc = { hours = 4 } }
    }
  }

  assert {
    condition     = output.rotation_status["payments"] == "success" && output.secret_names["payments"].client_secret == "PAYMENTS_CLIENT_SECRET"
    error_message = "the second rotation issued its secret, under its own names"
  }
}

run "the_kms_holds_both" {
  module {
    source = "./tests/lookup"
  }

  assert {
    condition     = output.names == ["billing-api", "payments"]
    error_message = "the KMS lists both rotations"
  }
  assert {
    condition     = output.client_ids["payments"] == "app-client-2"
    error_message = "the second rotation rotates the second application"
  }
}

run "removes_an_application" {
  variables {
    applications = {
      "payments" = { client_id = "app-client-2", rotation_interval = 7, rotate_at_utc = { hours = 4 } }
    }
  }

  assert {
    condition     = keys(output.rotation_ids) == ["payments"]
    error_message = "only the second rotation is left"
  }
}

run "the_kms_holds_one" {
  module {
    source = "./tests/lookup"
  }

  assert {
    condition     = output.names == ["payments"]
    error_message = "the KMS no longer lists the removed rotation"
  }
}
