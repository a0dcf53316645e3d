package ecs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awsecs "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/lookup"
	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/awsid"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:aws:EcsService"

// Service is a Fargate service behind an Application Load Balancer.
type Service struct {
	pulumi.ResourceState

	// ServiceName is the ECS service name.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// ALBDNSName is the load balancer's DNS name.
	ALBDNSName pulumi.StringOutput `pulumi:"albDnsName"`
	// URL is https://<ALB DNS name> (http:// with AllowHTTP).
	URL pulumi.StringOutput `pulumi:"url"`
	// TargetGroupARN is the target group's ARN.
	TargetGroupARN pulumi.StringOutput `pulumi:"targetGroupArn"`
	// LogGroupName is the container log group.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// TaskSecurityGroupID is the tasks' security group: admit it where the
	// tasks connect (a database's security group).
	TaskSecurityGroupID pulumi.StringOutput `pulumi:"taskSecurityGroupId"`
	// LoadBalancerSecurityGroupID is the load balancer's security group:
	// admit it where the load balancer must reach (another target).
	LoadBalancerSecurityGroupID pulumi.StringOutput `pulumi:"loadBalancerSecurityGroupId"`
	// TaskRoleName is the name of the role the application runs as:
	// attach the policies it needs to it (an IAM role policy attachment
	// takes the name).
	TaskRoleName pulumi.StringOutput `pulumi:"taskRoleName"`
	// TaskRoleARN is the ARN of the role the application runs as: name it
	// in resource policies (a bucket's, a key's).
	TaskRoleARN pulumi.StringOutput `pulumi:"taskRoleArn"`

	// Cluster is the ECS cluster created (nil with Args.ClusterARN).
	Cluster *awsecs.Cluster
	// TaskDefinition is the task definition.
	TaskDefinition *awsecs.TaskDefinition
	// Service is the ECS service.
	Service *awsecs.Service
	// LoadBalancer is the ALB.
	LoadBalancer *lb.LoadBalancer
	// TaskRole is the role the application runs as (no permissions unless
	// TaskPolicyARNs are given); attach more policies to it.
	TaskRole *iam.Role
	// TaskSecurityGroup holds the tasks: it admits the load balancer on
	// Port and lets the tasks reach only Args.Egress.
	TaskSecurityGroup *ec2.SecurityGroup
	// LoadBalancerSecurityGroup holds the load balancer.
	LoadBalancerSecurityGroup *ec2.SecurityGroup
}

// ContainerDefinition is the container of the task, as ECS reads it from
// the task definition's JSON; its fields and the types below mirror the
// ECS container definition fields of the same JSON names.
type ContainerDefinition struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	Essential              bool              `json:"essential"`
	User                   string            `json:"user"`
	Privileged             bool              `json:"privileged"`
	ReadonlyRootFilesystem bool              `json:"readonlyRootFilesystem"`
	PortMappings           []PortMapping     `json:"portMappings"`
	Environment            []KeyValue        `json:"environment"`
	Secrets                []Secret          `json:"secrets"`
	LogConfiguration       LogConfiguration  `json:"logConfiguration"`
	HealthCheck            *HealthCheck      `json:"healthCheck,omitempty"`
	LinuxParameters        *LinuxParameters  `json:"linuxParameters,omitempty"`
	DockerLabels           map[string]string `json:"dockerLabels,omitempty"`
}

// PortMapping maps a container port.
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	Name          string `json:"name"`
}

// KeyValue is a plain environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable read from Secrets Manager or SSM.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// LogConfiguration sends logs to CloudWatch.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// HealthCheck is the container health check.
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// LinuxParameters drop every Linux capability.
type LinuxParameters struct {
	Capabilities struct {
		Drop []string `json:"drop"`
	} `json:"capabilities"`
	InitProcessEnabled bool `json:"initProcessEnabled"`
}

