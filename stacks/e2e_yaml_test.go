//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

var prometheusRules = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "prometheusrules"}

// yamlProgram runs examples/yaml-app with the official CLI (`pulumi up`,
// not the Automation API): the YAML language host and plinth's component
// provider are the ones built into bin/.
type yamlProgram struct {
	root, dir string
	env       []string
}

func newYAMLProgram(t *testing.T, root string) *yamlProgram {
	t.Helper()
	for _, b := range []string{"pulumi", "pulumi-language-yaml", "pulumi-resource-plinth", "pulumi-resource-kubernetes"} {
		if _, err := os.Stat(filepath.Join(root, "bin", b)); err != nil {
			t.Fatalf("bin/%s is missing: run `make tools provider`", b)
		}
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(root, "examples", "yaml-app", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The example names bin/ relative to itself; the copy names it absolutely.
	prog := strings.Replace(string(src), "path: ../../bin", "path: "+filepath.Join(root, "bin"), 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(prog), 0o600); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	y := &yamlProgram{root: root, dir: dir, env: append(os.Environ(),
		"PULUMI_HOME="+home,
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
		"PULUMI_CONFIG_PASSPHRASE=yaml-e2e",
		// The language host is found on PATH.
		"PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
	)}
	y.run(t, "plugin", "install", "resource", "kubernetes", kubernetesPluginVersion, "--file", filepath.Join(root, "bin", "pulumi-resource-kubernetes"))
	return y
}

// run runs the CLI and fails the test on an error.
func (y *yamlProgram) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := y.try(args...)
	if err != nil {
		t.Fatalf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (y *yamlProgram) try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(y.root, "bin", "pulumi"), append(args, "--non-interactive")...)
	cmd.Dir, cmd.Env = y.dir, y.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// inventory returns "<type> <name>" of every resource the stack's state
// holds, providers and the stack itself left out, sorted.
func (y *yamlProgram) inventory(t *testing.T, stack string) []string {
	t.Helper()
	var state struct {
		Deployment struct {
			Resources []struct {
				URN  string `json:"urn"`
				Type string `json:"type"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(y.run(t, "stack", "export", "--stack", stack)), &state); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range state.Deployment.Resources {
		if r.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		out = append(out, r.Type+" "+r.URN[strings.LastIndex(r.URN, "::")+2:])
	}
	slices.Sort(out)
	return out
}

// TestE2EYAMLProgram deploys examples/yaml-app with `pulumi up` and the
// YAML language host onto the local control plane: it creates what the
// Go library creates for the same arguments, a second up changes
// nothing, a bad input fails naming the field with nothing created, and
// destroy leaves nothing.
func TestE2EYAMLProgram(t *testing.T) {
	e := setup(t)
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	y := newYAMLProgram(t, root)
	y.env = append(y.env, "PULUMI_BACKEND_URL=file://"+t.TempDir(), "KUBECONFIG="+e.cluster.KubeconfigPath)
	ctx := context.Background()
	y.run(t, "stack", "init", "dev")

	t.Run("up creates what the Go library creates for the same arguments", func(t *testing.T) {
		start := time.Now()
		y.run(t, "up", "--yes", "--stack", "dev")
		t.Logf("first up of the YAML program: %.1fs", time.Since(start).Seconds())
		got := y.inventory(t, "dev")

		goPath := plinthtest.Run(t, func(ctx *pulumi.Context) error {
			web, err := app.New(ctx, "web", app.Args{
				Image: pulumi.String("registry.example.com/plinth/web:1.0.0"), Tier: "local",
				Env:         map[string]string{"LOG_LEVEL": "info"},
				Autoscaling: &app.AutoscalingArgs{MinReplicas: new(2), MaxReplicas: new(4)},
			})
			if err != nil {
				return err
			}
			rules, err := monitoring.New(ctx, "rules", monitoring.Args{Mode: monitoring.ModeOperator, Tier: "local"})
			if err != nil {
				return err
			}
			_, err = app.New(ctx, "shop", app.Args{
				Image: pulumi.String("registry.example.com/plinth/web:1.0.0"), Tier: "local",
				NetworkPolicy: &app.NetworkPolicyArgs{AllowFromNamespaces: []pulumi.StringInput{web.NamespaceName}, MonitoringNamespace: rules.NamespaceName},
			})
			return err
		}, plinthtest.WithProject("plinth-yaml-app"), plinthtest.WithStack("dev"))
		var want []string
		for _, r := range goPath.Resources {
			want = append(want, r.Type+" "+r.Name)
		}
		slices.Sort(want)
		if len(got) < 10 || !slices.Equal(got, want) {
			t.Fatalf("the YAML program created\n%s\nthe Go library creates\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		eventually(t, 60*time.Second, "web Available with 2 replicas", func() error {
			d := e.deployment(t, "web", "web")
			if d.Status.AvailableReplicas != 2 {
				return fmt.Errorf("available %d", d.Status.AvailableReplicas)
			}
			return nil
		})
		if _, err := e.dyn.Resource(prometheusRules).Namespace("monitoring").Get(ctx, "rules-rules", metav1.GetOptions{}); err != nil {
			t.Fatalf("the alert rules were not created: %v", err)
		}
		// The outputs wired into shop's nested fields reached the cluster.
		np, err := e.kube.NetworkingV1().NetworkPolicies("shop").Get(ctx, "shop", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("shop's NetworkPolicy: %v", err)
		}
		var admitted []string
		for _, rule := range np.Spec.Ingress {
			for _, from := range rule.From {
				if from.NamespaceSelector != nil {
					admitted = append(admitted, from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"])
				}
			}
		}
		if !slices.Contains(admitted, "web") || !slices.Contains(admitted, "monitoring") {
			t.Fatalf("shop's NetworkPolicy admits namespaces %v, want web's (an App's output) and monitoring (the Monitoring component's)", admitted)
		}
	})

	t.Run("a second up changes nothing", func(t *testing.T) {
		y.run(t, "up", "--yes", "--stack", "dev", "--expect-no-changes")
	})

	t.Run("a bad input fails naming the field, and creates nothing", func(t *testing.T) {
		y.run(t, "stack", "init", "bad")
		y.run(t, "config", "set", "image", "registry.example.com/plinth/web:latest", "--stack", "bad")
		out, err := y.try("up", "--yes", "--stack", "bad")
		if err == nil {
			t.Fatalf("up with a bad image succeeded:\n%s", out)
		}
		if !strings.Contains(out, `app "web": image: "registry.example.com/plinth/web:latest" uses the mutable tag "latest"`) {
			t.Fatalf("the failure does not name the field:\n%s", out)
		}
		if inv := y.inventory(t, "bad"); slices.ContainsFunc(inv, func(s string) bool {
			return strings.HasPrefix(s, "plinth:kubernetes:App ") || strings.HasPrefix(s, "kubernetes:") && strings.Contains(s, "web")
		}) {
			t.Fatalf("the bad up created the app's resources:\n%s", strings.Join(inv, "\n"))
		}
		y.run(t, "destroy", "--yes", "--stack", "bad")
	})

	t.Run("destroy leaves nothing", func(t *testing.T) {
		y.run(t, "destroy", "--yes", "--stack", "dev")
		if inv := y.inventory(t, "dev"); len(inv) != 0 {
			t.Fatalf("the state still holds:\n%s", strings.Join(inv, "\n"))
		}
		eventually(t, 60*time.Second, "namespace web gone", func() error {
			if _, err := e.kube.CoreV1().Namespaces().Get(ctx, "web", metav1.GetOptions{}); err == nil {
				return fmt.Errorf("namespace web still exists")
			}
			return nil
		})
		if _, err := e.dyn.Resource(prometheusRules).Namespace("monitoring").Get(ctx, "rules-rules", metav1.GetOptions{}); err == nil {
			t.Fatalf("the alert rules are still there")
		}
	})
}
