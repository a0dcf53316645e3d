// Package ecs runs a container on ECS Fargate behind an Application Load
// Balancer, with autoscaling built in, the health check configurable, the
// deployment circuit breaker on and nothing open to the world by default:
//
//	api, err := ecs.New(ctx, "api", ecs.Args{
//		VPCID:            network.VPCID,
//		PrivateSubnetIDs: network.PrivateSubnetIDs,
//		Image:            pulumi.Sprintf("%s:2.0.1", repo.RepositoryUrl), // an Output
//		CertificateARN:   cert.Arn,
//		AllowedCIDRs:     []string{"10.0.0.0/8"},
//		Secrets:          map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String("arn:aws:secretsmanager:…")},
//	})
//
// Image, ARNs, ids and the access-log bucket are Pulumi inputs: literals
// are validated before anything is registered, outputs when they resolve
// (a bad value fails the update with the same message).
//
// It registers a component of type plinth:aws:EcsService with these
// children (logical names in brackets):
//
//   - ECS cluster with Container Insights [<name>-cluster] (unless ClusterARN is given)
//   - log group [<name>-logs]; execution role [<name>-execution-role] and its policy
//     [<name>-execution-policy]; task role [<name>-task-role]
//   - Fargate task definition [<name>-task]
//   - security groups [<name>-alb-sg], [<name>-tasks-sg] and their rules
//   - ALB [<name>-alb], target group [<name>-tg], listeners [<name>-https], [<name>-http]
//   - the service [<name>-service]; scalable target [<name>-scaling] and
//     target-tracking policies on CPU, memory and requests per task
//
// The container definitions are typed Go (ContainerDefinition) serialised
// to JSON. Secrets are only ever valueFrom references, and the execution
// role may read exactly the listed secrets (IAM names a secret by its full
// ARN, so a partial ARN gets the six-character suffix wildcard and a JSON
// key is left out) and decrypt with exactly SecretsKMSKeyARNs; a plain
// variable whose name looks like a secret is rejected.
//
// The load balancer and target group are auto-named ("<name>-alb-…"), so
// a change that replaces one (the port) creates the new one first;
// other physical names carry the project and stack. The tasks' security
// group is exposed (TaskSecurityGroupID) for a database to admit, and
// Egress lists where the tasks may connect.
//
// # Defaults and the checks they satisfy
//
//	| setting                  | default                                          | checks                              |
//	|--------------------------|--------------------------------------------------|-------------------------------------|
//	| task size                | 256 CPU / 512 MiB (validated against Fargate)    |                                     |
//	| container                | user 10001:10001, read-only root, not privileged,  | CKV_AWS_334/336, AWS-0036           |
//	|                          | capabilities dropped, secrets as valueFrom       |                                     |
//	| logs                     | awslogs; retention by tier (prod 365 days)       | CKV_AWS_338 (prod)                  |
//	| cluster                  | Container Insights on                            | CKV_AWS_65, AWS-0034                |
//	| task role                | no permissions                                   | CKV_AWS_249 (separate roles)        |
//	| service                  | private subnets, no public IP, platform LATEST   | CKV_AWS_333/332                     |
//	| deployments              | circuit breaker with rollback, 100 % / 200 %     |                                     |
//	| grace period             | 60 s                                             |                                     |
//	| ECS Exec                 | off                                              |                                     |
//	| autoscaling              | tasks by tier (1–3, staging 2–6, prod 3–10);     |                                     |
//	|                          | CPU 70 %, memory 80 %, 1000 requests per task    |                                     |
//	| load balancer            | internal; invalid headers dropped; strictest     | AWS-0053, CKV_AWS_131, AWS-0052     |
//	|                          | desync mitigation; deletion protection in prod   | CKV_AWS_150                         |
//	| listeners                | HTTPS with ELBSecurityPolicy-TLS13-1-2-2021-06;  | CKV_AWS_2/103, CKV2_AWS_20,         |
//	|                          | HTTP only redirects (unless AllowHTTP)           | AWS-0047/0054                       |
//	| health check             | GET /health, 200-399, every 15 s, 2/3 thresholds | CKV_AWS_261                         |
//	| security groups          | ALB: 443/80 from AllowedCIDRs only; tasks: the   | no world-open ingress               |
//	|                          | ALB only, egress Egress (default HTTPS)          |                                     |
package ecs
