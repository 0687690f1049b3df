package appconnection

import "regexp"

// audiencePattern: an http(s) URL ending in "/", because the KMS appends
// "clients/<id>" to the audience to reach the Management API.
var audiencePattern = regexp.MustCompile(`^https?://[^\s/]+(/\S*)?/$`)

const audienceRule = "must be the Management API's URL ending in \"/\", e.g. https://example.us.auth0.com/api/v2/ " +
	"(the KMS appends clients/<client id> to it, so without the slash every rotation fails)"
