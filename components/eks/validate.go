package eks

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/clusterautoscaler"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/ec2arch"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
	"github.com/plinth-dev/plinth/pkg/eksversion"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// today is the day versions are checked against; tests replace it.
var today = time.Now

var (
	clusterNameRE  = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	awsProfileRE   = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	addonVersionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	chartVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	amiTypes       = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_x86_64_NEURON", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"}
)

// Validate checks the arguments of a cluster called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("eks %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	if a.ClusterName != "" && !clusterNameRE.MatchString(a.ClusterName) {
		p.Addf("clusterName", "%q is not an EKS cluster name: use up to 100 letters, digits, '-' and '_', starting with a letter or digit", a.ClusterName)
	}
	if p.OneOf("supportType", a.SupportType, eksversion.SupportStandard, eksversion.SupportExtended) {
		p.Add("version", eksversion.Check(a.Version, a.SupportType, today()))
	}
	if a.SubnetIDs == nil {
		p.Addf("subnetIds", "is not set: pass the private subnets, e.g. network.PrivateSubnetIDs")
	}
	p.NotWorldOpen("publicAccessCidrs", a.PublicAccessCIDRs, "list only the blocks that need the API (VPN, CI runners), or leave it empty for a private endpoint")
	for i, c := range a.PrivateAccessCIDRs {
		p.CIDR(fmt.Sprintf("privateAccessCidrs[%d]", i), c)
	}
	p.NotWorldOpen("privateAccessCidrs", a.PrivateAccessCIDRs, "list the runners' and VPN's blocks")
	for i, id := range a.PrivateAccessSecurityGroupIDs {
		if id == nil {
			p.Addf(fmt.Sprintf("privateAccessSecurityGroupIds[%d]", i), "is nil: pass a security group id such as sg-0123456789abcdef0")
		}
	}
	if len(a.AdminRoleARNs) == 0 {
		p.Addf("adminRoleArns", "is empty: with API authentication nobody could reach the cluster, so list at least one IAM role ARN")
	}
	for i, arn := range a.AdminRoleARNs {
		if arn == nil {
			p.Addf(fmt.Sprintf("adminRoleArns[%d]", i), "is nil: pass an IAM role ARN")
		}
		p.Input(fmt.Sprintf("adminRoleArns[%d]", i), arn, awsiam.CheckRoleARN)
	}
	p.InputArray("subnetIds", a.SubnetIDs, awsid.CheckSubnet)
	p.Inputs("privateAccessSecurityGroupIds", a.PrivateAccessSecurityGroupIDs, awsid.CheckSecurityGroup)
	p.Input("kubeconfigRoleArn", a.KubeconfigRoleARN, awsiam.CheckRoleARN)
	p.Input("kmsKeyArn", a.KMSKeyARN, awsiam.CheckKMSKeyARN)
	if a.KubeconfigProfile != "" && !awsProfileRE.MatchString(a.KubeconfigProfile) {
		p.Addf("kubeconfigProfile", "%q is not an AWS profile name: use letters, digits, '.', '_' and '-'", a.KubeconfigProfile)
	}
	p.LogRetention("logRetentionDays", *a.LogRetentionDays)
	a.validateAutoMode(&p)
	seen := map[string]bool{}
	for i, g := range a.NodeGroups {
		path := fmt.Sprintf("nodeGroups[%d]", i)
		if p.DNSLabel(path+".name", g.Name) && seen[g.Name] {
			p.Addf(path+".name", "%q is used twice: give every node group its own name", g.Name)
		} else if len(g.Name) > maxGroupName {
			p.Addf(path+".name", "%q is %d characters: use at most %d, leaving room for the unique suffix that lets a replacement group be created before the old one goes", g.Name, len(g.Name), maxGroupName)
		}
		seen[g.Name] = true
		for j, it := range g.InstanceTypes {
			if !instanceTypeRE.MatchString(it) {
				p.Addf(fmt.Sprintf("%s.instanceTypes[%d]", path, j), "%q is not an EC2 instance type: use a type such as \"m6i.large\"", it)
			}
		}
		p.OneOf(path+".capacityType", g.CapacityType, CapacityOnDemand, CapacitySpot)
		if p.OneOf(path+".amiType", g.AMIType, amiTypes...) {
			p.Add(path+".instanceTypes", ec2arch.CheckAMI(g.AMIType, g.InstanceTypes))
		}
		config.CheckNodeCounts(&p, path, *g.MinSize, *g.MaxSize, g.DesiredSize)
		p.Between(path+".diskSizeGb", *g.DiskSizeGB, 20, 16384)
		p.Labels(path+".labels", g.Labels)
		config.CheckTaints(&p, path+".taints", g.Taints)
	}
	for _, v := range a.addonVersions() {
		if v.v != "" && !addonVersionRE.MatchString(v.v) {
			p.Addf(v.path, "%q is not an add-on version: use the form v1.19.2-eksbuild.1 (`aws eks describe-addon-versions`)", v.v)
		}
	}
	p.OneOf("addOns.resolveConflicts", a.AddOns.ResolveConflicts, "OVERWRITE", "PRESERVE")
	if !a.StorageClass.Disabled {
		p.DNSLabel("storageClass.name", a.StorageClass.Name)
	}
	if r := a.Autoscaler.Repository; r != "" {
		p.URL("autoscaler.repository", r, "charts are fetched over TLS", "https", "oci")
		a.validateAutoscaler(&p)
	}
	if v := a.AddOns.KubeProxy; v != "" && addonVersionRE.MatchString(v) {
		p.Add("addOns.kubeProxy", eksaddon.CheckKubeProxy(v, a.Version))
	}
	return p.Err()
}