// New creates a Fargate service called name. Arguments are validated
// before anything is registered (outputs of other resources when they
// resolve), and the region and partition looked up with the AWS provider
// the options give, or the parent passes down.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Service, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	invoke, err := lookup.AWS(opts...)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, invoke...)
	if err != nil {
		return nil, fmt.Errorf("ecs %q: look up the region: %w", name, err)
	}
	part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, invoke...)
	if err != nil {
		return nil, fmt.Errorf("ecs %q: look up the partition: %w", name, err)
	}
	s := &Service{}
	if err := ctx.RegisterComponentResource(TypeToken, name, s, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, s: s, a: a, name: name, region: region.Name, partition: part.Partition,
		opts: []pulumi.ResourceOption{pulumi.Parent(s)},
		tags: naming.Merge(a.Tags, naming.Tags(naming.TagInput{Project: ctx.Project(), Stack: ctx.Stack(), Environment: ctx.Stack()})),
		in:   a.resolve(name),
	}
	for _, step := range []func() error{b.cluster, b.logs, b.roles, b.task, b.network, b.loadBalancer, b.service, b.autoscaling} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"serviceName": s.ServiceName, "albDnsName": s.ALBDNSName, "url": s.URL,
		"targetGroupArn": s.TargetGroupARN, "logGroupName": s.LogGroupName, "taskSecurityGroupId": s.TaskSecurityGroupID,
		"loadBalancerSecurityGroupId": s.LoadBalancerSecurityGroupID, "taskRoleName": s.TaskRoleName, "taskRoleArn": s.TaskRoleARN,
	})
}

// inputs are the Args fields that may come from other resources, each
// checked when it resolves with the check Validate runs on a literal.
type inputs struct {
	image       pulumi.StringOutput
	vpc         pulumi.StringOutput
	private     pulumi.StringArrayOutput
	public      pulumi.StringArrayOutput
	groups      map[int]pulumi.StringOutput // egress[i].securityGroupId
	cluster     pulumi.StringOutput
	logKey      pulumi.StringOutput
	secrets     map[string]pulumi.StringOutput
	kmsKeys     []pulumi.StringOutput
	certificate pulumi.StringOutput
	bucket      pulumi.StringOutput
	policies    []pulumi.StringOutput
}

func (a Args) resolve(name string) inputs {
	prefix := fmt.Sprintf("ecs %q: ", name)
	in := inputs{
		image:   problem.Resolved(prefix, "image", a.Image, checkImage),
		vpc:     problem.Resolved(prefix, "vpcId", a.VPCID, awsid.CheckVPC),
		private: problem.ResolvedArray(prefix, "privateSubnetIds", a.PrivateSubnetIDs, awsid.CheckSubnet),
		secrets: map[string]pulumi.StringOutput{}, groups: map[int]pulumi.StringOutput{},
	}
	if a.PublicSubnetIDs != nil {
		in.public = problem.ResolvedArray(prefix, "publicSubnetIds", a.PublicSubnetIDs, awsid.CheckSubnet)
	}
	for i, e := range a.Egress {
		if e.SecurityGroupID != nil {
			in.groups[i] = problem.Resolved(prefix, fmt.Sprintf("egress[%d].securityGroupId", i), e.SecurityGroupID, awsid.CheckSecurityGroup)
		}
	}
	for k, v := range a.Secrets {
		in.secrets[k] = problem.Resolved(prefix, "secrets."+k, v, checkSecretRef)
	}
	for i, k := range a.SecretsKMSKeyARNs {
		in.kmsKeys = append(in.kmsKeys, problem.Resolved(prefix, fmt.Sprintf("secretsKmsKeyArns[%d]", i), k, awsiam.CheckKMSKeyARN))
	}
	if a.ClusterARN != nil {
		in.cluster = problem.Resolved(prefix, "clusterArn", a.ClusterARN, awsiam.CheckECSClusterARN)
	}
	if a.LogKMSKeyARN != nil {
		in.logKey = problem.Resolved(prefix, "logKmsKeyArn", a.LogKMSKeyARN, awsiam.CheckKMSKeyARN)
	}
	if a.CertificateARN != nil {
		in.certificate = problem.Resolved(prefix, "certificateArn", a.CertificateARN, awsiam.CheckCertificateARN)
	}
	if a.AccessLogsBucket != nil {
		in.bucket = problem.Resolved(prefix, "accessLogsBucket", a.AccessLogsBucket, checkBucket)
	}
	for i, p := range a.TaskPolicyARNs {
		in.policies = append(in.policies, problem.Resolved(prefix, fmt.Sprintf("taskPolicyArns[%d]", i), p, awsiam.CheckPolicyARN))
	}
	return in
}

