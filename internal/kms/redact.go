package kms

// Log redaction: request and response bodies reach the logs only with their
// secret values replaced.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// secretKeys are the JSON keys whose values never reach a log.
var secretKeys = map[string]bool{
	"clientsecret": true, "client_secret": true, "accesstoken": true, "access_token": true,
	"token": true, "jwt": true, "iamrequestheaders": true, "secretvalue": true, "password": true, "generatedcredentials": true,
}

// redactedBody is a body to log: it is redacted only when a logger actually
// writes it, so a request costs nothing extra when TRACE is off.
type redactedBody []byte

func (b redactedBody) String() string { return redactJSON(b) }

// MarshalJSON renders the redacted body as a JSON string, for JSON loggers.
func (b redactedBody) MarshalJSON() ([]byte, error) { return json.Marshal(redactJSON(b)) }

// redactJSON returns body with the value of every secret key replaced, at
// any depth. A body that is not JSON is not logged at all.
func redactJSON(body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("<%d bytes, not JSON>", len(body))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(redactValue(v))
	return strings.TrimSpace(out.String())
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			switch {
			case k == "secretsMapping":
				// The names of the mapped secrets, not secrets: kept for debugging.
			case secretKeys[strings.ToLower(k)]:
				t[k] = "<redacted>"
			default:
				t[k] = redactValue(inner)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}
