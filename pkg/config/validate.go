package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/problem"
)

var (
	awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
)

// Validate checks what is about the config itself, on a defaulted
// Environment, and returns every problem, each naming its config path and
// the fix. Parse calls it.
//
// Each component's rules live in the component: the stack program maps
// every section to the component's Args and runs the component's
// validation before anything is registered, reporting under the config
// keys (plinth:apps[1].image). Here are only the rules no component can
// hold: the tier and cloud and how they go together, the region and
// project formats, the shape of secretEnv entries, unique application
// names, where ECS may run, taint effects in the config's spelling, and
// waivers.
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
	if p.OneOf("delivery", e.Delivery, DeliveryPulumi, DeliveryGitOps) {
		switch {
		case e.Delivery == DeliveryGitOps && e.GitOps == nil:
			p.Addf("gitops", "is not set and delivery is \"gitops\": give the repository Flux follows and the controllers' images, e.g. {url: https://git.example.com/acme/deploy.git, sourceControllerImage: …, kustomizeControllerImage: …}")
		case e.Delivery != DeliveryGitOps && e.GitOps != nil:
			p.Addf("gitops", "is set but delivery is %q: set plinth:delivery to \"gitops\", or remove plinth:gitops", e.Delivery)
		}
	}
	if g := e.GitOps; g != nil && g.PromoteFrom == e.Name {
		p.Addf("gitops.promoteFrom", "names this environment: name the one its images are promoted from, or leave it empty")
	}
	switch e.Cloud {
	case CloudAWS:
		if !awsRegionRE.MatchString(e.Region) {
			p.Addf("region", "%q is not an AWS region: set one such as \"eu-west-1\"", e.Region)
		}
	case CloudGCP:
		p.GCPRegion("region", e.Region)
		p.GCPProject("project", e.Project)
	}
	// Each cloud's network settings belong to its cloud: one set on the
	// other cloud would be accepted and ignored.
	n := e.Network
	cloudOnly := []struct {
		key   string
		cloud Cloud
		fix   string
		set   bool
	}{
		{"vpcCidr", CloudAWS, "GCP ranges are nodesCidr, podsCidr and servicesCidr", n.VPCCIDR != ""},
		{"azCount", CloudAWS, "a GCP subnetwork is regional and spans every zone", n.AZCount != nil},
		{"natGateways", CloudAWS, "GCP uses one Cloud NAT per region", n.NATGateways != ""},
		{"subnetSlots", CloudAWS, "GCP ranges are nodesCidr, podsCidr and servicesCidr", n.SubnetSlots != nil},
		{"excludeZoneIds", CloudAWS, "a GCP subnetwork is regional and spans every zone", len(n.ExcludeZoneIDs) > 0},
		{"nodesCidr", CloudGCP, "the AWS VPC block is vpcCidr", n.NodesCIDR != ""},
		{"podsCidr", CloudGCP, "pods on EKS take VPC addresses (vpcCidr)", n.PodsCIDR != ""},
		{"servicesCidr", CloudGCP, "the EKS service range is the cluster's own", n.ServicesCIDR != ""},
	}
	for _, c := range cloudOnly {
		if c.set && e.Cloud != c.cloud && e.Cloud != CloudLocal {
			p.Addf("network."+c.key, "is set on cloud %q: it belongs to cloud %q (%s), so remove it", e.Cloud, c.cloud, c.fix)
		}
	}
	// How pods get an AWS role is the stack's choice of eks method.
	if e.Cluster.Identity != "" {
		if e.Cloud != CloudAWS {
			p.Addf("cluster.identity", "is set on cloud %q: it picks how EKS gives pods an AWS role; GKE uses Workload Identity, remove it", e.Cloud)
		} else {
			p.OneOf("cluster.identity", e.Cluster.Identity, IdentityPodIdentity, IdentityIRSA)
		}
	}
	// Each cloud's managed-node mode belongs to its cloud.
	if e.Cluster.AutoMode != nil && e.Cloud != CloudAWS {
		p.Addf("cluster.autoMode", "is set on cloud %q: EKS Auto Mode is for aws; on gcp use cluster.autopilot, remove it", e.Cloud)
	}
	if e.Cluster.Autopilot && e.Cloud != CloudGCP {
		p.Addf("cluster.autopilot", "is set on cloud %q: GKE Autopilot is for gcp; on aws use cluster.autoMode, remove it", e.Cloud)
	}
	for i, g := range e.Cluster.NodeGroups {
		CheckTaints(p, fmt.Sprintf("cluster.nodeGroups[%d].taints", i), g.Taints)
	}
	e.validateApps(p)
	e.validateMonitoring(p)
	if e.ECS != nil && e.Cloud != CloudAWS {
		p.Addf("ecs", "is set on cloud %q: ECS services run on aws only, remove it", e.Cloud)
	}
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

func (e *Environment) validateApps(p *problem.List) {
	seen := map[string]int{}
	for i, a := range e.Apps {
		path := fmt.Sprintf("apps[%d]", i)
		// Names are the components' logical names, unique per stack.
		if j, dup := seen[a.Name]; dup && a.Name != "" {
			p.Addf(path+".name", "%q is also apps[%d]: give every application its own name", a.Name, j)
		}
		seen[a.Name] = i
		if a.Host != "" && e.Gateway == nil {
			p.Addf(path+".host", "is set but plinth:gateway is not: name the Gateway (Gateway API) the application's route attaches to, e.g. {name: shared, namespace: gateway}")
		}
		for j, s := range a.SecretEnv {
			sp := fmt.Sprintf("%s.secretEnv[%d]", path, j)
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
			}
		}
	}
}

func (e *Environment) validateMonitoring(p *problem.List) {
	m := e.Monitoring
	if p.OneOf("monitoring.mode", m.Mode, MonitoringInstall, MonitoringOperator, MonitoringOff) &&
		m.Mode == MonitoringInstall && e.Cloud == CloudLocal {
		p.Addf("monitoring.mode", "is \"install\" on the local cloud: chart repositories are not used locally, so use \"operator\"")
	}
}
