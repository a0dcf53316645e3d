package app

import (
	"strconv"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// createServiceMonitor tells the Prometheus Operator to scrape the
// application's Services on the "metrics" port. It carries only the
// application's labels: plinth's monitoring component selects every
// ServiceMonitor, so no release label is needed.
func (b *builder) createServiceMonitor() error {
	m := b.a.Metrics
	if *m.Port == 0 || m.DisableServiceMonitor {
		return nil
	}
	spec := map[string]any{
		"selector": map[string]any{"matchLabels": b.selector},
		"endpoints": []map[string]any{{
			"port":     "metrics",
			"path":     m.Path,
			"interval": m.Interval,
			"scheme":   "http",
		}},
	}
	if b.a.progressive() {
		// The canary analysis selects the new version's series by the
		// pod-template hash Argo Rollouts labels the pods with.
		spec["podTargetLabels"] = []string{RolloutHashLabel}
	}
	sm, err := apiextensions.NewCustomResource(b.ctx, b.child("servicemonitor"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("monitoring.coreos.com/v1"),
		Kind:        pulumi.String("ServiceMonitor"),
		Metadata:    b.meta(b.name, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, b.custom(b.inNS)...)
	if err != nil {
		return err
	}
	b.app.ServiceMonitor = sm
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
