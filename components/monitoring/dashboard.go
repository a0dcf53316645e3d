package monitoring

import (
	"encoding/json"
	"fmt"
)

// DashboardLabel marks ConfigMaps that Grafana's dashboard sidecar loads
// (kube-prometheus-stack's default label).
const DashboardLabel = "grafana_dashboard"

// panel is one time-series panel of a dashboard.
type panel struct {
	Title  string
	Unit   string
	Query  string
	Legend string
}

// ServiceDashboard returns the plinth service dashboard as Grafana JSON:
// request rate, error ratio and p95 latency per service, with namespace
// and service variables. Every query is PromQL that the upstream parser
// accepts (no Grafana-only range variables).
func ServiceDashboard(m MetricNames) ([]byte, error) {
	sel := `namespace=~"$namespace", service=~"$service"`
	panels := []panel{
		{
			Title: "Request rate", Unit: "reqps", Legend: "{{service}}",
			Query: fmt.Sprintf(`sum by (service) (rate(%s{%s}[5m]))`, m.Requests, sel),
		},
		{
			Title: "Error ratio (5xx)", Unit: "percentunit", Legend: "{{service}}",
			Query: fmt.Sprintf(`sum by (service) (rate(%s{%s, %s=~"5.."}[5m])) / sum by (service) (rate(%s{%s}[5m]))`,
				m.Requests, sel, m.StatusLabel, m.Requests, sel),
		},
		{
			Title: "Latency p95", Unit: "s", Legend: "{{service}}",
			Query: fmt.Sprintf(`histogram_quantile(0.95, sum by (service, le) (rate(%s_bucket{%s}[5m])))`, m.Duration, sel),
		},
	}
	var out []map[string]any
	for i, p := range panels {
		out = append(out, map[string]any{
			"id":         i + 1,
			"type":       "timeseries",
			"title":      p.Title,
			"datasource": map[string]any{"type": "prometheus", "uid": "${datasource}"},
			"gridPos":    map[string]any{"h": 8, "w": 8, "x": 8 * i, "y": 0},
			"fieldConfig": map[string]any{
				"defaults":  map[string]any{"unit": p.Unit},
				"overrides": []any{},
			},
			"targets": []any{map[string]any{
				"refId": "A", "expr": p.Query, "legendFormat": p.Legend,
				"datasource": map[string]any{"type": "prometheus", "uid": "${datasource}"},
			}},
		})
	}
	variable := func(name, query string) map[string]any {
		return map[string]any{
			"name": name, "label": name, "type": "query",
			"datasource": map[string]any{"type": "prometheus", "uid": "${datasource}"},
			"query":      map[string]any{"query": query, "refId": name},
			"refresh":    2, "includeAll": true, "multi": true,
			"current": map[string]any{"text": "All", "value": "$__all"},
		}
	}
	dash := map[string]any{
		"uid":           "plinth-service",
		"title":         "plinth / Service",
		"tags":          []string{"plinth"},
		"timezone":      "utc",
		"schemaVersion": 39,
		"refresh":       "30s",
		"time":          map[string]any{"from": "now-6h", "to": "now"},
		"panels":        out,
		"templating": map[string]any{"list": []any{
			map[string]any{"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus"},
			variable("namespace", fmt.Sprintf("label_values(%s, namespace)", m.Requests)),
			variable("service", fmt.Sprintf(`label_values(%s{namespace=~"$namespace"}, service)`, m.Requests)),
		}},
	}
	return json.MarshalIndent(dash, "", "  ")
}
