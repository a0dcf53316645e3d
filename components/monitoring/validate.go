package monitoring

import (
	"fmt"
	"strings"

	"github.com/prometheus/common/model"
	"golang.org/x/mod/semver"

	"github.com/plinth-dev/plinth/pkg/credential"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// checkPassword is the check of Grafana's admin password: on a literal in
// Validate, on a secret output when it resolves. The message never shows
// the value.
func checkPassword(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("is empty: set a password (pulumi config set --secret plinth:grafanaAdminPassword)")
	}
	return nil
}

// Validate checks the arguments of a monitoring stack called name, with
// defaults applied, and returns every problem, each naming its field and
// the fix. New calls it before registering anything.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("monitoring %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.OneOf("mode", a.Mode, ModeInstall, ModeOperator)
	p.OneOf("platform", a.Platform, PlatformSelfManaged, PlatformEKS, PlatformGKE, PlatformGKEAutopilot)
	p.Add("tier", a.Tier.Check())
	p.DNSLabel("namespace", a.Namespace)
	p.Labels("labels", a.Labels)
	seen := map[string]string{}
	check := func(path string, r Rule) {
		r.validate(&p, path)
		if other, dup := seen[r.Alert]; dup && r.Alert != "" {
			p.Addf(path+".alert", "%q is also %s: give every alert its own name", r.Alert, other)
		}
		seen[r.Alert] = path
	}
	if !a.DisableDefaultRules {
		for _, r := range DefaultRules(*a.Metrics) {
			check("defaultRules."+r.Alert, r)
		}
	}
	for i, r := range a.Rules {
		check(fmt.Sprintf("rules[%d]", i), r)
	}
	for _, name := range []struct{ path, v string }{
		{"metrics.requests", a.Metrics.Requests}, {"metrics.duration", a.Metrics.Duration}, {"metrics.statusLabel", a.Metrics.StatusLabel},
	} {
		if !model.LegacyValidation.IsValidMetricName(name.v) {
			p.Addf(name.path, "%q is not a Prometheus metric or label name: use letters, digits and '_'", name.v)
		}
	}
	p.URL("runbookBaseUrl", a.RunbookBaseURL, "point it at where your runbooks live", "https", "http")
	if a.Mode == ModeInstall {
		a.validateInstall(&p)
	}
	return p.Err()
}

func (a Args) validateInstall(p *problem.List) {
	if a.Chart.Repository == "" {
		p.Addf("chart.repository", "is empty: set the chart repository URL (the prometheus-community Helm repository or your mirror) or an oci:// URL of the chart")
	} else {
		p.URL("chart.repository", a.Chart.Repository, "charts are fetched over TLS", "https", "oci")
	}
	if v := "v" + a.Chart.Version; !semver.IsValid(v) || semver.Canonical(v) != v {
		p.Addf("chart.version", "%q is not a chart version: pin an exact version such as %q", a.Chart.Version, DefaultChartVersion)
	}
	pr := a.Prometheus
	if d, err := model.ParseDuration(pr.Retention); err != nil || d <= 0 {
		p.Addf("prometheus.retention", "%q is not a positive Prometheus duration: use a value such as \"15d\"", pr.Retention)
	}
	if pr.StorageSize != "" {
		if q, ok := p.Quantity("prometheus.storageSize", pr.StorageSize); ok && q.IsZero() {
			p.Addf("prometheus.storageSize", "is zero: use a size such as \"50Gi\", or \"\" for no volume")
		}
	}
	p.Input("storageClass", a.StorageClass, problem.CheckObjectName)
	if *pr.Replicas < 1 {
		p.Addf("prometheus.replicas", "(%d) is below 1: run at least one Prometheus", *pr.Replicas)
	}
	for _, d := range []struct{ path, v string }{{"prometheus.scrapeInterval", pr.ScrapeInterval}, {"prometheus.evaluationInterval", pr.EvaluationInterval}} {
		if v, err := model.ParseDuration(d.v); err != nil || v <= 0 {
			p.Addf(d.path, "%q is not a positive Prometheus duration: use a value such as \"30s\"", d.v)
		}
	}
	p.Quantity("prometheus.cpuRequest", pr.CPURequest)
	req, okReq := p.Quantity("prometheus.memoryRequest", pr.MemoryRequest)
	lim, okLim := p.Quantity("prometheus.memoryLimit", pr.MemoryLimit)
	if okReq && okLim && lim.Cmp(req) < 0 {
		p.Addf("prometheus.memoryLimit", "(%s) is below memoryRequest (%s): raise the limit", pr.MemoryLimit, pr.MemoryRequest)
	}
	if pr.RemoteWriteURL != "" {
		if p.URL("prometheus.remoteWriteUrl", pr.RemoteWriteURL, "send metrics over TLS", "https") {
			if why := credential.Value(pr.RemoteWriteURL); why != "" {
				p.Addf("prometheus.remoteWriteUrl", "holds a credential in the clear (%s): it would be stored in plaintext in the chart values and the state; authenticate the remote store by the cluster's identity, or keep the URL without credentials", why)
			}
		}
	}
	if a.Grafana.AdminPassword == nil {
		p.Addf("grafana.adminPassword", "is not set: pass a Pulumi secret, e.g. config.RequireSecret(ctx, \"plinth:grafanaAdminPassword\")")
	}
	p.Input("grafana.adminPassword", a.Grafana.AdminPassword, checkPassword)
	if a.Grafana.StorageSize != "" {
		p.Quantity("grafana.storageSize", a.Grafana.StorageSize)
	}
	if d, err := model.ParseDuration(a.Alerting.RepeatInterval); err != nil || d <= 0 {
		p.Addf("alerting.repeatInterval", "%q is not a positive duration: use a value such as \"4h\"", a.Alerting.RepeatInterval)
	}
	if !strings.HasPrefix(a.Alerting.ChatChannel, "#") && !strings.HasPrefix(a.Alerting.ChatChannel, "@") {
		p.Addf("alerting.chatChannel", "%q is not a channel: start it with '#'", a.Alerting.ChatChannel)
	}
	for _, key := range []string{"grafana", "alertmanager"} {
		if sub, ok := a.ExtraValues[key].(map[string]any); ok {
			if _, bad := sub["adminPassword"]; bad {
				p.Addf("extraValues."+key+".adminPassword", "would put a secret in the chart values (stored in the state): use grafana.adminPassword")
			}
			if _, bad := sub["config"]; bad {
				p.Addf("extraValues."+key+".config", "would put receiver secrets in the chart values: use alerting")
			}
		}
	}
}
