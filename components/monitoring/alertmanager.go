package monitoring

import (
	"sigs.k8s.io/yaml"
)

// Receiver names in the Alertmanager configuration.
const (
	receiverNone   = "null"
	receiverPaging = "paging"
	receiverChat   = "chat"
)

// alertmanagerConfig builds alertmanager.yaml: critical alerts to the
// paging receiver, warnings to chat, info nowhere; a critical alert
// inhibits warnings of the same namespace and service. pagingURL and
// chatURL are "" when not configured (the route then goes nowhere).
func alertmanagerConfig(al AlertingArgs, pagingURL, chatURL string) (string, error) {
	receivers := []map[string]any{{"name": receiverNone}}
	var routes []map[string]any
	if pagingURL != "" {
		receivers = append(receivers, map[string]any{
			"name":            receiverPaging,
			"webhook_configs": []map[string]any{{"url": pagingURL, "send_resolved": true}},
		})
		routes = append(routes, map[string]any{
			"receiver": receiverPaging, "matchers": []string{`severity="critical"`},
			// Pages repeat sooner than the default: a critical alert left
			// firing must not be forgotten.
			"repeat_interval": "1h",
		})
	}
	if chatURL != "" {
		receivers = append(receivers, map[string]any{
			"name": receiverChat,
			"slack_configs": []map[string]any{{
				"api_url": chatURL, "channel": al.ChatChannel, "send_resolved": true,
				"title": `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.sev }})`,
				"text":  `{{ range .Alerts }}{{ .Annotations.summary }} — runbook: {{ .Annotations.runbook_url }}{{ "\n" }}{{ end }}`,
			}},
		})
		routes = append(routes, map[string]any{"receiver": receiverChat, "matchers": []string{`severity="warning"`}})
	}
	cfg := map[string]any{
		"route": map[string]any{
			"receiver":        receiverNone,
			"group_by":        []string{"alertname", "namespace", "service"},
			"group_wait":      "30s",
			"group_interval":  "5m",
			"repeat_interval": al.RepeatInterval,
			"routes":          routes,
		},
		"inhibit_rules": []map[string]any{{
			"source_matchers": []string{`severity="critical"`},
			"target_matchers": []string{`severity="warning"`},
			"equal":           []string{"namespace", "service"},
		}},
		"receivers": receivers,
	}
	b, err := yaml.Marshal(cfg)
	return string(b), err
}
