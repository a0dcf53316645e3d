package ecs_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/policy"
)

const (
	cert      = "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"
	dbSecret  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"
	apiParam  = "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key"
	image     = "registry.example.com/acme/api:2.0.1"
	sgRule    = "aws:ec2/securityGroupRule:SecurityGroupRule"
	listenerT = "aws:lb/listener:Listener"
)

func prodArgs() ecs.Args {
	return ecs.Args{
		Tier:             "prod",
		VPCID:            pulumi.String("vpc-0123456789abcdef0"),
		PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"}),
		PublicSubnetIDs:  pulumi.ToStringArray([]string{"subnet-0dddddddddddddddd", "subnet-0eeeeeeeeeeeeeeee", "subnet-0ffffffffffffffff"}),
		Image:            pulumi.String(image),
		CPU:              new(512),
		Memory:           new(1024),
		Env:              map[string]string{"LOG_LEVEL": "info"},
		Secrets:          map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String(dbSecret), "API_KEY": pulumi.String(apiParam)},
		Public:           true,
		AllowedCIDRs:     []string{"0.0.0.0/0"},
		CertificateARN:   pulumi.String(cert),
	}
}

func deploy(t *testing.T, args ecs.Args) (*plinthtest.Stack, *ecs.Service) {
	t.Helper()
	var s *ecs.Service
	stack := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		s, err = ecs.New(ctx, "api", args)
		return err
	}, plinthtest.WithStack("prod"))
	return stack, s
}

func TestTaskDefinition(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	td := s.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	td.Expect(t, map[string]any{
		"cpu": "512", "memory": "1024", "networkMode": "awsvpc", "requiresCompatibilities[0]": "FARGATE",
		"runtimePlatform.operatingSystemFamily": "LINUX",
	})
	var defs []ecs.ContainerDefinition
	if err := json.Unmarshal([]byte(td.String(t, "containerDefinitions")), &defs); err != nil {
		t.Fatalf("container definitions are not JSON: %v", err)
	}
	c := defs[0]
	if c.Image != image || c.User != "10001:10001" || c.Privileged || !c.ReadonlyRootFilesystem || !c.Essential {
		t.Fatalf("container = %+v", c)
	}
	if !slices.Equal(c.LinuxParameters.Capabilities.Drop, []string{"ALL"}) {
		t.Fatalf("capabilities = %+v", c.LinuxParameters)
	}
	if !reflect.DeepEqual(c.Environment, []ecs.KeyValue{{Name: "LOG_LEVEL", Value: "info"}}) {
		t.Fatalf("environment = %+v, want only the plain variable", c.Environment)
	}
	if !reflect.DeepEqual(c.Secrets, []ecs.Secret{{Name: "API_KEY", ValueFrom: apiParam}, {Name: "DB_PASSWORD", ValueFrom: dbSecret}}) {
		t.Fatalf("secrets = %+v, want valueFrom references only", c.Secrets)
	}
	if c.LogConfiguration.LogDriver != "awslogs" || c.LogConfiguration.Options["awslogs-group"] != "/plinth/plinth/prod/ecs/api" {
		t.Fatalf("logs = %+v", c.LogConfiguration)
	}
	if lg := s.One(t, "aws:cloudwatch/logGroup:LogGroup"); lg.Number(t, "retentionInDays") != 365 {
		t.Fatalf("prod log retention = %v", lg.Value(t, "retentionInDays"))
	}
	if cl := s.One(t, "aws:ecs/cluster:Cluster"); cl.String(t, "settings[0].name") != "containerInsights" || cl.String(t, "settings[0].value") != "enabled" {
		t.Fatalf("cluster = %s", cl.JSON())
	}
}

