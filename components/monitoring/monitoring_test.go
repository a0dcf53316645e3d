package monitoring_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

const (
	chartType  = "kubernetes:helm.sh/v4:Chart"
	ruleType   = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
	secretType = "kubernetes:core/v1:Secret"
	cmType     = "kubernetes:core/v1:ConfigMap"
	nsType     = "kubernetes:core/v1:Namespace"
	repo       = "https://charts.example.com/prometheus-community"
	password   = "grafana-pass-do-not-leak"
	pagingURL  = "https://paging.example.com/hook/secret-token"
	chatURL    = "https://chat.example.com/services/T0/B0/secret-token"
)

func installArgs() monitoring.Args {
	return monitoring.Args{
		Tier:       "prod",
		Prometheus: &monitoring.PrometheusArgs{},
		Metrics:    &monitoring.MetricNames{},
		Chart:      &monitoring.ChartArgs{Repository: repo},
		Grafana: &monitoring.GrafanaArgs{
			AdminPassword: pulumi.ToSecret(pulumi.String(password)).(pulumi.StringOutput),
		},
		Alerting: &monitoring.AlertingArgs{
			PagingURL: pulumi.ToSecret(pulumi.String(pagingURL)).(pulumi.StringOutput),
			ChatURL:   pulumi.ToSecret(pulumi.String(chatURL)).(pulumi.StringOutput),
		},
	}
}

func deploy(t *testing.T, args monitoring.Args) (*plinthtest.Stack, *monitoring.Monitoring) {
	t.Helper()
	var m *monitoring.Monitoring
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		m, err = monitoring.New(ctx, "monitoring", args)
		return err
	}, plinthtest.WithStack("prod"))
	return s, m
}

func TestInstallModeChartAndTypedValues(t *testing.T) {
	s, m := deploy(t, installArgs())
	chart := s.One(t, chartType)
	if !chart.Remote {
		t.Errorf("Chart v4 should be registered as a remote component")
	}
	chart.Expect(t, map[string]any{
		"chart":               "kube-prometheus-stack",
		"name":                "kube-prometheus-stack",
		"version":             "79.5.0",
		"repositoryOpts.repo": repo,
		"namespace":           "monitoring",
	})
	spec := "values.prometheus.prometheusSpec."
	chart.Expect(t, map[string]any{
		spec + "retention":                                                       "30d",
		spec + "replicas":                                                        2.0,
		spec + "scrapeInterval":                                                  "30s",
		spec + "externalLabels.cluster":                                          "prod",
		spec + "externalLabels.environment":                                      "prod",
		spec + "serviceMonitorSelectorNilUsesHelmValues":                         false,
		spec + "ruleSelectorNilUsesHelmValues":                                   false,
		spec + "podMonitorSelectorNilUsesHelmValues":                             false,
		spec + "storageSpec.volumeClaimTemplate.spec.resources.requests.storage": "100Gi",
		spec + "resources.requests.memory":                                       "1Gi",
		"values.grafana.admin.existingSecret":                                    "monitoring-grafana-admin",
		"values.grafana.persistence.size":                                        "10Gi",
		`values.grafana.sidecar.dashboards.label`:                                "grafana_dashboard",
		"values.alertmanager.alertmanagerSpec.configSecret":                      "monitoring-alertmanager-config",
		"values.alertmanager.alertmanagerSpec.replicas":                          2.0,
		"values.crds.enabled":                                                    true,
	})
	if !slices.ContainsFunc(chart.Dependencies, func(d string) bool { return strings.HasSuffix(d, "::monitoring-grafana-admin") }) {
		t.Errorf("chart does not depend on the Grafana secret: %v", chart.Dependencies)
	}
	rules := s.One(t, ruleType)
	found := false
	for _, d := range rules.Dependencies {
		found = found || d == chart.URN
	}
	if !found {
		t.Errorf("the PrometheusRule does not depend on the chart (its CRDs)")
	}
	if got := plinthtest.Await(t, m.GrafanaURL).Value; got != "http://kube-prometheus-stack-grafana.monitoring.svc.cluster.local:80" {
		t.Errorf("GrafanaURL = %v", got)
	}
	ns := s.One(t, nsType)
	if got := ns.String(t, `metadata.labels["pod-security.kubernetes.io/enforce"]`); got != "privileged" {
		t.Errorf("install-mode namespace enforces %q, want privileged (node-exporter)", got)
	}
}

func TestNoSecretInPlaintext(t *testing.T) {
	s, _ := deploy(t, installArgs())
	if leaks := s.Plaintext(password, pagingURL, chatURL, "secret-token"); len(leaks) != 0 {
		t.Fatalf("secret values in plaintext inputs:\n%s", strings.Join(leaks, "\n"))
	}
	g := s.Get(t, secretType, "monitoring-grafana-admin")
	if !g.IsSecret("stringData.admin-password") || g.String(t, "stringData.admin-password") != password {
		t.Fatalf("the Grafana secret does not hold the password as a Pulumi secret")
	}
}