// validateAutoscaler checks the autoscaler's chart and image against the
// cluster's version (pkg/clusterautoscaler holds the rule, which the
// deployability rules apply to the chart the stack registers too).
func (a Args) validateAutoscaler(p *problem.List) {
	as := a.Autoscaler
	if as.ChartVersion == "" || as.ImageTag == "" {
		var known []string
		for _, r := range clusterautoscaler.Releases {
			known = append(known, r.Minor)
		}
		p.Addf("autoscaler", "plinth pins no Cluster Autoscaler for Kubernetes %s (it does for %s): set autoscaler.chartVersion and autoscaler.imageTag", a.Version, strings.Join(known, ", "))
		return
	}
	if !chartVersionRE.MatchString(as.ChartVersion) {
		p.Addf("autoscaler.chartVersion", "%q is not a chart version: pin an exact version such as %q", as.ChartVersion, clusterautoscaler.DRAChart)
		return
	}
	for _, prob := range clusterautoscaler.Check(as.ChartVersion, as.ImageTag, a.Version) {
		p.Addf("autoscaler."+prob.Field, "%s", prob.Message)
	}
}

// validateAutoMode checks what Auto Mode replaces: it provisions and
// scales the nodes and runs the add-ons itself, so node groups, the
// Cluster Autoscaler and add-on versions would fight it.
func (a Args) validateAutoMode(p *problem.List) {
	am := a.AutoMode
	seen := map[string]bool{}
	for i, pool := range am.NodePools {
		path := fmt.Sprintf("autoMode.nodePools[%d]", i)
		if p.OneOf(path, pool, NodePoolGeneralPurpose, NodePoolSystem) && seen[pool] {
			p.Addf(path, "%q is listed twice: list each built-in node pool once", pool)
		}
		seen[pool] = true
	}
	if !am.Enabled {
		if len(am.NodePools) > 0 {
			p.Addf("autoMode.nodePools", "is set but autoMode.enabled is false: set enabled to true, or remove nodePools")
		}
		return
	}
	if a.Autoscaler.Repository != "" {
		p.Addf("autoscaler.repository", "is set with autoMode.enabled: Auto Mode scales the nodes itself, so remove the autoscaler")
	}
	for _, v := range a.addonVersions() {
		if v.v != "" && v.path != "addOns.metricsServer" {
			p.Addf(v.path, "is set with autoMode.enabled: Auto Mode runs this component itself and installs no add-on, so remove the version")
		}
	}
}

// addonVersions are the add-on version fields, by path.
func (a Args) addonVersions() []struct{ path, v string } {
	return []struct{ path, v string }{
		{"addOns.vpcCni", a.AddOns.VPCCNI}, {"addOns.coreDns", a.AddOns.CoreDNS}, {"addOns.kubeProxy", a.AddOns.KubeProxy},
		{"addOns.podIdentityAgent", a.AddOns.PodIdentityAgent}, {"addOns.ebsCsiDriver", a.AddOns.EBSCSIDriver},
		{"addOns.metricsServer", a.AddOns.MetricsServer},
	}
}
