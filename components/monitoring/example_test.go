package monitoring_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// Install kube-prometheus-stack with plinth's alerts, dashboard and
// severity routing. Secrets come from Pulumi secret config. The example
// runs under Pulumi mocks and prints what the component registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := monitoring.New(ctx, "monitoring", monitoring.Args{
			Tier:  "prod",
			Chart: &monitoring.ChartArgs{Repository: "https://charts.example.com/prometheus-community"},
			Grafana: &monitoring.GrafanaArgs{
				AdminPassword: config.RequireSecret(ctx, "plinth:grafanaAdminPassword"),
			},
			Alerting: &monitoring.AlertingArgs{
				PagingURL: config.RequireSecret(ctx, "plinth:alertPagingUrl"),
				ChatURL:   config.RequireSecret(ctx, "plinth:alertChatUrl"),
			},
		})
		return err
	}, plinthtest.WithSecretConfig(map[string]string{
		"plinth:grafanaAdminPassword": "example",
		"plinth:alertPagingUrl":       "https://paging.example.com/hook",
		"plinth:alertChatUrl":         "https://chat.example.com/hook",
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(stack.Inventory())
	// Output:
	// kubernetes:core/v1:ConfigMap=1
	// kubernetes:core/v1:Namespace=1
	// kubernetes:core/v1:Secret=2
	// kubernetes:helm.sh/v4:Chart=1
	// kubernetes:monitoring.coreos.com/v1:PrometheusRule=1
	// plinth:kubernetes:Monitoring=1
}

// Rules are typed Go, checked with the upstream PromQL parser before
// anything is registered.
func ExampleRule() {
	err := monitoring.Args{Mode: monitoring.ModeOperator, Rules: []monitoring.Rule{{
		Alert:    "QueueBacklog",
		Expr:     "sum(queue_depth) >",
		Severity: monitoring.SeverityWarning,
		Sev:      monitoring.SEV1,
		Summary:  "Queue backlog", Description: "Messages wait.",
	}}}.Validate("monitoring")
	fmt.Println(err)
	// Output:
	// monitoring "monitoring": rules[0].expr is not valid PromQL (1:19: parse error: unexpected end of input): fix the expression
	// monitoring "monitoring": rules[0].severity: "warning" does not match SEV1, which is critical in the severity table: use "critical" or change sev
}
