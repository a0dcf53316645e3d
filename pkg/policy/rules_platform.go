package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/clusterautoscaler"
	"github.com/plinth-dev/plinth/pkg/eksaddon"
)

// The rules of this file are the classes the cloud findings belong to,
// each judging values the program sets (config, chart values, the
// dependency graph), never values a mock invented: ordering (a custom
// resource after its CRD), compatibility (a chart with the image and the
// cluster it runs on), platform services (a metrics API for resource
// HPAs), platform restrictions (what Autopilot refuses), reachability (a
// cloud identity through its own egress policy) and managed control
// planes (no scrape target the cloud hides).

// More type tokens.
const (
	tDaemonSet = "kubernetes:apps/v1:DaemonSet"
	tJob       = "kubernetes:batch/v1:Job"
	tCronJob   = "kubernetes:batch/v1:CronJob"
	tPod       = "kubernetes:core/v1:Pod"
	tSA        = "kubernetes:core/v1:ServiceAccount"
	tCRD       = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
	tHPAv1     = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"
)

func platformRules() []*Rule {
	return []*Rule{
		{ID: "PL-D-025", Severity: Mandatory, Title: "Custom resources wait for what installs their CRD",
			Remediation: "make the custom resource (or the chart that creates it) depend on the CRD, or on the chart that installs it (app.Args.WaitForCRDs, rollouts.Args.WaitForCRDs); for CRDs the platform installs, list the group in the stack's preinstalled CRDs",
			Source:      "pulumi-kubernetes retries creating a kind the API server does not serve yet for about a minute (6 tries, doubling from 1 s; await.go creation retrier), then fails the update; a chart installed in the same update may take longer (measured on a first EKS up: the monitoring chart waited on the EBS CSI add-on, 45–65 s). Within one Chart v4, CRs already wait for their CRDs (yaml/v2 Register: cli-utils DependencyGraph)",
			StackCheck:  customResourcesAfterCRDs},
		{ID: "PL-D-026", Severity: Mandatory, Title: "Charts and add-ons fit the image and cluster version they run with",
			Remediation: "use the chart and image pkg/clusterautoscaler pins for the cluster's version, and a kube-proxy within its version skew (or leave both to plinth's defaults)",
			Source:      "cluster-autoscaler: the image's minor must match the cluster's, and from 1.35 its ClusterRole must grant resource.k8s.io (chart 9.54.0+; kubernetes/autoscaler#10278); kube-proxy: never newer than the API server, at most three minors older (https://kubernetes.io/releases/version-skew-policy/#kube-proxy)",
			StackCheck:  chartsFitTheirCluster},
		{ID: "PL-D-027", Severity: Mandatory, Title: "Resource-metric HPAs have a metrics API on their cluster",
			Remediation: "install metrics-server (eks.New installs the EKS add-on); GKE runs one itself",
			Source:      "EKS: \"The Kubernetes Metrics Server … isn't deployed by default in Amazon EKS clusters\" (https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html); without the metrics.k8s.io API an HPA on CPU or memory reports FailedGetResourceMetric and never scales",
			StackCheck:  hpasHaveMetrics},
		{ID: "PL-D-028", Severity: Mandatory, Title: "Nothing on GKE Autopilot uses what Autopilot refuses",
			Remediation: "run no pod with host namespaces, host paths or host ports, and create nothing in kube-system (monitoring.Args.Platform gke-autopilot turns off node-exporter and the chart's kube-system Services)",
			Source:      "GKE Autopilot security constraints: autogke-disallow-hostnamespaces, autogke-no-write-mode-hostpath, autogke-no-host-port, and \"the namespace kube-system is managed\" (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security#built-in-security; prometheus-community/helm-charts#4833)",
			StackCheck:  autopilotRestrictions},
		{ID: "PL-D-029", Severity: Mandatory, Title: "Pods with a cloud identity can reach their credentials through their own egress policy",
			Remediation: "allow egress to the credential endpoint and to the cloud's APIs on 443 (app.NetworkPolicyArgs.CloudAPIs does), and on EKS Auto Mode DNS on port 53 beyond kube-system (app.NetworkPolicyArgs.NodeLocalDNS)",
			Source:      "EKS Pod Identity: the agent serves credentials at 169.254.170.23:80 (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html); IRSA exchanges the token at STS over 443; GKE Workload Identity: the metadata server at 169.254.169.254:80 (169.254.169.252:988 with Calico network policy) (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#network-policy); EKS Auto Mode answers DNS on each node, not from kube-system pods (aws/containers-roadmap#2552)",
			StackCheck:  identitiesReachable},
		{ID: "PL-D-030", Severity: Mandatory, Title: "No scrape target or alert for what a managed control plane hides",
			Remediation: "on EKS and GKE, turn off the chart's kubeControllerManager, kubeScheduler, kubeEtcd and kubeProxy targets and their rule groups (monitoring.Args.Platform does)",
			Source:      "EKS and GKE run the controller manager, scheduler and etcd where the cluster's Prometheus cannot scrape them, so KubeControllerManagerDown and KubeSchedulerDown fire forever (prometheus-community/helm-charts#4106, #1554); kube-proxy on EKS serves metrics on the node's loopback (kube-proxy-config metricsBindAddress 127.0.0.1:10249)",
			StackCheck:  managedControlPlaneTargets},
	}
}

