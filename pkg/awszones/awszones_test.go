package awszones

import (
	"fmt"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	for _, region := range Regions() {
		zones, _ := Of(region)
		standard := 0
		seen := map[string]bool{}
		for _, z := range zones {
			if seen[z.ID] || seen[z.Name] {
				t.Errorf("%s lists %s/%s twice", region, z.Name, z.ID)
			}
			seen[z.ID], seen[z.Name] = true, true
			if !strings.HasPrefix(z.Name, region) {
				t.Errorf("%s: zone %s is named for another region", region, z.Name)
			}
			if z.Type == TypeAvailabilityZone {
				standard++
				if err := CheckEKS(z.ID); err != nil && !strings.Contains(err.Error(), "EKS refuses cluster subnets in") {
					t.Errorf("%s: standard zone %s is judged non-standard: %v", region, z.ID, err)
				}
			} else if err := CheckEKS(z.ID); err == nil {
				t.Errorf("%s: Local Zone %s passes the EKS check", region, z.ID)
			}
		}
		// "Each Region has at least three Availability Zones" (source).
		if standard < 3 {
			t.Errorf("%s has %d standard zones, fewer than any AWS region", region, standard)
		}
	}
	for region, ids := range EKSUnsupported {
		zones, ok := Of(region)
		if !ok {
			t.Errorf("EKS refuses zones of %s, which the table does not hold", region)
		}
		for _, id := range ids {
			if !strings.Contains(fmt.Sprint(zones), id) {
				t.Errorf("EKS refuses %s, which %s does not list", id, region)
			}
		}
	}
	if z, _ := Of("us-east-1"); len(z) < 6 {
		t.Errorf("us-east-1 has six standard zones; the table lists %d zones", len(z))
	}
}

func TestCheckEKS(t *testing.T) {
	for id, want := range map[string]string{
		"use1-az3":      "zone use1-az3 of us-east-1 is one EKS refuses cluster subnets in",
		"cac1-az3":      "zone cac1-az3 of ca-central-1 is one EKS refuses",
		"use1-bos1-az1": "is not a standard availability zone",
		"euw1-az1":      "",
		"use1-az4":      "",
	} {
		err := CheckEKS(id)
		switch {
		case want == "" && err != nil:
			t.Errorf("CheckEKS(%s) = %v, want nil", id, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("CheckEKS(%s) = %v, want %q", id, err, want)
		}
	}
}
