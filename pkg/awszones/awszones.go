// Package awszones is the table of AWS availability zones plinth's mocks
// answer lookups from, and the zones Amazon EKS refuses. The mocks of
// pkg/plinthtest give every region its real zones from this table, so a
// rule or a component judged under mocks sees the zone counts and zone
// IDs the real EC2 API returns, not invented ones.
//
// Sources:
//   - zone IDs per region: "AWS Availability Zones",
//     https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
//     (and "AZ IDs", .../regions/az-ids.html);
//   - Local Zones: "AWS Local Zones locations",
//     https://aws.amazon.com/about-aws/global-infrastructure/localzones/locations/;
//   - zones EKS refuses: EKS User Guide, "View Amazon EKS networking
//     requirements for VPC and subnets" (network-reqs), the table of
//     disallowed Availability Zone IDs: use1-az3, usw1-az2, cac1-az3.
//
// Zone names: regions opened before November 2012 (us-east-1, us-west-1,
// us-west-2, eu-west-1, ap-northeast-1, ap-southeast-1, ap-southeast-2,
// sa-east-1) map names to zone IDs independently in each account, so
// "us-east-1c" is a different place in two accounts. The table gives each
// such region's names in zone-ID order, which is one account's possible
// mapping; what is true in every account is the set of zone IDs and their
// count. Code that must know where a zone really is (the EKS check)
// therefore works on zone IDs, which it looks up when the program runs.
//
// Add a region's row from the first source when a stack needs it. This
// package imports no cloud SDK.
package awszones

import (
	"fmt"
	"slices"
	"strings"
)

// Zone types and opt-in states, as EC2 DescribeAvailabilityZones reports
// them.
const (
	TypeAvailabilityZone = "availability-zone"
	TypeLocalZone        = "local-zone"
	OptInNotRequired     = "opt-in-not-required"
	OptedIn              = "opted-in"
	NotOptedIn           = "not-opted-in"
)

// Zone is one zone of a region.
type Zone struct {
	// Name as an account sees it, e.g. "eu-west-1a".
	Name string
	// ID is the same in every account, e.g. "euw1-az1".
	ID string
	// Type is availability-zone or local-zone.
	Type string
	// OptIn is the zone's opt-in status in a new account.
	OptIn string
}

// azs returns the standard zones of a region whose zone IDs are
// <short>-az<n> for each n, named <region><letter> in order.
func azs(region, short string, ids ...int) []Zone {
	out := make([]Zone, len(ids))
	for i, n := range ids {
		out[i] = Zone{Name: fmt.Sprintf("%s%c", region, 'a'+i), ID: fmt.Sprintf("%s-az%d", short, n), Type: TypeAvailabilityZone, OptIn: OptInNotRequired}
	}
	return out
}

// local is a Local Zone (not opted in by default).
func local(name, id string) Zone {
	return Zone{Name: name, ID: id, Type: TypeLocalZone, OptIn: NotOptedIn}
}

// regions is the table, by region.
var regions = map[string][]Zone{
	"us-east-1":      append(azs("us-east-1", "use1", 1, 2, 3, 4, 5, 6), local("us-east-1-bos-1a", "use1-bos1-az1"), local("us-east-1-mia-1a", "use1-mia1-az1")),
	"us-east-2":      azs("us-east-2", "use2", 1, 2, 3),
	"us-west-1":      azs("us-west-1", "usw1", 1, 2, 3),
	"us-west-2":      append(azs("us-west-2", "usw2", 1, 2, 3, 4), local("us-west-2-lax-1a", "usw2-lax1-az1")),
	"ca-central-1":   azs("ca-central-1", "cac1", 1, 2, 3, 4),
	"sa-east-1":      azs("sa-east-1", "sae1", 1, 2, 3),
	"eu-west-1":      azs("eu-west-1", "euw1", 1, 2, 3),
	"eu-west-2":      azs("eu-west-2", "euw2", 1, 2, 3),
	"eu-west-3":      azs("eu-west-3", "euw3", 1, 2, 3),
	"eu-central-1":   azs("eu-central-1", "euc1", 1, 2, 3),
	"eu-north-1":     azs("eu-north-1", "eun1", 1, 2, 3),
	"ap-south-1":     azs("ap-south-1", "aps1", 1, 2, 3),
	"ap-southeast-1": azs("ap-southeast-1", "apse1", 1, 2, 3),
	"ap-southeast-2": azs("ap-southeast-2", "apse2", 1, 2, 3),
	"ap-northeast-1": azs("ap-northeast-1", "apne1", 1, 2, 3, 4),
}

// EKSUnsupported are the zone IDs Amazon EKS refuses cluster subnets in
// (CreateCluster: UnsupportedAvailabilityZoneException), by region.
var EKSUnsupported = map[string][]string{
	"us-east-1":    {"use1-az3"},
	"us-west-1":    {"usw1-az2"},
	"ca-central-1": {"cac1-az3"},
}

// Regions returns the regions the table holds, sorted.
func Regions() []string {
	out := make([]string, 0, len(regions))
	for r := range regions {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Of returns the zones of region, and whether the table holds it.
func Of(region string) ([]Zone, bool) {
	z, ok := regions[region]
	return slices.Clone(z), ok
}

// CheckEKS returns nil when EKS accepts a cluster subnet in the zone with
// this ID, and otherwise why not: a zone EKS does not support, or a
// Local or Wavelength Zone.
func CheckEKS(zoneID string) error {
	for region, ids := range EKSUnsupported {
		if slices.Contains(ids, zoneID) {
			return fmt.Errorf("zone %s of %s is one EKS refuses cluster subnets in (UnsupportedAvailabilityZoneException): use another zone (awsnetwork leaves %s out by itself when the zones are not listed by name)",
				zoneID, region, strings.Join(ids, ", "))
		}
	}
	// A standard zone ID is <short region><n>-az<n>; Local and Wavelength
	// Zones add their location (use1-bos1-az1, usw2-wl1-den-wlz1).
	parts := strings.Split(zoneID, "-")
	if len(parts) != 2 || !strings.HasPrefix(parts[1], "az") {
		return fmt.Errorf("zone %s is not a standard availability zone (a Local or Wavelength Zone): EKS refuses cluster subnets there", zoneID)
	}
	return nil
}

// TooFewError is the error of a network that asks for more zones than
// its region has that it may use (awsnetwork returns it).
type TooFewError struct {
	// Network is the network component's name.
	Network string
	// Want is the zone count asked for (azCount).
	Want int
	// Zones are the zones the region offers the network.
	Zones []string
}

func (e *TooFewError) Error() string {
	return fmt.Sprintf("network %q: azCount (%d) is more than the region's %d standard zones %v: lower azCount, or exclude fewer zone IDs", e.Network, e.Want, len(e.Zones), e.Zones)
}