// podSpecOf returns the pod spec of a workload, and whether r has one.
func podSpecOf(r Resource) (map[string]any, bool) {
	path := map[string]string{
		tDeployment: "spec.template.spec", tStatefulSet: "spec.template.spec", tDaemonSet: "spec.template.spec",
		tJob: "spec.template.spec", tRollout: "spec.template.spec",
		tCronJob: "spec.jobTemplate.spec.template.spec", tPod: "spec",
	}[r.Type]
	if path == "" {
		return nil, false
	}
	spec := object(r.Inputs, path)
	return spec, spec != nil
}

// --- ordering

// builtinGroups are the API groups every Kubernetes API server serves.
var builtinGroups = []string{
	"core", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
	"storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "coordination.k8s.io",
	"discovery.k8s.io", "scheduling.k8s.io", "node.k8s.io", "certificates.k8s.io", "events.k8s.io",
	"flowcontrol.apiserver.k8s.io", "resource.k8s.io", "apiregistration.k8s.io",
}

// chartCRDs are the API groups whose CRDs a chart installs (each chart's
// crds/ or templates), by a word its chart name contains.
var chartCRDs = map[string][]string{
	"kube-prometheus-stack": {"monitoring.coreos.com"},
	"argo-rollouts":         {"argoproj.io"},
	"external-secrets":      {"external-secrets.io"},
	"karpenter":             {"karpenter.sh", "karpenter.k8s.aws"},
	"kyverno":               {"kyverno.io", "policies.kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"},
	"flux":                  {"source.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io"},
}

// chartCRs are custom resources a chart creates from its values: the
// value path that turns them on, and the API group.
var chartCRs = map[string][]struct{ path, group string }{
	"argo-rollouts":      {{"controller.metrics.serviceMonitor.enabled", "monitoring.coreos.com"}},
	"cluster-autoscaler": {{"serviceMonitor.enabled", "monitoring.coreos.com"}},
}

// groupOf returns the API group and kind of a Kubernetes type token
// ("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), and whether r is
// a Kubernetes object at all (not a provider, chart or config group).
func groupOf(typ string) (group, kind string, ok bool) {
	rest, found := strings.CutPrefix(typ, "kubernetes:")
	if !found {
		return "", "", false
	}
	gv, kind, found := strings.Cut(rest, ":")
	group, _, _ = strings.Cut(gv, "/")
	if !found || group == "helm.sh" || group == "yaml" || group == "kustomize" {
		return "", "", false
	}
	return group, kind, true
}

// installers returns, per API group, the URNs of the resources of the
// stack that install its CRDs on the cluster of provider p.
func installers(g *graph, rs []Resource, cluster Resource) map[string][]string {
	out := map[string][]string{}
	for _, r := range rs {
		c, ok := g.clusterOf(r)
		if !ok || c.URN != cluster.URN {
			continue
		}
		switch r.Type {
		case tCRD:
			if grp := str(r.Inputs, "spec.group", ""); grp != "" {
				out[grp] = append(out[grp], r.URN)
			}
		case tChart, tHelmRelease:
			chart := str(r.Inputs, "chart", "")
			for word, groups := range chartCRDs {
				if strings.Contains(chart, word) && boolean(r.Inputs, "values.crds.enabled", true) {
					for _, grp := range groups {
						out[grp] = append(out[grp], r.URN)
					}
				}
			}
		}
	}
	return out
}

