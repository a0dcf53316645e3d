// Command monitoring installs kube-prometheus-stack with plinth's alert
// rules, service dashboard and severity routing, plus one rule of its own.
//
//	pulumi config set plinth-example-monitoring:chartRepository https://charts.example.com/prometheus-community
//	pulumi config set --secret plinth-example-monitoring:grafanaAdminPassword …
//	pulumi config set --secret plinth-example-monitoring:pagingUrl …
//	pulumi config set --secret plinth-example-monitoring:chatUrl …
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/monitoring"
)

func main() {
	pulumi.Run(program)
}

// program is the example; main_test.go runs it under mocks.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	mon, err := monitoring.New(ctx, "monitoring", monitoring.Args{
		Tier:     "prod",
		Chart:    &monitoring.ChartArgs{Repository: cfg.Require("chartRepository")},
		Grafana:  &monitoring.GrafanaArgs{AdminPassword: cfg.RequireSecret("grafanaAdminPassword")},
		Alerting: &monitoring.AlertingArgs{PagingURL: cfg.RequireSecret("pagingUrl"), ChatURL: cfg.RequireSecret("chatUrl")},
		Rules: []monitoring.Rule{{
			Alert:       "QueueBacklog",
			Expr:        `sum by (queue) (queue_depth) > 1000`,
			For:         "10m",
			Severity:    monitoring.SeverityWarning,
			Sev:         monitoring.SEV3,
			Summary:     "Queue {{ $labels.queue }} is backing up",
			Description: "More than 1000 messages have waited for 10 minutes.",
		}},
	})
	if err != nil {
		return err
	}
	ctx.Export("grafanaUrl", mon.GrafanaURL)
	ctx.Export("alerts", mon.Alerts)
	return nil
}
