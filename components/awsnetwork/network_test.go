package awsnetwork_test

import (
	"maps"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/awsnetwork"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

const (
	subnetType = "aws:ec2/subnet:Subnet"
	natType    = "aws:ec2/natGateway:NatGateway"
)

func deploy(t *testing.T, args awsnetwork.Args) (*plinthtest.Stack, *awsnetwork.Network) {
	t.Helper()
	var n *awsnetwork.Network
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		n, err = awsnetwork.New(ctx, "main", args)
		return err
	}, plinthtest.WithStack("prod"))
	return s, n
}

func TestProdNetwork(t *testing.T) {
	s, n := deploy(t, awsnetwork.Args{Tier: "prod", ClusterName: "plinth-prod"})
	comp := s.One(t, awsnetwork.TypeToken)
	for _, r := range s.Resources {
		if r.Type != awsnetwork.TypeToken && r.Parent != comp.URN {
			t.Errorf("%s %q is not parented to the component", r.Type, r.Name)
		}
	}
	if !slices.Equal(n.AvailabilityZones, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}) {
		t.Fatalf("zones = %v, want the first 3", n.AvailabilityZones)
	}
	vpc := s.One(t, "aws:ec2/vpc:Vpc")
	if vpc.String(t, "cidrBlock") != "10.0.0.0/16" || !vpc.Bool(t, "enableDnsHostnames") {
		t.Fatalf("VPC = %s", vpc.JSON())
	}
	if vpc.String(t, "tags.managed-by") != "plinth" || vpc.String(t, "tags.environment") != "prod" {
		t.Fatalf("VPC tags = %v", vpc.Value(t, "tags"))
	}

	_, block, _ := net.ParseCIDR("10.0.0.0/16")
	var nets []*net.IPNet
	for _, sn := range s.ByType(subnetType) {
		_, c, err := net.ParseCIDR(sn.String(t, "cidrBlock"))
		if err != nil {
			t.Fatal(err)
		}
		first, last := cidr.AddressRange(c)
		if !block.Contains(first) || !block.Contains(last) {
			t.Errorf("subnet %s (%s) lies outside the VPC", sn.Name, c)
		}
		nets = append(nets, c)
		public := strings.Contains(sn.Name, "public")
		role := "kubernetes.io/role/internal-elb"
		if public {
			role = "kubernetes.io/role/elb"
			if sn.Bool(t, "mapPublicIpOnLaunch") {
				t.Errorf("%s maps public IPs on launch", sn.Name)
			}
		}
		if sn.String(t, `tags["`+role+`"]`) != "1" || sn.String(t, `tags["kubernetes.io/cluster/plinth-prod"]`) != "shared" {
			t.Errorf("%s tags = %v", sn.Name, sn.Value(t, "tags"))
		}
	}
	if len(nets) != 6 {
		t.Fatalf("%d subnets, want 3 public + 3 private", len(nets))
	}
	if err := cidr.VerifyNoOverlap(nets, block); err != nil {
		t.Fatalf("subnets overlap: %v", err)
	}
	if got := len(s.ByType(natType)); got != 3 {
		t.Fatalf("%d NAT gateways in prod, want one per zone", got)
	}
	for _, z := range n.AvailabilityZones {
		rt := s.Get(t, "aws:ec2/routeTable:RouteTable", "main-private-rt-"+z)
		if rt.String(t, "routes[0].cidrBlock") != "0.0.0.0/0" || !strings.Contains(rt.String(t, "routes[0].natGatewayId"), "nat-") {
			t.Errorf("private route table %s = %v", z, rt.Value(t, "routes"))
		}
	}

	sg := s.One(t, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	if sg.Has("ingress[0]") || sg.Has("egress[0]") {
		t.Fatalf("the default security group keeps rules: %s", sg.JSON())
	}

	fl := s.One(t, "aws:ec2/flowLog:FlowLog")
	if fl.String(t, "trafficType") != "ALL" || fl.String(t, "logDestinationType") != "cloud-watch-logs" {
		t.Fatalf("flow log = %s", fl.JSON())
	}
	lg := s.One(t, "aws:cloudwatch/logGroup:LogGroup")
	if lg.Number(t, "retentionInDays") != 365 {
		t.Fatalf("prod flow log retention = %v", lg.Value(t, "retentionInDays"))
	}
	doc, err := awsiam.Parse(s.One(t, "aws:iam/rolePolicy:RolePolicy").String(t, "policy"))
	if err != nil {
		t.Fatal(err)
	}
	if w := doc.WildcardActions(); len(w) != 0 || !strings.Contains(doc.Statement[0].Resource[0], "log-group") {
		t.Fatalf("flow log policy = %+v (wildcards %v), want actions on the log group only", doc, w)
	}
	trust, _ := awsiam.Parse(s.One(t, "aws:iam/role:Role").String(t, "assumeRolePolicy"))
	if trust.Statement[0].Principal["Service"] != "vpc-flow-logs.amazonaws.com" {
		t.Fatalf("flow log role trust = %+v", trust)
	}

	ids := plinthtest.Await(t, n.PrivateSubnetIDs).Value.([]string)
	if len(ids) != 3 || !strings.HasPrefix(ids[0], "subnet-") {
		t.Fatalf("PrivateSubnetIDs = %v", ids)
	}
}