func customResourcesAfterCRDs(rs []Resource, c Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	need := func(r Resource, group, what string, inst map[string][]string) {
		if slices.Contains(builtinGroups, group) || slices.Contains(c.PreinstalledCRDs, group) {
			return
		}
		urns := inst[group]
		for _, u := range urns {
			if u == r.URN || g.waitsFor(r, u) {
				return
			}
		}
		if len(urns) == 0 {
			out = append(out, Violation{r.ID(), fmt.Sprintf("%s of API group %s, whose CRD nothing in the stack installs and which is not listed as preinstalled on the cluster: the first up fails when the kind is missing", what, group)})
			return
		}
		names := make([]string, len(urns))
		for i, u := range urns {
			names[i] = g.byURN[u].Name
		}
		out = append(out, Violation{r.ID(), fmt.Sprintf("%s of API group %s, but does not wait for %s, which installs its CRD: a first up races it, and fails when the CRD comes after the provider's minute of retries", what, group, strings.Join(names, ", "))})
	}
	for _, r := range rs {
		cluster, ok := g.clusterOf(r)
		if !ok {
			continue // a cluster plinth cannot see: its CRDs come with it
		}
		inst := installers(g, rs, cluster)
		if group, kind, ok := groupOf(r.Type); ok {
			need(r, group, "is a "+kind, inst)
		}
		if r.Type == tChart || r.Type == tHelmRelease {
			chart := str(r.Inputs, "chart", "")
			for word, crs := range chartCRs {
				for _, cr := range crs {
					if strings.Contains(chart, word) && boolean(r.Inputs, "values."+cr.path, false) {
						need(r, cr.group, "creates custom resources ("+cr.path+")", inst)
					}
				}
			}
		}
	}
	return out
}

// --- compatibility

func chartsFitTheirCluster(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, r := range rs {
		switch {
		case (r.Type == tChart || r.Type == tHelmRelease) && strings.Contains(str(r.Inputs, "chart", ""), "cluster-autoscaler"):
			cluster, ok := g.clusterOf(r)
			if !ok || cluster.Type != tEKSCluster {
				continue
			}
			chartVersion := str(r.Inputs, "version", "")
			image := str(r.Inputs, "values.image.tag", "")
			if image == "" {
				out = append(out, Violation{r.ID(), "leaves the autoscaler's image to the chart's default, which follows the chart, not the cluster: pin values.image.tag to the cluster's minor"})
				continue
			}
			for _, p := range clusterautoscaler.Check(chartVersion, image, str(cluster.Inputs, "version", "")) {
				out = append(out, Violation{r.ID(), p.Field + " " + p.Message})
			}
		case r.Type == tAddon && str(r.Inputs, "addonName", "") == eksaddon.KubeProxy:
			clusters := g.upstreamOfType(r, tEKSCluster)
			if len(clusters) == 0 {
				continue
			}
			if err := eksaddon.CheckKubeProxy(str(r.Inputs, "addonVersion", ""), str(clusters[0].Inputs, "version", "")); err != nil {
				out = append(out, Violation{r.ID(), "addonVersion " + err.Error()})
			}
		}
	}
	return out
}

// --- platform services

func hpasHaveMetrics(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	served := map[string]bool{} // EKS clusters with a metrics API
	for _, r := range rs {
		switch {
		case r.Type == tAddon && str(r.Inputs, "addonName", "") == eksaddon.MetricsServer:
			for _, c := range g.upstreamOfType(r, tEKSCluster) {
				served[c.URN] = true
			}
		case r.Type == tChart || r.Type == tHelmRelease:
			chart := str(r.Inputs, "chart", "")
			if strings.Contains(chart, "metrics-server") || strings.Contains(chart, "prometheus-adapter") {
				if c, ok := g.clusterOf(r); ok {
					served[c.URN] = true
				}
			}
		}
	}
	for _, r := range rs {
		if r.Type != tHPA && r.Type != tHPAv1 {
			continue
		}
		c, ok := g.clusterOf(r)
		if !ok || c.Type != tEKSCluster || served[c.URN] || !resourceMetrics(r) {
			continue
		}
		out = append(out, Violation{r.ID(), fmt.Sprintf("scales on CPU or memory on EKS cluster %s, which runs no metrics-server: the HPA never scales", c.Name)})
	}
	return out
}

// resourceMetrics reports whether an HPA reads the resource metrics API.
func resourceMetrics(r Resource) bool {
	if r.Type == tHPAv1 {
		return true
	}
	for _, m := range list(r.Inputs, "spec.metrics") {
		if mm, ok := m.(map[string]any); ok && (mm["type"] == "Resource" || mm["type"] == "ContainerResource") {
			return true
		}
	}
	return false
}

// --- platform restrictions

// autopilotChartValues are the kube-prometheus-stack values that deploy
// what Autopilot refuses: node-exporter, and Services in kube-system.
var autopilotChartValues = []string{"nodeExporter", "kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy", "coreDns", "kubeDns", "kubelet"}

