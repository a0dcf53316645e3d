package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/plinth-dev/plinth/pkg/eksversion"
	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Today is the day EKS versions are checked against (the day of the
// deployment); tests may replace it.
var Today = time.Now

var (
	awsRegionRE    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	gcpRegionRE    = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]$`)
	gcpProjectRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	iamRoleARNRE   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`)
	acmARNRE       = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	secretARNRE    = regexp.MustCompile(`^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:[0-9]{12}:(secret:|parameter/).+$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	machineTypeRE  = regexp.MustCompile(`^[a-z][a-z0-9]*-[a-z0-9-]+$`)
)

// Validate checks a defaulted Environment and returns every problem, each
// naming its config path and the fix. Parse calls it.
func (e *Environment) Validate() error {
	p := problem.List{Prefix: Namespace + ":"}
	e.validate(&p)
	return p.Err()
}

func (e *Environment) validate(p *problem.List) {
	if p.OneOf("tier", string(e.Tier), "local", "dev", "staging", "prod") &&
		p.OneOf("cloud", string(e.Cloud), "local", "aws", "gcp") {
		if (e.Tier == TierLocal) != (e.Cloud == CloudLocal) {
			p.Addf("tier", "%q does not go with cloud %q: use tier local with cloud local, and dev/staging/prod with aws or gcp", e.Tier, e.Cloud)
		}
	}
	p.DNSLabel("name", e.Name)
	switch e.Cloud {
	case CloudAWS:
		if !awsRegionRE.MatchString(e.Region) {
			p.Addf("region", "%q is not an AWS region: set one such as \"eu-west-1\"", e.Region)
		}
	case CloudGCP:
		if !gcpRegionRE.MatchString(e.Region) {
			p.Addf("region", "%q is not a GCP region: set one such as \"europe-west1\"", e.Region)
		}
		if !gcpProjectRE.MatchString(e.Project) {
			p.Addf("project", "%q is not a GCP project id: set the id (6–30 lowercase letters, digits, '-') of the project to deploy to", e.Project)
		}
	}
	e.validateNetwork(p)
	e.validateCluster(p)
	e.validateApps(p)
	e.validateMonitoring(p)
	e.validateECS(p)
	for i, w := range e.Waivers {
		path := fmt.Sprintf("waivers[%d]", i)
		if !strings.HasPrefix(w.Rule, "PL-") {
			p.Addf(path+".rule", "%q is not a guardrail rule ID: use an ID such as \"PL-ALB-005\" (make policy-report lists them)", w.Rule)
		}
		if w.Resource == "" {
			p.Addf(path+".resource", "is empty: name the resource (<type>::<name> or its logical name)")
		}
		if strings.TrimSpace(w.Reason) == "" {
			p.Addf(path+".reason", "is empty: say why the exemption is acceptable")
		}
	}
}

func (e *Environment) validateNetwork(p *problem.List) {
	n := e.Network
	switch e.Cloud {
	case CloudAWS:
		if v, ok := p.CIDR("network.vpcCidr", n.VPCCIDR); ok {
			if !v.Addr().Is4() || !v.Addr().IsPrivate() {
				p.Addf("network.vpcCidr", "%q is not a private IPv4 block: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", n.VPCCIDR)
			} else if v.Bits() < 16 || v.Bits() > 24 {
				p.Addf("network.vpcCidr", "%q is a /%d: AWS VPCs are /16 to /28 and plinth needs room for public and private subnets, so use /16 to /24", n.VPCCIDR, v.Bits())
			}
		}
	case CloudGCP:
		ranges := []struct{ path, v string }{
			{"network.subnetCidr", n.SubnetCIDR}, {"network.podsCidr", n.PodsCIDR}, {"network.servicesCidr", n.ServicesCIDR},
		}
		type parsed struct {
			path, raw string
			prefix    netip.Prefix
		}
		var ok []parsed
		for _, r := range ranges {
			v, good := p.CIDR(r.path, r.v)
			if !good {
				continue
			}
			if !v.Addr().Is4() || !v.Addr().IsPrivate() {
				p.Addf(r.path, "%q is not a private IPv4 block: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", r.v)
				continue
			}
			ok = append(ok, parsed{r.path, r.v, v})
		}
		for i := range ok {
			for j := i + 1; j < len(ok); j++ {
				if ok[i].prefix.Overlaps(ok[j].prefix) {
					p.Addf(ok[j].path, "%q overlaps %s %q: give each range its own block", ok[j].raw, strings.TrimPrefix(ok[i].path, "network."), ok[i].raw)
				}
			}
		}
	}
	if e.Cloud == CloudAWS || e.Cloud == CloudGCP {
		if n.AZCount < 2 || n.AZCount > 6 {
			p.Addf("network.azCount", "(%d) is outside 2–6: spread the environment over at least 2 zones", n.AZCount)
		} else if e.Tier == TierProd && n.AZCount < 3 {
			p.Addf("network.azCount", "(%d) is below 3 for a prod environment: use 3 zones so one zone can fail", n.AZCount)
		}
		p.OneOf("network.natGateways", n.NATGateways, NATSingle, NATPerAZ)
	}
}

func (e *Environment) validateCluster(p *problem.List) {
	c := e.Cluster
	if e.Cloud == CloudLocal {
		return
	}
	if e.Cloud == CloudAWS && p.OneOf("cluster.supportType", c.SupportType, eksversion.SupportStandard, eksversion.SupportExtended) {
		p.Add("cluster.version", eksversion.Check(c.Version, c.SupportType, Today()))
	}
	if c.Name != "" && (len(validation.IsDNS1123Label(c.Name)) > 0 || (e.Cloud == CloudGCP && (c.Name[0] < 'a' || c.Name[0] > 'z'))) {
		p.Addf("cluster.name", "%q is not a valid cluster name: use at most 63 lowercase letters, digits and '-', starting with a letter", c.Name)
	}
	switch e.Cloud {
	case CloudAWS:
		p.NotWorldOpen("cluster.publicAccessCidrs", c.PublicAccessCIDRs, "list only the blocks that need the API (VPN, CI runners), or leave it empty for a private endpoint")
		if len(c.AdminRoleARNs) == 0 {
			p.Addf("cluster.adminRoleArns", "is empty: list at least one IAM role ARN that gets cluster-admin, or nobody can reach the cluster")
		}
		for i, arn := range c.AdminRoleARNs {
			if !iamRoleARNRE.MatchString(arn) {
				p.Addf(fmt.Sprintf("cluster.adminRoleArns[%d]", i), "%q is not an IAM role ARN: use arn:aws:iam::<account>:role/<name>", arn)
			}
		}
		for i, cidr := range c.PrivateAccessCIDRs {
			p.CIDR(fmt.Sprintf("cluster.privateAccessCidrs[%d]", i), cidr)
		}
		p.NotWorldOpen("cluster.privateAccessCidrs", c.PrivateAccessCIDRs, "list the deploy runners' and VPN's blocks")
		if as := c.Autoscaler; as != nil {
			if u, err := url.Parse(as.Repository); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "oci") {
				p.Addf("cluster.autoscaler.repository", "%q is not an https:// or oci:// URL: set the cluster-autoscaler chart's repository (or your mirror)", as.Repository)
			}
		}
	case CloudGCP:
		p.NotWorldOpen("cluster.authorizedNetworks", c.AuthorizedNetworks, "list only the blocks that need the API (VPN, CI runners)")
		if e.Tier == TierProd && !*c.Regional {
			p.Addf("cluster.regional", "is false for a prod environment: a zonal control plane goes down with its zone, so use a regional cluster")
		}
	}
	seen := map[string]bool{}
	for i, g := range c.NodeGroups {
		path := fmt.Sprintf("cluster.nodeGroups[%d]", i)
		if p.DNSLabel(path+".name", g.Name) && seen[g.Name] {
			p.Addf(path+".name", "%q is used twice: give every node group its own name", g.Name)
		}
		seen[g.Name] = true
		if e.Cloud == CloudAWS {
			if len(g.InstanceTypes) == 0 {
				p.Addf(path+".instanceTypes", "is empty: list at least one instance type such as \"m6i.large\"")
			}
			for j, it := range g.InstanceTypes {
				if !instanceTypeRE.MatchString(it) {
					p.Addf(fmt.Sprintf("%s.instanceTypes[%d]", path, j), "%q is not an EC2 instance type: use a type such as \"m6i.large\"", it)
				}
			}
		}
		if e.Cloud == CloudGCP && !machineTypeRE.MatchString(g.MachineType) {
			p.Addf(path+".machineType", "%q is not a machine type: use a type such as \"e2-standard-4\"", g.MachineType)
		}
		lo, hi, want := *g.Min, *g.Max, *g.Desired
		p.NonNegative(path+".min", lo)
		if hi < 1 {
			p.Addf(path+".max", "(%d) is below 1: allow at least one node", hi)
		}
		if lo > hi {
			p.Addf(path+".min", "(%d) is greater than max (%d): make min ≤ max", lo, hi)
		} else if want < lo || want > hi {
			p.Addf(path+".desired", "(%d) is outside min–max (%d–%d): choose a desired size between them", want, lo, hi)
		}
		p.Between(path+".diskSizeGb", g.DiskSizeGB, 20, 16384)
		p.Labels(path+".labels", g.Labels)
		for j, t := range g.Taints {
			tp := fmt.Sprintf("%s.taints[%d]", path, j)
			if errs := validation.IsQualifiedName(t.Key); len(errs) > 0 {
				p.Addf(tp+".key", "%q is not a valid taint key: %s", t.Key, strings.Join(errs, "; "))
			}
			p.OneOf(tp+".effect", t.Effect, "NoSchedule", "PreferNoSchedule", "NoExecute")
		}
	}
}

func (e *Environment) validateApps(p *problem.List) {
	seen := map[string]int{}
	for i, a := range e.Apps {
		path := fmt.Sprintf("apps[%d]", i)
		if p.DNSLabel(path+".name", a.Name) {
			// Names are the components' logical names, unique per stack.
			if j, dup := seen[a.Name]; dup {
				p.Addf(path+".name", "%q is also apps[%d]: give every application its own name", a.Name, j)
			}
			seen[a.Name] = i
		}
		if p.DNSLabel(path+".namespace", a.Namespace) && (a.Namespace == "default" || strings.HasPrefix(a.Namespace, "kube-")) {
			p.Addf(path+".namespace", "%q is a system namespace: run applications in their own namespace", a.Namespace)
		}
		p.Add(path+".image", imageref.Check(a.Image, a.AllowMutableTag))
		p.Port(path+".port", a.Port)
		if mp := *a.MetricsPort; mp != 0 && p.Port(path+".metricsPort", mp) && mp == a.Port {
			p.Addf(path+".metricsPort", "(%d) is the application port: serve metrics on their own port, or set 0 to turn metrics off", mp)
		}
		as := a.Autoscaling
		if *as.Enabled {
			if as.Min < 1 {
				p.Addf(path+".autoscaling.min", "(%d) is below 1: keep at least one replica", as.Min)
			}
			if as.Min > as.Max {
				p.Addf(path+".autoscaling.min", "(%d) is greater than max (%d): make min ≤ max", as.Min, as.Max)
			}
			p.Between(path+".autoscaling.targetCpu", as.TargetCPU, 1, 100)
			if as.TargetMemory != 0 {
				p.Between(path+".autoscaling.targetMemory", as.TargetMemory, 1, 100)
			}
			if e.Tier == TierProd && as.Min < 2 {
				p.Addf(path+".autoscaling.min", "(%d) is below 2 in prod: one pod is a single point of failure, use at least 2 (the prod default is 3)", as.Min)
			}
		} else {
			if p.NonNegative(path+".replicas", *a.Replicas) && e.Tier == TierProd && *a.Replicas < 2 {
				p.Addf(path+".replicas", "(%d) is below 2 in prod: one pod is a single point of failure, use at least 2 (the prod default is 3)", *a.Replicas)
			}
		}
		names := map[string]bool{}
		for k := range a.Env {
			if p.EnvName(path+".env."+k, k) {
				names[k] = true
			}
		}
		for j, s := range a.SecretEnv {
			sp := fmt.Sprintf("%s.secretEnv[%d]", path, j)
			if p.EnvName(sp+".name", s.Name) && names[s.Name] {
				p.Addf(sp+".name", "%q is set twice: set each variable once", s.Name)
			}
			names[s.Name] = true
			fromK8s := s.Secret != "" || s.Key != ""
			switch {
			case fromK8s && s.FromConfig != "":
				p.Addf(sp, "sets both secret/key and fromConfig: use either an existing Secret (secret, key) or a secret config key (fromConfig)")
			case s.FromConfig != "":
				if slices.Contains(Keys, s.FromConfig) {
					p.Addf(sp+".fromConfig", "%q is a plinth setting, not a secret: name a key set with `pulumi config set --secret plinth:<key>`", s.FromConfig)
				}
			case s.Secret == "" || s.Key == "":
				p.Addf(sp, "needs both secret and key (or fromConfig): name the Kubernetes Secret and the key in it")
			default:
				p.DNSLabel(sp+".secret", s.Secret)
			}
		}
		validateResources(p, path+".resources", a.Resources)
		switch a.Strategy {
		case StrategyRolling:
		case StrategyBlueGreen:
			p.OneOf(path+".activeColor", a.ActiveColor, ColorBlue, ColorGreen)
			if a.GreenImage == "" {
				p.Addf(path+".greenImage", "is empty for a BlueGreen app: set the green color's image (image is blue's)")
			} else {
				p.Add(path+".greenImage", imageref.Check(a.GreenImage, a.AllowMutableTag))
			}
		case StrategyCanary:
			if a.CanaryImage == "" {
				p.Addf(path+".canaryImage", "is empty for a Canary app: set the canary's image, or use strategy Rolling")
			} else {
				p.Add(path+".canaryImage", imageref.Check(a.CanaryImage, a.AllowMutableTag))
			}
			p.Between(path+".canaryPercent", a.CanaryPercent, 1, 99)
		default:
			p.OneOf(path+".strategy", a.Strategy, StrategyRolling, StrategyBlueGreen, StrategyCanary)
		}
		if a.Host != "" {
			if errs := validation.IsDNS1123Subdomain(a.Host); len(errs) > 0 {
				p.Addf(path+".host", "%q is not a host name: use a DNS name such as \"web.example.com\"", a.Host)
			}
		}
		for j, ns := range a.AllowFrom {
			p.DNSLabel(fmt.Sprintf("%s.allowFrom[%d]", path, j), ns)
		}
	}
}

func validateResources(p *problem.List, path string, r Resources) {
	pairs := []struct{ name, req, lim string }{
		{"cpu", r.CPURequest, r.CPULimit}, {"memory", r.MemoryRequest, r.MemoryLimit},
	}
	for _, pr := range pairs {
		req, okReq := p.Quantity(path+"."+pr.name+"Request", pr.req)
		if pr.lim == LimitNone {
			continue
		}
		lim, okLim := p.Quantity(path+"."+pr.name+"Limit", pr.lim)
		if okReq && okLim && lim.Cmp(req) < 0 {
			p.Addf(path+"."+pr.name+"Limit", "(%s) is below %sRequest (%s): raise the limit, or set \"none\" to remove it", pr.lim, pr.name, pr.req)
		}
	}
}

func (e *Environment) validateMonitoring(p *problem.List) {
	m := e.Monitoring
	if !p.OneOf("monitoring.mode", m.Mode, MonitoringInstall, MonitoringOperator, MonitoringOff) || m.Mode == MonitoringOff {
		return
	}
	p.DNSLabel("monitoring.namespace", m.Namespace)
	if d, err := model.ParseDuration(m.Retention); err != nil || d <= 0 {
		p.Addf("monitoring.retention", "%q is not a positive Prometheus duration: use a value such as \"15d\" or \"12h\"", m.Retention)
	}
	if m.StorageSize != "" {
		p.Quantity("monitoring.storageSize", m.StorageSize)
	}
	if m.RemoteWriteURL != "" {
		if u, err := url.Parse(m.RemoteWriteURL); err != nil || u.Scheme != "https" || u.Host == "" {
			p.Addf("monitoring.remoteWriteUrl", "%q is not an https URL: send metrics over TLS, e.g. \"https://metrics.example.com/api/v1/write\"", m.RemoteWriteURL)
		}
	}
	if m.Mode == MonitoringInstall && e.Cloud == CloudLocal {
		p.Addf("monitoring.mode", "is \"install\" on the local cloud: chart repositories are not used locally, so use \"operator\"")
	}
}

func (e *Environment) validateECS(p *problem.List) {
	s := e.ECS
	if s == nil {
		return
	}
	if e.Cloud != CloudAWS {
		p.Addf("ecs", "is set on cloud %q: ECS services run on aws only, remove it", e.Cloud)
		return
	}
	p.DNSLabel("ecs.name", s.Name)
	p.Add("ecs.image", imageref.Check(s.Image, false))
	p.Port("ecs.port", s.Port)
	if s.MinTasks < 1 || s.MinTasks > s.MaxTasks {
		p.Addf("ecs.minTasks", "(%d) must be between 1 and maxTasks (%d): make 1 ≤ minTasks ≤ maxTasks", s.MinTasks, s.MaxTasks)
	}
	if s.CertificateARN == "" {
		p.Addf("ecs.certificateArn", "is empty: the ALB serves HTTPS only, so set the ACM certificate ARN")
	} else if !acmARNRE.MatchString(s.CertificateARN) {
		p.Addf("ecs.certificateArn", "%q is not an ACM certificate ARN: use arn:aws:acm:<region>:<account>:certificate/<id>", s.CertificateARN)
	}
	p.HTTPPath("ecs.healthCheckPath", s.HealthCheckPath)
	if len(s.AllowedCIDRs) == 0 {
		p.Addf("ecs.allowedCidrs", "is empty: list the blocks that may reach the load balancer")
	}
	if !s.Public {
		p.NotWorldOpen("ecs.allowedCidrs", s.AllowedCIDRs, "an internal load balancer takes only your own blocks; set public: true for an internet-facing one")
	} else {
		for i, c := range s.AllowedCIDRs {
			p.CIDR(fmt.Sprintf("ecs.allowedCidrs[%d]", i), c)
		}
	}
	for name, arn := range s.SecretARNs {
		p.EnvName("ecs.secretArns."+name, name)
		if !secretARNRE.MatchString(arn) {
			p.Addf("ecs.secretArns."+name, "%q is not a Secrets Manager or SSM parameter ARN: use arn:aws:secretsmanager:… or arn:aws:ssm:…:parameter/…", arn)
		}
	}
}
