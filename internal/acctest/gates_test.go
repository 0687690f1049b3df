package acctest

import "testing"

func TestFeatureGatesTellOpenTofuFromTerraform(t *testing.T) {
	cli := func(out string) CLIVersion {
		c, err := parseVersionOutput("/x", out)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tofu := cli("OpenTofu v1.12.6\non linux_amd64\n")
	tf116 := cli("Terraform v1.16.0\non linux_amd64\n")
	tf111 := cli("Terraform v1.11.4\non linux_amd64\n")
	tf157 := cli("Terraform v1.5.7\non linux_amd64\n\nYour version of Terraform is out of date!\n")
	for _, tc := range []struct {
		feature Feature
		cli     CLIVersion
		skip    string
	}{
		{FeatureActions, tf116, ""},
		{FeatureActions, tofu, "actions: OpenTofu has none (only Terraform >= 1.14.0); this CLI is OpenTofu v1.12.6"},
		{FeatureActions, tf111, "actions: needs Terraform >= 1.14.0; this CLI is Terraform v1.11.4"},
		{FeatureListResources, tofu, "list resources (terraform query): OpenTofu has none (only Terraform >= 1.14.0); this CLI is OpenTofu v1.12.6"},
		{FeatureResourceIdentity, tofu, ""},
		{FeatureResourceIdentity, tf111, "resource identity: needs Terraform >= 1.12.0; this CLI is Terraform v1.11.4"},
		{FeatureMoveResourceState, tf157, "cross-type moved blocks (MoveResourceState): needs Terraform >= 1.8.0; this CLI is Terraform v1.5.7"},
		{FeatureMoveResourceState, tofu, ""},
	} {
		if got := tc.feature.Skip(tc.cli); got != tc.skip {
			t.Errorf("%s on %s: skip %q, want %q", tc.feature.Name, tc.cli, got, tc.skip)
		}
	}
	if _, err := parseVersionOutput("/x", "warning: something\n"); err == nil {
		t.Error("a version output without a product line was accepted")
	}
}
