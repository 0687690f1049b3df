// Package kms is a small client for the Hanzo KMS HTTP API: machine identity
// login, Auth0 client secret rotations, Auth0 app connections and secrets. It
// knows nothing of Terraform. Every request goes through one place (do), which
// adds authentication, retries what is safe to retry, decodes errors into
// *APIError and logs without secrets.
//
// # How the KMS behaves on the wire
//
// Hanzo KMS is a fork of the Infisical secrets manager, and its rotation API
// is Infisical's "secret rotations v2". What this package relies on:
//
// Authentication. A machine identity logs in with its client id and secret
// (POST /api/v1/auth/universal-auth/login) and gets an access token with a
// lifetime in seconds (expiresIn; 0 means it never expires) and a maximum
// lifetime across renewals. Every other call carries it as a Bearer token.
// Renewing (POST /api/v1/auth/token/renew) answers a new token to use from
// then on. The client renews with a fifth of the lifetime left, and logs in
// again, once, when a token is refused (401, or 403 TokenError). A refused
// login is never repeated: failed logins lock the identity for minutes, and a
// client secret may allow a limited number of logins.
//
// Errors. Every error answer is JSON {"reqId", "statusCode", "message",
// "error"}; a 422 carries a list of validation issues as its message. They
// become *APIError, which never holds a request or response body.
//
// What may be sent twice. A 429 is refused before the server acts: always
// asked again, after the Retry-After the answer gives (seconds or a date).
// Reads, PATCH (the same fields twice give the same result) and DELETE (a
// second one finds nothing, a 404 the caller treats as done) are asked again
// after a dropped connection or a 502/503/504. A create and a rotate-now are
// not: each one replaces the application's secret at Auth0, so a second call
// would rotate again. When their answer is lost the outcome is settled by
// reading: a create by looking the rotation up by name and checking it is the
// one requested; a rotate-now by reading the rotation back and accepting it
// only when lastRotatedAt moved and isLastRotationManual is set. Anything
// else is reported as an *AmbiguousError, never guessed.
//
// Rotations. Creating one issues the first secret at Auth0 before the server
// answers, and writes the application's client id and that secret into the
// two mapped KMS secrets (which must not exist yet). When the names are
// checked depends on the server: Hanzo KMS only after Auth0 issued the
// secret (a refusal then leaves Auth0 with a secret nobody holds), current
// upstream Infisical before Auth0 too. A client that checks the names itself
// before it creates is right for both. A rotation writes the
// new secret into the inactive of two credential slots, flips activeIndex and
// updates both mapped secrets. Auth0 keeps one secret per application, so the
// old one stops working at once. A PATCH cannot move a rotation to another
// project, connection, environment or folder (the server ignores those
// fields): that takes a new rotation. The server drops a trailing slash from
// folder paths. While a rotation of the same configuration is running, a
// rotate-now is answered 400 "A rotation is already in progress": asked again,
// with pauses, since it refused before acting. A delete takes no such lock and
// is never refused that way; when it revokes and Auth0 refuses, the answer is
// the bare 500 "Something went wrong". A rotate-now that Auth0 refuses
// answers 500 with Auth0's reason, and the rotation keeps its last good
// credentials with rotationStatus "failed".
//
// Not found. The service answers a missing object with 404 and its error
// name "NotFound" (with a reqId); Fastify, under it, answers a route it does
// not serve with 404 "Not Found" and no reqId ("Route GET:/api/... not
// found"): a wrong path prefix in the host, or a KMS build without the
// feature. Only the first means the object is gone (IsNotFound); the second
// (IsRouteNotFound) says nothing about it.
//
// Server releases. Releases that already serve the Auth0 rotations lack
// some newer read routes: Infisical's backend as of 2025-06-22 has the
// secrets under /api/v3/secrets/raw, the folders under /api/v1/folders and
// the project at /api/v1/workspace/{id}, and none of /api/v4/secrets,
// /api/v2/folders, /api/v1/projects/{id}. The client asks the newer route
// first and, when Fastify answers that it does not serve it, the older one;
// it remembers the answer per route family for the client's life (see
// generations.go). The older secret listing answers an empty list for a
// folder that does not exist, so there an empty list is checked against the
// folder listing of its parent.
//
// Held-back secrets. A Hanzo KMS with an AI-access policy that requires
// approval on a folder answers every read by name there, from a machine
// identity, with the bare 500 "Something went wrong" (the route returns a
// null secret its response schema refuses): SecretNotReadableError.
//
// Newer servers add fields to their answers: unknown fields are ignored.
package kms