func TestDevNetworkSharesOneNAT(t *testing.T) {
	s, n := deploy(t, awsnetwork.Args{})
	if len(n.AvailabilityZones) != 2 || len(s.ByType(natType)) != 1 {
		t.Fatalf("dev: %d zones, %d NAT gateways; want 2 and 1", len(n.AvailabilityZones), len(s.ByType(natType)))
	}
	for _, z := range n.AvailabilityZones {
		rt := s.Get(t, "aws:ec2/routeTable:RouteTable", "main-private-rt-"+z)
		if !strings.Contains(rt.String(t, "routes[0].natGatewayId"), "nat-") {
			t.Fatalf("zone %s routes = %v", z, rt.Value(t, "routes"))
		}
	}
	if got := s.One(t, "aws:cloudwatch/logGroup:LogGroup").Number(t, "retentionInDays"); got != 30 {
		t.Fatalf("dev retention = %v", got)
	}
}

func TestExistingVPCCreatesNothing(t *testing.T) {
	s, n := deploy(t, awsnetwork.Args{VPCID: pulumi.String("vpc-0123abcd"), PublicSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
		PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-0cccccccccccccccc", "subnet-0dddddddddddddddd"}), AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}})
	if len(s.Resources) != 1 {
		t.Fatalf("an existing VPC registered:\n%s", s.Inventory())
	}
	if got := plinthtest.Await(t, n.VPCID).Value; got != "vpc-0123abcd" {
		t.Fatalf("VPCID = %v", got)
	}
}

func TestCarve(t *testing.T) {
	private, public, err := awsnetwork.Carve("10.0.0.0/16", 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	// 4 slots take 2 bits of the private half (/17): a /19 each.
	if !slices.Equal(private, []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"}) {
		t.Fatalf("private = %v", private)
	}
	if !slices.Equal(public, []string{"10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"}) {
		t.Fatalf("public = %v", public)
	}
	if _, _, err := awsnetwork.Carve("10.0.0.0/24", 6, 8); err == nil {
		t.Fatalf("6 zones fit in a /24")
	}
	// Growing from 2 to 4 zones keeps the first subnets where they are.
	for _, slots := range []int{2, 4, 8} {
		for zones := 2; zones < slots; zones++ {
			p1, q1, _ := awsnetwork.Carve("10.0.0.0/16", zones, slots)
			p2, q2, _ := awsnetwork.Carve("10.0.0.0/16", zones+1, slots)
			if !slices.Equal(p1, p2[:zones]) || !slices.Equal(q1, q2[:zones]) {
				t.Errorf("%d slots: %d zones %v %v, %d zones %v %v", slots, zones, p1, q1, zones+1, p2, q2)
			}
		}
	}
}

// TestAddingAZoneMovesNoSubnet deploys a 2-zone and a 3-zone network:
// every subnet of the first keeps its block in the second.
func TestAddingAZoneMovesNoSubnet(t *testing.T) {
	two, _ := deploy(t, awsnetwork.Args{AZCount: new(2)})
	three, _ := deploy(t, awsnetwork.Args{AZCount: new(3)})
	for _, sn := range two.ByType(subnetType) {
		after := three.Get(t, subnetType, sn.Name)
		if a, b := sn.String(t, "cidrBlock"), after.String(t, "cidrBlock"); a != b {
			t.Errorf("%s moves from %s to %s when a zone is added", sn.Name, a, b)
		}
	}
	if len(three.ByType(subnetType)) != 6 {
		t.Fatalf("3 zones: %d subnets", len(three.ByType(subnetType)))
	}
}

// TestZonesAreStandardAndFollowTheProvider checks the zone lookup: it
// asks for standard zones only (the mock region has an opted-in Local
// Zone), leaves out excluded zone IDs, and goes to the caller's provider.
func TestZonesAreStandardAndFollowTheProvider(t *testing.T) {
	var n *awsnetwork.Network
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		west, err := aws.NewProvider(ctx, "us-west-2", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		n, err = awsnetwork.New(ctx, "main", awsnetwork.Args{Tier: "prod", ExcludeZoneIDs: []string{"usw2-az2"}}, pulumi.Provider(west))
		return err
	})
	if !slices.Equal(n.AvailabilityZones, []string{"us-west-2a", "us-west-2c", "us-west-2d"}) {
		t.Fatalf("zones = %v, want us-west-2's standard zones without usw2-az2", n.AvailabilityZones)
	}
	inv := s.Invokes[0]
	if !strings.Contains(inv.Provider, "pulumi:providers:aws::us-west-2") {
		t.Fatalf("the zone lookup went to %q, not the caller's provider", inv.Provider)
	}
	for _, sn := range s.ByType(subnetType) {
		if !strings.Contains(sn.Provider, "pulumi:providers:aws::us-west-2") {
			t.Errorf("%s is not created with the caller's provider", sn.Name)
		}
	}
	// us-east-1 lists Local Zones among its zones (pkg/awszones): none is
	// a candidate, even with every standard zone in use.
	east := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := awsnetwork.New(ctx, "main", awsnetwork.Args{AZCount: new(6), SubnetSlots: new(8)})
		return err
	}, plinthtest.WithConfig(map[string]string{"aws:region": "us-east-1"}))
	for _, sn := range east.ByType(subnetType) {
		if z := sn.String(t, "availabilityZone"); strings.Count(z, "-") != 2 {
			t.Fatalf("a subnet in a Local Zone: %s", sn.JSON())
		}
	}
}

