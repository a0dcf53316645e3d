package eks

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// autoModeNetworkPolicies turns on the network policy controller of an
// Auto Mode cluster, which is off until the amazon-vpc-cni ConfigMap asks
// for it: without it every NetworkPolicy the apps create is accepted and
// ignored (EKS User Guide, "Use Network Policies with EKS Auto Mode":
// https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html).
// A custom NodeClass also chooses, in spec.networkPolicy, what pods no
// policy selects may do.
func (b *builder) autoModeNetworkPolicies() error {
	if !b.a.AutoMode.Enabled {
		return nil
	}
	own, ann := naming.Owner(b.ctx.Project(), b.ctx.Stack())
	_, err := corev1.NewConfigMap(b.ctx, b.child("network-policy-controller"), &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String("amazon-vpc-cni"),
			Namespace:   pulumi.String("kube-system"),
			Labels:      pulumi.ToStringMap(naming.Merge(map[string]string{naming.LabelManagedBy: naming.ManagedBy}, own)),
			Annotations: pulumi.ToStringMap(ann),
		},
		Data: pulumi.StringMap{"enable-network-policy-controller": pulumi.String("true")},
	}, append(b.opts, pulumi.Provider(b.c.Provider))...)
	return err
}