func autopilotRestrictions(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, r := range rs {
		c, ok := g.clusterOf(r)
		if !ok || c.Type != tGKECluster || !autopilot(c) {
			continue
		}
		if ns := str(r.Inputs, "metadata.namespace", ""); ns == "kube-system" {
			out = append(out, Violation{r.ID(), "writes to kube-system, which Autopilot manages and refuses writes to"})
		}
		if spec, ok := podSpecOf(r); ok {
			for _, h := range []string{"hostNetwork", "hostPID", "hostIPC"} {
				if boolean(spec, h, false) {
					out = append(out, Violation{r.ID(), "sets " + h + ", which Autopilot refuses (autogke-disallow-hostnamespaces)"})
				}
			}
			for _, v := range list(spec, "volumes") {
				if vm, ok := v.(map[string]any); ok && hasKey(vm, "hostPath") && !strings.HasPrefix(str(vm, "hostPath.path", ""), "/var/log/") {
					out = append(out, Violation{r.ID(), fmt.Sprintf("mounts the host path %s, which Autopilot refuses outside /var/log/ (autogke-no-write-mode-hostpath)", str(vm, "hostPath.path", ""))})
				}
			}
			for _, ct := range list(spec, "containers") {
				cm, _ := ct.(map[string]any)
				for _, p := range list(cm, "ports") {
					if pm, ok := p.(map[string]any); ok && number(pm, "hostPort", 0) > 0 {
						out = append(out, Violation{r.ID(), fmt.Sprintf("container %v uses host port %g, which Autopilot refuses (autogke-no-host-port)", cm["name"], number(pm, "hostPort", 0))})
					}
				}
			}
		}
		if (r.Type == tChart || r.Type == tHelmRelease) && strings.Contains(str(r.Inputs, "chart", ""), "kube-prometheus-stack") {
			var on []string
			for _, k := range autopilotChartValues {
				if boolean(r.Inputs, "values."+k+".enabled", true) {
					on = append(on, k)
				}
			}
			if boolean(r.Inputs, "values.prometheusOperator.kubeletService.enabled", true) {
				on = append(on, "prometheusOperator.kubeletService")
			}
			if len(on) > 0 {
				out = append(out, Violation{r.ID(), fmt.Sprintf("deploys %s (values …enabled unset or true): node-exporter needs host namespaces and paths, and the rest creates Services in kube-system, which Autopilot refuses", strings.Join(on, ", "))})
			}
		}
	}
	return out
}

// --- reachability

// credentialEndpoint is where pods of one kind of cloud identity fetch
// their credentials.
type credentialEndpoint struct {
	what string
	cidr string // a /32, or "" for any public address
	port float64
}

func identitiesReachable(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, np := range rs {
		c, ok := g.clusterOf(np)
		if np.Type != tNetPol || !ok || c.Type != tEKSCluster || !autoMode(c) || !slices.Contains(stringsAt(np.Inputs, "spec.policyTypes"), "Egress") {
			continue
		}
		if !dnsBeyondPods(np) {
			out = append(out, Violation{np.ID(), fmt.Sprintf("allows DNS (port 53) only to pods, but EKS Auto Mode cluster %s answers DNS on each node: every name lookup of its pods times out", c.Name)})
		}
	}
	for _, w := range rs {
		spec, ok := podSpecOf(w)
		if !ok {
			continue
		}
		ns := str(w.Inputs, "metadata.namespace", "default")
		saName := str(spec, "serviceAccountName", "default")
		var need []credentialEndpoint
		for _, sa := range rs {
			if sa.Type != tSA || str(sa.Inputs, "metadata.name", "") != saName || str(sa.Inputs, "metadata.namespace", "default") != ns {
				continue
			}
			ann := object(sa.Inputs, "metadata.annotations")
			if ann["eks.amazonaws.com/role-arn"] != nil {
				need = append(need, credentialEndpoint{"IRSA (STS)", "", 443})
			}
			if ann["iam.gke.io/gcp-service-account"] != nil {
				need = append(need, credentialEndpoint{"GKE Workload Identity (the metadata server)", "169.254.169.254/32", 80})
			}
		}
		for _, a := range rs {
			if a.Type == tPodIdentity && str(a.Inputs, "namespace", "") == ns && str(a.Inputs, "serviceAccount", "") == saName {
				need = append(need, credentialEndpoint{"EKS Pod Identity (its agent)", "169.254.170.23/32", 80})
			}
		}
		if len(need) == 0 {
			continue
		}
		labels := object(w.Inputs, podLabelsPath(w))
		var policies []Resource
		for _, np := range rs {
			if np.Type == tNetPol && str(np.Inputs, "metadata.namespace", "default") == ns &&
				selects(object(np.Inputs, "spec.podSelector.matchLabels"), labels) &&
				slices.Contains(stringsAt(np.Inputs, "spec.policyTypes"), "Egress") {
				policies = append(policies, np)
			}
		}
		if len(policies) == 0 {
			continue // no egress policy: everything is reachable
		}
		for _, e := range need {
			if !slices.ContainsFunc(policies, func(np Resource) bool { return egressAllows(np, e) }) {
				dest := e.cidr
				if dest == "" {
					dest = "a public address"
				}
				out = append(out, Violation{w.ID(), fmt.Sprintf("gets its credentials from %s at %s port %g, which its egress policy %s does not allow: the identity is unusable", e.what, dest, e.port, policies[0].Name)})
			}
		}
	}
	return out
}

