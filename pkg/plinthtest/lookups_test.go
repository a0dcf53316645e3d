package plinthtest

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/pkg/awszones"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
)

// TestLookupsAnswerFromTheTablesOrFail: the mocks answer the zone and
// add-on lookups with the cited tables' rows for the region and version
// asked, and refuse what the tables do not hold, rather than invent it.
func TestLookupsAnswerFromTheTablesOrFail(t *testing.T) {
	for _, region := range awszones.Regions() {
		got, err := availabilityZones(resource.PropertyMap{}, region)
		if err != nil {
			t.Fatal(err)
		}
		zones, _ := awszones.Of(region)
		var want []string
		for _, z := range zones {
			if z.OptIn != awszones.NotOptedIn {
				want = append(want, z.ID)
			}
		}
		var ids []string
		for _, v := range got["zoneIds"].ArrayValue() {
			ids = append(ids, v.StringValue())
		}
		if strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Errorf("%s answers %v, want the table's zones a new account sees %v", region, ids, want)
		}
	}
	if _, err := availabilityZones(resource.PropertyMap{}, "mars-north-1"); err == nil || !strings.Contains(err.Error(), "has no row for region") {
		t.Errorf("an unknown region: %v", err)
	}
	args := resource.NewPropertyMapFromMap(map[string]any{"addonName": "kube-proxy", "kubernetesVersion": "1.36"})
	got, err := addonVersion(args, "")
	if want, _ := eksaddon.Version("kube-proxy", "1.36"); err != nil || got["version"].StringValue() != want {
		t.Errorf("kube-proxy on 1.36 = %v (%v), want %s", got["version"], err, want)
	}
	args["kubernetesVersion"] = resource.NewPropertyValue("1.20")
	if _, err := addonVersion(args, ""); err == nil {
		t.Errorf("a version the table does not hold was answered")
	}
}
