// Package config reads a plinth environment from a stack's Pulumi config:
// every key lives in the "plinth" namespace ("plinth:tier", "plinth:apps",
// …), structured values are written as YAML in Pulumi.<stack>.yaml, and
// secrets are Pulumi secret config values.
//
//	config:
//	  plinth:tier: prod
//	  plinth:cloud: aws
//	  plinth:region: eu-west-1
//	  plinth:cluster:
//	    adminRoleArns: [arn:aws:iam::123456789012:role/platform-admin]
//	  plinth:apps:
//	    - name: web
//	      image: ghcr.io/acme/web:1.4.2
//	  plinth:grafanaAdminPassword:
//	    secure: AAABAG…
//
// Load (in a program) and Parse (on a plain map, as tests and tools do)
// decode strictly (unknown fields are errors, so a typo never silently
// falls back to a default), fill the stack-level values it leaves unset
// from the tier defaults below (the components default the rest, from the
// same table), and validate. Validation reports every problem at once, each with
// its config path and the fix:
//
//	plinth:apps[1].image: "nginx" has no tag or digest: pin a tag or a digest
//
// # Where each rule lives
//
// Every rule has one home, and is written once:
//
//   - A component's rules live in the component (app, awsnetwork, eks,
//     ecs, flux, gcpnetwork, gke, monitoring, rollouts), in its
//     Args.Validate. The stack
//     program maps each config section onto the component's Args and runs
//     that validation before anything is registered; stacks/configpaths.go
//     maps the component's field paths to config paths, so the problem
//     reads plinth:apps[1].autoscaling.min, not autoscaling.minReplicas.
//   - Checks shared by components live in pkg/problem (names, ports,
//     CIDRs, URLs, quantities, log retention, credentials in plain
//     variables through pkg/credential), pkg/naming (name limits),
//     pkg/imageref (image references), pkg/eksversion and pkg/ec2arch.
//   - This package holds only what no component can: the tier and cloud
//     and how they go together, the region and project formats, the shape
//     of the config itself (strict decoding, secretEnv entries, unique
//     application names, secrets stored as secrets, delivery and its
//     gitops block going together), and waivers.
//
// Why one copy? A second copy drifts: the config once allowed 63-character
// names where the app component allows 55 and ECS 20, and accepted
// Fargate sizes Fargate does not offer, so a config that loaded failed at
// preview. Defaults follow the same rule: a value a component defaults
// (an application's port, an ECS task's size) is left unset here, so an
// explicit 0 reaches the component, which honours it or refuses it.
//
// # Tier defaults
//
// Every value a tier supplies when the config leaves it unset. prod is
// sized for availability (three zones, three replicas, a NAT gateway per
// zone, long retention, deletion protection); dev is small and cheap.
// TestTierTableMatchesCode keeps this table and ForTier in step.
//
//	| setting                        | local      | dev           | staging       | prod          |
//	|--------------------------------|------------|---------------|---------------|---------------|
//	| app replicas (no autoscaling)  | 1          | 1             | 2             | 3             |
//	| autoscaling min/max            | 2/3        | 2/3           | 2/6           | 3/10          |
//	| container CPU request/limit    | 50m/500m   | 100m/500m     | 250m/1        | 250m/1        |
//	| container memory request/limit | 64Mi/256Mi | 128Mi/256Mi   | 256Mi/512Mi   | 256Mi/512Mi   |
//	| availability zones             | 0          | 2             | 2             | 3             |
//	| NAT gateways                   | -          | single        | single        | perAz         |
//	| nodes min/desired/max          | 0/0/0      | 1/2/3         | 2/2/4         | 3/3/10        |
//	| EKS instance type              | -          | t3.medium     | m6i.large     | m6i.large     |
//	| GKE machine type               | -          | e2-standard-2 | e2-standard-4 | e2-standard-4 |
//	| GKE regional control plane     | false      | false         | true          | true          |
//	| Prometheus retention           | 1d         | 3d            | 7d            | 30d           |
//	| Prometheus volume              | -          | 10Gi          | 20Gi          | 100Gi         |
//	| Prometheus replicas            | 1          | 1             | 1             | 2             |
//	| log retention (days)           | 1          | 30            | 90            | 365           |
//	| deletion protection            | false      | false         | false         | true          |
//
// Other defaults are documented on their fields. A value a component
// defaults (an application's port, an ECS task's size) is left unset here
// and defaulted by that component, so each default has one home.
//
// # Secrets
//
// Secret values (grafanaAdminPassword, alertPagingUrl, alertChatUrl, and any
// key an application names in secretEnv[].fromConfig) must be stored with
// `pulumi config set --secret`; Load rejects a plaintext one and returns
// them as Pulumi secrets, so they stay encrypted in the state.
//
// This package imports no cloud SDK.
package config