// TestZonesForEKS: a network for an EKS cluster never takes a zone EKS
// refuses (use1-az3 in us-east-1, whose six zones leave five), records
// every subnet's zone ID, and refuses a zone listed by name whose ID EKS
// refuses, checked by the ID the lookup returns.
func TestZonesForEKS(t *testing.T) {
	east := plinthtest.WithConfig(map[string]string{"aws:region": "us-east-1"})
	run := func(a awsnetwork.Args) (*plinthtest.Stack, *awsnetwork.Network, error) {
		var n *awsnetwork.Network
		s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
			var err error
			n, err = awsnetwork.New(ctx, "main", a)
			return err
		}, east)
		return s, n, err
	}
	s, n, err := run(awsnetwork.Args{ClusterName: "plinth-prod", AZCount: new(5), SubnetSlots: new(8)})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(n.ZoneIDs, "use1-az3") || len(n.ZoneIDs) != 5 {
		t.Fatalf("zone IDs = %v: an EKS network must leave out use1-az3", n.ZoneIDs)
	}
	for _, sn := range s.ByType(subnetType) {
		if sn.String(t, "tags.zone-id") == "" {
			t.Errorf("subnet %s does not record its zone ID", sn.Name)
		}
	}
	if _, _, err := run(awsnetwork.Args{ClusterName: "plinth-prod", AZCount: new(6), SubnetSlots: new(8)}); err == nil || !strings.Contains(err.Error(), "azCount (6) is more than the region's 5 standard zones") {
		t.Fatalf("six zones for EKS in us-east-1: %v", err)
	}
	// Without a cluster, all six are usable.
	if _, n, err := run(awsnetwork.Args{AZCount: new(6), SubnetSlots: new(8)}); err != nil || !slices.Contains(n.ZoneIDs, "use1-az3") {
		t.Fatalf("six zones without EKS: %v %v", n, err)
	}
	// us-east-1c is use1-az3 in the table's mapping: listed by name, it
	// is refused for EKS with the reason and the field.
	s, _, err = run(awsnetwork.Args{ClusterName: "plinth-prod", AvailabilityZones: []string{"us-east-1a", "us-east-1c"}})
	if err == nil || !strings.Contains(err.Error(), "availabilityZones[1]: us-east-1c: zone use1-az3 of us-east-1 is one EKS refuses cluster subnets in") || len(s.Resources) != 0 {
		t.Fatalf("a listed zone EKS refuses: err %v, %d registered", err, len(s.Resources))
	}
	if _, _, err := run(awsnetwork.Args{ClusterName: "plinth-prod", AvailabilityZones: []string{"us-east-1a", "us-east-1-bos-1a"}}); err == nil || !strings.Contains(err.Error(), "not a standard availability zone") {
		t.Fatalf("a listed Local Zone: %v", err)
	}
}