// dnsBeyondPods reports whether a NetworkPolicy lets DNS (port 53) out to
// addresses, not only to pods a selector names.
func dnsBeyondPods(np Resource) bool {
	for _, to := range egressTo(np, 53, "") {
		if len(to) == 0 {
			return true
		}
		for _, peer := range to {
			if pm, _ := peer.(map[string]any); hasKey(pm, "ipBlock") {
				return true
			}
		}
	}
	return false
}

// egressTo returns the peers ("to") of each egress rule of a
// NetworkPolicy that allows port (of protocol, any protocol for ""); an
// empty list of peers means any destination.
func egressTo(np Resource, port float64, protocol string) [][]any {
	var out [][]any
	for _, rule := range list(np.Inputs, "spec.egress") {
		rm, _ := rule.(map[string]any)
		ok := len(list(rm, "ports")) == 0
		for _, p := range list(rm, "ports") {
			pm, _ := p.(map[string]any)
			ok = ok || (protocol == "" || str(pm, "protocol", "TCP") == protocol) && (pm["port"] == nil || number(pm, "port", -1) == port)
		}
		if ok {
			out = append(out, list(rm, "to"))
		}
	}
	return out
}

// podLabelsPath is where a workload's pod labels are.
func podLabelsPath(r Resource) string {
	switch r.Type {
	case tCronJob:
		return "spec.jobTemplate.spec.template.metadata.labels"
	case tPod:
		return "metadata.labels"
	}
	return "spec.template.metadata.labels"
}

// egressAllows reports whether a NetworkPolicy's egress rules allow TCP
// to the endpoint.
func egressAllows(np Resource, e credentialEndpoint) bool {
	for _, to := range egressTo(np, e.port, "TCP") {
		if len(to) == 0 {
			return true
		}
		for _, peer := range to {
			pm, _ := peer.(map[string]any)
			cidr := str(pm, "ipBlock.cidr", "")
			if cidr == "0.0.0.0/0" || e.cidr != "" && cidr == e.cidr {
				return true
			}
		}
	}
	return false
}

// --- managed control planes

// hiddenTargets are the kube-prometheus-stack targets a managed control
// plane does not let the cluster's Prometheus scrape, with the rule
// groups that alert on them.
var hiddenTargets = map[string][]string{
	"kubeControllerManager": {"kubeControllerManager"},
	"kubeScheduler":         {"kubeSchedulerAlerting"},
	"kubeEtcd":              {"etcd"},
	"kubeProxy":             {"kubeProxy"},
}

func managedControlPlaneTargets(rs []Resource, _ Context) []Violation {
	g := newGraph(rs)
	var out []Violation
	for _, r := range rs {
		if (r.Type != tChart && r.Type != tHelmRelease) || !strings.Contains(str(r.Inputs, "chart", ""), "kube-prometheus-stack") {
			continue
		}
		c, ok := g.clusterOf(r)
		if !ok {
			continue
		}
		var bad []string
		for _, target := range sortedKeys(hiddenTargets) {
			if boolean(r.Inputs, "values."+target+".enabled", true) {
				bad = append(bad, target+" is scraped")
			}
			for _, grp := range hiddenTargets[target] {
				if boolean(r.Inputs, "values.defaultRules.create", true) && boolean(r.Inputs, "values.defaultRules.rules."+grp, true) {
					bad = append(bad, "rule group "+grp+" alerts")
				}
			}
		}
		if len(bad) > 0 {
			kind := map[string]string{tEKSCluster: "EKS", tGKECluster: "GKE"}[c.Type]
			out = append(out, Violation{r.ID(), fmt.Sprintf("runs on %s cluster %s, whose control plane the cloud hides, yet %s: those targets are always down and their alerts never clear", kind, c.Name, strings.Join(bad, ", "))})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
