package app

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// namespaceNameLabel is set by Kubernetes on every namespace.
const namespaceNameLabel = "kubernetes.io/metadata.name"

// createNetworkPolicy denies all ingress to the application's pods except
// from the listed namespaces and pods (to the app port), the monitoring
// namespace (to the metrics port), the gateway's namespace with a Route
// and the ingress controller's with an Ingress; and all egress except to DNS, the application's own pods,
// the listed namespaces and blocks (unless AllowAllEgress).
func (b *builder) createNetworkPolicy() error {
	np := b.a.NetworkPolicy
	if np.Disabled {
		return nil
	}
	tcp := func(port pulumi.Input) networkingv1.NetworkPolicyPortArray {
		return networkingv1.NetworkPolicyPortArray{&networkingv1.NetworkPolicyPortArgs{
			Protocol: pulumi.String("TCP"), Port: port,
		}}
	}
	fromNamespace := func(ns pulumi.StringInput) networkingv1.NetworkPolicyPeerInput {
		return &networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
			MatchLabels: pulumi.StringMap{namespaceNameLabel: ns},
		}}
	}
	// A namespace from another resource is checked when it resolves.
	namespace := func(path string, ns pulumi.StringInput) networkingv1.NetworkPolicyPeerInput {
		return fromNamespace(b.checked(path, ns, problem.CheckDNSLabel))
	}
	var appPeers networkingv1.NetworkPolicyPeerArray
	for i, ns := range np.AllowFromNamespaces {
		appPeers = append(appPeers, namespace(fmt.Sprintf("networkPolicy.allowFromNamespaces[%d]", i), ns))
	}
	if len(np.AllowFromPods) > 0 {
		appPeers = append(appPeers, &networkingv1.NetworkPolicyPeerArgs{
			PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(np.AllowFromPods)},
		})
	}
	if b.a.Ingress != nil {
		appPeers = append(appPeers, namespace("networkPolicy.ingressNamespace", np.IngressNamespace))
	}
	if r := b.a.Route; r != nil {
		appPeers = append(appPeers, fromNamespace(b.gatewayNamespace))
	}
	var ingress networkingv1.NetworkPolicyIngressRuleArray
	if len(appPeers) > 0 {
		ingress = append(ingress, &networkingv1.NetworkPolicyIngressRuleArgs{From: appPeers, Ports: tcp(pulumi.String("http"))})
	}
	if *b.a.Metrics.Port != 0 {
		ingress = append(ingress, &networkingv1.NetworkPolicyIngressRuleArgs{
			From:  networkingv1.NetworkPolicyPeerArray{namespace("networkPolicy.monitoringNamespace", np.MonitoringNamespace)},
			Ports: tcp(pulumi.String("metrics")),
		})
	}
	spec := &networkingv1.NetworkPolicySpecArgs{
		PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(b.selector)},
		PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
		// An empty list denies all ingress; set explicitly so the intent
		// is visible in the object.
		Ingress: ingress,
	}
	if ingress == nil {
		spec.Ingress = networkingv1.NetworkPolicyIngressRuleArray{}
	}
	if !np.AllowAllEgress {
		spec.PolicyTypes = pulumi.StringArray{pulumi.String("Ingress"), pulumi.String("Egress")}
		spec.Egress = b.egress()
	}
	pol, err := networkingv1.NewNetworkPolicy(b.ctx, b.child("networkpolicy"), &networkingv1.NetworkPolicyArgs{
		Metadata: b.meta(b.name, nil),
		Spec:     spec,
	}, b.inNS...)
	if err != nil {
		return err
	}
	b.app.NetworkPolicy = pol
	return nil
}

// createRoute attaches an HTTPRoute to the Gateway: every request under
// Path goes to the live Service, or for a Canary app to the stable and
// canary Services, weighted by CanaryPercent.
func (b *builder) createRoute() error {
	r := b.a.Route
	if r == nil {
		return nil
	}
	parent := map[string]any{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": r.Gateway,
		"namespace": b.gatewayNamespace}
	if r.SectionName != "" {
		parent["sectionName"] = r.SectionName
	}
	backend := func(svc *corev1.Service, weight int) map[string]any {
		return map[string]any{"name": svc.Metadata.Name().Elem(), "port": 80, "weight": weight}
	}
	backends := []any{backend(b.app.Service, 1)}
	if b.a.Strategy.Type == StrategyCanary {
		p := *b.a.Strategy.CanaryPercent
		backends = []any{backend(b.app.Service, 100-p), backend(b.app.PreviewService, p)}
	}
	spec := map[string]any{
		"parentRefs": []any{parent},
		"rules": []any{map[string]any{
			"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": r.Path}}},
			"backendRefs": backends,
		}},
	}
	if len(r.Hostnames) > 0 {
		spec["hostnames"] = b.hostnames
	}
	route, err := apiextensions.NewCustomResource(b.ctx, b.child("httproute"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("gateway.networking.k8s.io/v1"),
		Kind:        pulumi.String("HTTPRoute"),
		Metadata:    b.meta(b.name, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, b.custom(b.inNS)...)
	if err != nil {
		return err
	}
	b.app.Route = route
	return nil
}

// createIngresses exposes the live Service through an Ingress.
func (b *builder) createIngresses() error {
	in := b.a.Ingress
	if in == nil {
		return nil
	}
	ingress := func(logical, name string, svc *corev1.Service) error {
		spec := &networkingv1.IngressSpecArgs{
			Rules: networkingv1.IngressRuleArray{&networkingv1.IngressRuleArgs{
				Host: b.host,
				Http: &networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{
					&networkingv1.HTTPIngressPathArgs{
						Path:     pulumi.String(in.Path),
						PathType: pulumi.String("Prefix"),
						Backend: &networkingv1.IngressBackendArgs{Service: &networkingv1.IngressServiceBackendArgs{
							Name: svc.Metadata.Name().Elem(),
							Port: &networkingv1.ServiceBackendPortArgs{Name: pulumi.String("http")},
						}},
					},
				}},
			}},
		}
		if in.TLSSecret != "" {
			spec.Tls = networkingv1.IngressTLSArray{&networkingv1.IngressTLSArgs{
				Hosts: pulumi.StringArray{b.host}, SecretName: pulumi.String(in.TLSSecret),
			}}
		}
		if in.ClassName != "" {
			spec.IngressClassName = pulumi.String(in.ClassName)
		}
		md := b.meta(name, nil)
		annotate(md, pulumi.ToStringMap(in.Annotations))
		ing, err := networkingv1.NewIngress(b.ctx, logical, &networkingv1.IngressArgs{Metadata: md, Spec: spec}, b.inNS...)
		if err != nil {
			return err
		}
		b.app.Ingresses = append(b.app.Ingresses, ing)
		return nil
	}
	return ingress(b.child("ingress"), b.name, b.app.Service)
}

