package main

import (
	"io"
	"strings"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localkms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// A Hanzo KMS answers a read with its bare 500 while an AI-access policy on
// the folder holds values back: the demo says what that may mean.
func TestShowMappedSaysWhenASecretIsHeldBack(t *testing.T) {
	st, err := localstack.Start(localstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	out = io.Discard
	st.KMS.PutSecret(localstack.ProjectID, "dev", "/", "BILLING_AUTH0_CLIENT_ID", "app-client-1")
	st.KMS.PutSecret(localstack.ProjectID, "dev", "/", "BILLING_AUTH0_CLIENT_SECRET", "s3cr3t-value")
	if _, err := showMapped(st, localstack.ProjectID); err != nil {
		t.Fatalf("readable secrets: %v", err)
	}
	st.KMS.SetAIAccessPolicy(localstack.ProjectID, "dev", "/", localkms.AIAccessRequiresApproval)
	_, err = showMapped(st, localstack.ProjectID)
	if !kms.IsSecretNotReadable(err) || !strings.Contains(err.Error(), "BILLING_AUTH0_CLIENT_ID") || !strings.Contains(err.Error(), "AI-access policy") {
		t.Fatalf("held-back secret: %v", err)
	}
	if strings.Contains(err.Error(), "s3cr3t-value") {
		t.Fatalf("the error shows the secret's value")
	}
}
