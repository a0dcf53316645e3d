package monitoring

import (
	"sigs.k8s.io/yaml"
)

// Receiver names in the Alertmanager configuration AlertmanagerConfig
// builds.
const (
	ReceiverNone   = "null"
	ReceiverPaging = "paging"
	ReceiverChat   = "chat"
)

// AlertmanagerConfig is the alertmanager.yaml the component installs
// (al with its defaults applied): critical alerts (SEV1, SEV2) to the
// paging receiver, warnings (SEV3) to chat, info (SEV4) nowhere; a
// critical alert inhibits the warnings of the same alert name and
// namespace (one condition at two thresholds), and those of the same
// namespace and service (a service failing need not also page as slow).
// pagingURL and chatURL are "" when not configured (the route then goes
// nowhere). `make alert-tests` proves the routes and inhibitions with
// Alertmanager's own code.
func AlertmanagerConfig(al AlertingArgs, pagingURL, chatURL string) (string, error) {
	receivers := []map[string]any{{"name": ReceiverNone}}
	var routes []map[string]any
	if pagingURL != "" {
		receivers = append(receivers, map[string]any{
			"name":            ReceiverPaging,
			"webhook_configs": []map[string]any{{"url": pagingURL, "send_resolved": true}},
		})
		routes = append(routes, map[string]any{
			"receiver": ReceiverPaging, "matchers": []string{`severity="critical"`},
			// Pages repeat sooner than the default: a critical alert left
			// firing must not be forgotten.
			"repeat_interval": "1h",
		})
	}
	if chatURL != "" {
		receivers = append(receivers, map[string]any{
			"name": ReceiverChat,
			"slack_configs": []map[string]any{{
				"api_url": chatURL, "channel": al.ChatChannel, "send_resolved": true,
				"title": `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.sev }})`,
				"text":  `{{ range .Alerts }}{{ .Annotations.summary }} — runbook: {{ .Annotations.runbook_url }}{{ "\n" }}{{ end }}`,
			}},
		})
		routes = append(routes, map[string]any{"receiver": ReceiverChat, "matchers": []string{`severity="warning"`}})
	}
	cfg := map[string]any{
		"route": map[string]any{
			"receiver":        ReceiverNone,
			"group_by":        []string{"alertname", "namespace", "service"},
			"group_wait":      "30s",
			"group_interval":  "5m",
			"repeat_interval": al.RepeatInterval,
			"routes":          routes,
		},
		"inhibit_rules": []map[string]any{{
			"source_matchers": []string{`severity="critical"`},
			"target_matchers": []string{`severity="warning"`},
			"equal":           []string{"alertname", "namespace"},
		}, {
			"source_matchers": []string{`severity="critical"`},
			"target_matchers": []string{`severity="warning"`},
			"equal":           []string{"namespace", "service"},
		}},
		"receivers": receivers,
	}
	b, err := yaml.Marshal(cfg)
	return string(b), err
}
