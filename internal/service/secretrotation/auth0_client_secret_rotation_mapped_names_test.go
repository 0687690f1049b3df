package secretrotation

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// Thirty creates in one folder at once: one listing serves them all, each
// free name is claimed once, and a name claimed by one is refused to the
// others. Deleting and renaming through this process frees the old names.
func TestCheckMappedNamesClaimsOnceUnderConcurrency(t *testing.T) {
	st, err := localstack.Start(localstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	st.KMS.PutSecret(localstack.ProjectID, "dev", "/app/auth0", "EXISTING", "value")
	st.KMS.ResetCounters()
	ctx := context.Background()
	where := rotationFolder{project: localstack.ProjectID, environment: "dev", secretPath: "/app/auth0"}

	const n = 30
	var wg sync.WaitGroup
	results := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every rotation maps its own client id name; all but one
			// reach for the same client secret name.
			names := []mappedName{{"client_id", fmt.Sprintf("ID_%d", i)}, {"client_secret", "SHARED_SECRET"}}
			if i%10 == 9 {
				names[1].name = "EXISTING"
			}
			diags := checkMappedNames(ctx, st.Client, where, names, true)
			if diags.HasError() {
				results[i] = diags.Errors()[0].Summary()
			}
		}()
	}
	wg.Wait()

	if got := st.KMS.RequestCount("GET /api/v4/secrets"); got != 1 {
		t.Errorf("%d listings for %d parallel checks in one folder, want 1", got, n)
	}
	claimedShared, existing, twice := 0, 0, 0
	for i, r := range results {
		switch {
		case r == "" && i%10 != 9:
			claimedShared++
		case r == "Mapped secret already exists" && i%10 == 9:
			existing++
		case r == "Mapped secret name used twice":
			twice++
		default:
			t.Errorf("check %d: %q", i, r)
		}
	}
	if claimedShared != 1 || existing != 3 || twice != n-4 {
		t.Errorf("claims: %d won the shared name (want 1), %d refused an existing name (want 3), %d refused a claimed one (want %d)",
			claimedShared, existing, twice, n-4)
	}

	// A refused check claims nothing: ID_9 (refused for EXISTING) is free.
	if d := checkMappedNames(ctx, st.Client, where, []mappedName{{"client_id", "ID_9"}, {"client_secret", "OTHER_9"}}, true); d.HasError() {
		t.Errorf("a name of a refused check stayed claimed: %v", d)
	}
	// Renamed by this process: the old name is free, the new one taken.
	renameMappedNames(st.Client, where, map[string]string{"EXISTING": "RENAMED"})
	if d := checkMappedNames(ctx, st.Client, where, []mappedName{{"client_id", "EXISTING"}, {"client_secret", "FRESH"}}, false); d.HasError() {
		t.Errorf("a renamed-away name is still taken: %v", d)
	}
	if d := checkMappedNames(ctx, st.Client, where, []mappedName{{"client_id", "RENAMED"}, {"client_secret", "FRESH"}}, false); !d.HasError() {
		t.Errorf("a renamed-to name is free")
	}
	// Deleted by this process: free again, with no new listing.
	forgetMappedNames(st.Client, where, "RENAMED", "SHARED_SECRET")
	d := checkMappedNames(ctx, st.Client, where, []mappedName{{"client_id", "RENAMED"}, {"client_secret", "SHARED_SECRET"}}, false)
	if d.HasError() {
		t.Errorf("deleted names are still taken: %v", d)
	}
	if got := st.KMS.RequestCount("GET /api/v4/secrets"); got != 1 {
		t.Errorf("%d listings in all, want 1", got)
	}

	// Another folder is listed on its own; a missing one says so.
	missing := rotationFolder{project: localstack.ProjectID, environment: "dev", secretPath: "/app/auth1"}
	d = checkMappedNames(ctx, st.Client, missing, []mappedName{{"client_id", "A"}, {"client_secret", "B"}}, false)
	if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), `The folders in "/app" are: "auth0"`) {
		t.Errorf("a missing folder: %v", d)
	}
}
