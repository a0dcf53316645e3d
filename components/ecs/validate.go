package ecs

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

var (
	userRE   = regexp.MustCompile(`^([0-9]+)(:([0-9]+))?$`)
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// tlsPolicies are the listener policies plinth accepts: TLS 1.2+ with
	// forward-secret ciphers only.
	tlsPolicies = []string{
		"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
		"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
		"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
	}
)

// fargateMemory returns the memory sizes (MiB) Fargate accepts for cpu
// units, from the ECS task size table.
func fargateMemory(cpu int) []int {
	rng := func(from, to, step int) []int {
		var out []int
		for m := from; m <= to; m += step {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 256:
		return []int{512, 1024, 2048}
	case 512:
		return rng(1024, 4096, 1024)
	case 1024:
		return rng(2048, 8192, 1024)
	case 2048:
		return rng(4096, 16384, 1024)
	case 4096:
		return rng(8192, 30720, 1024)
	case 8192:
		return rng(16384, 61440, 4096)
	case 16384:
		return rng(32768, 122880, 8192)
	}
	return nil
}

// Validate checks the arguments of a service called name, with defaults
// applied, and returns every problem, each naming its field and the fix.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("ecs %q: ", name)}
	if p.DNSLabel("name", name) && len(name) > 20 {
		p.Addf("name", "%q is %d characters: use at most 20, so the load balancer and target group names fit AWS's 32", name, len(name))
	} else {
		// The load balancer is auto-named from "<name>-alb".
		p.Add("name", naming.CheckELBName(name+"-alb", true))
	}
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	a.validateNetwork(&p)
	a.validateTask(&p)
	a.validateScaling(&p)
	a.validateHealth(&p)
	a.validateLoadBalancer(&p)
	return p.Err()
}

// validateNetwork checks where the service runs: the VPC, its subnets and
// the tasks' egress.
func (a Args) validateNetwork(p *problem.List) {
	if a.VPCID == nil {
		p.Addf("vpcId", "is not set: pass the VPC, e.g. network.VPCID")
	}
	p.Input("vpcId", a.VPCID, awsid.CheckVPC)
	p.InputArray("privateSubnetIds", a.PrivateSubnetIDs, awsid.CheckSubnet)
	p.InputArray("publicSubnetIds", a.PublicSubnetIDs, awsid.CheckSubnet)
	if a.PrivateSubnetIDs == nil {
		p.Addf("privateSubnetIds", "is not set: pass the private subnets the tasks run in")
	}
	if a.Public && a.PublicSubnetIDs == nil {
		p.Addf("publicSubnetIds", "is not set for an internet-facing load balancer: pass the public subnets")
	}
	for i, e := range a.Egress {
		path := fmt.Sprintf("egress[%d]", i)
		if strings.TrimSpace(e.Description) == "" {
			p.Addf(path+".description", "is empty: say what the tasks connect to")
		}
		p.Port(path+".fromPort", e.FromPort)
		if e.ToPort != nil && p.Port(path+".toPort", *e.ToPort) && *e.ToPort < e.FromPort {
			p.Addf(path+".toPort", "(%d) is below fromPort (%d): give the range low to high", *e.ToPort, e.FromPort)
		}
		p.Input(path+".securityGroupId", e.SecurityGroupID, awsid.CheckSecurityGroup)
		if (len(e.CIDRs) > 0) == (e.SecurityGroupID != nil) {
			p.Addf(path, "sets %s: give either cidrs or securityGroupId", map[bool]string{true: "both cidrs and securityGroupId", false: "neither cidrs nor securityGroupId"}[len(e.CIDRs) > 0])
		}
		for j, c := range e.CIDRs {
			p.CIDR(fmt.Sprintf("%s.cidrs[%d]", path, j), c)
		}
	}
}

// validateTask checks the task: image, size, environment, secrets and user.
func (a Args) validateTask(p *problem.List) {
	if a.Image == nil {
		p.Addf("image", "is not set: pass the image to run, e.g. pulumi.String(\"registry.example.com/acme/api:1.0.0\") or a build's output")
	}
	p.Input("image", a.Image, checkImage)
	p.Port("port", *a.Port)
	if mems := fargateMemory(*a.CPU); mems == nil {
		p.Addf("cpu", "(%d) is not a Fargate CPU size: use 256, 512, 1024, 2048, 4096, 8192 or 16384", *a.CPU)
	} else if !slices.Contains(mems, *a.Memory) {
		p.Addf("memory", "(%d) is not valid with cpu %d: Fargate takes %d–%d MiB for it (%s)", *a.Memory, *a.CPU, mems[0], mems[len(mems)-1], sizes(mems))
	}
	p.OneOf("cpuArchitecture", a.CPUArchitecture, "X86_64", "ARM64")
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		p.EnvName("env."+k, k)
	}
	p.PlaintextEnv("env", a.Env, "allowPlaintextEnv", a.AllowPlaintextEnv,
		"put it in Secrets Manager or SSM and list its ARN in secrets")
	for _, k := range slices.Sorted(maps.Keys(a.Secrets)) {
		p.EnvName("secrets."+k, k)
		if _, dup := a.Env[k]; dup {
			p.Addf("secrets."+k, "is also a plain variable in env: set it once")
		}
		if a.Secrets[k] == nil {
			p.Addf("secrets."+k, "is nil: pass the secret's ARN")
		}
		p.Input("secrets."+k, a.Secrets[k], checkSecretRef)
	}
	for i, k := range a.SecretsKMSKeyARNs {
		p.Input(fmt.Sprintf("secretsKmsKeyArns[%d]", i), k, awsiam.CheckKMSKeyARN)
	}
	p.Input("logKmsKeyArn", a.LogKMSKeyARN, awsiam.CheckKMSKeyARN)
	p.Input("clusterArn", a.ClusterARN, awsiam.CheckECSClusterARN)
	if m := userRE.FindStringSubmatch(a.User); m == nil {
		p.Addf("user", "%q is not UID[:GID]: use numbers such as \"10001:10001\"", a.User)
	} else if m[1] == "0" {
		p.Addf("user", "%q runs as root: use a non-root UID such as 10001", a.User)
	}
}

