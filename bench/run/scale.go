package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// scaleNamespaces is how many namespaces the applications spread over, as
// in the mock benchmark (stacks/bench_test.go).
const scaleNamespaces = 10

// scaleConfig is a local stack's config with n applications of the app
// component over scaleNamespaces namespaces, each with the local tier's
// defaults, and no monitoring: the objects are the applications'.
func scaleConfig(n int) []byte {
	apps := make([]map[string]any, n)
	for i := range apps {
		apps[i] = map[string]any{
			"name":      fmt.Sprintf("app-%03d", i),
			"namespace": scaleNamespace(i),
			"image":     "registry.example.com/plinth/app:1.0.0",
		}
	}
	out, err := yaml.Marshal(map[string]any{"config": map[string]any{
		"plinth:tier": "local", "plinth:cloud": "local",
		"plinth:monitoring": map[string]any{"mode": "off"},
		"plinth:apps":       apps,
	}})
	check(err)
	return out
}

func scaleNamespace(i int) string { return fmt.Sprintf("scale-%02d", i%scaleNamespaces) }

// scaleSizes parses -scale: comma-separated application counts.
func scaleSizes(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			panic(failure{fmt.Sprintf("-scale: %q is not a positive application count", f)})
		}
		out = append(out, n)
	}
	return out
}

// scaleRow is what one size measured, wall time of whole processes.
type scaleRow struct {
	apps, objects                       int
	plinthFirst, plinthSame, plinthDown time.Duration
	helmFirst, helmSame, helmDown       time.Duration
	kubectlFirst, kubectlDown           time.Duration
}

// scaleSection deploys n applications on the local control plane three
// ways, for each size: plinth through the stack driver (first up,
// no-change up, destroy), Helm (one chart holding the same rendered
// objects: install --wait, a no-change upgrade --wait, uninstall --wait)
// and kubectl (apply --server-side, then rollout status of every
// Deployment; delete --wait). One run per size and tool; each tool starts
// once the previous one's namespaces are gone.
func scaleSection(w *bytes.Buffer, root, bin string, sizes []int) {
	fmt.Fprintf(w, "\n## 5. Real deploy at scale\n\n")
	if tool := missingDeployTool(bin); tool != "" {
		fmt.Fprintf(w, "skipped: %s is missing (make tools bench-tools)\n", tool)
		return
	}
	work, c, cleanup := clusterWorkspace("plinth-bench-scale-", bin)
	defer cleanup()
	stacks := buildLocalStacks(root, work)
	pulumiYAML, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	check(err)
	var namespaces []string
	for i := 0; i < scaleNamespaces; i++ {
		namespaces = append(namespaces, scaleNamespace(i))
	}
	gone := func() { waitNamespacesGone(bin, c.KubeconfigPath, namespaces...) }

	var rows []scaleRow
	for _, n := range sizes {
		dir := filepath.Join(work, fmt.Sprintf("apps-%d", n))
		wd := filepath.Join(dir, "wd")
		check(os.MkdirAll(filepath.Join(wd, "stacks"), 0o755))
		check(os.WriteFile(filepath.Join(wd, "Pulumi.yaml"), pulumiYAML, 0o644))
		check(os.WriteFile(filepath.Join(wd, "Pulumi.local.yaml"), scaleConfig(n), 0o644))
		obj := renderObjects(root, dir, stacks, wd)
		env := []string{
			"KUBECONFIG=" + c.KubeconfigPath,
			"PULUMI_BACKEND_URL=file://" + filepath.Join(dir, "backend"),
			"PULUMI_CONFIG_PASSPHRASE=plinth-local-only", // the local stack's (render set it up)
		}
		check(os.MkdirAll(filepath.Join(dir, "backend"), 0o755))
		plinth := func(cmd string) time.Duration {
			return timeIt(root, env, stacks, cmd, "--stack", "local", "--workdir", wd)
		}
		helm := func(args ...string) time.Duration { return timeIt(dir, env, filepath.Join(bin, "helm"), args...) }
		kubectl := func(args ...string) time.Duration { return timeIt(dir, env, filepath.Join(bin, "kubectl"), args...) }
		r := scaleRow{apps: n, objects: len(obj.files)}
		fmt.Fprintf(os.Stderr, "scale: %d apps, %d objects\n", n, len(obj.files))

		r.plinthFirst = plinth("up")
		r.plinthSame = plinth("up")
		r.plinthDown = plinth("destroy")
		gone()

		install := []string{"upgrade", "--install", "plinth-scale", obj.chart, "--wait", "--timeout", "10m"}
		r.helmFirst = helm(install...)
		r.helmSame = helm(install...)
		r.helmDown = helm("uninstall", "plinth-scale", "--wait", "--timeout", "10m")
		gone()

		start := time.Now()
		kubectl("apply", "--server-side", "-f", obj.flat)
		for _, d := range obj.deps {
			rolloutStatus(bin, c.KubeconfigPath, d)
		}
		r.kubectlFirst = time.Since(start)
		r.kubectlDown = kubectl("delete", "-f", obj.flat, "--wait", "--ignore-not-found", "--timeout", "10m")
		gone()
		rows = append(rows, r)
	}
	writeScale(w, rows)
}

