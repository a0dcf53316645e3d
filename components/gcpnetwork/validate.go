package gcpnetwork

import (
	"fmt"
	"net"
	"regexp"

	"github.com/apparentlymart/go-cidr/cidr"

	"github.com/plinth-dev/plinth/pkg/problem"
)

var (
	gcpNameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// everything is 0.0.0.0/0, the envelope overlap checks run in.
var everything = &net.IPNet{IP: net.IPv4zero, Mask: net.CIDRMask(0, 32)}

// Carve splits base into the nodes, services and pods ranges: a /20 for
// nodes and one for services at the start of the block, and the second
// quarter of the block for pods.
func Carve(base string) (nodes, services, pods string, err error) {
	_, b, err := net.ParseCIDR(base)
	if err != nil {
		return "", "", "", err
	}
	ones, _ := b.Mask.Size()
	if ones > 12 {
		return "", "", "", fmt.Errorf("carving needs at least a /12, got a /%d", ones)
	}
	n, err := cidr.Subnet(b, 20-ones, 0)
	if err != nil {
		return "", "", "", err
	}
	s, err := cidr.Subnet(b, 20-ones, 1)
	if err != nil {
		return "", "", "", err
	}
	p, err := cidr.Subnet(b, 2, 1)
	if err != nil {
		return "", "", "", err
	}
	return n.String(), s.String(), p.String(), nil
}

// Validate checks the arguments of a network called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("gcpnetwork %q: ", name)}
	p.DNSLabel("name", name)
	orig := a
	a = a.Defaults()
	p.GCPProject("project", a.Project)
	p.GCPRegion("region", a.Region)
	if a.NetworkName != "" {
		if !gcpNameRE.MatchString(a.NetworkName) {
			p.Addf("networkName", "%q is not a GCP resource name", a.NetworkName)
		}
		if a.SubnetworkName == "" {
			p.Addf("subnetworkName", "is empty with networkName set: name the existing subnetwork too")
		}
		return p.Err()
	}
	if orig.NodesCIDR == "" || orig.ServicesCIDR == "" || orig.PodsCIDR == "" {
		if _, _, _, err := Carve(a.CIDR); err != nil {
			p.Addf("cidr", "%q cannot be carved (%v): give a /12 or larger, or set all three ranges", a.CIDR, err)
			return p.Err()
		}
	}
	type parsed struct {
		path, v string
		n       *net.IPNet
	}
	var seen []parsed
	for _, r := range []struct{ path, v string }{{"nodesCidr", a.NodesCIDR}, {"servicesCidr", a.ServicesCIDR}, {"podsCidr", a.PodsCIDR}} {
		v, ok := p.CIDR(r.path, r.v)
		if !ok {
			continue
		}
		if !v.Addr().Is4() || !v.Addr().IsPrivate() {
			p.Addf(r.path, "%q is not a private IPv4 block: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", r.v)
			continue
		}
		_, n, _ := net.ParseCIDR(r.v)
		for _, o := range seen {
			if err := cidr.VerifyNoOverlap([]*net.IPNet{o.n, n}, everything); err != nil {
				p.Addf(r.path, "%q overlaps %s %q: give each range its own block", r.v, o.path, o.v)
			}
		}
		seen = append(seen, parsed{r.path, r.v, n})
	}
	if a.FlowLogSampling <= 0 || a.FlowLogSampling > 1 {
		p.Addf("flowLogSampling", "(%g) is outside (0, 1]: log a share of flows such as 0.5", a.FlowLogSampling)
	}
	return p.Err()
}