// validateScaling checks the task count and the autoscaling targets.
func (a Args) validateScaling(p *problem.List) {
	if *a.MinTasks < 1 {
		p.Addf("minTasks", "(%d) is below 1: run at least one task", *a.MinTasks)
	}
	if *a.MinTasks > *a.MaxTasks {
		p.Addf("minTasks", "(%d) is greater than maxTasks (%d): make minTasks ≤ maxTasks", *a.MinTasks, *a.MaxTasks)
	}
	p.Between("targetCpuPercent", *a.TargetCPUPercent, 1, 100)
	if *a.TargetMemoryPercent != 0 {
		p.Between("targetMemoryPercent", *a.TargetMemoryPercent, 1, 100)
	}
	if *a.RequestsPerTarget < 0 {
		p.Addf("requestsPerTarget", "(%d) is negative: use the requests one task should serve, e.g. 1000, or 0 for no request target", *a.RequestsPerTarget)
	}
}

// validateHealth checks the load balancer's and the container's health checks.
func (a Args) validateHealth(p *problem.List) {
	h := a.HealthCheck
	p.HTTPPath("healthCheck.path", h.Path)
	if !regexp.MustCompile(`^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$`).MatchString(h.Matcher) {
		p.Addf("healthCheck.matcher", "%q is not a status code list: use codes and ranges such as \"200-399\" or \"200,204\"", h.Matcher)
	}
	p.Between("healthCheck.intervalSeconds", *h.IntervalSeconds, 5, 300)
	p.Between("healthCheck.timeoutSeconds", *h.TimeoutSeconds, 2, 120)
	if *h.TimeoutSeconds >= *h.IntervalSeconds {
		p.Addf("healthCheck.timeoutSeconds", "(%d) is not below intervalSeconds (%d): a check must finish before the next starts", *h.TimeoutSeconds, *h.IntervalSeconds)
	}
	p.Between("healthCheck.healthyThreshold", *h.HealthyThreshold, 2, 10)
	p.Between("healthCheck.unhealthyThreshold", *h.UnhealthyThreshold, 2, 10)
	p.Between("healthCheckGracePeriodSeconds", *a.HealthCheckGracePeriodSeconds, 0, 2147483647)
	if c := a.ContainerHealthCheck; c != nil {
		if len(c.Command) == 0 {
			p.Addf("containerHealthCheck.command", "is empty: give the command that checks the container, e.g. [\"curl -fs http://localhost:8080/health\"]")
		}
		// ECS's own limits (API HealthCheck).
		p.Between("containerHealthCheck.intervalSeconds", *c.IntervalSeconds, 5, 300)
		p.Between("containerHealthCheck.timeoutSeconds", *c.TimeoutSeconds, 2, 60)
		p.Between("containerHealthCheck.retries", *c.Retries, 1, 10)
		p.Between("containerHealthCheck.startPeriodSeconds", *c.StartPeriodSeconds, 0, 300)
	}
}

// validateLoadBalancer checks who may reach the load balancer, its TLS, its
// logs, and the task role's policies.
func (a Args) validateLoadBalancer(p *problem.List) {
	if len(a.AllowedCIDRs) == 0 {
		p.Addf("allowedCidrs", "is empty: list the blocks that may reach the load balancer")
	}
	if a.Public {
		for i, c := range a.AllowedCIDRs {
			p.CIDR(fmt.Sprintf("allowedCidrs[%d]", i), c)
		}
	} else {
		p.NotWorldOpen("allowedCidrs", a.AllowedCIDRs, "an internal load balancer takes only your own blocks; set public for an internet-facing one")
	}
	if a.CertificateARN == nil && !a.AllowHTTP {
		p.Addf("certificateArn", "is empty: the load balancer serves HTTPS only, so set an ACM certificate ARN (or allowHttp for plain HTTP)")
	}
	p.Input("certificateArn", a.CertificateARN, awsiam.CheckCertificateARN)
	if !slices.Contains(tlsPolicies, a.SSLPolicy) {
		p.Addf("sslPolicy", "%q is not a TLS 1.2+ forward-secret policy: use one of %s", a.SSLPolicy, strings.Join(tlsPolicies, ", "))
	}
	p.Input("accessLogsBucket", a.AccessLogsBucket, checkBucket)
	p.LogRetention("logRetentionDays", *a.LogRetentionDays)
	for i, arn := range a.TaskPolicyARNs {
		p.Input(fmt.Sprintf("taskPolicyArns[%d]", i), arn, awsiam.CheckPolicyARN)
	}
}

// The checks of values that may come from other resources: Validate runs
// them on literals, New on outputs when they resolve.

func checkImage(s string) error { return imageref.Check(s, false) }

func checkSecretRef(s string) error {
	_, err := awsiam.ParseSecretRef(s)
	return err
}

func checkBucket(s string) error {
	if !bucketRE.MatchString(s) {
		return fmt.Errorf("%q is not an S3 bucket name: use the bucket's name, not its ARN or URL", s)
	}
	return nil
}

func sizes(ms []int) string {
	var s []string
	for i, m := range ms {
		if i == 6 {
			s = append(s, "…")
			break
		}
		s = append(s, strconv.Itoa(m))
	}
	return strings.Join(s, ", ")
}