// egress are the destinations the pods may connect to.
func (b *builder) egress() networkingv1.NetworkPolicyEgressRuleArray {
	np := b.a.NetworkPolicy
	namespace := func(ns string) *networkingv1.NetworkPolicyPeerArgs {
		return &networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
			MatchLabels: pulumi.StringMap{namespaceNameLabel: pulumi.String(ns)},
		}}
	}
	dns := &networkingv1.NetworkPolicyEgressRuleArgs{
		// DNS: the cluster's resolver runs in kube-system, or on each
		// node (NodeLocalDNS), where no selector can name it.
		To: networkingv1.NetworkPolicyPeerArray{namespace("kube-system")},
		Ports: networkingv1.NetworkPolicyPortArray{
			&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("UDP"), Port: pulumi.Int(53)},
			&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(53)},
		},
	}
	if np.NodeLocalDNS {
		dns.To = nil
	}
	out := networkingv1.NetworkPolicyEgressRuleArray{
		dns,
		// The application's own pods (peers of a cluster, a cache).
		&networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{
				PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(b.selector)},
			}},
		},
	}
	if len(np.AllowToNamespaces) > 0 {
		var peers networkingv1.NetworkPolicyPeerArray
		for _, ns := range np.AllowToNamespaces {
			peers = append(peers, namespace(ns))
		}
		out = append(out, &networkingv1.NetworkPolicyEgressRuleArgs{To: peers})
	}
	if *np.CloudAPIs {
		out = append(out, b.cloudAPIEgress()...)
	}
	for _, e := range np.Egress {
		var ports networkingv1.NetworkPolicyPortArray
		for _, p := range e.Ports {
			ports = append(ports, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(p)})
		}
		out = append(out, &networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{
				IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(e.CIDR)},
			}},
			Ports: ports,
		})
	}
	return out
}

// Credential endpoints a cloud identity needs: the EKS Pod Identity
// agent (EKS User Guide, "Understand how EKS Pod Identity works": the
// agent listens on 169.254.170.23, port 80) and the GKE metadata server
// (GKE, "Workload Identity Federation for GKE", network policy: egress to
// 169.254.169.254/32 port 80, and to 169.254.169.252/32 port 988 on
// clusters with Calico network policy).
const (
	PodIdentityAgentCIDR = "169.254.170.23/32"
	GKEMetadataCIDR      = "169.254.169.254/32"
	GKEMetadataProxyCIDR = "169.254.169.252/32"
)

// cloudAPIEgress lets a pod with a cloud identity reach its credentials
// (the endpoint of its kind of identity) and the cloud's APIs (TCP 443).
func (b *builder) cloudAPIEgress() networkingv1.NetworkPolicyEgressRuleArray {
	block := func(cidr string, port int) *networkingv1.NetworkPolicyEgressRuleArgs {
		return &networkingv1.NetworkPolicyEgressRuleArgs{
			To: networkingv1.NetworkPolicyPeerArray{&networkingv1.NetworkPolicyPeerArgs{
				IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(cidr)},
			}},
			Ports: networkingv1.NetworkPolicyPortArray{&networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(port)}},
		}
	}
	var out networkingv1.NetworkPolicyEgressRuleArray
	sa := b.a.ServiceAccount
	if sa.PodIdentityRoleARN != nil {
		out = append(out, block(PodIdentityAgentCIDR, 80))
	}
	if sa.GCPServiceAccount != nil {
		out = append(out, block(GKEMetadataCIDR, 80), block(GKEMetadataProxyCIDR, 988))
	}
	// STS (IRSA's AssumeRoleWithWebIdentity) and the services the role
	// grants, at public addresses or VPC endpoints.
	return append(out, block("0.0.0.0/0", 443))
}

// checked is in, checked when it resolves as Validate checks a literal,
// failing the update under path with the same message.
func (b *builder) checked(path string, in pulumi.StringInput, check func(string) error) pulumi.StringOutput {
	return problem.Resolved(fmt.Sprintf("app %q: ", b.name), path, in, check)
}

// resolveInputs sets the Ingress's host and the Route's hostnames and
// gateway namespace, each checked when it resolves.
func (b *builder) resolveInputs() {
	if in := b.a.Ingress; in != nil {
		b.host = b.checked("ingress.host", in.Host, checkDNSName)
	}
	if r := b.a.Route; r != nil {
		b.gatewayNamespace = b.checked("route.gatewayNamespace", r.GatewayNamespace, problem.CheckDNSLabel)
		for i, h := range r.Hostnames {
			b.hostnames = append(b.hostnames, b.checked(fmt.Sprintf("route.hostnames[%d]", i), h, checkHostname))
		}
	}
}