func TestAlertmanagerRoutesBySeverity(t *testing.T) {
	s, _ := deploy(t, installArgs())
	sec := s.Get(t, secretType, "monitoring-alertmanager-config")
	if !sec.IsSecret("stringData") && !sec.IsSecret(`stringData["alertmanager.yaml"]`) {
		t.Fatalf("alertmanager.yaml is not a Pulumi secret")
	}
	var cfg struct {
		Route struct {
			Receiver string   `json:"receiver"`
			GroupBy  []string `json:"group_by"`
			Routes   []struct {
				Receiver string   `json:"receiver"`
				Matchers []string `json:"matchers"`
			} `json:"routes"`
		} `json:"route"`
		InhibitRules []struct {
			Source []string `json:"source_matchers"`
			Target []string `json:"target_matchers"`
			Equal  []string `json:"equal"`
		} `json:"inhibit_rules"`
		Receivers []struct {
			Name    string `json:"name"`
			Webhook []struct {
				URL string `json:"url"`
			} `json:"webhook_configs"`
			Slack []struct {
				APIURL  string `json:"api_url"`
				Channel string `json:"channel"`
			} `json:"slack_configs"`
		} `json:"receivers"`
	}
	if err := yaml.Unmarshal([]byte(sec.String(t, `stringData["alertmanager.yaml"]`)), &cfg); err != nil {
		t.Fatalf("alertmanager.yaml does not parse: %v", err)
	}
	r := cfg.Route
	if r.Receiver != "null" || len(r.Routes) != 2 ||
		r.Routes[0].Receiver != "paging" || r.Routes[0].Matchers[0] != `severity="critical"` ||
		r.Routes[1].Receiver != "chat" || r.Routes[1].Matchers[0] != `severity="warning"` {
		t.Fatalf("routes = %+v, want critical→paging, warning→chat, rest→null", r)
	}
	in := cfg.InhibitRules
	if len(in) != 2 || !reflect.DeepEqual(in[0].Equal, []string{"alertname", "namespace"}) || !reflect.DeepEqual(in[1].Equal, []string{"namespace", "service"}) {
		t.Fatalf("inhibit rules = %+v, want critical inhibiting warning on alertname+namespace and on namespace+service", in)
	}
	// The installed configuration is the one `make alert-tests` proves
	// with Alertmanager's own code (cmd/alertfiles, tools/alertcheck).
	want, err := monitoring.AlertmanagerConfig(monitoring.AlertingArgs{ChatChannel: "#alerts", RepeatInterval: "4h"}, pagingURL, chatURL)
	if err != nil || sec.String(t, `stringData["alertmanager.yaml"]`) != want {
		t.Fatalf("the installed alertmanager.yaml is not AlertmanagerConfig's (%v)", err)
	}
	if cfg.Receivers[1].Webhook[0].URL != pagingURL || cfg.Receivers[2].Slack[0].APIURL != chatURL || cfg.Receivers[2].Slack[0].Channel != "#alerts" {
		t.Fatalf("receivers = %+v", cfg.Receivers)
	}
}

func TestRulesCarrySeverityAndRunbooks(t *testing.T) {
	args := installArgs()
	args.Rules = []monitoring.Rule{{
		Alert: "QueueBacklog", Expr: `sum(queue_depth) > 1000`, For: "10m",
		Severity: monitoring.SeverityWarning, Sev: monitoring.SEV3,
		Summary: "Queue backlog", Description: "More than 1000 messages wait.",
	}}
	s, m := deploy(t, args)
	rule := s.One(t, ruleType)
	var spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	}
	rule.Decode(t, "spec", &spec)
	got := map[string]string{}
	for _, r := range spec.Groups[0].Rules {
		if _, err := parser.ParseExpr(r.Expr); err != nil {
			t.Errorf("%s: expression does not parse: %v", r.Alert, err)
		}
		for _, k := range []string{"summary", "description", "runbook_url"} {
			if r.Annotations[k] == "" {
				t.Errorf("%s lacks annotation %s", r.Alert, k)
			}
		}
		if !strings.HasPrefix(r.Annotations["runbook_url"], monitoring.DefaultRunbookBaseURL+"/") {
			t.Errorf("%s runbook_url = %q", r.Alert, r.Annotations["runbook_url"])
		}
		got[r.Alert] = r.Labels["severity"] + "/" + r.Labels["sev"] + "/" + r.For
	}
	want := map[string]string{
		"HighErrorRate":              "critical/SEV2/5m",
		"HighLatency":                "warning/SEV3/5m",
		"PodCrashLooping":            "critical/SEV2/15m",
		"DeploymentReplicasMismatch": "warning/SEV3/15m",
		"HPAAtMaxReplicas":           "warning/SEV3/15m",
		"RolloutAborted":             "warning/SEV3/1m",
		"RolloutStuck":               "warning/SEV3/30m",
		"QueueBacklog":               "warning/SEV3/10m",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("alerts = %v, want %v", got, want)
	}
	if names := plinthtest.Await(t, m.Alerts).Value.([]string); len(names) != 8 {
		t.Fatalf("Alerts output = %v", names)
	}
}