func TestIAM(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	doc, err := awsiam.Parse(s.Get(t, "aws:iam/rolePolicy:RolePolicy", "api-execution-policy").String(t, "policy"))
	if err != nil {
		t.Fatal(err)
	}
	if w := doc.WildcardActions(); len(w) != 0 {
		t.Fatalf("execution policy allows wildcard actions %v", w)
	}
	by := map[string]awsiam.Statement{}
	for _, st := range doc.Statement {
		by[st.Sid] = st
	}
	if got := by["Secrets"]; !slices.Equal(got.Action, []string{"secretsmanager:GetSecretValue"}) || !slices.Equal(got.Resource, []string{dbSecret, dbSecret + "-??????"}) {
		t.Fatalf("secrets statement = %+v, want exactly the listed secret", got)
	}
	if got := by["Parameters"]; !slices.Equal(got.Resource, []string{apiParam}) {
		t.Fatalf("parameters statement = %+v", got)
	}
	if got := by["Logs"]; !strings.HasPrefix(got.Resource[0], "arn:aws:logs:eu-west-1:123456789012:log-group:/plinth/plinth/prod/ecs/api") {
		t.Fatalf("logs statement = %+v", got)
	}
	for _, st := range doc.Statement {
		for _, r := range st.Resource {
			if r == "*" && st.Sid != "EcrAuth" {
				t.Errorf("statement %s allows every resource", st.Sid)
			}
		}
	}
	for _, a := range s.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		t.Errorf("the task role has attached policy %s without TaskPolicyARNs", a.String(t, "policyArn"))
	}
	for _, r := range s.ByType("aws:iam/role:Role") {
		trust, _ := awsiam.Parse(r.String(t, "assumeRolePolicy"))
		if trust.Statement[0].Principal["Service"] != "ecs-tasks.amazonaws.com" {
			t.Errorf("role %s trust = %+v", r.Name, trust)
		}
	}
}

func TestLoadBalancer(t *testing.T) {
	s, svc := deploy(t, prodArgs())
	alb := s.One(t, "aws:lb/loadBalancer:LoadBalancer")
	alb.Expect(t, map[string]any{
		"internal": false, "loadBalancerType": "application", "dropInvalidHeaderFields": true,
		"enableDeletionProtection": true, "desyncMitigationMode": "strictest", "subnets[0]": "subnet-0dddddddddddddddd",
	})
	if alb.Has("name") || s.One(t, "aws:lb/targetGroup:TargetGroup").Has("name") {
		t.Errorf("the load balancer or target group has a fixed name: a replacement could not be created first")
	}
	tg := s.One(t, "aws:lb/targetGroup:TargetGroup")
	if tg.String(t, "targetType") != "ip" || tg.String(t, "healthCheck.path") != "/health" || tg.String(t, "healthCheck.matcher") != "200-399" {
		t.Errorf("target group = %s", tg.JSON())
	}
	https := s.Get(t, listenerT, "api-https")
	if https.String(t, "protocol") != "HTTPS" || https.String(t, "sslPolicy") != ecs.DefaultSSLPolicy || https.String(t, "certificateArn") != cert {
		t.Errorf("HTTPS listener = %s", https.JSON())
	}
	http := s.Get(t, listenerT, "api-http")
	if http.String(t, "defaultActions[0].type") != "redirect" || http.String(t, "defaultActions[0].redirect.protocol") != "HTTPS" {
		t.Errorf("HTTP listener does not only redirect: %s", http.JSON())
	}
	if got := plinthtest.Await(t, svc.URL).Value.(string); !strings.HasPrefix(got, "https://") || !strings.HasSuffix(got, ".elb.amazonaws.com") {
		t.Errorf("URL = %q", got)
	}
}

