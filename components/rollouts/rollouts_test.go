package rollouts_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/rollouts"
	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
	"github.com/plinth-dev/plinth/pkg/problem"
)

const repo = "https://charts.example.com/argo"

func TestProdInstall(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := rollouts.New(ctx, "rollouts", rollouts.Args{Tier: "prod", Chart: &rollouts.ChartArgs{Repository: repo}, Monitoring: true})
		return err
	})
	want := map[string]int{rollouts.TypeToken: 1, "kubernetes:core/v1:Namespace": 1, "kubernetes:helm.sh/v4:Chart": 1}
	if got := s.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("inventory:\n%s want %v", s.Inventory(), want)
	}
	s.Get(t, "kubernetes:core/v1:Namespace", "rollouts-namespace").Expect(t, map[string]any{
		"metadata.name": "argo-rollouts",
		`metadata.labels["pod-security.kubernetes.io/enforce"]`: "restricted",
	})
	s.Get(t, "kubernetes:helm.sh/v4:Chart", "rollouts-argo-rollouts").Expect(t, map[string]any{
		"chart": "argo-rollouts", "version": rollouts.DefaultChartVersion, "repositoryOpts.repo": repo,
		"namespace": "argo-rollouts", "values.installCRDs": true,
		"values.controller.replicas": 2.0, "values.controller.pdb.enabled": true,
		"values.controller.metrics.serviceMonitor.enabled":       true,
		"values.containerSecurityContext.readOnlyRootFilesystem": true,
		"values.dashboard.enabled":                               false,
	})
}

func TestOCIChartAndDevReplicas(t *testing.T) {
	s := plinthtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := rollouts.New(ctx, "rollouts", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: "oci://charts.example.com/argo", Version: "2.40.4"}})
		return err
	})
	c := s.Get(t, "kubernetes:helm.sh/v4:Chart", "rollouts-argo-rollouts")
	c.Expect(t, map[string]any{"chart": "oci://charts.example.com/argo/argo-rollouts", "version": "2.40.4",
		"values.controller.replicas": 1.0, "values.controller.pdb.enabled": false})
	if c.Has("repositoryOpts.repo") {
		t.Fatal("an oci:// chart has a repository option")
	}
}

func TestBadInputIsRejectedBeforeAnythingRegisters(t *testing.T) {
	for _, c := range []struct {
		name     string
		args     rollouts.Args
		path, in string
	}{
		{"no repository", rollouts.Args{}, "chart.repository", "is empty"},
		{"a plain-HTTP repository", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: "http://charts.example.com"}}, "chart.repository", "absolute https or oci URL"},
		{"no controller", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: repo}, Replicas: new(0)}, "replicas", "run at least one controller"},
		{"a system namespace", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: repo}, Namespace: "kube-system"}, "namespace", "is a system namespace"},
		{"an unknown tier", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: repo}, Tier: "huge"}, "tier", "is not a tier"},
		{"CRDs turned off through extraValues", rollouts.Args{Chart: &rollouts.ChartArgs{Repository: repo}, ExtraValues: map[string]any{"installCRDs": false}}, "extraValues.installCRDs", "is set by plinth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
				_, err := rollouts.New(ctx, "rollouts", c.args)
				return err
			})
			var found bool
			for _, e := range problem.Errors(err) {
				found = found || (e.Path == c.path && strings.Contains(e.Message, c.in))
			}
			if !found {
				t.Fatalf("err = %v, want %s: …%s…", err, c.path, c.in)
			}
			if len(s.Resources) != 0 {
				t.Fatalf("registered %d resources before failing", len(s.Resources))
			}
		})
	}
}

func TestDefaultsAreValidAndDocumented(t *testing.T) {
	a := rollouts.Args{Chart: &rollouts.ChartArgs{Repository: repo}}
	for _, tier := range config.Tiers {
		a.Tier = tier
		if err := a.Validate("rollouts"); err != nil {
			t.Errorf("tier %s: defaults fail validation: %v", tier, err)
		}
	}
	d := rollouts.Args{}.Defaults()
	plinthtest.CheckDocumentedDefaults(t, ".", d)
	if d.Chart == nil || d.Chart.Version != rollouts.DefaultChartVersion || *d.Replicas != 1 {
		t.Fatalf("Defaults() = %+v", d)
	}
}
