package flux

import (
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// Rule is one rule of a ClusterRole: verbs on resources of an API group.
type Rule struct {
	// Group is the API group ("" for the core group).
	Group string
	// Resources are the resources (plural, lowercase).
	Resources []string
	// Verbs are the verbs granted.
	Verbs []string
}

var (
	readVerbs  = []string{"get", "list", "watch"}
	applyVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}
)

// ApplierRules are the rights of the applier, the ServiceAccount
// kustomize-controller impersonates: every verb an apply, a health check
// and a prune need, on exactly the kinds the GitOps renderer writes (the
// application namespaces and the app component's objects); a test holds
// the renderer to it. Upstream Flux binds kustomize-controller to
// cluster-admin instead.
var ApplierRules = []Rule{
	{Group: "", Resources: []string{"namespaces", "serviceaccounts", "services", "configmaps", "secrets"}, Verbs: applyVerbs},
	{Group: "apps", Resources: []string{"deployments"}, Verbs: applyVerbs},
	{Group: "autoscaling", Resources: []string{"horizontalpodautoscalers"}, Verbs: applyVerbs},
	{Group: "policy", Resources: []string{"poddisruptionbudgets"}, Verbs: applyVerbs},
	{Group: "networking.k8s.io", Resources: []string{"networkpolicies", "ingresses"}, Verbs: applyVerbs},
	{Group: "monitoring.coreos.com", Resources: []string{"servicemonitors"}, Verbs: applyVerbs},
	{Group: "gateway.networking.k8s.io", Resources: []string{"httproutes"}, Verbs: applyVerbs},
	{Group: "argoproj.io", Resources: []string{"rollouts", "analysistemplates"}, Verbs: applyVerbs},
	{Group: "external-secrets.io", Resources: []string{"externalsecrets"}, Verbs: applyVerbs},
	// Health checks read the pods and replica sets a rollout creates.
	{Group: "", Resources: []string{"pods", "events"}, Verbs: readVerbs},
	{Group: "apps", Resources: []string{"replicasets"}, Verbs: readVerbs},
}

// Allows reports whether the rules grant verb on resource of group.
func Allows(rules []Rule, group, resource, verb string) bool {
	return slices.ContainsFunc(rules, func(r Rule) bool {
		return r.Group == group && slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb)
	})
}

// sourceRules are source-controller's, as upstream's config/rbac/role.yaml
// gives them (v1.9.6).
var sourceRules = []Rule{
	{Group: "", Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
	{Group: "", Resources: []string{"secrets", "serviceaccounts"}, Verbs: readVerbs},
	{Group: "", Resources: []string{"serviceaccounts/token"}, Verbs: []string{"create"}},
	{Group: "source.toolkit.fluxcd.io", Resources: []string{"buckets", "gitrepositories", "helmcharts", "helmrepositories", "ocirepositories"},
		Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}},
	{Group: "source.toolkit.fluxcd.io", Resources: []string{"buckets/finalizers", "gitrepositories/finalizers", "helmcharts/finalizers", "helmrepositories/finalizers", "ocirepositories/finalizers"},
		Verbs: []string{"create", "delete", "get", "patch", "update"}},
	{Group: "source.toolkit.fluxcd.io", Resources: []string{"buckets/status", "gitrepositories/status", "helmcharts/status", "helmrepositories/status", "ocirepositories/status"},
		Verbs: []string{"get", "patch", "update"}},
}

// kustomizeRules are kustomize-controller's own, as upstream's
// config/rbac/role.yaml gives them (v1.9.6): it applies through the
// applier's token (serviceaccounts/token), not with these.
var kustomizeRules = []Rule{
	{Group: "", Resources: []string{"configmaps", "secrets", "serviceaccounts"}, Verbs: readVerbs},
	{Group: "", Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
	{Group: "", Resources: []string{"serviceaccounts/token"}, Verbs: []string{"create"}},
	{Group: "kustomize.toolkit.fluxcd.io", Resources: []string{"kustomizations"}, Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}},
	{Group: "kustomize.toolkit.fluxcd.io", Resources: []string{"kustomizations/finalizers"}, Verbs: []string{"create", "delete", "get", "patch", "update"}},
	{Group: "kustomize.toolkit.fluxcd.io", Resources: []string{"kustomizations/status"}, Verbs: []string{"get", "patch", "update"}},
	{Group: "source.toolkit.fluxcd.io", Resources: []string{"buckets", "gitrepositories", "ocirepositories", "externalartifacts"}, Verbs: readVerbs},
	{Group: "source.toolkit.fluxcd.io", Resources: []string{"buckets/status", "gitrepositories/status", "ocirepositories/status", "externalartifacts/status"}, Verbs: []string{"get"}},
}