// TestRouteTablesTakeRoutes composes the network with a gateway endpoint
// for S3 on its private route tables.
func TestRouteTablesTakeRoutes(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		n, err := awsnetwork.New(ctx, "main", awsnetwork.Args{})
		if err != nil {
			return err
		}
		_, err = ec2.NewVpcEndpoint(ctx, "s3", &ec2.VpcEndpointArgs{
			VpcId: n.VPCID, ServiceName: pulumi.String("com.amazonaws.eu-west-1.s3"),
			VpcEndpointType: pulumi.String("Gateway"), RouteTableIds: n.PrivateRouteTableIDs,
		})
		return err
	})
	ep := s.One(t, "aws:ec2/vpcEndpoint:VpcEndpoint")
	ids := ep.Value(t, "routeTableIds").([]any)
	if len(ids) != 2 || !strings.HasPrefix(ids[0].(string), "rtb-") {
		t.Fatalf("the endpoint's route tables = %v, want the 2 private ones", ids)
	}
	for _, rt := range s.ByType("aws:ec2/routeTable:RouteTable") {
		if strings.Contains(rt.Name, "private") && !slices.Contains(ep.Dependencies, rt.URN) {
			t.Errorf("the endpoint does not wait for %s", rt.Name)
		}
	}
}

func TestFlowLogRoleCanWrite(t *testing.T) {
	s, _ := deploy(t, awsnetwork.Args{})
	pol := s.One(t, "aws:iam/rolePolicy:RolePolicy")
	doc, err := awsiam.Parse(pol.String(t, "policy"))
	if err != nil {
		t.Fatal(err)
	}
	group := s.One(t, "aws:cloudwatch/logGroup:LogGroup").Outputs["arn"].StringValue()
	for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"} {
		if !doc.Allows(a, group) {
			t.Errorf("the flow log role may not %s on %s", a, group)
		}
	}
	if fl := s.One(t, "aws:ec2/flowLog:FlowLog"); !slices.Contains(fl.Dependencies, pol.URN) {
		t.Errorf("the flow log does not wait for its role's policy")
	}
	if name := s.One(t, "aws:cloudwatch/logGroup:LogGroup").String(t, "name"); name != "/plinth/plinth/prod/main/vpc-flow-logs" {
		t.Errorf("flow log group %q does not name the project", name)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name     string
		args     awsnetwork.Args
		path     string
		wantText string
	}{
		{"an invalid CIDR", awsnetwork.Args{CIDR: "10.0.0.0/33"}, "cidr", "is not a CIDR block"},
		{"a public CIDR", awsnetwork.Args{CIDR: "52.0.0.0/16"}, "cidr", "is not a private IPv4 block"},
		{"a block too small for its slots", awsnetwork.Args{CIDR: "10.0.0.0/24", AZCount: new(6), SubnetSlots: new(8)}, "cidr", "is too small for 8 subnet slots"},
		{"one zone", awsnetwork.Args{AZCount: new(1)}, "azCount", "(1) is outside 2–6"},
		{"two zones in prod", awsnetwork.Args{Tier: "prod", AZCount: new(2)}, "azCount", "(2) is below 3 for prod"},
		{"an unknown NAT layout", awsnetwork.Args{NATGateways: "none"}, "natGateways", `"none" is not one of`},
		{"a retention CloudWatch rejects", awsnetwork.Args{FlowLogRetentionDays: new(45)}, "flowLogRetentionDays", "(45) is not a CloudWatch retention value"},
		{"an existing VPC without subnets", awsnetwork.Args{VPCID: pulumi.String("vpc-0123abcd"), AvailabilityZones: []string{"eu-west-1a"}}, "vpcId", "is set without publicSubnetIds"},
		{"a VPC given by name", awsnetwork.Args{VPCID: pulumi.String("main-vpc"), PublicSubnetIDs: pulumi.StringArray{}, PrivateSubnetIDs: pulumi.StringArray{}, AvailabilityZones: []string{"eu-west-1a"}}, "vpcId", `"main-vpc" is not a VPC id`},
		{"a zone listed twice", awsnetwork.Args{AvailabilityZones: []string{"eu-west-1a", "eu-west-1a"}}, "availabilityZones[1]", "is listed twice"},
		{"a zone name where an ID belongs", awsnetwork.Args{ExcludeZoneIDs: []string{"us-east-1e"}}, "excludeZoneIds[0]", "is not an availability zone ID"},
		{"more zones than slots", awsnetwork.Args{AZCount: new(5)}, "azCount", "(5) is more than subnetSlots (4)"},
		{"slots that are not a power of two", awsnetwork.Args{SubnetSlots: new(3)}, "subnetSlots", "(3) is not 2, 4 or 8"},
		// An explicit 0 is refused, not replaced by the default.
		{"zero zones", awsnetwork.Args{AZCount: new(0)}, "azCount", "(0) is outside 2–6"},
		{"zero slots", awsnetwork.Args{SubnetSlots: new(0)}, "subnetSlots", "(0) is not 2, 4 or 8"},
		{"flow logs kept forever", awsnetwork.Args{FlowLogRetentionDays: new(0)}, "flowLogRetentionDays", "(0) would keep the logs forever"},
		{"zones that disagree with the count", awsnetwork.Args{AZCount: new(3), AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}}, "availabilityZones", "lists 2 zones but azCount is 3"},
		{"a second default route", routes(awsnetwork.RouteArgs{DestinationCIDR: "0.0.0.0/0", TransitGatewayID: pulumi.String(tgw)}), "routes[0].destinationCidr", "is the default route"},
		{"a route into the VPC's own block", routes(awsnetwork.RouteArgs{DestinationCIDR: "10.0.128.0/24", TransitGatewayID: pulumi.String(tgw)}), "routes[0].destinationCidr", "overlaps the VPC's block 10.0.0.0/16"},
		{"one destination twice", routes(awsnetwork.RouteArgs{DestinationCIDR: "10.200.0.0/16", TransitGatewayID: pulumi.String(tgw)}, awsnetwork.RouteArgs{DestinationCIDR: "10.200.0.0/16", VPCPeeringConnectionID: pulumi.String(pcx)}), "routes[1].destinationCidr", "is also routes[0]"},
		{"a route with no target", routes(awsnetwork.RouteArgs{DestinationCIDR: "10.200.0.0/16"}), "routes[0]", "sets no target"},
		{"a route with two targets", routes(awsnetwork.RouteArgs{DestinationCIDR: "10.200.0.0/16", TransitGatewayID: pulumi.String(tgw), VPCPeeringConnectionID: pulumi.String(pcx)}), "routes[0]", "sets two targets"},
		{"routes for an existing VPC", awsnetwork.Args{VPCID: pulumi.String("vpc-0123abcd"), PublicSubnetIDs: pulumi.StringArray{}, PrivateSubnetIDs: pulumi.StringArray{}, AvailabilityZones: []string{"eu-west-1a"},
			Routes: []awsnetwork.RouteArgs{{DestinationCIDR: "10.200.0.0/16", TransitGatewayID: pulumi.String(tgw)}}}, "routes", "plinth does not own an existing VPC's route tables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := awsnetwork.New(ctx, "main", tt.args)
				return err
			})
			if err == nil || len(s.Resources) != 0 {
				t.Fatalf("err = %v, registered %d", err, len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate("main"), `network "main": `, tt.path, tt.wantText)
		})
	}
}

