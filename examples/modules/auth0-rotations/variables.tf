# Each validation below refuses what the provider would refuse at plan time,
# so that a caller sees the error at this module's variable rather than deep in
# a resource: the rules are the provider's attribute validators.

variable "project_id" {
  description = "ID of the KMS project (secret manager) that holds the rotations and their mapped secrets."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.project_id) > 0
    error_message = "project_id must not be empty."
  }
}

variable "environment" {
  description = "Slug of the project environment the rotations live in, e.g. `prod`."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.environment) <= 64 && can(regex("^[a-z0-9]+([_-][a-z0-9]+)*$", var.environment))
    error_message = "environment must be an environment slug of at most 64 characters: lowercase letters and digits, separated by single hyphens or underscores."
  }
}

variable "applications" {
  description = <<-EOT
    The Auth0 applications whose client secrets rotate, by rotation name (a slug of 1-64 lowercase letters, digits and single hyphens, unique in its folder). For each:
    `client_id` of the Auth0 application;
    `secret_path`, the KMS folder of the rotation and its two secrets (default `/`; the folder must exist);
    `secret_names`, the names of the two KMS secrets (default `<NAME>_CLIENT_ID` and `<NAME>_CLIENT_SECRET`, the rotation name in upper case with `_` for `-`);
    `rotation_interval` in days (default 30), `rotate_at_utc` (default 00:00), `auto_rotation_enabled` (default true);
    `rotation_trigger`, any value: changing it rotates now; `description`.
  EOT
  type = map(object({
    client_id   = string
    secret_path = optional(string, "/")
    secret_names = optional(object({
      client_id     = string
      client_secret = string
    }))
    rotation_interval = optional(number, 30)
    rotate_at_utc = optional(object({
      hours   = optional(number, 0)
      minutes = optional(number, 0)
    }), {})
    auto_rotation_enabled = optional(bool, true)
    rotation_trigger      = optional(any)
    description           = optional(string)
  }))
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.applications) : length(name) <= 64 && can(regex("^[a-z0-9]+(-[a-z0-9]+)*$", name))])
    error_message = "Each key of applications is a rotation name and must be a slug of 1-64 characters: lowercase letters, digits and single hyphens (no leading, trailing or double hyphen)."
  }

  validation {
    condition     = alltrue([for app in values(var.applications) : can(regex("^\\S+$", app.client_id))])
    error_message = "Each application's client_id must be an Auth0 client ID, not empty and without spaces."
  }

  validation {
    condition     = alltrue([for app in values(var.applications) : can(regex("^/([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?)?$", app.secret_path))])
    error_message = "Each application's secret_path must be a folder path starting with \"/\", e.g. \"/\" or \"/app/auth0\" (letters, digits, _ . - between single slashes)."
  }

  validation {
    condition = alltrue(flatten([for app in values(var.applications) : app.secret_names == null ? [true] : [
      for n in [app.secret_names.client_id, app.secret_names.client_secret] : length(n) <= 255 && can(regex("^[A-Za-z0-9_.-]+$", n))
    ]]))
    error_message = "Each application's secret_names must be secret names of 1-255 letters, digits, underscores, dots and hyphens (no spaces or slashes)."
  }

  validation {
    condition     = alltrue([for app in values(var.applications) : app.secret_names == null || try(app.secret_names.client_id != app.secret_names.client_secret, true)])
    error_message = "Each application's secret_names.client_id and secret_names.client_secret must differ."
  }

  # Two rotations cannot map the same secret in one folder: the second would
  # find the name taken. A trailing slash names the same folder.
  validation {
    condition = alltrue([for mapped, users in {
      for pair in flatten([for name, app in var.applications : [
        for n in(app.secret_names == null ? ["${upper(replace(name, "-", "_"))}_CLIENT_ID", "${upper(replace(name, "-", "_"))}_CLIENT_SECRET"] : [app.secret_names.client_id, app.secret_names.client_secret]) :
        { secret = "${app.secret_path == "/" ? "/" : trimsuffix(app.secret_path, "/")}:${n}", rotation = name }
      ]]) : pair.secret => pair.rotation...
    } : length(users) == 1])
    error_message = "Two applications in the same secret_path map a secret of the same name: each rotation needs secret names of its own in its folder."
  }

  validation {
    condition     = alltrue([for app in values(var.applications) : app.rotation_interval >= 1 && floor(app.rotation_interval) == app.rotation_interval])
    error_message = "Each application's rotation_interval must be a whole number of days, at least 1."
  }

  validation {
    condition = alltrue([for app in values(var.applications) :
      app.rotate_at_utc.hours >= 0 && app.rotate_at_utc.hours <= 23 && floor(app.rotate_at_utc.hours) == app.rotate_at_utc.hours &&
      app.rotate_at_utc.minutes >= 0 && app.rotate_at_utc.minutes <= 59 && floor(app.rotate_at_utc.minutes) == app.rotate_at_utc.minutes
    ])
    error_message = "Each application's rotate_at_utc must have hours 0-23 and minutes 0-59."
  }

  validation {
    condition     = alltrue([for app in values(var.applications) : app.description == null || try(length(app.description) <= 256, true)])
    error_message = "Each application's description must be at most 256 characters."
  }
}