func TestDashboardIsValidGrafanaJSONWithValidQueries(t *testing.T) {
	s, _ := deploy(t, installArgs())
	cm := s.One(t, cmType)
	if cm.String(t, `metadata.labels["grafana_dashboard"]`) != "1" {
		t.Fatalf("dashboard ConfigMap lacks the sidecar label")
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(cm.String(t, `data["plinth-service.json"]`)), &dash); err != nil {
		t.Fatalf("dashboard JSON does not parse: %v", err)
	}
	var titles []string
	for _, p := range dash.Panels {
		titles = append(titles, p.Title)
		if _, err := parser.ParseExpr(p.Targets[0].Expr); err != nil {
			t.Errorf("panel %q query does not parse: %v", p.Title, err)
		}
	}
	if dash.UID != "plinth-service" || !reflect.DeepEqual(titles, []string{"Request rate", "Error ratio (5xx)", "Latency p95"}) {
		t.Fatalf("dashboard %q panels = %v", dash.UID, titles)
	}
	if !strings.Contains(dash.Panels[2].Targets[0].Expr, "http_request_duration_seconds_bucket") {
		t.Fatalf("latency panel = %q", dash.Panels[2].Targets[0].Expr)
	}
}

func TestOperatorModeCreatesOnlyRulesAndDashboards(t *testing.T) {
	s, m := deploy(t, monitoring.Args{Mode: monitoring.ModeOperator, Tier: "local"})
	want := map[string]int{monitoring.TypeToken: 1, nsType: 1, ruleType: 1, cmType: 1}
	if got := s.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("operator mode inventory:\n%s", s.Inventory())
	}
	if got := s.One(t, nsType).String(t, `metadata.labels["pod-security.kubernetes.io/enforce"]`); got != "restricted" {
		t.Fatalf("operator-mode namespace enforces %q, want restricted", got)
	}
	if got := plinthtest.Await(t, m.GrafanaURL).Value; got != "" {
		t.Fatalf("operator mode GrafanaURL = %q, want empty", got)
	}
}

func TestOCIRepositoryAndExtraValues(t *testing.T) {
	args := installArgs()
	args.Chart.Repository = "oci://charts.example.com/mirror"
	args.Chart.Version = "80.0.1"
	args.ExtraValues = map[string]any{
		"prometheus":   map[string]any{"prometheusSpec": map[string]any{"retention": "45d", "walCompression": true}},
		"nodeExporter": map[string]any{"enabled": false},
	}
	s, _ := deploy(t, args)
	chart := s.One(t, chartType)
	if chart.String(t, "chart") != "oci://charts.example.com/mirror/kube-prometheus-stack" || chart.Has("repositoryOpts") || chart.String(t, "version") != "80.0.1" {
		t.Fatalf("OCI chart = %v / %v", chart.Value(t, "chart"), chart.Value(t, "version"))
	}
	chart.Expect(t, map[string]any{
		"values.prometheus.prometheusSpec.retention":      "45d",
		"values.prometheus.prometheusSpec.walCompression": true,
		"values.prometheus.prometheusSpec.replicas":       2.0, // kept from plinth's values
		"values.nodeExporter.enabled":                     false,
	})
}

func TestDevTierValues(t *testing.T) {
	args := installArgs()
	args.Tier = "dev"
	s, _ := deploy(t, args)
	chart := s.One(t, chartType)
	if chart.String(t, "values.prometheus.prometheusSpec.retention") != "3d" ||
		chart.Number(t, "values.prometheus.prometheusSpec.replicas") != 1 ||
		chart.String(t, "values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage") != "10Gi" {
		t.Fatalf("dev values = %v", chart.Value(t, "values.prometheus.prometheusSpec"))
	}
}

// TestRunbooksExist checks that every runbook_url the default rules emit
// resolves to a file in docs/runbooks.
func TestRunbooksExist(t *testing.T) {
	for _, r := range monitoring.DefaultRules(monitoring.MetricNames{Requests: "r", Duration: "d", StatusLabel: "s"}) {
		url := monitoring.RunbookURL(monitoring.DefaultRunbookBaseURL, r.Alert)
		rel := strings.TrimPrefix(url, "https://github.com/plinth-dev/plinth/blob/main/")
		if _, err := os.Stat(filepath.Join("..", "..", rel)); err != nil {
			t.Errorf("%s: runbook %s does not exist: %v", r.Alert, url, err)
		}
	}
}