// leaderElection is the namespaced Role both controllers elect a
// leader with (upstream's leader_election_role.yaml).
var leaderElection = []Rule{
	{Group: "", Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{Group: "", Resources: []string{"events"}, Verbs: []string{"create"}},
	{Group: "coordination.k8s.io", Resources: []string{"leases"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
}

func rulesValue(rules []Rule) []any {
	out := make([]any, 0, len(rules))
	for _, r := range rules {
		out = append(out, map[string]any{"apiGroups": []any{r.Group}, "resources": r.Resources, "verbs": r.Verbs})
	}
	return out
}

// createRBAC creates each controller's ServiceAccount, ClusterRole and
// leader-election Role, and the applier with its ClusterRole.
func (b *builder) createRBAC() error {
	ns := b.a.Namespace
	bind := func(logical, kind, name string, namespaced bool, rules []Rule, sa string) error {
		role, err := b.object(logical+"-role", "rbac.authorization.k8s.io/v1", kind, b.meta(name, namespaced, nil),
			map[string]any{"rules": rulesValue(rules)}, b.inNS...)
		if err != nil {
			return err
		}
		bindingKind := "ClusterRoleBinding"
		if namespaced {
			bindingKind = "RoleBinding"
		}
		_, err = b.object(logical+"-binding", "rbac.authorization.k8s.io/v1", bindingKind, b.meta(name, namespaced, nil), map[string]any{
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name},
			"subjects": []any{map[string]any{"kind": "ServiceAccount", "name": sa, "namespace": ns}},
		}, pulumi.DependsOn([]pulumi.Resource{role}))
		return err
	}
	for _, c := range []struct {
		sa    string
		rules []Rule
	}{{"source-controller", sourceRules}, {"kustomize-controller", kustomizeRules}, {b.a.Applier, ApplierRules}} {
		if _, err := corev1.NewServiceAccount(b.ctx, b.child(c.sa+"-serviceaccount"), &corev1.ServiceAccountArgs{
			Metadata: metaArgs(b.meta(c.sa, true, nil)),
		}, append(slices.Clone(b.opts), b.inNS...)...); err != nil {
			return err
		}
		// Cluster-wide names carry the namespace: two Flux installations
		// (or another tool's "source-controller") do not collide.
		if err := bind(c.sa, "ClusterRole", ns+"-"+c.sa, false, c.rules, c.sa); err != nil {
			return err
		}
		if c.sa != b.a.Applier {
			if err := bind(c.sa+"-leader-election", "Role", c.sa+"-leader-election", true, leaderElection, c.sa); err != nil {
				return err
			}
		}
	}
	return nil
}

// Waiver exempts one of the component's resources from one guardrail of
// pkg/policy, with the reason (policy.Waiver's fields).
type Waiver struct {
	// Rule is the rule ID.
	Rule string
	// Resource is the resource's logical name.
	Resource string
	// Reason says why the exemption is acceptable.
	Reason string
}

// Waivers are the guardrail exemptions a Flux installation called name
// needs by its nature, each with its reason; a stack that installs the
// component passes them to the gate beside its own. They name the
// component's resources exactly, so nothing else is exempted.
func Waivers(name string) []Waiver {
	child := func(kind string) string { return naming.Child(name, kind) }
	var out []Waiver
	for _, c := range []string{"source-controller", "kustomize-controller"} {
		out = append(out,
			Waiver{Rule: "PL-K8S-007", Resource: child(c),
				Reason: "a Flux controller is a Kubernetes controller: it calls the API with its service account's token"},
			// source-controller keeps its artifacts in an emptyDir
			// behind one Service: a second replica would serve other
			// artifacts. Upstream runs one of each, with leader election.
			Waiver{Rule: "PL-X-002", Resource: child(c),
				Reason: "Flux's controllers run as singletons (upstream's manifests): a second source-controller would serve different artifacts; a stopped controller delays reconciliation, it does not stop the applications"},
		)
	}
	out = append(out,
		Waiver{Rule: "PL-K8S-017", Resource: child("source-controller-role"),
			Reason: "source-controller reads the repository's credentials from their Secret (upstream's role)"},
		Waiver{Rule: "PL-K8S-017", Resource: child("kustomize-controller-role"),
			Reason: "kustomize-controller reads the age identity that decrypts the repository's Secrets (upstream's role)"},
		Waiver{Rule: "PL-K8S-017", Resource: child(defaultApplier + "-role"),
			Reason: "the applier writes the Secrets the repository holds, sops-encrypted, once kustomize-controller has decrypted them"},
	)
	return out
}
