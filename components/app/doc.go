// Package app deploys a Kubernetes application the way production wants
// it, in one call:
//
//	web, err := app.New(ctx, "web", app.Args{
//		Image: pulumi.String("ghcr.io/acme/web:1.4.2"),
//		Tier:  config.TierProd,
//	}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:kubernetes:App with these
// children (logical names in brackets):
//
//   - Namespace [<name>-namespace] enforcing Pod Security "restricted" (unless CreateNamespace is false)
//   - ServiceAccount [<name>-serviceaccount] without an automounted token, with an optional EKS Pod Identity, IRSA or Workload Identity annotation
//   - Deployment [<name>-deployment] (two for BlueGreen and Canary)
//   - HorizontalPodAutoscaler [<name>-hpa] (autoscaling/v2) and, where at least 2 pods run, PodDisruptionBudget [<name>-pdb] per Deployment
//   - Service [<name>-service], ClusterIP, port 80 to the "http" container port, plus "metrics"
//   - NetworkPolicy [<name>-networkpolicy] denying ingress except from the listed sources, and egress except to DNS, the app's pods and the listed destinations
//   - ServiceMonitor [<name>-servicemonitor] (monitoring.coreos.com/v1) when metrics are on
//   - optional HTTPRoute [<name>-httproute] (Gateway API, the way to expose an app), Ingress [<name>-ingress] for clusters without the Gateway API, Secret [<name>-env] for SecretValues, ExternalSecret [<name>-externalsecret]
//
// Logical names are part of the API: renaming one would replace the
// object, so plinth never does without an alias.
//
// On destroy, when the component created the namespace or was given it
// (Args.NamespaceObject), every child but the Deployments (and Rollouts)
// is deleted with the namespace (Pulumi's DeletedWith): the Deployments
// go first, with their pods, then the namespace controller empties and
// removes the namespace in one pass. The namespace is gone only once its
// content is, so a finished destroy leaves nothing behind. The
// Deployments keep the provider's foreground deletion on purpose: with
// background deletion the namespace controller would most likely find
// pods still in their preStop sleep at its first pass, and wait half
// their grace period before looking again (bench/README.md, "Destroy").
//
// # Secure by default
//
// Every pod template meets the Pod Security Standards "restricted" level
// (the tests run the upstream evaluator on each template the component
// registers): runAsNonRoot with UID/GID/fsGroup 10001, a read-only root
// filesystem with an emptyDir at /tmp, allowPrivilegeEscalation false,
// every capability dropped, seccomp RuntimeDefault, and no service account
// token unless ServiceAccount.AutomountToken is set. Images must be pinned.
//
// The defaults also meet what Kubernetes manifest checkers ask of a
// workload: IDs above 10000 (clear of the host's users), an egress policy
// (DNS, the application's own pods, and the namespaces and blocks listed
// in NetworkPolicy; NetworkPolicy.AllowAllEgress opts out), images pulled
// on every start unless pinned by digest, and at least two pods wherever
// a PodDisruptionBudget protects them. Where a checker asks for pod
// anti-affinity, plinth uses topology spread constraints over zones and
// nodes instead: anti-affinity is all-or-nothing per node (with
// "required" it leaves pods Pending once replicas outnumber nodes, with
// "preferred" it does not balance zones), while a spread with maxSkew 1
// keeps pods balanced across zones and nodes at any replica count.
//
// # Defaults
//
//	| setting                          | default                                                    |
//	|----------------------------------|------------------------------------------------------------|
//	| replicas (autoscaling disabled)  | by tier: 1, staging 2, prod 3                              |
//	| autoscaling                      | on; min/max by tier: 2/3, staging 2/6, prod 3/10; CPU 70 % |
//	| scale-down / scale-up windows    | 300 s / 0 s                                                |
//	| CPU request/limit                | by tier: local 50m/500m, dev 100m/500m, staging+prod 250m/1 |
//	| memory request/limit             | by tier: local 64Mi/256Mi, dev 128Mi/256Mi, staging+prod 256Mi/512Mi |
//	| ephemeral storage request/limit  | 64Mi/256Mi                                                 |
//	| container port                   | 8080 (named http)                                          |
//	| metrics                          | port 9090 (named metrics), /metrics every 30s              |
//	| readiness / liveness / startup   | GET /ready, /health, /health; 10 s, 10 s, 5 s × 30         |
//	| rollout                          | RollingUpdate maxSurge 1, maxUnavailable 0                 |
//	| revision history / progress      | 5 ReplicaSets / 600 s                                      |
//	| graceful shutdown                | preStop sleep 5 s, termination grace 30 s                  |
//	| topology spread                  | zones and nodes, maxSkew 1, ScheduleAnyway                 |
//	| PodDisruptionBudget              | maxUnavailable 1, unhealthy pods always evictable; none for 1 pod |
//	| NetworkPolicy                    | deny ingress but monitoring to metrics; egress to DNS and own pods |
//	| pod user / group / fsGroup       | 10001                                                      |
//	| Service                          | ClusterIP, 80 to http; not awaited (pulumi.com/skipAwait)   |
//	| HTTPRoute (when set)             | path prefix /, every listener of the Gateway that admits it |
//	| Ingress (when set)               | the cluster's default class, path /, no controller annotations |
//	| image pull policy                | Always; IfNotPresent for a digest                          |
//
// Each default is also written on its field in Args, where a test checks
// it against the code.
//
// Services carry pulumi.com/skipAwait: the provider's Service await waits
// a fixed 10 s after every endpoint change, and the Deployment await has
// already proven the selected pods ready. The image version label goes on
// Deployments and pods only, so an image change updates nothing else.
//
// # Autoscaling and replicas
//
// While an HPA owns a Deployment, the Deployment is registered without
// spec.replicas. The kubernetes provider applies objects server-side, so
// a field plinth never sets belongs to whoever sets it (the HPA), and a
// later `pulumi up` — a new image, say — leaves the running count alone.
// (Setting replicas and ignoring changes to it is not enough: the ignored
// old value is sent again on the next update and resets the count.)
// A new Deployment starts with one pod and the HPA raises it to
// MinReplicas within its sync period. Turning autoscaling on for an
// existing fixed-size app drops spec.replicas from plinth's apply, which
// resets the Deployment to one pod until the HPA scales it back up; do it
// outside peak hours.
//
// # Deployment strategies
//
// Rolling (the default) replaces pods one at a time, never dropping below
// the desired count.
//
// BlueGreen runs two full Deployments, <name>-blue (Image) and
// <name>-green (Strategy.GreenImage). The Service <name> selects the
// active color; <name>-preview selects the other one, for smoke tests.
// To release: set the inactive color's image to the new version, `pulumi
// up`, test through <name>-preview, then set ActiveColor to that color and
// `pulumi up` again — only the Service selectors change, so the flip is
// instant. To roll back, set ActiveColor back: the previous color is still
// running.
//
// Canary runs the stable Deployment <name> (Image) and <name>-canary
// (Strategy.CanaryImage). With a Route, the Service <name> selects the
// stable pods, <name>-canary the canary's, and the HTTPRoute's weighted
// backendRefs send CanaryPercent of the requests to <name>-canary,
// whatever the pod counts. Without one (an Ingress, or in-cluster
// callers) the Service selects both and traffic follows the replica
// ratio: the canary gets CanaryPercent of the stable minimum, rounded up
// (at least one pod). To promote, set Image to the canary's image and the
// strategy back to Rolling; to abort, set the strategy back to Rolling
// and keep Image. The stable Deployment is the same object in Rolling and
// Canary, so neither step replaces it.
//
// Progressive hands the rollouts to Argo Rollouts, which promotes or rolls
// back by itself: see "Progressive delivery".
//
// # Progressive delivery
//
// With the Progressive strategy a new Image is rolled out by an Argo
// Rollouts Rollout <name> and measured by the AnalysisTemplates
// <name>-health and <name>-health-background; the Argo Rollouts controller must run in the cluster
// (the rollouts component installs it; the cloud stacks do so when an app
// is Progressive). The default canary: 10% of the pods, the analysis, 25%
// and 50% a minute apart under the same analysis in the background, then
// 100%. BlueGreen mode runs the analysis on the new version behind
// <name>-preview before it takes the traffic.
//
// The analysis is plinth's one definition of healthy (pkg/slo): the 5xx
// ratio and the p95 latency of the new version's pods, against the limits
// of the HighErrorRate and HighLatency alerts. One measurement over a
// limit fails it, and Argo Rollouts aborts: the canary scales to zero and
// the stable version keeps every replica. No 5xx series counts as no
// error; a version that received fewer than MinRequests requests in every
// measurement is aborted when its analysis ends; requests without a
// duration histogram fail the latency measurement (pkg/slo says why).
// From the second step a second template, <name>-health-background,
// measures as each step starts and every interval until promotion;
// StepPauseSeconds may not be shorter than the interval. The series of
// the new pods are told apart by the rollouts-pod-template-hash label,
// which the ServiceMonitor copies onto them (podTargetLabels).
//
// Why workloadRef: the Rollout runs the pods of the app's Deployment
// (spec.workloadRef), rather than a pod template of its own. The template
// is then built, hardened and checked in one place (the Deployment,
// which the guardrails and the Pod Security check already read), and a
// switch to Progressive keeps the old pods serving until the Rollout's
// are ready: Argo Rollouts scales the Deployment to zero once the Rollout
// is healthy (scaleDown: onsuccess). The Deployment then carries no
// replica count of plinth's, the HPA targets the Rollout, and the Service
// selects both versions (without a traffic router, weights are shares of
// the replicas; a Route's weights stay on one Service). plinth sets no
// field the controller writes, so a `pulumi up` during or after a rollout
// shows no diff. The procedures to promote, abort and retry by hand are in
// docs/rollback.md of the repository.
//
// # Exposing an application
//
// Route attaches an HTTPRoute (gateway.networking.k8s.io/v1) to a Gateway
// the platform runs (Route.Gateway in Route.GatewayNamespace, whose
// listener must allow routes from the app's namespace), and the
// NetworkPolicy admits the gateway's namespace to the application port.
// The Gateway API CRDs must be installed (GatewayCRDs embeds them;
// managed clusters' gateway controllers install them). Ingress remains
// for clusters without the Gateway API; it assumes no controller: set
// ClassName and the controller's annotations yourself, and IngressNamespace
// to the controller's namespace.
package app