// TestStorageClassFromTheCluster passes the cluster's StorageClass as an
// output: every claim of the chart names it, and the chart waits for the
// class.
// TestStorageClassByName: the claims name the class the caller gives;
// given by name, the chart does not wait for the class (a claim whose
// class is missing is retried by the volume controller until it exists),
// so the CRDs the chart brings are not held up behind the storage
// driver.
func TestStorageClassByName(t *testing.T) {
	a := installArgs()
	a.StorageClass = pulumi.String("gp3")
	s, _ := deploy(t, a)
	chart := s.One(t, chartType)
	chart.Expect(t, map[string]any{
		"values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName": "gp3",
		"values.grafana.persistence.storageClassName":                                            "gp3",
		// A ReadWriteOnce volume: a rolling update would hang on
		// Multi-Attach, so Grafana is recreated.
		"values.grafana.deploymentStrategy.type": "Recreate",
	})
	// Without a class the claims name none (the cluster's default).
	plain, _ := deploy(t, installArgs())
	if plain.One(t, chartType).Has("values.grafana.persistence.storageClassName") {
		t.Fatalf("a class is named without one given")
	}
}

// TestPlatforms: on a managed control plane the chart scrapes and alerts
// on nothing the cloud hides (those targets are always down); on
// Autopilot it also deploys nothing Autopilot refuses, and its namespace
// needs no privileged pods.
func TestPlatforms(t *testing.T) {
	hidden := []string{"kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"}
	for _, tc := range []struct {
		platform      string
		off, on       []string
		enforce       string
		kubeletSvcOff bool
	}{
		{monitoring.PlatformSelfManaged, nil, append(hidden, "nodeExporter", "coreDns"), "privileged", false},
		{monitoring.PlatformEKS, hidden, []string{"nodeExporter", "coreDns", "kubelet"}, "privileged", false},
		{monitoring.PlatformGKE, hidden, []string{"nodeExporter", "coreDns", "kubelet"}, "privileged", false},
		{monitoring.PlatformGKEAutopilot, append(hidden, "nodeExporter", "coreDns", "kubeDns", "kubelet"), nil, "restricted", true},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			a := installArgs()
			a.Platform = tc.platform
			s, _ := deploy(t, a)
			chart := s.One(t, chartType)
			for _, k := range tc.off {
				if chart.Value(t, "values."+k+".enabled") != false {
					t.Errorf("%s is deployed or scraped on %s", k, tc.platform)
				}
			}
			for _, k := range tc.on {
				if chart.Has("values." + k + ".enabled") {
					t.Errorf("%s is turned off on %s", k, tc.platform)
				}
			}
			if tc.off != nil && chart.Value(t, "values.defaultRules.rules.kubeSchedulerAlerting") != false {
				t.Errorf("the scheduler's alerts stay on %s, where it cannot be scraped", tc.platform)
			}
			if got := chart.Has("values.prometheusOperator.kubeletService"); got != tc.kubeletSvcOff {
				t.Errorf("the operator's kubelet Service in kube-system: turned off %v, want %v", got, tc.kubeletSvcOff)
			}
			if got := s.One(t, nsType).String(t, `metadata.labels["pod-security.kubernetes.io/enforce"]`); got != tc.enforce {
				t.Errorf("namespace enforces %s, want %s", got, tc.enforce)
			}
		})
	}
	a := installArgs()
	a.Platform = "aks"
	plinthtest.RequireProblem(t, a.Validate("monitoring"), `monitoring "monitoring": `, "platform", `"aks" is not one of`)
}

// A destroy deletes the namespace alone: the objects in it are deleted
// with it. The chart is not: its cluster-scoped objects outlive the
// namespace, so Helm's own objects are deleted one by one.
func TestNamespacedObjectsAreDeletedWithTheNamespace(t *testing.T) {
	s, _ := deploy(t, installArgs())
	ns := s.One(t, nsType)
	n := 0
	for _, r := range s.Resources {
		switch r.Type {
		case "kubernetes:core/v1:Secret", "kubernetes:core/v1:ConfigMap", ruleType:
			n++
			if r.DeletedWith != ns.URN {
				t.Errorf("%s %q is deleted with %q, want the namespace %s", r.Type, r.Name, r.DeletedWith, ns.URN)
			}
		case chartType, nsType:
			if r.DeletedWith != "" {
				t.Errorf("%s %q is deleted with %q: it must be deleted on its own", r.Type, r.Name, r.DeletedWith)
			}
		}
	}
	if n < 4 { // two Secrets, the dashboard, the rules
		t.Fatalf("only %d namespaced objects registered:\n%s", n, s.Inventory())
	}
}