func TestSecurityGroupsAndService(t *testing.T) {
	s, api := deploy(t, prodArgs())
	albSG := s.Get(t, "aws:ec2/securityGroup:SecurityGroup", "api-alb-sg")
	taskSG := s.Get(t, "aws:ec2/securityGroup:SecurityGroup", "api-tasks-sg")
	// What a program in another language wires to is an output.
	role := s.Get(t, "aws:iam/role:Role", "api-task-role")
	for name, c := range map[string]struct {
		out  pulumi.StringOutput
		want string
	}{
		"loadBalancerSecurityGroupId": {api.LoadBalancerSecurityGroupID, albSG.ID},
		"taskSecurityGroupId":         {api.TaskSecurityGroupID, taskSG.ID},
		"taskRoleName":                {api.TaskRoleName, role.Outputs["name"].StringValue()},
		"taskRoleArn":                 {api.TaskRoleARN, role.Outputs["arn"].StringValue()},
	} {
		if got := plinthtest.Await(t, c.out).Value; got == "" || got != c.want {
			t.Errorf("%s = %v, want %q", name, got, c.want)
		}
	}
	rules := map[string]map[string]any{}
	for _, r := range s.ByType(sgRule) {
		rules[r.Name] = r.Plain()
	}
	in := rules["api-tasks-in-alb"]
	if in["sourceSecurityGroupId"] != albSG.ID || in["fromPort"] != 8080.0 || in["securityGroupId"] != taskSG.ID {
		t.Fatalf("task ingress = %v, want only the ALB on 8080", in)
	}
	for name, r := range rules {
		if r["type"] == "ingress" && r["securityGroupId"] == taskSG.ID && name != "api-tasks-in-alb" {
			t.Errorf("extra task ingress %s = %v", name, r)
		}
	}
	svc := s.One(t, "aws:ecs/service:Service")
	svc.Expect(t, map[string]any{
		"launchType": "FARGATE", "platformVersion": "LATEST", "networkConfiguration.assignPublicIp": false,
		"deploymentCircuitBreaker.enable": true, "deploymentCircuitBreaker.rollback": true,
		"deploymentMinimumHealthyPercent": 100.0, "deploymentMaximumPercent": 200.0,
		"enableExecuteCommand": false, "desiredCount": 3.0, "healthCheckGracePeriodSeconds": 60.0,
	})
	if !slices.Equal(svc.IgnoreChanges, []string{"desiredCount"}) {
		t.Errorf("service ignoreChanges = %v", svc.IgnoreChanges)
	}
	tgt := s.One(t, "aws:appautoscaling/target:Target")
	if tgt.Number(t, "minCapacity") != 3 || tgt.Number(t, "maxCapacity") != 10 {
		t.Errorf("scaling target = %s", tgt.JSON())
	}
	var metrics []string
	for _, p := range s.ByType("aws:appautoscaling/policy:Policy") {
		metrics = append(metrics, p.String(t, "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	}
	slices.Sort(metrics)
	if !slices.Equal(metrics, []string{"ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"}) {
		t.Errorf("scaling metrics = %v", metrics)
	}
}

// TestValidZerosAndAllowancesAreHonoured: an explicit 0 that is valid is
// used rather than replaced by the default, and a variable allowed with a
// reason reaches the task.
func TestValidZerosAndAllowancesAreHonoured(t *testing.T) {
	a := prodArgs()
	a.HealthCheckGracePeriodSeconds, a.TargetMemoryPercent, a.RequestsPerTarget = new(0), new(0), new(0)
	a.Env = map[string]string{"CACHE_KEY": "sessions-v2"}
	a.AllowPlaintextEnv = map[string]string{"CACHE_KEY": "a key prefix in Redis, not a credential"}
	s, _ := deploy(t, a)
	svc := s.One(t, "aws:ecs/service:Service")
	if !svc.Has("healthCheckGracePeriodSeconds") || svc.Number(t, "healthCheckGracePeriodSeconds") != 0 {
		t.Errorf("grace period = %v, want 0", svc.Value(t, "healthCheckGracePeriodSeconds"))
	}
	var metrics []string
	for _, p := range s.ByType("aws:appautoscaling/policy:Policy") {
		metrics = append(metrics, p.String(t, "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	}
	if !slices.Equal(metrics, []string{"ECSServiceAverageCPUUtilization"}) {
		t.Errorf("scaling metrics = %v, want CPU only", metrics)
	}
	var defs []ecs.ContainerDefinition
	if err := json.Unmarshal([]byte(s.One(t, "aws:ecs/taskDefinition:TaskDefinition").String(t, "containerDefinitions")), &defs); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(defs[0].Environment); !strings.Contains(got, "CACHE_KEY") {
		t.Errorf("environment = %s, want CACHE_KEY", got)
	}
}

func TestInternalHTTPOnly(t *testing.T) {
	a := prodArgs()
	a.Tier = "dev"
	a.Public, a.AllowHTTP, a.CertificateARN = false, true, nil
	a.AllowedCIDRs = []string{"10.0.0.0/8"}
	s, svc := deploy(t, a)
	alb := s.One(t, "aws:lb/loadBalancer:LoadBalancer")
	if !alb.Bool(t, "internal") || alb.Bool(t, "enableDeletionProtection") || alb.String(t, "subnets[0]") != "subnet-0aaaaaaaaaaaaaaaa" {
		t.Fatalf("internal dev ALB = %s", alb.JSON())
	}
	if n := len(s.ByType(listenerT)); n != 1 {
		t.Fatalf("%d listeners, want the HTTP one only", n)
	}
	if s.One(t, listenerT).String(t, "defaultActions[0].type") != "forward" {
		t.Fatalf("allowed HTTP does not forward")
	}
	if got := plinthtest.Await(t, svc.URL).Value.(string); !strings.HasPrefix(got, "http://") {
		t.Fatalf("URL = %q", got)
	}
}

func TestBadInput(t *testing.T) {
	mod := func(f func(a *ecs.Args)) ecs.Args {
		a := prodArgs()
		f(&a)
		return a
	}
	tests := []struct {
		name, path, text string
		args             ecs.Args
	}{
		{"an invalid cpu/memory pair", "memory", "(512) is not valid with cpu 1024", mod(func(a *ecs.Args) { a.CPU, a.Memory = new(1024), new(512) })},
		{"an invalid cpu", "cpu", "(300) is not a Fargate CPU size", mod(func(a *ecs.Args) { a.CPU = new(300) })},
		{"min above max", "minTasks", "(5) is greater than maxTasks (2)", mod(func(a *ecs.Args) { a.MinTasks, a.MaxTasks = new(5), new(2) })},
		{"a secret-looking plain variable", "env.DB_PASSWORD", "holds a credential in the clear (its name says it holds a credential (password)): put it in Secrets Manager or SSM", mod(func(a *ecs.Args) {
			a.Env = map[string]string{"DB_PASSWORD": "hunter2"}
			a.Secrets = nil
		})},
		{"a key named by its vendor", "env.STRIPE_KEY", "its name says it holds a key", mod(func(a *ecs.Args) { a.Env = map[string]string{"STRIPE_KEY": "x"} })},
		{"a connection URL with a password", "env.DATABASE_URL", "it is a URL with a password in it", mod(func(a *ecs.Args) {
			a.Env = map[string]string{"DATABASE_URL": "postgres://app:s3cret@db.internal:5432/app"}
		})},
		{"an AWS access key under an innocent name", "env.UPLOADER", "its value is an AWS access key ID", mod(func(a *ecs.Args) { a.Env = map[string]string{"UPLOADER": "AKIAIOSFODNN7EXAMPLE"} })},
		{"a plaintext allowance without a reason", "allowPlaintextEnv.CACHE_KEY", "is empty: say why", mod(func(a *ecs.Args) {
			a.Env, a.AllowPlaintextEnv = map[string]string{"CACHE_KEY_X": "v1", "CACHE_KEY": "v1"}, map[string]string{"CACHE_KEY": " "}
		})},
		{"a plaintext allowance for no variable", "allowPlaintextEnv.OLD_TOKEN", "names no variable of env", mod(func(a *ecs.Args) { a.AllowPlaintextEnv = map[string]string{"OLD_TOKEN": "removed"} })},
		// An explicit zero is refused where it is invalid.
		{"a CPU target of 0", "targetCpuPercent", "(0) is outside 1–100", mod(func(a *ecs.Args) { a.TargetCPUPercent = new(0) })},
		{"zero tasks", "minTasks", "(0) is below 1", mod(func(a *ecs.Args) { a.MinTasks = new(0) })},
		{"cpu 0", "cpu", "(0) is not a Fargate CPU size", mod(func(a *ecs.Args) { a.CPU = new(0) })},
		{"port 0", "port", "(0) is not a valid port", mod(func(a *ecs.Args) { a.Port = new(0) })},
		{"a health check interval of 0", "healthCheck.intervalSeconds", "(0) is outside 5–300", mod(func(a *ecs.Args) { a.HealthCheck = &ecs.HealthCheckArgs{IntervalSeconds: new(0)} })},
		{"a log retention of 0", "logRetentionDays", "(0) would keep the logs forever", mod(func(a *ecs.Args) { a.LogRetentionDays = new(0) })},
		{"an egress range ending at port 0", "egress[0].toPort", "(0) is not a valid port", mod(func(a *ecs.Args) {
			a.Egress = []ecs.EgressArgs{{Description: "db", FromPort: 5432, ToPort: new(0), CIDRs: []string{"10.0.0.0/16"}}}
		})},
		{"a secret that is not an ARN", "secrets.DB_PASSWORD", `"prod/db" is not an ARN`, mod(func(a *ecs.Args) { a.Secrets = map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String("prod/db")} })},
		{"a JSON key without its stage and id fields", "secrets.DB_PASSWORD", "is not a Secrets Manager secret reference", mod(func(a *ecs.Args) {
			a.Secrets = map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String(dbSecret + ":password")}
		})},
		{"a KMS key given by id", "secretsKmsKeyArns[0]", "is not a KMS key ARN", mod(func(a *ecs.Args) { a.SecretsKMSKeyARNs = []pulumi.StringInput{pulumi.String("1234abcd")} })},
		{"a container health check that starts too late for ECS", "containerHealthCheck.startPeriodSeconds", "(600) is outside 0–300", mod(func(a *ecs.Args) {
			a.ContainerHealthCheck = &ecs.ContainerHealthCheckArgs{Command: []string{"true"}, StartPeriodSeconds: new(600)}
		})},
		{"a container health check without a command", "containerHealthCheck.command", "is empty", mod(func(a *ecs.Args) { a.ContainerHealthCheck = &ecs.ContainerHealthCheckArgs{} })},
		{"a service called internal", "name", `"internal-alb" starts with "internal-"`, mod(func(a *ecs.Args) {})},
		{"egress to nowhere", "egress[0]", "sets neither cidrs nor securityGroupId", mod(func(a *ecs.Args) { a.Egress = []ecs.EgressArgs{{Description: "db", FromPort: 5432}} })},
		{"no image", "image", "is not set", mod(func(a *ecs.Args) { a.Image = nil })},
		{"a port out of range", "port", "(70000) is not a valid port", mod(func(a *ecs.Args) { a.Port = new(70000) })},
		{"HTTPS without a certificate", "certificateArn", "is empty: the load balancer serves HTTPS only", mod(func(a *ecs.Args) { a.CertificateARN = nil })},
		{"a certificate that is not an ACM ARN", "certificateArn", "is not an ACM certificate ARN", mod(func(a *ecs.Args) { a.CertificateARN = pulumi.String("example.com") })},
		{"a health check path without a slash", "healthCheck.path", `"health" is not an absolute path`, mod(func(a *ecs.Args) { a.HealthCheck = &ecs.HealthCheckArgs{Path: "health"} })},
		{"a public ALB without CIDRs", "allowedCidrs", "is empty", mod(func(a *ecs.Args) { a.AllowedCIDRs = nil })},
		{"an internal ALB open to the world", "allowedCidrs[0]", "opens access to the whole internet", mod(func(a *ecs.Args) { a.Public = false })},
		{"root", "user", `"0:0" runs as root`, mod(func(a *ecs.Args) { a.User = "0:0" })},
		{"a weak TLS policy", "sslPolicy", `"ELBSecurityPolicy-2016-08" is not a TLS 1.2+ forward-secret policy`, mod(func(a *ecs.Args) { a.SSLPolicy = "ELBSecurityPolicy-2016-08" })},
		{"an unpinned image", "image", `uses the mutable tag "latest"`, mod(func(a *ecs.Args) { a.Image = pulumi.String("registry.example.com/acme/api:latest") })},
		{"admin on the task role", "taskPolicyArns[0]", "gives every permission", mod(func(a *ecs.Args) {
			a.TaskPolicyARNs = []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/AdministratorAccess")}
		})},
		{"a timeout longer than the interval", "healthCheck.timeoutSeconds", "(20) is not below intervalSeconds (15)", mod(func(a *ecs.Args) { a.HealthCheck = &ecs.HealthCheckArgs{TimeoutSeconds: new(20)} })},
		{"a public ALB without public subnets", "publicSubnetIds", "is not set", mod(func(a *ecs.Args) { a.PublicSubnetIDs = nil })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "api"
			if tt.name == "a service called internal" {
				name = "internal"
			}
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := ecs.New(ctx, name, tt.args)
				return err
			})
			if err == nil || len(s.Resources) != 0 {
				t.Fatalf("err = %v, registered %d", err, len(s.Resources))
			}
			plinthtest.RequireProblem(t, tt.args.Validate(name), fmt.Sprintf("ecs %q: ", name), tt.path, tt.text)
		})
	}
}

// TestOutputsFlowIn passes the image and the certificate as outputs of
// other resources (a stack reference, a build): a good image deploys, a
// bad one fails the run naming the field, as a literal would.
func TestOutputsFlowIn(t *testing.T) {
	run := func(img string) (*plinthtest.Stack, error) {
		return plinthtest.RunErr(func(ctx *pulumi.Context) error {
			ref, err := pulumi.NewStackReference(ctx, "acme/build/main", nil)
			if err != nil {
				return err
			}
			a := prodArgs()
			a.Image = ref.GetStringOutput(pulumi.String("image"))
			a.CertificateARN = ref.GetStringOutput(pulumi.String("certificateArn"))
			_, err = ecs.New(ctx, "api", a)
			return err
		}, plinthtest.WithStackReference("acme/build/main", map[string]any{"image": img, "certificateArn": cert}))
	}
	s, err := run("registry.example.com/acme/api@sha256:" + strings.Repeat("a", 64))
	if err != nil {
		t.Fatalf("a good image from an output failed: %v", err)
	}
	var defs []ecs.ContainerDefinition
	_ = json.Unmarshal([]byte(s.One(t, "aws:ecs/taskDefinition:TaskDefinition").String(t, "containerDefinitions")), &defs)
	if !strings.HasSuffix(defs[0].Image, "@sha256:"+strings.Repeat("a", 64)) {
		t.Fatalf("image = %q", defs[0].Image)
	}
	if s.Get(t, listenerT, "api-https").String(t, "certificateArn") != cert {
		t.Fatalf("the certificate from an output is not on the listener")
	}
	_, err = run("registry.example.com/acme/api:latest")
	if err == nil || !strings.Contains(err.Error(), `ecs "api": image: "registry.example.com/acme/api:latest" uses the mutable tag "latest"`) {
		t.Fatalf("a bad image from an output: err = %v, want the field-naming message", err)
	}
}

func TestSecretReferences(t *testing.T) {
	a := prodArgs()
	const partial = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/token"
	const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	a.Secrets = map[string]pulumi.StringInput{
		"DB_PASSWORD": pulumi.String(dbSecret + ":password::"),
		"TOKEN":       pulumi.String(partial),
	}
	a.SecretsKMSKeyARNs = []pulumi.StringInput{pulumi.String(key)}
	s, _ := deploy(t, a)
	doc, _ := awsiam.Parse(s.Get(t, "aws:iam/rolePolicy:RolePolicy", "api-execution-policy").String(t, "policy"))
	for _, want := range []struct{ action, resource string }{
		{"secretsmanager:GetSecretValue", dbSecret},
		{"secretsmanager:GetSecretValue", partial + "-Zz9Yy8"},
		{"kms:Decrypt", key},
	} {
		if !doc.Allows(want.action, want.resource) {
			t.Errorf("the execution role may not %s on %s: %+v", want.action, want.resource, doc)
		}
	}
	if doc.Allows("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/other") {
		t.Errorf("the execution role may decrypt with any key")
	}
	td := s.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	if !strings.Contains(td.String(t, "containerDefinitions"), dbSecret+":password::") {
		t.Errorf("the JSON key is not passed to ECS")
	}
	if ep := s.Get(t, "aws:iam/rolePolicy:RolePolicy", "api-execution-policy"); !slices.Contains(td.Dependencies, ep.URN) {
		t.Errorf("the task definition does not wait for its execution role's policy")
	}
}

func TestContainerHealthCheck(t *testing.T) {
	a := prodArgs()
	a.ContainerHealthCheck = &ecs.ContainerHealthCheckArgs{Command: []string{"curl -fs http://localhost:8080/health"}}
	a.HealthCheckGracePeriodSeconds = new(900) // the service's grace may exceed the container's 300
	s, _ := deploy(t, a)
	var defs []ecs.ContainerDefinition
	_ = json.Unmarshal([]byte(s.One(t, "aws:ecs/taskDefinition:TaskDefinition").String(t, "containerDefinitions")), &defs)
	if hc := defs[0].HealthCheck; hc == nil || hc.StartPeriod != 60 || hc.Interval != 30 || hc.Timeout != 5 || hc.Retries != 3 || hc.Command[0] != "CMD-SHELL" {
		t.Fatalf("health check = %+v", hc)
	}
}

// TestTasksReachADatabase composes the service with a database's security
// group: a rule admits the tasks' group, and the tasks may reach it.
func TestTasksReachADatabase(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		db, err := ec2.NewSecurityGroup(ctx, "db", &ec2.SecurityGroupArgs{VpcId: pulumi.String("vpc-0123456789abcdef0")})
		if err != nil {
			return err
		}
		a := prodArgs()
		a.Egress = []ecs.EgressArgs{
			{Description: "HTTPS", FromPort: 443, CIDRs: []string{"0.0.0.0/0"}},
			{Description: "PostgreSQL", FromPort: 5432, SecurityGroupID: db.ID()},
		}
		svc, err := ecs.New(ctx, "api", a)
		if err != nil {
			return err
		}
		_, err = ec2.NewSecurityGroupRule(ctx, "db-from-api", &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("ingress"), Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432),
			SecurityGroupId: db.ID(), SourceSecurityGroupId: svc.TaskSecurityGroupID,
		})
		return err
	})
	tasks := s.Get(t, "aws:ec2/securityGroup:SecurityGroup", "api-tasks-sg")
	db := s.Get(t, "aws:ec2/securityGroup:SecurityGroup", "db")
	s.Get(t, sgRule, "db-from-api").Expect(t, map[string]any{"sourceSecurityGroupId": tasks.ID, "securityGroupId": db.ID})
	s.Get(t, sgRule, "api-tasks-out-1").Expect(t, map[string]any{"type": "egress", "fromPort": 5432.0, "toPort": 5432.0, "sourceSecurityGroupId": db.ID})
	s.Get(t, sgRule, "api-tasks-out-0").Expect(t, map[string]any{"fromPort": 443.0, "cidrBlocks[0]": "0.0.0.0/0"})
}

func TestDeployable(t *testing.T) {
	s, _ := deploy(t, prodArgs())
	rep := policy.Evaluate(policy.DeployabilityRules(), s.PolicyResources(), policy.Context{Tier: "prod"}, nil)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
}
