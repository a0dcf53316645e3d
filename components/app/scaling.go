package app

import (
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/ptr"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// createScaling creates the PodDisruptionBudget of a track's Deployment
// and, when it is autoscaled, its HorizontalPodAutoscaler. A track that
// may run a single pod gets no budget: one pod cannot stay available
// through a voluntary disruption, and a budget would only hold drains.
func (b *builder) createScaling(t track, target scaleTarget) error {
	a := b.a
	if minPods(a, t) >= 2 {
		if err := b.createPDB(t); err != nil {
			return err
		}
	}
	if !t.autoscale {
		return nil
	}
	return b.createHPA(t, target)
}

// scaleTarget is what an HPA scales: the track's Deployment, or the
// Rollout that runs its pods. name is the target's name output, so the
// HPA is created after its target.
type scaleTarget struct {
	apiVersion, kind string
	name             pulumi.StringOutput
}

// minPods is the fewest pods a track runs: the autoscaler's minimum, or
// its fixed count.
func minPods(a Args, t track) int {
	if t.autoscale {
		return *a.Autoscaling.MinReplicas
	}
	return t.replicas
}

func (b *builder) createPDB(t track) error {
	a := b.a
	pdbSpec := &policyv1.PodDisruptionBudgetSpecArgs{
		Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(naming.Merge(b.selector, t.labels))},
		// Pods that are not ready yet are not protected: a budget must
		// never stop a drain because of pods that serve nothing.
		UnhealthyPodEvictionPolicy: pulumi.String("AlwaysAllow"),
	}
	switch {
	case a.PDB.MinAvailable != nil && !t.canary:
		pdbSpec.MinAvailable = pulumi.Int(*a.PDB.MinAvailable)
	default:
		// A fixed-size track (a canary) has no minAvailable: a count kept
		// of the stable track's replicas could block every eviction of
		// the canary's few. It keeps maxUnavailable, or one pod at a time.
		pdbSpec.MaxUnavailable = pulumi.Int(*ptr.Or(a.PDB.MaxUnavailable, 1))
	}
	pdb, err := policyv1.NewPodDisruptionBudget(b.ctx, naming.Child(t.name, "pdb"), &policyv1.PodDisruptionBudgetArgs{
		Metadata: b.meta(t.name, t.labels),
		Spec:     pdbSpec,
	}, b.inNS...)
	if err != nil {
		return err
	}
	b.app.PDBs = append(b.app.PDBs, pdb)
	return nil
}

func (b *builder) createHPA(t track, target scaleTarget) error {
	a := b.a
	as := a.Autoscaling
	metric := func(resource string, target int) autoscalingv2.MetricSpecInput {
		return &autoscalingv2.MetricSpecArgs{
			Type: pulumi.String("Resource"),
			Resource: &autoscalingv2.ResourceMetricSourceArgs{
				Name: pulumi.String(resource),
				Target: &autoscalingv2.MetricTargetArgs{
					Type:               pulumi.String("Utilization"),
					AverageUtilization: pulumi.Int(target),
				},
			},
		}
	}
	metrics := autoscalingv2.MetricSpecArray{metric("cpu", *as.TargetCPUPercent)}
	if as.TargetMemoryPercent > 0 {
		metrics = append(metrics, metric("memory", as.TargetMemoryPercent))
	}
	hpa, err := autoscalingv2.NewHorizontalPodAutoscaler(b.ctx, naming.Child(t.name, "hpa"), &autoscalingv2.HorizontalPodAutoscalerArgs{
		Metadata: b.meta(t.name, t.labels),
		Spec: &autoscalingv2.HorizontalPodAutoscalerSpecArgs{
			ScaleTargetRef: &autoscalingv2.CrossVersionObjectReferenceArgs{
				ApiVersion: pulumi.String(target.apiVersion),
				Kind:       pulumi.String(target.kind),
				Name:       target.name,
			},
			MinReplicas: pulumi.Int(*as.MinReplicas),
			MaxReplicas: pulumi.Int(*as.MaxReplicas),
			Metrics:     metrics,
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehaviorArgs{
				ScaleUp: &autoscalingv2.HPAScalingRulesArgs{
					StabilizationWindowSeconds: pulumi.Int(*as.ScaleUpStabilizationSeconds),
					SelectPolicy:               pulumi.String("Max"),
					Policies: autoscalingv2.HPAScalingPolicyArray{
						&autoscalingv2.HPAScalingPolicyArgs{Type: pulumi.String("Percent"), Value: pulumi.Int(100), PeriodSeconds: pulumi.Int(60)},
						&autoscalingv2.HPAScalingPolicyArgs{Type: pulumi.String("Pods"), Value: pulumi.Int(4), PeriodSeconds: pulumi.Int(60)},
					},
				},
				ScaleDown: &autoscalingv2.HPAScalingRulesArgs{
					StabilizationWindowSeconds: pulumi.Int(*as.ScaleDownStabilizationSeconds),
					SelectPolicy:               pulumi.String("Max"),
					Policies: autoscalingv2.HPAScalingPolicyArray{
						&autoscalingv2.HPAScalingPolicyArgs{Type: pulumi.String("Percent"), Value: pulumi.Int(50), PeriodSeconds: pulumi.Int(60)},
					},
				},
			},
		},
	}, b.inNS...)
	if err != nil {
		return err
	}
	b.app.HPAs = append(b.app.HPAs, hpa)
	return nil
}
