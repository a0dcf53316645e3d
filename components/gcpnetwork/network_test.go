package gcpnetwork_test

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/gcpnetwork"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func args() gcpnetwork.Args {
	return gcpnetwork.Args{Project: "acme-platform", Region: "europe-west1"}
}

func TestNetwork(t *testing.T) {
	var n *gcpnetwork.Network
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		n, err = gcpnetwork.New(ctx, "main", args())
		return err
	}, plinthtest.WithStack("gcp-prod"))
	nw := s.One(t, "gcp:compute/network:Network")
	if nw.Bool(t, "autoCreateSubnetworks") || nw.String(t, "name") != "plinth-gcp-prod-main" {
		t.Fatalf("network = %s", nw.JSON())
	}
	sub := s.One(t, "gcp:compute/subnetwork:Subnetwork")
	sub.Expect(t, map[string]any{
		"ipCidrRange": "10.16.0.0/20", "privateIpGoogleAccess": true, "region": "europe-west1",
		"secondaryIpRanges[0].rangeName": "pods", "secondaryIpRanges[0].ipCidrRange": "10.20.0.0/14",
		"secondaryIpRanges[1].rangeName": "services", "secondaryIpRanges[1].ipCidrRange": "10.16.16.0/20",
		"logConfig.metadata": "INCLUDE_ALL_METADATA",
	})
	var nets []*net.IPNet
	for _, c := range []string{n.NodesCIDR, n.ServicesCIDR, n.PodsCIDR} {
		_, x, _ := net.ParseCIDR(c)
		nets = append(nets, x)
	}
	_, base, _ := net.ParseCIDR(gcpnetwork.DefaultCIDR)
	if err := cidr.VerifyNoOverlap(nets, base); err != nil {
		t.Fatalf("ranges overlap or leave the block: %v", err)
	}
	nat := s.One(t, "gcp:compute/routerNat:RouterNat")
	if nat.String(t, "sourceSubnetworkIpRangesToNat") != "LIST_OF_SUBNETWORKS" || !nat.Bool(t, "logConfig.enable") {
		t.Fatalf("NAT = %s", nat.JSON())
	}
	rules := map[string]plinthtest.Resource{}
	for _, f := range s.ByType("gcp:compute/firewall:Firewall") {
		rules[strings.TrimPrefix(f.Name, "main-")] = f
		if !f.Has("logConfig.metadata") {
			t.Errorf("firewall %s does not log", f.Name)
		}
	}
	if len(rules) != 3 {
		t.Fatalf("firewall rules = %v", rules)
	}
	for name, f := range rules {
		if f.Has("allows[0]") && strings.Contains(f.JSON(), "0.0.0.0/0") {
			t.Errorf("rule %s allows ingress from the whole internet", name)
		}
	}
	deny := rules["deny-all-ingress"]
	if deny.String(t, "denies[0].protocol") != "all" || deny.Number(t, "priority") != 65534 {
		t.Fatalf("deny rule = %s", deny.JSON())
	}
	if got := plinthtest.Await(t, n.SubnetworkName).Value; got != "plinth-gcp-prod-main-nodes" {
		t.Fatalf("SubnetworkName = %v", got)
	}
	api := s.One(t, "gcp:projects/service:Service")
	if api.String(t, "service") != "compute.googleapis.com" || api.Bool(t, "disableOnDestroy") || !slices.Contains(nw.Dependencies, api.URN) {
		t.Fatalf("the Compute API is not enabled before the network: %s", api.JSON())
	}
}

func TestExistingNetwork(t *testing.T) {
	a := args()
	a.NetworkName, a.SubnetworkName = "shared", "shared-nodes"
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := gcpnetwork.New(ctx, "main", a)
		return err
	})
	if len(s.Resources) != 1 {
		t.Fatalf("an existing network registered:\n%s", s.Inventory())
	}
}

func TestBadInput(t *testing.T) {
	mod := func(f func(a *gcpnetwork.Args)) gcpnetwork.Args {
		a := args()
		f(&a)
		return a
	}
	tests := []struct {
		name, path, text string
		args             gcpnetwork.Args
	}{
		{"overlapping secondary ranges", "podsCidr", `overlaps servicesCidr "10.30.0.0/16"`, mod(func(a *gcpnetwork.Args) {
			a.NodesCIDR, a.ServicesCIDR, a.PodsCIDR = "10.10.0.0/20", "10.30.0.0/16", "10.28.0.0/14"
		})},
		{"a public range", "nodesCidr", "is not a private IPv4 block", mod(func(a *gcpnetwork.Args) { a.NodesCIDR = "8.8.8.0/24" })},
		{"a block too small to carve", "cidr", "cannot be carved", mod(func(a *gcpnetwork.Args) { a.CIDR = "10.0.0.0/16" })},
		{"a missing project", "project", "is not a GCP project id", mod(func(a *gcpnetwork.Args) { a.Project = "" })},
		{"a zone instead of a region", "region", "is not a GCP region", mod(func(a *gcpnetwork.Args) { a.Region = "europe-west1-b" })},
		{"an existing network without a subnetwork", "subnetworkName", "is empty", mod(func(a *gcpnetwork.Args) { a.NetworkName = "shared" })},
		{"a sampling rate above 1", "flowLogSampling", "(2) is outside (0, 1]", mod(func(a *gcpnetwork.Args) { a.FlowLogSampling = 2 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := gcpnetwork.New(ctx, "main", tt.args)
				return err
			})
			if err == nil || len(s.Resources) != 0 {
				t.Fatalf("err = %v, registered %d", err, len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate("main"), `gcpnetwork "main": `, tt.path, tt.text)
		})
	}
}
