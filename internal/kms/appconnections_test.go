package kms

import (
	"encoding/json"
	"testing"
)

// A connection answer tells a projectId left out (a release without
// project-scoped connections) from one answered null or set.
func TestConnectionAnswerSaysWhetherItHasAProjectID(t *testing.T) {
	for _, c := range []struct {
		answer   string
		answered bool
		project  string
	}{
		{`{"id":"c1","name":"n"}`, false, ""},
		{`{"id":"c1","name":"n","projectId":null}`, true, ""},
		{`{"id":"c1","name":"n","projectId":"p1"}`, true, "p1"},
	} {
		var got Auth0Connection
		if err := json.Unmarshal([]byte(c.answer), &got); err != nil {
			t.Fatalf("%s: %v", c.answer, err)
		}
		project := ""
		if got.ProjectID != nil {
			project = *got.ProjectID
		}
		if got.ID != "c1" || got.Name != "n" || got.ProjectIDAnswered != c.answered || project != c.project {
			t.Errorf("%s: id %q name %q answered %v project %q, want answered %v project %q",
				c.answer, got.ID, got.Name, got.ProjectIDAnswered, project, c.answered, c.project)
		}
	}
	var bad Auth0Connection
	if err := json.Unmarshal([]byte(`{"id":"c1","projectId":7}`), &bad); err == nil {
		t.Errorf("a projectId that is not a string was accepted")
	}
}
