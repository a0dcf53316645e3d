package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// AutoNameSuffix is the length of what Pulumi's providers append to a
// logical name when a resource's name is left to them (auto-naming): "-"
// and seven random hex characters. A name limit applies to the whole, so
// a logical name can be at most the limit minus AutoNameSuffix. Source:
// https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming
const AutoNameSuffix = 8

// PrefixSuffix is the length of what the AWS provider appends to a
// *NamePrefix (a timestamp and a counter, 26 characters), e.g. an EKS node
// group's nodeGroupNamePrefix or an IAM role's namePrefix. Source: the
// provider's `id.PrefixedUniqueId` (terraform-plugin-sdk
// helper/id.UniqueIDSuffixLength).
const PrefixSuffix = 26

// MinGCPServiceAccount is the shortest GCP service account id the IAM API
// accepts.
const MinGCPServiceAccount = 6

var (
	// elbNameRE is what ELBv2 accepts for load balancer and target group
	// names (CreateLoadBalancer, CreateTargetGroup: Name).
	elbNameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	// gcpServiceAccountRE is the IAM API's rule for accountId
	// (projects.serviceAccounts.create).
	gcpServiceAccountRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{4,28}[a-z0-9])$`)
)

// CheckELBName returns nil when name is a valid ELBv2 load balancer or
// target group name: at most 32 letters, digits and hyphens, not starting
// or ending with a hyphen, and not starting with "internal-" (which ELBv2
// reserves). With autoNamed, name is a logical name the provider will
// append AutoNameSuffix characters to. Source: ELBv2 API reference,
// CreateLoadBalancer, Name.
func CheckELBName(name string, autoNamed bool) error {
	limit := MaxLoadBalancerName
	if autoNamed {
		limit -= AutoNameSuffix
	}
	switch {
	case len(name) > limit && autoNamed:
		return fmt.Errorf("%q is %d characters: with the %d the provider appends it exceeds ELBv2's %d, so use at most %d", name, len(name), AutoNameSuffix, MaxLoadBalancerName, limit)
	case len(name) > limit:
		return fmt.Errorf("%q is %d characters: ELBv2 allows %d", name, len(name), limit)
	case !elbNameRE.MatchString(name):
		return fmt.Errorf("%q is not an ELBv2 name: use letters, digits and hyphens, not starting or ending with a hyphen", name)
	case strings.HasPrefix(strings.ToLower(name), "internal-"):
		return fmt.Errorf("%q starts with \"internal-\", which ELBv2 reserves for internal load balancers' DNS names: choose another name", name)
	}
	return nil
}

// CheckGCPServiceAccountID returns nil when id is a valid GCP service
// account id: 6 to 30 lowercase letters, digits and hyphens, starting with
// a letter and ending with a letter or digit.
func CheckGCPServiceAccountID(id string) error {
	if !gcpServiceAccountRE.MatchString(id) {
		return fmt.Errorf("%q is not a GCP service account id: use 6–30 lowercase letters, digits and '-', starting with a letter", id)
	}
	return nil
}

// GCPServiceAccountID returns GCP(MaxGCPServiceAccount, parts...) made
// long enough for the IAM API: an id shorter than MinGCPServiceAccount
// (stack "qa", app "ui" gives "qa-ui") gets "-sa" appended.
func GCPServiceAccountID(parts ...string) string {
	id := GCP(MaxGCPServiceAccount, parts...)
	if len(id) < MinGCPServiceAccount {
		id = GCP(MaxGCPServiceAccount, append(parts, "sa")...)
	}
	return id
}