func TestMoreZonesThanTheRegionHas(t *testing.T) {
	s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := awsnetwork.New(ctx, "main", awsnetwork.Args{AZCount: new(4)})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "azCount (4) is more than the region's 3 standard zones") || len(s.Resources) != 0 {
		t.Fatalf("err = %v, registered %d", err, len(s.Resources))
	}
}

const (
	tgw = "tgw-0123456789abcdef0"
	pcx = "pcx-0123456789abcdef0"
)

func routes(rs ...awsnetwork.RouteArgs) awsnetwork.Args { return awsnetwork.Args{Routes: rs} }

// Extra routes are declared inline on the tables, with their default
// route: the tables' whole set, so no aws.ec2.Route fights over them (the
// AWS provider documents that the two overwrite each other).
func TestRoutesAreDeclaredInline(t *testing.T) {
	s, n := deploy(t, awsnetwork.Args{Tier: "prod", Routes: []awsnetwork.RouteArgs{
		{DestinationCIDR: "10.200.0.0/16", TransitGatewayID: pulumi.String(tgw)},
		{DestinationCIDR: "172.20.0.0/16", VPCPeeringConnectionID: pulumi.String(pcx), Public: true},
	}})
	if rs := s.ByType("aws:ec2/route:Route"); len(rs) != 0 {
		t.Fatalf("%d aws.ec2.Route resources beside inline routes", len(rs))
	}
	if len(n.PrivateRouteTables) != 3 {
		t.Fatalf("%d private route tables, want 3", len(n.PrivateRouteTables))
	}
	for _, rt := range s.ByType("aws:ec2/routeTable:RouteTable") {
		got := map[string]string{}
		for _, r := range rt.Value(t, "routes").([]any) {
			m := r.(map[string]any)
			for _, target := range []string{"natGatewayId", "gatewayId", "transitGatewayId", "vpcPeeringConnectionId"} {
				if v, ok := m[target].(string); ok && v != "" {
					got[m["cidrBlock"].(string)] = target + "=" + v
				}
			}
		}
		want := map[string]string{"172.20.0.0/16": "vpcPeeringConnectionId=" + pcx}
		if strings.Contains(rt.Name, "public") {
			want["0.0.0.0/0"] = "gatewayId=" + s.One(t, "aws:ec2/internetGateway:InternetGateway").ID
		} else {
			want["10.200.0.0/16"] = "transitGatewayId=" + tgw
			if !strings.HasPrefix(got["0.0.0.0/0"], "natGatewayId=nat-") {
				t.Errorf("%s: default route %q, want a NAT gateway", rt.Name, got["0.0.0.0/0"])
			}
			want["0.0.0.0/0"] = got["0.0.0.0/0"]
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s routes %v, want %v", rt.Name, got, want)
		}
	}
}
