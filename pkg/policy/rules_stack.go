package policy

import "slices"

// selects reports whether selector (matchLabels, or a Service's plain
// selector map) selects a pod with labels.
func selects(selector, labels map[string]any) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// deployment is a workload and what rules need of it. The pods of a
// Deployment an Argo Rollouts Rollout references (workloadRef) are the
// Rollout's: it owns the replica count, and an HPA scales the Rollout.
type deployment struct {
	r          Resource
	namespace  string
	labels     map[string]any
	replicas   float64
	hasReps    bool
	kind, name string // what an HPA targets: the Deployment, or its Rollout
}

func deploymentsOf(rs []Resource) []deployment {
	var out []deployment
	for _, r := range rs {
		if r.Type != tDeployment {
			continue
		}
		d := deployment{
			r: r, namespace: str(r.Inputs, "metadata.namespace", "default"),
			labels: object(r.Inputs, "spec.template.metadata.labels"),
			kind:   "Deployment", name: str(r.Inputs, "metadata.name", ""),
		}
		scaled := r
		if ro, ok := rolloutOf(rs, d.namespace, d.name); ok {
			scaled, d.kind, d.name = ro, "Rollout", str(ro.Inputs, "metadata.name", "")
		}
		reps, has := get(scaled.Inputs, "spec.replicas")
		d.replicas, _ = reps.(float64)
		d.hasReps = has
		out = append(out, d)
	}
	return out
}

