package kms

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The two managed identity endpoints are asked as Azure documents them: IMDS
// with Metadata: true and api-version 2018-02-01, App Service / Container
// Apps (IDENTITY_ENDPOINT) with the IDENTITY_HEADER secret and api-version
// 2019-08-01; both with the resource and, for a user-assigned identity, its
// client_id. IMDS's transient answers are tried again; a refusal is not.
func TestAzureManagedIdentityRequests(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	failures := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		fail := failures > 0
		if fail {
			failures--
		}
		mu.Unlock()
		switch {
		case fail:
			http.Error(w, `{"error":"temporarily_unavailable"}`, http.StatusServiceUnavailable)
		case r.URL.Query().Get("client_id") == "nope":
			http.Error(w, `{"error":"invalid_request","error_description":"Identity not found"}`, http.StatusBadRequest)
		default:
			_, _ = w.Write([]byte(`{"access_token":"tok-` + r.URL.Path + `","expires_on":"1"}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	t.Setenv("IDENTITY_ENDPOINT", "")
	t.Setenv("IDENTITY_HEADER", "")
	failures = 1
	tok, err := AzureManagedIdentityToken("https://vault.azure.net/", "client-1", srv.URL+"/imds").Token(ctx, nil)
	if err != nil || tok != "tok-/imds" {
		t.Fatalf("IMDS: %q %v", tok, err)
	}
	if len(seen) != 2 {
		t.Fatalf("%d IMDS requests, want 2 (one 503, then the token)", len(seen))
	}
	q := seen[1].URL.Query()
	if seen[1].Header.Get("Metadata") != "true" || q.Get("api-version") != "2018-02-01" ||
		q.Get("resource") != "https://vault.azure.net/" || q.Get("client_id") != "client-1" {
		t.Errorf("IMDS request: %v %v", seen[1].Header, q)
	}

	t.Setenv("IDENTITY_ENDPOINT", srv.URL+"/msi")
	t.Setenv("IDENTITY_HEADER", "secret-header")
	seen = nil
	tok, err = AzureManagedIdentityToken("", "", srv.URL+"/imds").Token(ctx, nil)
	if err != nil || tok != "tok-/msi" {
		t.Fatalf("App Service: %q %v", tok, err)
	}
	q = seen[0].URL.Query()
	if seen[0].Header.Get("X-IDENTITY-HEADER") != "secret-header" || q.Get("api-version") != "2019-08-01" ||
		q.Get("resource") != DefaultAzureResource || q.Has("client_id") {
		t.Errorf("App Service request: %v %v", seen[0].Header, q)
	}

	seen = nil
	_, err = AzureManagedIdentityToken("", "nope", "").Token(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 400: invalid_request Identity not found") || len(seen) != 1 {
		t.Errorf("a refusal: %v after %d requests", err, len(seen))
	}
}
