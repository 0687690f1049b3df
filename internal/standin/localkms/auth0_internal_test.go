package localkms

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// The server appends "clients/<id>" to the connection's audience as is.
func TestClientURLAppendsToTheAudienceAsIs(t *testing.T) {
	for audience, want := range map[string]string{
		"https://tenant.example/api/v2/": "https://tenant.example/api/v2/clients/app%2F1",
		"https://tenant.example/api/v2":  "https://tenant.example/api/v2clients/app%2F1",
	} {
		if got := clientURL(auth0Credentials{Audience: audience}, "app/1"); got != want {
			t.Errorf("clientURL(%q) = %q, want %q", audience, got, want)
		}
	}
}

// The server takes no rotation lock on delete: a delete while a rotation of
// the same configuration runs goes ahead (only rotate-now is refused then).
func TestDeleteIsNotRefusedWhileARotationRuns(t *testing.T) {
	s, err := New(Options{}, Bootstrap{})
	if err != nil {
		t.Fatal(err)
	}
	const id = "6b1f5f0e-8c7b-4a43-9d9a-1f0b2c3d4e5f"
	s.st.Rotations[id] = &rotation{ID: id, Name: "r", ProjectID: "p", Environment: "dev", FolderPath: "/",
		Status: rotationSucceeded, inProgress: true}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodDelete, rotationsBase+"/"+id+"?deleteSecrets=false&revokeGeneratedCredentials=false", nil)
	req.SetPathValue("id", id)
	s.deleteRotation(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("delete during a rotation: %d %s", rec.Code, rec.Body)
	}
	if _, ok := s.st.Rotations[id]; ok {
		t.Error("the rotation is still there")
	}
}
