package policy

import (
	"slices"

	"github.com/plinth-dev/plinth/pkg/imageref"
	"github.com/plinth-dev/plinth/pkg/podsecurity"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Kubernetes type tokens the rules apply to.
const (
	tDeployment  = "kubernetes:apps/v1:Deployment"
	tStatefulSet = "kubernetes:apps/v1:StatefulSet"
	tService     = "kubernetes:core/v1:Service"
	tHPA         = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	tPDB         = "kubernetes:policy/v1:PodDisruptionBudget"
	tNetPol      = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	tNamespace   = "kubernetes:core/v1:Namespace"
	tRole        = "kubernetes:rbac.authorization.k8s.io/v1:Role"
	tClusterRole = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
	tCRB         = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
	tRoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
	tRollout     = "kubernetes:argoproj.io/v1alpha1:Rollout"
	tAnalysis    = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate"
)

var workloads = []string{tDeployment, tStatefulSet}

// containers returns the containers (and init containers) of a
// workload's pod template.
func containers(r Resource) []map[string]any {
	var out []map[string]any
	for _, key := range []string{"spec.template.spec.containers", "spec.template.spec.initContainers"} {
		for _, c := range list(r.Inputs, key) {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func eachContainer(r Resource, f func(c map[string]any) string) []string {
	var out []string
	for _, c := range containers(r) {
		if msg := f(c); msg != "" {
			name, _ := c["name"].(string)
			out = append(out, "container "+name+" "+msg)
		}
	}
	return out
}

func k8sRules() []*Rule {
	return []*Rule{
		{ID: "PL-K8S-001", Severity: Mandatory, Title: "Pods meet Pod Security Standards restricted",
			Remediation: "run as non-root, drop all capabilities, forbid privilege escalation, use seccomp RuntimeDefault",
			Mirrors:     []string{"PSS restricted", "KSV-0001", "KSV-0012", "KSV-0017", "KSV-0030", "KSV-0106", "CKV_K8S_20", "CKV_K8S_23", "CKV_K8S_28", "CKV_K8S_31"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				tmpl, ok := get(r.Inputs, "spec.template")
				if !ok {
					return fail("no pod template")
				}
				res, err := podsecurity.EvaluateJSON(podsecurity.Restricted, tmpl)
				if err != nil {
					return fail("pod template cannot be evaluated: %v", err)
				}
				if !res.Allowed {
					return fail("%s", res)
				}
				return nil
			}},
		{ID: "PL-K8S-002", Severity: Mandatory, Title: "Containers have a read-only root filesystem",
			Remediation: "set securityContext.readOnlyRootFilesystem true and mount an emptyDir where the app writes", Mirrors: []string{"KSV-0014", "CKV_K8S_22", "Polaris notReadOnlyRootFilesystem"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				return eachContainer(r, func(c map[string]any) string {
					if !boolean(c, "securityContext.readOnlyRootFilesystem", false) {
						return "has a writable root filesystem"
					}
					return ""
				})
			}},
		{ID: "PL-K8S-003", Severity: Mandatory, Title: "Containers request CPU and memory",
			Remediation: "set resources.requests.cpu and memory", Mirrors: []string{"KSV-0015", "KSV-0016", "CKV_K8S_10", "CKV_K8S_12", "Polaris cpuRequestsMissing"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				return eachContainer(r, func(c map[string]any) string {
					if !hasKey(c, "resources.requests.cpu") || !hasKey(c, "resources.requests.memory") {
						return "has no CPU or memory request"
					}
					return ""
				})
			}},
		{ID: "PL-K8S-004", Severity: Advisory, Title: "Containers have a memory limit",
			Remediation: "set resources.limits.memory", Mirrors: []string{"KSV-0018", "CKV_K8S_13", "Polaris memoryLimitsMissing"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				return eachContainer(r, func(c map[string]any) string {
					if !hasKey(c, "resources.limits.memory") {
						return "has no memory limit"
					}
					return ""
				})
			}},
		{ID: "PL-K8S-005", Severity: Mandatory, Title: "Containers have readiness and liveness probes that differ",
			Remediation: "add a readinessProbe and a livenessProbe on different endpoints", Mirrors: []string{"CKV_K8S_8", "CKV_K8S_9", "kube-score pod-probes", "pod-probes-identical"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				var out []string
				for _, c := range list(r.Inputs, "spec.template.spec.containers") {
					m, _ := c.(map[string]any)
					name, _ := m["name"].(string)
					rp, lp := object(m, "readinessProbe"), object(m, "livenessProbe")
					switch {
					case rp == nil || lp == nil:
						out = append(out, "container "+name+" lacks a readiness or liveness probe")
					case sprintfPath("%v", rp) == sprintfPath("%v", lp):
						out = append(out, "container "+name+" has identical readiness and liveness probes")
					}
				}
				return out
			}},
		{ID: "PL-K8S-006", Severity: Mandatory, Title: "Images are pinned",
			Remediation: "use a version tag or a digest, never latest", Mirrors: []string{"KSV-0013", "CKV_K8S_14", "Polaris tagNotSpecified", "kube-score container-image-tag"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				return eachContainer(r, func(c map[string]any) string {
					img := str(c, "image", "")
					if err := imageref.Check(img, false); err != nil {
						return err.Error()
					}
					return ""
				})
			}},
		{ID: "PL-K8S-007", Severity: Mandatory, Title: "Service account tokens are not mounted",
			Remediation: "set automountServiceAccountToken false unless the app calls the API", Mirrors: []string{"KSV-0036", "CKV_K8S_38", "Polaris automountServiceAccountToken"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				if boolean(r.Inputs, "spec.template.spec.automountServiceAccountToken", true) {
					return fail("the API token is mounted into every pod")
				}
				return nil
			}},
		{ID: "PL-K8S-008", Severity: Advisory, Title: "Pods use their own service account",
			Remediation: "set serviceAccountName", Mirrors: []string{"CKV_K8S_41", "CIS EKS 4.1.5"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				if sa := str(r.Inputs, "spec.template.spec.serviceAccountName", "default"); sa == "default" {
					return fail("runs as the default service account")
				}
				return nil
			}},
		{ID: "PL-K8S-009", Severity: Mandatory, Title: "Workloads are not in the default or system namespaces",
			Remediation: "deploy into the application's own namespace", Mirrors: []string{"KSV-0110", "KSV-0037", "CKV_K8S_21", "CIS EKS 4.5.3"}, Types: append(slices.Clone(workloads), tService),
			Check: func(r Resource, _ Context) []string {
				ns := str(r.Inputs, "metadata.namespace", "default")
				if problem.SystemNamespace(ns) {
					return fail("in namespace %s", ns)
				}
				return nil
			}},
		{ID: "PL-K8S-010", Severity: Advisory, Title: "Pods spread over zones and nodes",
			Remediation: "add topologySpreadConstraints or pod anti-affinity", Mirrors: []string{"kube-score pod-topology-spread-constraints", "Polaris topologySpreadConstraint"}, Types: workloads,
			Check: func(r Resource, _ Context) []string {
				if len(list(r.Inputs, "spec.template.spec.topologySpreadConstraints")) == 0 && !hasKey(r.Inputs, "spec.template.spec.affinity.podAntiAffinity") {
					return fail("all replicas may land on one node")
				}
				return nil
			}},
		{ID: "PL-K8S-011", Severity: Advisory, Title: "Deployments roll out without dropping capacity",
			Remediation: "use RollingUpdate with maxUnavailable 0", Mirrors: []string{"kube-score deployment-strategy"}, Types: []string{tDeployment},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "spec.strategy.type", "RollingUpdate") != "RollingUpdate" {
					return fail("strategy %s", str(r.Inputs, "spec.strategy.type", ""))
				}
				return nil
			}},
		{ID: "PL-K8S-012", Severity: Mandatory, Title: "Services are not NodePort and have no external IPs",
			Remediation: "use ClusterIP behind an Ingress or a load balancer", Mirrors: []string{"KSV-0108", "kube-score service-type"}, Types: []string{tService},
			Check: func(r Resource, _ Context) []string {
				if t := str(r.Inputs, "spec.type", "ClusterIP"); t == "NodePort" {
					return fail("type NodePort opens a port on every node")
				}
				if len(list(r.Inputs, "spec.externalIPs")) > 0 {
					return fail("externalIPs set")
				}
				return nil
			}},
		{ID: "PL-K8S-013", Severity: Advisory, Title: "Services are not LoadBalancers",
			Remediation: "expose through an Ingress (one load balancer for many services)", Mirrors: []string{"kubernetes-core-v1-service-disallow-load-balancer"}, Types: []string{tService},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "spec.type", "ClusterIP") == "LoadBalancer" {
					return fail("type LoadBalancer")
				}
				return nil
			}},
		{ID: "PL-K8S-014", Severity: Mandatory, Title: "HPAs have a maximum above their minimum",
			Remediation: "set maxReplicas above minReplicas", Mirrors: []string{"Polaris hpaMaxAvailability", "kube-score horizontalpodautoscaler-replicas"}, Types: []string{tHPA},
			Check: func(r Resource, _ Context) []string {
				if lo, hi := number(r.Inputs, "spec.minReplicas", 1), number(r.Inputs, "spec.maxReplicas", 0); hi <= lo {
					return fail("maxReplicas %g is not above minReplicas %g", hi, lo)
				}
				return nil
			}},
		{ID: "PL-K8S-015", Severity: Advisory, Title: "HPAs keep at least two replicas",
			Remediation: "set minReplicas to 2 or more", Mirrors: []string{"Polaris hpaMinAvailability", "kube-score horizontalpodautoscaler-replicas"}, Types: []string{tHPA},
			Check: func(r Resource, c Context) []string {
				if number(r.Inputs, "spec.minReplicas", 1) < 2 {
					return fail("minReplicas below 2")
				}
				return nil
			}},
		{ID: "PL-K8S-016", Severity: Mandatory, Title: "PodDisruptionBudgets allow disruptions",
			Remediation: "set maxUnavailable 1 (or a minAvailable below the replica count)", Mirrors: []string{"Polaris pdbDisruptionsIsZero", "kube-score poddisruptionbudget-has-policy"}, Types: []string{tPDB},
			Check: func(r Resource, _ Context) []string {
				_, hasMin := get(r.Inputs, "spec.minAvailable")
				_, hasMax := get(r.Inputs, "spec.maxUnavailable")
				switch {
				case !hasMin && !hasMax:
					return fail("no policy")
				case hasMax && str(r.Inputs, "spec.maxUnavailable", "") == "0%", hasMax && number(r.Inputs, "spec.maxUnavailable", 1) == 0:
					return fail("maxUnavailable 0 blocks every eviction")
				case hasMin && str(r.Inputs, "spec.minAvailable", "") == "100%":
					return fail("minAvailable 100%% blocks every eviction")
				}
				return nil
			}},
		{ID: "PL-K8S-017", Severity: Mandatory, Title: "RBAC grants no wildcards, no secrets, no exec",
			Remediation: "list the verbs and resources the subject needs", Mirrors: []string{"KSV-0044", "KSV-0045", "KSV-0046", "KSV-0041", "KSV-0053", "CKV_K8S_49", "CIS EKS 4.1.1-4.1.3"}, Types: []string{tRole, tClusterRole},
			Check: func(r Resource, _ Context) []string {
				var out []string
				for i, rule := range list(r.Inputs, "rules") {
					m, _ := rule.(map[string]any)
					verbs, res := stringsAt(m, "verbs"), stringsAt(m, "resources")
					switch {
					case slices.Contains(verbs, "*") || slices.Contains(res, "*"):
						out = append(out, sprintfPath("rule %d uses a wildcard", i))
					case slices.Contains(res, "secrets"):
						out = append(out, sprintfPath("rule %d grants access to secrets", i))
					case slices.Contains(res, "pods/exec") || slices.Contains(res, "pods/attach"):
						out = append(out, sprintfPath("rule %d grants exec or attach", i))
					}
				}
				return out
			}},
		{ID: "PL-K8S-018", Severity: Mandatory, Title: "Nothing is bound to cluster-admin",
			Remediation: "bind a role with only what the subject needs", Mirrors: []string{"KSV-0111", "Polaris clusterrolebindingClusterAdmin", "CIS EKS 4.1.1"}, Types: []string{tCRB, tRoleBinding},
			Check: func(r Resource, _ Context) []string {
				if str(r.Inputs, "roleRef.name", "") == "cluster-admin" {
					return fail("bound to cluster-admin")
				}
				return nil
			}},
		{ID: "PL-K8S-019", Severity: Advisory, Title: "Application namespaces enforce Pod Security restricted",
			Remediation: "label the namespace pod-security.kubernetes.io/enforce=restricted", Mirrors: []string{"PSS", "CIS EKS 4.2"}, Types: []string{tNamespace},
			Check: func(r Resource, _ Context) []string {
				if podSecurityLevel(r) != "restricted" {
					return fail("enforces %q", podSecurityLevel(r))
				}
				return nil
			}},
	}
}

func podSecurityLevel(r Resource) string {
	labels := object(r.Inputs, "metadata.labels")
	s, _ := labels["pod-security.kubernetes.io/enforce"].(string)
	return s
}
