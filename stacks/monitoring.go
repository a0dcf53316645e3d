package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/config"
)

// monitoringArgs maps the monitoring config onto the component's
// arguments; the secrets come from the environment's secret config.
func monitoringArgs(env *config.Environment, cluster string) monitoring.Args {
	m := env.Monitoring
	a := monitoring.Args{
		Mode:        m.Mode,
		Tier:        env.Tier,
		Namespace:   m.Namespace,
		Cluster:     cluster,
		Environment: env.Name,
		Platform:    monitoringPlatform(env),
		Chart:       &monitoring.ChartArgs{Version: m.ChartVersion, Repository: m.Repository},
		Prometheus: &monitoring.PrometheusArgs{
			Retention: m.Retention, StorageSize: m.StorageSize, RemoteWriteURL: m.RemoteWriteURL,
		},
		Grafana:  &monitoring.GrafanaArgs{},
		Alerting: &monitoring.AlertingArgs{},
	}
	if m.StorageClass != "" {
		a.StorageClass = pulumi.String(m.StorageClass)
	}
	if s, ok := env.Secrets[config.SecretGrafanaAdminPassword]; ok {
		a.Grafana.AdminPassword = s
	}
	if s, ok := env.Secrets[config.SecretPagingURL]; ok {
		a.Alerting.PagingURL = s
	}
	if s, ok := env.Secrets[config.SecretChatURL]; ok {
		a.Alerting.ChatURL = s
	}
	return a
}

// monitoringPlatform is what runs the environment's cluster, for what
// the monitoring stack may scrape and deploy there.
func monitoringPlatform(env *config.Environment) string {
	switch {
	case env.Cloud == config.CloudAWS:
		return monitoring.PlatformEKS
	case env.Cloud == config.CloudGCP && env.Cluster.Autopilot:
		return monitoring.PlatformGKEAutopilot
	case env.Cloud == config.CloudGCP:
		return monitoring.PlatformGKE
	}
	return monitoring.PlatformSelfManaged
}