type builder struct {
	ctx               *pulumi.Context
	s                 *Service
	a                 Args
	name              string
	region, partition string
	opts              []pulumi.ResourceOption
	tags              map[string]string
	in                inputs

	clusterARN, clusterName pulumi.StringOutput
	logGroup                *cloudwatch.LogGroup
	execRole                *iam.Role
	execPolicy              *iam.RolePolicy
	taskPolicies            []pulumi.Resource
	albSG, taskSG           *ec2.SecurityGroup
	targetGroup             *lb.TargetGroup
	listeners               []pulumi.Resource
}

func (b *builder) child(kind string) string { return naming.Child(b.name, kind) }

// physical is a physical name: project, stack, service name and kind, so
// two projects (or stacks) in one account do not collide.
func (b *builder) physical(max int, kind string) string {
	return naming.Physical(max, b.ctx.Project(), b.ctx.Stack(), b.name, kind)
}

func (b *builder) cluster() error {
	if b.a.ClusterARN != nil {
		b.clusterARN = b.in.cluster
		b.clusterName = b.clusterARN.ApplyT(awsiam.ResourceName).(pulumi.StringOutput)
		return nil
	}
	c, err := awsecs.NewCluster(b.ctx, b.child("cluster"), &awsecs.ClusterArgs{
		Name:     pulumi.String(b.physical(255, "")),
		Settings: awsecs.ClusterSettingArray{&awsecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		Tags:     pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.s.Cluster = c
	b.clusterARN, b.clusterName = c.Arn, c.Name
	return nil
}

func (b *builder) logs() error {
	args := &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/plinth/%s/%s/ecs/%s", b.ctx.Project(), b.ctx.Stack(), b.name),
		RetentionInDays: pulumi.Int(*b.a.LogRetentionDays),
		Tags:            pulumi.ToStringMap(b.tags),
	}
	if b.a.LogKMSKeyARN != nil {
		args.KmsKeyId = b.in.logKey
	}
	g, err := cloudwatch.NewLogGroup(b.ctx, b.child("logs"), args, b.opts...)
	if err != nil {
		return err
	}
	b.logGroup = g
	b.s.LogGroupName = g.Name
	return nil
}

// roles creates the execution role (pull images, write logs, read exactly
// the listed secrets) and the task role (nothing unless policies are
// attached).
func (b *builder) roles() error {
	exec, err := iam.NewRole(b.ctx, b.child("execution-role"), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(awsiam.AssumeRoleForService("ecs-tasks.amazonaws.com").JSON()),
		Tags:             pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.execRole = exec
	// The policy is built from the resolved secret references: IAM names a
	// secret by its full ARN, so partial ARNs get the suffix wildcard, and a
	// JSON key is not part of the resource (awsiam.SecretRef).
	keys := slices.Sorted(maps.Keys(b.in.secrets))
	parts := []any{b.logGroup.Arn}
	for _, k := range keys {
		parts = append(parts, b.in.secrets[k])
	}
	for _, k := range b.in.kmsKeys {
		parts = append(parts, k)
	}
	policy := pulumi.All(parts...).ApplyT(func(v []any) (string, error) {
		logArn := v[0].(string)
		var secretARNs, ssmARNs, keyARNs []string
		for i := range keys {
			ref, err := awsiam.ParseSecretRef(v[1+i].(string))
			if err != nil {
				return "", err
			}
			if ref.Service == "ssm" {
				ssmARNs = append(ssmARNs, ref.IAMResources()...)
			} else {
				secretARNs = append(secretARNs, ref.IAMResources()...)
			}
		}
		for _, k := range v[1+len(keys):] {
			keyARNs = append(keyARNs, k.(string))
		}
		sts := []awsiam.Statement{
			// GetAuthorizationToken cannot be scoped to a repository.
			awsiam.Allow("EcrAuth", []string{"ecr:GetAuthorizationToken"}, "*"),
			awsiam.Allow("EcrPull", []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
				fmt.Sprintf("arn:%s:ecr:%s:*:repository/*", b.partition, b.region)),
			awsiam.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logArn+":*"),
		}
		if len(secretARNs) > 0 {
			sts = append(sts, awsiam.Allow("Secrets", []string{"secretsmanager:GetSecretValue"}, secretARNs...))
		}
		if len(ssmARNs) > 0 {
			sts = append(sts, awsiam.Allow("Parameters", []string{"ssm:GetParameters"}, ssmARNs...))
		}
		if len(keyARNs) > 0 {
			// Secrets under a customer key are decrypted with the caller's
			// permission on the key.
			sts = append(sts, awsiam.Allow("DecryptSecrets", []string{"kms:Decrypt"}, keyARNs...))
		}
		return awsiam.New(sts...).JSON(), nil
	}).(pulumi.StringOutput)
	if b.execPolicy, err = iam.NewRolePolicy(b.ctx, b.child("execution-policy"), &iam.RolePolicyArgs{Role: exec.ID(), Policy: policy}, b.opts...); err != nil {
		return err
	}
	task, err := iam.NewRole(b.ctx, b.child("task-role"), &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(awsiam.AssumeRoleForService("ecs-tasks.amazonaws.com").JSON()),
		Tags:             pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	for i, arn := range b.in.policies {
		att, err := iam.NewRolePolicyAttachment(b.ctx, fmt.Sprintf("%s-%d", b.child("task-role"), i), &iam.RolePolicyAttachmentArgs{
			Role: task.Name, PolicyArn: arn,
		}, b.opts...)
		if err != nil {
			return err
		}
		b.taskPolicies = append(b.taskPolicies, att)
	}
	b.s.TaskRole = task
	b.s.TaskRoleName, b.s.TaskRoleARN = task.Name, task.Arn
	return nil
}

// ContainerDefinitions returns the task's container definitions as JSON:
// non-root, read-only root filesystem, not privileged, every capability
// dropped, secrets only as valueFrom, logs to CloudWatch. image and
// secrets are the resolved Image and Secrets.
func (a Args) ContainerDefinitions(name, image string, secrets map[string]string, logGroup, region string) (string, error) {
	a = a.Defaults()
	c := ContainerDefinition{
		Name: name, Image: image, Essential: true, User: a.User,
		Privileged: false, ReadonlyRootFilesystem: true,
		PortMappings: []PortMapping{{ContainerPort: *a.Port, Protocol: "tcp", Name: "http"}},
		Environment:  []KeyValue{},
		Secrets:      []Secret{},
		LogConfiguration: LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": name,
		}},
		LinuxParameters: &LinuxParameters{InitProcessEnabled: true},
	}
	c.LinuxParameters.Capabilities.Drop = []string{"ALL"}
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		c.Environment = append(c.Environment, KeyValue{Name: k, Value: a.Env[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(secrets)) {
		c.Secrets = append(c.Secrets, Secret{Name: k, ValueFrom: secrets[k]})
	}
	if h := a.ContainerHealthCheck; h != nil {
		c.HealthCheck = &HealthCheck{Command: append([]string{"CMD-SHELL"}, h.Command...),
			Interval: *h.IntervalSeconds, Timeout: *h.TimeoutSeconds, Retries: *h.Retries, StartPeriod: *h.StartPeriodSeconds}
	}
	out, err := json.Marshal([]ContainerDefinition{c})
	return string(out), err
}

func (b *builder) task() error {
	keys := slices.Sorted(maps.Keys(b.in.secrets))
	parts := []any{b.logGroup.Name, b.in.image}
	for _, k := range keys {
		parts = append(parts, b.in.secrets[k])
	}
	defs := pulumi.All(parts...).ApplyT(func(v []any) (string, error) {
		secrets := map[string]string{}
		for i, k := range keys {
			secrets[k] = v[2+i].(string)
		}
		return b.a.ContainerDefinitions(b.name, v[1].(string), secrets, v[0].(string), b.region)
	}).(pulumi.StringOutput)
	td, err := awsecs.NewTaskDefinition(b.ctx, b.child("task"), &awsecs.TaskDefinitionArgs{
		Family:                  pulumi.String(b.physical(255, "")),
		Cpu:                     pulumi.String(strconv.Itoa(*b.a.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(*b.a.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: &awsecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(b.a.CPUArchitecture),
		},
		ExecutionRoleArn:     b.execRole.Arn,
		TaskRoleArn:          b.s.TaskRole.Arn,
		ContainerDefinitions: defs,
		Tags:                 pulumi.ToStringMap(b.tags),
		// Tasks start with the roles' permissions in place, and stop before
		// the permissions go.
	}, append(b.opts, pulumi.DependsOn(append([]pulumi.Resource{b.execPolicy}, b.taskPolicies...)))...)
	if err != nil {
		return err
	}
	b.s.TaskDefinition = td
	return nil
}

// network creates the security groups: the ALB accepts its listener ports
// from the allowed blocks and talks only to the tasks; the tasks accept
// only the ALB and reach out only to Args.Egress (by default HTTPS:
// images, secrets, AWS APIs).
func (b *builder) network() error {
	sg := func(kind, desc string) (*ec2.SecurityGroup, error) {
		return ec2.NewSecurityGroup(b.ctx, b.child(kind), &ec2.SecurityGroupArgs{
			VpcId: b.in.vpc, Description: pulumi.String(desc),
			Tags: pulumi.ToStringMap(naming.Merge(b.tags, map[string]string{"Name": b.physical(255, kind)})),
		}, b.opts...)
	}
	var err error
	if b.albSG, err = sg("alb-sg", "plinth: load balancer of "+b.name); err != nil {
		return err
	}
	if b.taskSG, err = sg("tasks-sg", "plinth: tasks of "+b.name); err != nil {
		return err
	}
	rule := func(kind string, args *ec2.SecurityGroupRuleArgs) error {
		args.Protocol = pulumi.String("tcp")
		_, err := ec2.NewSecurityGroupRule(b.ctx, b.child(kind), args, b.opts...)
		return err
	}
	ports := []int{443, 80}
	for _, port := range ports {
		if err := rule(fmt.Sprintf("alb-in-%d", port), &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("ingress"), SecurityGroupId: b.albSG.ID(), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
			CidrBlocks: pulumi.ToStringArray(b.a.AllowedCIDRs), Description: pulumi.String("clients"),
		}); err != nil {
			return err
		}
	}
	if err := rule("alb-out-tasks", &ec2.SecurityGroupRuleArgs{
		Type: pulumi.String("egress"), SecurityGroupId: b.albSG.ID(), FromPort: pulumi.Int(*b.a.Port), ToPort: pulumi.Int(*b.a.Port),
		SourceSecurityGroupId: b.taskSG.ID(), Description: pulumi.String("to the tasks"),
	}); err != nil {
		return err
	}
	if err := rule("tasks-in-alb", &ec2.SecurityGroupRuleArgs{
		Type: pulumi.String("ingress"), SecurityGroupId: b.taskSG.ID(), FromPort: pulumi.Int(*b.a.Port), ToPort: pulumi.Int(*b.a.Port),
		SourceSecurityGroupId: b.albSG.ID(), Description: pulumi.String("from the load balancer only"),
	}); err != nil {
		return err
	}
	b.s.TaskSecurityGroup, b.s.LoadBalancerSecurityGroup = b.taskSG, b.albSG
	b.s.TaskSecurityGroupID = b.taskSG.ID().ToStringOutput()
	b.s.LoadBalancerSecurityGroupID = b.albSG.ID().ToStringOutput()
	egress := b.a.Egress
	if len(egress) == 0 {
		egress = []EgressArgs{{Description: "HTTPS out: images, secrets, AWS APIs", FromPort: 443, CIDRs: []string{"0.0.0.0/0"}}}
	}
	for i, e := range egress {
		args := &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("egress"), SecurityGroupId: b.taskSG.ID(), Description: pulumi.String(e.Description),
			FromPort: pulumi.Int(e.FromPort), ToPort: pulumi.Int(*ptr.Or(e.ToPort, e.FromPort)),
		}
		if e.SecurityGroupID != nil {
			args.SourceSecurityGroupId = b.in.groups[i]
		} else {
			args.CidrBlocks = pulumi.ToStringArray(e.CIDRs)
		}
		kind := "tasks-out-https"
		if i > 0 || len(b.a.Egress) > 0 {
			kind = fmt.Sprintf("tasks-out-%d", i)
		}
		if err := rule(kind, args); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) loadBalancer() error {
	a := b.a
	subnets := b.in.private
	if a.Public {
		subnets = b.in.public
	}
	// Neither the load balancer nor the target group is named: Pulumi
	// names them "<name>-alb-<random>" and "<name>-tg-<random>", so a
	// change that replaces one (the target group's port) creates the new
	// one before it deletes the old, which a fixed name would forbid.
	args := &lb.LoadBalancerArgs{
		Internal:                 pulumi.Bool(!a.Public),
		LoadBalancerType:         pulumi.String("application"),
		SecurityGroups:           pulumi.StringArray{b.albSG.ID()},
		Subnets:                  subnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("strictest"),
		EnableDeletionProtection: pulumi.Bool(*a.DeletionProtection),
		Tags:                     pulumi.ToStringMap(b.tags),
	}
	if a.AccessLogsBucket != nil {
		args.AccessLogs = &lb.LoadBalancerAccessLogsArgs{Bucket: b.in.bucket, Enabled: pulumi.Bool(true), Prefix: pulumi.String(b.name)}
	}
	alb, err := lb.NewLoadBalancer(b.ctx, b.child("alb"), args, b.opts...)
	if err != nil {
		return err
	}
	b.s.LoadBalancer = alb
	h := a.HealthCheck
	tg, err := lb.NewTargetGroup(b.ctx, b.child("tg"), &lb.TargetGroupArgs{
		Port:                pulumi.Int(*a.Port),
		Protocol:            pulumi.String("HTTP"),
		TargetType:          pulumi.String("ip"),
		VpcId:               b.in.vpc,
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Path: pulumi.String(h.Path), Matcher: pulumi.String(h.Matcher), Protocol: pulumi.String("HTTP"),
			Interval: pulumi.Int(*h.IntervalSeconds), Timeout: pulumi.Int(*h.TimeoutSeconds),
			HealthyThreshold: pulumi.Int(*h.HealthyThreshold), UnhealthyThreshold: pulumi.Int(*h.UnhealthyThreshold),
		},
		Tags: pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.targetGroup = tg
	forward := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}}
	if a.CertificateARN != nil {
		https, err := lb.NewListener(b.ctx, b.child("https"), &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn, Port: pulumi.Int(443), Protocol: pulumi.String("HTTPS"),
			CertificateArn: b.in.certificate, SslPolicy: pulumi.String(a.SSLPolicy),
			DefaultActions: forward, Tags: pulumi.ToStringMap(b.tags),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.listeners = append(b.listeners, https)
	}
	httpAction := forward
	if !a.AllowHTTP {
		// Plain HTTP only redirects (CKV2_AWS_20, AWS-0054).
		httpAction = lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301"),
			},
		}}
	}
	http, err := lb.NewListener(b.ctx, b.child("http"), &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn, Port: pulumi.Int(80), Protocol: pulumi.String("HTTP"),
		DefaultActions: httpAction, Tags: pulumi.ToStringMap(b.tags),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.listeners = append(b.listeners, http)
	b.s.ALBDNSName = alb.DnsName
	b.s.TargetGroupARN = tg.Arn
	scheme := "https"
	if a.CertificateARN == nil {
		scheme = "http"
	}
	b.s.URL = pulumi.Sprintf("%s://%s", scheme, alb.DnsName)
	return nil
}

func (b *builder) service() error {
	a := b.a
	svc, err := awsecs.NewService(b.ctx, b.child("service"), &awsecs.ServiceArgs{
		Name:            pulumi.String(b.name),
		Cluster:         b.clusterARN,
		TaskDefinition:  b.s.TaskDefinition.Arn,
		DesiredCount:    pulumi.Int(*a.MinTasks),
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String("LATEST"),
		NetworkConfiguration: &awsecs.ServiceNetworkConfigurationArgs{
			Subnets: b.in.private, SecurityGroups: pulumi.StringArray{b.taskSG.ID()}, AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: awsecs.ServiceLoadBalancerArray{&awsecs.ServiceLoadBalancerArgs{
			TargetGroupArn: b.targetGroup.Arn, ContainerName: pulumi.String(b.name), ContainerPort: pulumi.Int(*a.Port),
		}},
		DeploymentCircuitBreaker:        &awsecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		HealthCheckGracePeriodSeconds:   pulumi.Int(*a.HealthCheckGracePeriodSeconds),
		EnableExecuteCommand:            pulumi.Bool(a.EnableExecuteCommand),
		EnableEcsManagedTags:            pulumi.Bool(true),
		PropagateTags:                   pulumi.String("SERVICE"),
		Tags:                            pulumi.ToStringMap(b.tags),
	}, append(b.opts,
		// Autoscaling owns the task count after creation.
		pulumi.IgnoreChanges([]string{"desiredCount"}),
		pulumi.DependsOn(b.listeners))...)
	if err != nil {
		return err
	}
	b.s.Service = svc
	b.s.ServiceName = svc.Name
	return nil
}

// autoscaling tracks CPU, memory and requests per task between MinTasks
// and MaxTasks.
func (b *builder) autoscaling() error {
	a := b.a
	target, err := appautoscaling.NewTarget(b.ctx, b.child("scaling"), &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", b.clusterName, b.s.Service.Name),
		MinCapacity:       pulumi.Int(*a.MinTasks),
		MaxCapacity:       pulumi.Int(*a.MaxTasks),
	}, b.opts...)
	if err != nil {
		return err
	}
	policy := func(kind, metric string, value int, label pulumi.StringInput) error {
		spec := &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String(metric),
		}
		if label != nil {
			spec.ResourceLabel = label
		}
		_, err := appautoscaling.NewPolicy(b.ctx, b.child("scale-"+kind), &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ResourceId:        target.ResourceId,
			ScalableDimension: target.ScalableDimension,
			ServiceNamespace:  target.ServiceNamespace,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue:                   pulumi.Float64(float64(value)),
				PredefinedMetricSpecification: spec,
				ScaleInCooldown:               pulumi.Int(300),
				ScaleOutCooldown:              pulumi.Int(60),
			},
		}, b.opts...)
		return err
	}
	if err := policy("cpu", "ECSServiceAverageCPUUtilization", *a.TargetCPUPercent, nil); err != nil {
		return err
	}
	if *a.TargetMemoryPercent > 0 {
		if err := policy("memory", "ECSServiceAverageMemoryUtilization", *a.TargetMemoryPercent, nil); err != nil {
			return err
		}
	}
	if *a.RequestsPerTarget == 0 {
		return nil
	}
	label := pulumi.Sprintf("%s/%s", b.s.LoadBalancer.ArnSuffix, b.targetGroup.ArnSuffix)
	return policy("requests", "ALBRequestCountPerTarget", *a.RequestsPerTarget, label)
}