// writeScale writes the scale table, the ratios to Helm and kubectl, and
// the growth from the smallest size to the largest.
func writeScale(w *bytes.Buffer, rows []scaleRow) {
	fmt.Fprintf(w, "The app component's defaults for the local tier, over %d namespaces, no monitoring. One run per size and tool, whole-process wall time; each tool starts once the previous one's namespaces are gone. plinth runs through the stack driver with its defaults: parallelism `DefaultParallel`, and, the stack being Kubernetes objects alone, one state checkpoint per run (stacks/driver.go); Helm installs one chart holding the same rendered objects; kubectl is `apply --server-side` plus `rollout status` of every Deployment, then `delete --wait`.\n\n",
		scaleNamespaces)
	fmt.Fprintf(w, "| apps | objects | action | plinth | Helm | kubectl | plinth / Helm | plinth / kubectl |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		for _, a := range []struct {
			name          string
			p, h, k       time.Duration
			kubectlIsNone bool
		}{
			{"first deploy", r.plinthFirst, r.helmFirst, r.kubectlFirst, false},
			{"no-change", r.plinthSame, r.helmSame, 0, true},
			{"destroy", r.plinthDown, r.helmDown, r.kubectlDown, false},
		} {
			k, pk := "–", "–"
			if !a.kubectlIsNone {
				k, pk = fmt.Sprintf("%.1f s", a.k.Seconds()), fmt.Sprintf("%.2f×", ratio(a.p, a.k))
			}
			fmt.Fprintf(w, "| %d | %d | %s | %.1f s | %.1f s | %s | %.2f× | %s |\n",
				r.apps, r.objects, a.name, a.p.Seconds(), a.h.Seconds(), k, ratio(a.p, a.h), pk)
		}
	}
	if len(rows) < 2 {
		return
	}
	lo, hi := rows[0], rows[len(rows)-1]
	size := float64(hi.apps) / float64(lo.apps)
	fmt.Fprintf(w, "\nGrowth from %d to %d apps (%.0f× the apps; linear would be %.1f×):\n\n", lo.apps, hi.apps, size, size)
	fmt.Fprintf(w, "| action | plinth | Helm | kubectl |\n|---|---|---|---|\n")
	fmt.Fprintf(w, "| first deploy | %.1f× | %.1f× | %.1f× |\n", ratio(hi.plinthFirst, lo.plinthFirst), ratio(hi.helmFirst, lo.helmFirst), ratio(hi.kubectlFirst, lo.kubectlFirst))
	fmt.Fprintf(w, "| no-change | %.1f× | %.1f× | – |\n", ratio(hi.plinthSame, lo.plinthSame), ratio(hi.helmSame, lo.helmSame))
	fmt.Fprintf(w, "| destroy | %.1f× | %.1f× | %.1f× |\n", ratio(hi.plinthDown, lo.plinthDown), ratio(hi.helmDown, lo.helmDown), ratio(hi.kubectlDown, lo.kubectlDown))
}