variable "connection_id" {
  description = "ID (UUID) of an existing Auth0 app connection that performs the rotations. Set exactly one of `connection_id` and `create_connection`."
  type        = string
  default     = null

  validation {
    condition     = var.connection_id == null || can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.connection_id))
    error_message = "connection_id must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a."
  }
}

variable "create_connection" {
  description = <<-EOT
    An Auth0 app connection for this module to create, instead of `connection_id`: its `name` (a slug), the Auth0 tenant's `domain` (no scheme), the Machine-to-Machine application's `client_id`, optionally its Management API `audience` (ending in `/`) and a `description`. Its client secret is `connection_client_secret`; raise `client_secret_version` to send a new one.
  EOT
  type = object({
    name                  = string
    domain                = string
    client_id             = string
    audience              = optional(string)
    description           = optional(string)
    client_secret_version = optional(number, 1)
  })
  default = null

  validation {
    condition     = var.create_connection == null || try(length(var.create_connection.name) <= 64 && can(regex("^[a-z0-9]+(-[a-z0-9]+)*$", var.create_connection.name)), false)
    error_message = "create_connection.name must be a slug of 1-64 characters: lowercase letters, digits and single hyphens."
  }

  validation {
    condition     = var.create_connection == null || try(can(regex("^[A-Za-z0-9.-]+(:\\d+)?$", var.create_connection.domain)), false)
    error_message = "create_connection.domain must be a host name such as example.us.auth0.com, without a scheme or path."
  }

  validation {
    condition     = var.create_connection == null || try(length(var.create_connection.client_id) > 0, false)
    error_message = "create_connection.client_id must not be empty."
  }

  validation {
    condition     = var.create_connection == null || try(var.create_connection.audience == null || can(regex("^https?://[^\\s/]+(/\\S*)?/$", var.create_connection.audience)), false)
    error_message = "create_connection.audience must be the Management API's URL ending in \"/\", e.g. https://example.us.auth0.com/api/v2/."
  }
}

variable "connection_client_secret" {
  description = "Client secret of the Machine-to-Machine application of `create_connection`. Ephemeral: sent to the KMS as a write-only attribute, never in plan or state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "delete_secrets_on_destroy" {
  description = "Whether destroying a rotation (an application removed from `applications`) also deletes its two KMS secrets. With `false` they stay, holding the last credentials, and their names stay taken in that folder."
  type        = bool
  default     = false
  nullable    = false
}

variable "revoke_credentials_on_destroy" {
  description = "Whether destroying a rotation also revokes the application's active client secret at Auth0."
  type        = bool
  default     = false
  nullable    = false
}
