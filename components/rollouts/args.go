package rollouts

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Args configures the Argo Rollouts controller. Only Chart.Repository is
// required; every other field has a documented default.
type Args struct {
	// Tier picks the replica count. Default: "dev".
	Tier config.Tier `pulumi:"tier,optional"`
	// Namespace the controller runs in. Default: "argo-rollouts".
	Namespace string `pulumi:"namespace,optional"`
	// Chart selects the argo-rollouts chart. Required (its repository).
	Chart *ChartArgs `pulumi:"chart"`
	// Replicas of the controller; one leads at a time.
	// Default: - by tier (prod 2, else 1).
	Replicas *int `pulumi:"replicas,optional"`
	// Monitoring creates the chart's ServiceMonitor for the controller's
	// metrics (the Prometheus Operator must be installed). Default: false.
	Monitoring bool `pulumi:"monitoring,optional"`
	// WaitForCRDs are what install the ServiceMonitor CRD (the monitoring
	// stack) when Monitoring is on: the chart waits for them, so the first
	// up does not race the CRD. Go programs only; other languages set
	// dependsOn on the component.
	WaitForCRDs []pulumi.Resource
	// ExtraValues are merged over the chart values plinth computes: the
	// escape hatch for settings without a typed field.
	ExtraValues map[string]any `pulumi:"extraValues,optional"`
}

// ChartArgs selects the argo-rollouts chart.
type ChartArgs struct {
	// Version of the argo-rollouts chart. Changing it upgrades the
	// controller and its CRDs. Default: "2.40.5".
	Version string `pulumi:"version,optional"`
	// Repository is the chart repository URL (the Argo Helm repository or
	// a mirror of it), or an oci:// URL of the chart. Required.
	Repository string `pulumi:"repository"`
}