func ofType(rs []Resource, typ string) []Resource {
	var out []Resource
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// rolloutOf returns the Rollout whose workloadRef names Deployment name in
// namespace ns, if any.
func rolloutOf(rs []Resource, ns, name string) (Resource, bool) {
	for _, ro := range ofType(rs, tRollout) {
		if str(ro.Inputs, "metadata.namespace", "default") == ns && str(ro.Inputs, "spec.workloadRef.kind", "") == "Deployment" &&
			str(ro.Inputs, "spec.workloadRef.name", "") == name {
			return ro, true
		}
	}
	return Resource{}, false
}

// hpaFor returns the HPA that targets d (or its Rollout), if any.
func hpaFor(rs []Resource, d deployment) (Resource, bool) {
	for _, h := range ofType(rs, tHPA) {
		if str(h.Inputs, "metadata.namespace", "default") == d.namespace &&
			str(h.Inputs, "spec.scaleTargetRef.kind", "") == d.kind && str(h.Inputs, "spec.scaleTargetRef.name", "") == d.name {
			return h, true
		}
	}
	return Resource{}, false
}

// minPods is the fewest pods d runs: its HPA's minReplicas, or its
// replicas (1 when unset, as Kubernetes defaults it).
func minPods(rs []Resource, d deployment) float64 {
	if h, ok := hpaFor(rs, d); ok {
		return number(h.Inputs, "spec.minReplicas", 1)
	}
	if d.hasReps {
		return d.replicas
	}
	return 1
}

// pdbFor returns the PDB that selects d's pods, if any.
func pdbFor(rs []Resource, d deployment) (Resource, bool) {
	for _, p := range ofType(rs, tPDB) {
		if str(p.Inputs, "metadata.namespace", "default") == d.namespace && selects(object(p.Inputs, "spec.selector.matchLabels"), d.labels) {
			return p, true
		}
	}
	return Resource{}, false
}

func stackRules() []*Rule {
	return []*Rule{
		{ID: "PL-X-001", Severity: Mandatory, Title: "Every Deployment that runs two pods or more has a PodDisruptionBudget",
			Remediation: "add a PDB selecting the Deployment's pods (app.New does); a Deployment that may run a single pod needs none, since one pod cannot stay available through a drain",
			Mirrors:     []string{"kube-score deployment-has-poddisruptionbudget", "Polaris missingPodDisruptionBudget"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				var out []Violation
				for _, d := range deploymentsOf(rs) {
					if _, ok := pdbFor(rs, d); !ok && minPods(rs, d) >= 2 {
						out = append(out, Violation{d.r.ID(), "no PodDisruptionBudget selects its pods"})
					}
				}
				return out
			}},
		{ID: "PL-X-002", Severity: Mandatory, Title: "Deployments outside local and dev have an HPA or at least 2 replicas",
			Remediation: "add an autoscaler, or set replicas to 2 or more", Mirrors: []string{"kube-score deployment-replicas", "Polaris deploymentMissingReplicas"},
			StackCheck: func(rs []Resource, c Context) []Violation {
				if c.Tier == "local" || c.Tier == "dev" {
					return nil
				}
				ds := deploymentsOf(rs)
				redundant := func(d deployment) bool {
					if _, ok := hpaFor(rs, d); ok {
						return true
					}
					return d.hasReps && d.replicas >= 2
				}
				var out []Violation
				for _, d := range ds {
					if redundant(d) {
						continue
					}
					// A canary track (plinth.dev/track: canary, the app
					// component's Canary strategy) is a share of an
					// application whose stable track carries it: one canary
					// pod is the point, and its stable Deployment in the
					// same namespace must be redundant itself.
					if d.labels["plinth.dev/track"] == "canary" && slices.ContainsFunc(ds, func(o deployment) bool {
						return o.namespace == d.namespace && o.labels["plinth.dev/track"] == "stable" &&
							o.labels["app.kubernetes.io/name"] == d.labels["app.kubernetes.io/name"] && redundant(o)
					}) {
						continue
					}
					out = append(out, Violation{d.r.ID(), "no HPA and fewer than 2 replicas"})
				}
				return out
			}},
		{ID: "PL-X-003", Severity: Mandatory, Title: "Every application pod is selected by a NetworkPolicy",
			Remediation: "add a NetworkPolicy whose podSelector matches the pods (app.New does)", Mirrors: []string{"kube-score pod-networkpolicy", "Polaris missingNetworkPolicy", "CKV2_K8S_6", "KSV-0038", "CIS EKS 4.3.2"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				var out []Violation
				for _, d := range deploymentsOf(rs) {
					found := false
					for _, np := range ofType(rs, tNetPol) {
						sel := object(np.Inputs, "spec.podSelector.matchLabels")
						if str(np.Inputs, "metadata.namespace", "default") == d.namespace && (selects(sel, d.labels) || len(sel) == 0 && hasKey(np.Inputs, "spec.podSelector")) {
							found = true
						}
					}
					if !found {
						out = append(out, Violation{d.r.ID(), "no NetworkPolicy selects its pods"})
					}
				}
				return out
			}},
		{ID: "PL-X-004", Severity: Mandatory, Title: "Every Service selects a Deployment's pods",
			Remediation: "fix the Service's selector to match the pod labels", Mirrors: []string{"kube-score service-targets-pod"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				var out []Violation
				deps := deploymentsOf(rs)
				for _, s := range ofType(rs, tService) {
					sel := object(s.Inputs, "spec.selector")
					if len(sel) == 0 { // headless or external services select nothing on purpose
						continue
					}
					found := false
					for _, d := range deps {
						found = found || d.namespace == str(s.Inputs, "metadata.namespace", "default") && selects(sel, d.labels)
					}
					if !found {
						out = append(out, Violation{s.ID(), "its selector matches no Deployment's pods"})
					}
				}
				return out
			}},
		{ID: "PL-X-005", Severity: Mandatory, Title: "PDB minAvailable does not exceed the HPA's minimum",
			Remediation: "lower minAvailable below the HPA's minReplicas, or use maxUnavailable", Mirrors: []string{"Polaris pdbMinAvailableGreaterThanHPAMinReplicas", "kube-score"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				var out []Violation
				for _, d := range deploymentsOf(rs) {
					h, okH := hpaFor(rs, d)
					p, okP := pdbFor(rs, d)
					if !okH || !okP {
						continue
					}
					minAvail, has := get(p.Inputs, "spec.minAvailable")
					n, isNum := minAvail.(float64)
					if has && isNum && n > number(h.Inputs, "spec.minReplicas", 1) {
						out = append(out, Violation{p.ID(), sprintfPath("minAvailable %g is above the HPA's minReplicas %g", n, number(h.Inputs, "spec.minReplicas", 1))})
					}
				}
				return out
			}},
		{ID: "PL-X-006", Severity: Advisory, Title: "Autoscaled Deployments leave replicas to the HPA",
			Remediation: "omit spec.replicas when an HPA targets the Deployment", Mirrors: []string{"kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured"},
			StackCheck: func(rs []Resource, _ Context) []Violation {
				var out []Violation
				for _, d := range deploymentsOf(rs) {
					if _, ok := hpaFor(rs, d); ok && d.hasReps {
						out = append(out, Violation{d.r.ID(), "sets spec.replicas although an HPA owns it: every update resets the count"})
					}
				}
				return out
			}},
	}
}

// Guardrails returns every guardrail (class Guardrail), in ID order
// within each area.
func Guardrails() []*Rule {
	var out []*Rule
	out = append(out, awsRules()...)
	out = append(out, gcpRules()...)
	out = append(out, k8sRules()...)
	out = append(out, imageRules()...)
	out = append(out, fluxRules()...)
	out = append(out, stackRules()...)
	return out
}

// Except returns rules without those whose ID is in ids: for judging a
// part of a stack (one component) against the rules that judge a whole
// stack (PL-K8S-020 wants the stack's image policy).
func Except(rules []*Rule, ids ...string) []*Rule {
	var out []*Rule
	for _, r := range rules {
		if !slices.Contains(ids, r.ID) {
			out = append(out, r)
		}
	}
	return out
}

// Rules returns every rule: the guardrails, then the deployability rules.
func Rules() []*Rule {
	return append(Guardrails(), DeployabilityRules()...)
}
