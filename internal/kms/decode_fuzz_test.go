package kms

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func FuzzDecodeAPIError(f *testing.F) {
	f.Add(404, `{"reqId":"req-1","statusCode":404,"message":"Could not find Auth0 Client Secret Rotation with ID \"x\"","error":"NotFound"}`)
	f.Add(422, `{"reqId":"req-2","statusCode":422,"message":[{"code":"too_small","path":["rotateAtUtc","hours"],"message":"bad"}],"error":"ValidationFailure"}`)
	f.Add(422, `{"message":[{"path":[1,{"a":2},null]}]}`)
	f.Add(429, `{"message":null}`)
	f.Add(502, `<html>bad gateway</html>`)
	f.Add(500, `{"message":{"nested":"object"}}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		apiErr := decodeAPIError("GET", "/p", status, []byte(body))
		if apiErr == nil || apiErr.StatusCode != status || apiErr.Message == "" {
			t.Fatalf("decodeAPIError(%d, %q) = %+v", status, body, apiErr)
		}
		msg := apiErr.Error()
		if !strings.HasPrefix(msg, "GET /p: HTTP ") {
			t.Fatalf("error %q does not start with the request", msg)
		}
		// A body that is not the KMS's error JSON is never echoed back.
		var probe map[string]any
		if json.Unmarshal([]byte(body), &probe) != nil && len(body) > 0 && strings.Contains(msg, body) && len(body) > 16 {
			t.Fatalf("a non-JSON body was echoed into %q", msg)
		}
	})
}

func FuzzDecodeRotationResponse(f *testing.F) {
	f.Add(seedSampleResponse)
	f.Add(`{"secretRotation":null}`)
	f.Add(`{"secretRotation":{"description":null,"nextRotationAt":"x","activeIndex":1,"rotateAtUtc":{"hours":23}}}`)
	f.Add(`{"secretRotation":{"rotationInterval":1e3}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var first rotationEnvelope
		if json.Unmarshal([]byte(body), &first) != nil {
			return
		}
		// Whatever decodes, encodes and decodes again to the same value.
		encoded, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", first, err)
		}
		var second rotationEnvelope
		if err := json.Unmarshal(encoded, &second); err != nil {
			t.Fatalf("decoding our own encoding %s: %v", encoded, err)
		}
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("round trip changed the rotation:\n%+v\n%+v", first, second)
		}
		if first.SecretRotation == nil {
			if _, err := first.rotation("GET", "/p"); err == nil {
				t.Fatal("an answer without secretRotation was accepted")
			}
		}
	})
}
