// Command run is plinth's benchmark (make bench). It measures what users
// feel, beside what they would use instead, and writes a Markdown report to
// bench/results/<date>.md (and stdout):
//
//  1. compile: warm rebuilds after editing one file of each stack build
//     and component (and cold builds with BENCH_COLD=1), with wall, CPU and
//     peak RSS, and the Pulumi SDK packages each stack build compiles;
//  2. mock scale: the local composition of 1–200 applications under mocks;
//  3. real deploy on the local control plane: plinth (first up, no-change
//     up, image change, destroy), `helm upgrade --install --wait` of a
//     chart made of the same rendered objects (and uninstall), and
//     `kubectl apply --server-side` + `rollout status` (the floor);
//     interleaved rounds, medians;
//  4. many stacks at once on a shared backend (S3 state, KMS secrets,
//     moto on loopback): parallel previews and offline plans, wall time and
//     peak memory;
//  5. real deploy at scale: 10, 50 and 100 applications deployed by
//     plinth, Helm and kubectl (first deploy, no-change, destroy), and
//     the growth from the smallest size to the largest.
//
// It never fails on speed.
package main

import (
	"bytes"
	"context"
	"embed"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/localcluster"
)

// failure aborts the benchmark. It is raised as a panic so that every
// deferred cleanup on the way up (above all the local control plane's
// Stop) runs before the process exits; os.Exit would leak the cluster.
type failure struct{ msg string }

func main() {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, f.msg)
			os.Exit(1)
		}
	}()
	rounds := flag.Int("rounds", 5, "interleaved rounds of the real-deploy benchmark")
	skip := flag.String("skip", "", "comma-separated sections to skip: compile, mock, deploy, shared, scale")
	scale := flag.String("scale", "10,50,100", "application counts of the real deploy at scale")
	flag.Parse()
	root, err := os.Getwd()
	check(err)
	bin := filepath.Join(root, "bin")
	var report bytes.Buffer
	fmt.Fprintf(&report, "# plinth benchmarks, %s\n\n%s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	if !strings.Contains(*skip, "compile") {
		compileSection(&report, root)
	}
	if !strings.Contains(*skip, "mock") {
		mockSection(&report, root)
	}
	if !strings.Contains(*skip, "deploy") {
		deploySection(&report, root, bin, *rounds)
	}
	if !strings.Contains(*skip, "shared") {
		sharedSection(&report, root, bin, *rounds)
	}
	if !strings.Contains(*skip, "scale") {
		scaleSection(&report, root, bin, scaleSizes(*scale))
	}
	out := filepath.Join(root, "bench", "results", time.Now().UTC().Format("2006-01-02")+".md")
	check(os.MkdirAll(filepath.Dir(out), 0o755))
	check(os.WriteFile(out, report.Bytes(), 0o644))
	fmt.Print(report.String())
	fmt.Fprintf(os.Stderr, "\nwritten to %s\n", out)
}

func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	goVersion, _ := exec.Command("go", "version").Output()
	return fmt.Sprintf("Machine: %d CPUs, %s; %s", runtime.NumCPU(), mem, strings.TrimSpace(string(goVersion)))
}

// ---------------------------------------------------------------- compile

type target struct {
	name, pkg, tags, touch string
}

var targets = []target{
	{"floor: one Deployment (bench/floor)", "./bench/floor", "", "bench/floor/main.go"},
	{"stack program (local build)", "./stacks", "plinthlocal", "stacks/local.go"},
	{"stack program (all clouds)", "./stacks", "", "stacks/aws.go"},
	{"components/app", "./components/app", "", "components/app/app.go"},
	{"components/monitoring", "./components/monitoring", "", "components/monitoring/monitoring.go"},
	{"components/awsnetwork", "./components/awsnetwork", "", "components/awsnetwork/network.go"},
	{"components/eks", "./components/eks", "", "components/eks/cluster.go"},
	{"components/ecs", "./components/ecs", "", "components/ecs/service.go"},
	{"components/gcpnetwork", "./components/gcpnetwork", "", "components/gcpnetwork/network.go"},
	{"components/gke", "./components/gke", "", "components/gke/cluster.go"},
}

type usage struct {
	wall, cpu time.Duration
	rssMB     int
}

// timed runs cmd and returns its wall time, and the CPU time and peak
// RSS the kernel accounts to it (its rusage, as wait4 reports it: the
// figures /usr/bin/time prints, read from os.ProcessState).
func timed(dir string, env []string, name string, args ...string) (usage, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	u := usage{wall: time.Since(start)}
	if st := cmd.ProcessState; st != nil {
		u.cpu = st.UserTime() + st.SystemTime()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			u.rssMB = maxRSSMB(ru)
		}
	}
	if err != nil {
		return u, fmt.Errorf("%s %v: %v\n%s", name, args, err, tail(out.String(), 20))
	}
	return u, nil
}

func build(root string, t target, env []string) (usage, error) {
	args := []string{"build", "-o", os.DevNull}
	if t.tags != "" {
		args = append(args, "-tags", t.tags)
	}
	return timed(root, env, "go", append(args, t.pkg)...)
}

// compileSection times warm rebuilds of every target and, with
// BENCH_COLD=1, cold builds of every target; BENCH_COLD=floor builds only
// the floor and the local stack build cold, which gives their ratio in
// about ten minutes.
func compileSection(w *bytes.Buffer, root string) {
	coldMode := os.Getenv("BENCH_COLD")
	cold := coldMode == "1" || coldMode == "floor"
	fmt.Fprintf(w, "\n## 1. Compile\n\nWarm: rebuild after appending a comment to one file of the package (the edit is undone). ")
	if cold {
		fmt.Fprintf(w, "Cold: an empty GOCACHE per target (modules already downloaded).\n\n")
		fmt.Fprintf(w, "| target | cold wall | cold CPU | cold peak RSS | warm wall | warm CPU | warm peak RSS |\n|---|---|---|---|---|---|---|\n")
	} else {
		fmt.Fprintf(w, "Cold builds run with BENCH_COLD=1 (every target) or BENCH_COLD=floor (the floor and the local stack build; minutes each).\n\n")
		fmt.Fprintf(w, "| target | warm wall | warm CPU | warm peak RSS |\n|---|---|---|---|\n")
	}
	// The floor (targets[0]) and the local stack build (targets[1]).
	var coldWall, warmWall [2]time.Duration
	for i, t := range targets {
		row := "| " + t.name + " | "
		if cold && (coldMode == "1" || i < 2) {
			cache, err := os.MkdirTemp("", "plinth-gocache-")
			check(err)
			u, err := build(root, t, []string{"GOCACHE=" + cache})
			os.RemoveAll(cache)
			row += cell(u, err)
			if i < 2 && err == nil {
				coldWall[i] = u.wall
			}
		} else if cold {
			row += "– | – | – | "
		}
		if _, err := build(root, t, nil); err != nil { // make sure the cache is warm
			row += "build failed | | |"
			fmt.Fprintln(w, row)
			continue
		}
		orig, err := os.ReadFile(filepath.Join(root, t.touch))
		check(err)
		check(os.WriteFile(filepath.Join(root, t.touch), append(append([]byte{}, orig...), []byte("\n// bench edit\n")...), 0o644))
		u, err := build(root, t, nil)
		check(os.WriteFile(filepath.Join(root, t.touch), orig, 0o644))
		row += cell(u, err)
		if i < 2 && err == nil {
			warmWall[i] = u.wall
		}
		fmt.Fprintln(w, row)
	}
	fmt.Fprintf(w, "\nLocal stack build / floor:")
	if coldWall[0] > 0 && coldWall[1] > 0 {
		fmt.Fprintf(w, " cold %.2f×,", ratio(coldWall[1], coldWall[0]))
	}
	fmt.Fprintf(w, " warm rebuild %.2f×.\n", ratio(warmWall[1], warmWall[0]))
	fmt.Fprintf(w, "\nPulumi SDK packages each stack build compiles:\n\n")
	for _, t := range targets[1:3] {
		args := []string{"list", "-deps"}
		if t.tags != "" {
			args = append(args, "-tags", t.tags)
		}
		out, err := exec.Command("go", append(args, t.pkg)...).Output()
		if err != nil {
			continue
		}
		var sdk []string
		for _, p := range strings.Fields(string(out)) {
			if regexp.MustCompile(`^github.com/pulumi/pulumi-(aws|gcp|kubernetes)/sdk/v\d+/go/`).MatchString(p) {
				sdk = append(sdk, strings.TrimPrefix(p, "github.com/pulumi/"))
			}
		}
		fmt.Fprintf(w, "- %s (%d): %s\n", t.name, len(sdk), strings.Join(sdk, ", "))
	}
}

func cell(u usage, err error) string {
	if err != nil {
		return "failed | | | "
	}
	return fmt.Sprintf("%.1f s | %.1f s | %d MB | ", u.wall.Seconds(), u.cpu.Seconds(), u.rssMB)
}

// ---------------------------------------------------------------- mock scale

func mockSection(w *bytes.Buffer, root string) {
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", "BenchmarkCompose|BenchmarkGate", "-benchmem", "-benchtime", "5x", "./stacks").CombinedOutput()
	fmt.Fprintf(w, "\n## 2. Mock scale\n\nThe local composition of N applications (10 namespaces) under Pulumi mocks, and the guardrail gate (a mock run plus every rule).\n\n| benchmark | ns/op | ms/op | B/op | allocs/op |\n|---|---|---|---|---|\n")
	if err != nil {
		fmt.Fprintf(w, "\nbenchmarks failed: %v\n%s\n", err, tail(string(out), 20))
		return
	}
	ns := map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := regexp.MustCompile(`-\d+$`).ReplaceAllString(f[0], "")
		v, _ := strconv.ParseFloat(f[2], 64)
		ns[name] = v
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s |\n", name, f[2], v/1e6, f[4], f[6])
	}
	if a, b := ns["BenchmarkCompose/apps=200"], ns["BenchmarkCompose/apps=100"]; a > 0 && b > 0 {
		fmt.Fprintf(w, "\n200 apps / 100 apps: %.2f (linear is 2.00)\n", a/b)
	}
}

// ---------------------------------------------------------------- real deploy

type sample map[string][]time.Duration

func (s sample) add(k string, d time.Duration) { s[k] = append(s[k], d) }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	c := append([]time.Duration(nil), ds...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c[len(c)/2]
}

func deploySection(w *bytes.Buffer, root, bin string, rounds int) {
	fmt.Fprintf(w, "\n## 3. Real deploy on the local control plane\n\n")
	if tool := missingDeployTool(bin); tool != "" {
		fmt.Fprintf(w, "skipped: %s is missing (make tools bench-tools)\n", tool)
		return
	}
	work, c, cleanup := clusterWorkspace("plinth-bench-", bin)
	defer cleanup()

	stacks := buildLocalStacks(root, work)
	obj := renderObjects(root, work, stacks, root)
	files, chart, flat, deps := obj.files, obj.chart, obj.flat, obj.deps

	// plinth works on a copy of the stack files, so the image change does
	// not touch the repository.
	wd := filepath.Join(work, "wd")
	check(os.MkdirAll(filepath.Join(wd, "stacks"), 0o755))
	for _, f := range []string{"Pulumi.yaml", "Pulumi.local.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		check(err)
		check(os.WriteFile(filepath.Join(wd, f), b, 0o644))
	}
	env := []string{
		"KUBECONFIG=" + c.KubeconfigPath,
		"PULUMI_BACKEND_URL=file://" + filepath.Join(work, "backend"),
		"PULUMI_CONFIG_PASSPHRASE=plinth-local-only",
	}
	check(os.MkdirAll(filepath.Join(work, "backend"), 0o755))
	plinth := func(args ...string) time.Duration {
		return timeIt(root, env, stacks, append(args, "--stack", "local", "--workdir", wd)...)
	}
	setImage := func(tag string) {
		run(wd, append(env, "PULUMI_HOME="+filepath.Join(root, ".state", "pulumi-home")), filepath.Join(bin, "pulumi"),
			"config", "set", "--path", "--stack", "local", "plinth:apps[0].image", "registry.example.com/plinth/web:"+tag)
	}
	helm := func(args ...string) time.Duration { return timeIt(work, env, filepath.Join(bin, "helm"), args...) }
	kubectl := func(args ...string) time.Duration {
		return timeIt(work, env, filepath.Join(bin, "kubectl"), args...)
	}
	waitGone := func() { waitNamespacesGone(bin, c.KubeconfigPath, "web", "shop", "monitoring") }

	rollout := func(d [2]string) { rolloutStatus(bin, c.KubeconfigPath, d) }
	s := sample{}
	for r := 0; r < rounds; r++ {
		if r > 0 { // the stack exists from the first round on
			setImage("1.0.0")
		}
		s.add("plinth first up", plinth("up"))
		s.add("plinth no-change up", plinth("up"))
		setImage(fmt.Sprintf("1.0.%d", r+1))
		s.add("plinth image-change up", plinth("up"))
		s.add("plinth destroy", plinth("destroy"))
		waitGone()

		s.add("helm first install", helm("upgrade", "--install", "plinth-bench", chart, "--wait", "--timeout", "5m"))
		s.add("helm no-change upgrade", helm("upgrade", "--install", "plinth-bench", chart, "--wait", "--timeout", "5m"))
		s.add("helm uninstall", helm("uninstall", "plinth-bench", "--wait"))
		waitGone()

		start := time.Now()
		kubectl("apply", "--server-side", "-f", flat)
		for _, d := range deps {
			rollout(d)
		}
		s.add("kubectl apply + rollout", time.Since(start))
		s.add("kubectl delete", kubectl("delete", "-f", flat, "--wait", "--ignore-not-found"))
		waitGone()
	}
	helmFirst, floor := median(s["helm first install"]), median(s["kubectl apply + rollout"])
	fmt.Fprintf(w, "%d objects (the local stack: %d Deployments), %d interleaved rounds, whole-process wall time, medians.\n\n", len(files), len(deps), rounds)
	fmt.Fprintf(w, "| action | median | vs Helm first install | vs kubectl (floor) |\n|---|---|---|---|\n")
	for _, k := range []string{"plinth first up", "plinth no-change up", "plinth image-change up", "plinth destroy",
		"helm first install", "helm no-change upgrade", "helm uninstall", "kubectl apply + rollout", "kubectl delete"} {
		m := median(s[k])
		fmt.Fprintf(w, "| %s | %.2f s | %.2f× | %.2f× |\n", k, m.Seconds(), ratio(m, helmFirst), ratio(m, floor))
	}
	first, nochange := median(s["plinth first up"]), median(s["plinth no-change up"])
	fmt.Fprintf(w, "\nno-change up / first up: %.2f\n", ratio(nochange, first))
}

// objects are the same Kubernetes objects for every tool: the manifests
// the provider renders for a local stack, as files, as a Helm chart and
// as a directory kubectl applies.
type objects struct {
	files       []string    // one manifest per object
	chart, flat string      // the chart's directory, kubectl's directory
	deps        [][2]string // namespace and name of every Deployment
}

// renderObjects renders the local stack of workdir (Pulumi.yaml and
// Pulumi.local.yaml) with the stack binary, run from the repository root
// (its bin/ holds the CLI), into work/manifests, and makes the chart and
// kubectl's directory from them.
func renderObjects(root, work, stacks, workdir string) objects {
	manifests := filepath.Join(work, "manifests")
	run(root, nil, stacks, "render", "--out", manifests, "--workdir", workdir)
	files, _ := filepath.Glob(filepath.Join(manifests, "*", "*.yaml"))
	chart := filepath.Join(work, "chart")
	check(os.MkdirAll(filepath.Join(chart, "templates"), 0o755))
	check(os.MkdirAll(filepath.Join(chart, "files"), 0o755))
	check(os.WriteFile(filepath.Join(chart, "Chart.yaml"), []byte("apiVersion: v2\nname: plinth-bench\nversion: 0.1.0\n"), 0o644))
	// The manifests go in as files, not templates: the dashboards hold
	// Grafana's own {{…}} placeholders, which Helm must not evaluate.
	check(os.WriteFile(filepath.Join(chart, "templates", "all.yaml"), []byte(
		"{{- range $path, $_ := .Files.Glob \"files/*.yaml\" }}\n---\n{{ $.Files.Get $path }}\n{{- end }}\n"), 0o644))
	flat := filepath.Join(work, "flat")
	check(os.MkdirAll(flat, 0o755))
	for _, f := range files {
		b, err := os.ReadFile(f)
		check(err)
		name := filepath.Base(f)
		check(os.WriteFile(filepath.Join(chart, "files", name), b, 0o644))
		// kubectl applies a directory in file-name order, so the
		// Namespaces go first, as a user would arrange them.
		flatName := "1-" + name
		if strings.HasPrefix(name, "v1-namespace-") {
			flatName = "0-" + name
		}
		check(os.WriteFile(filepath.Join(flat, flatName), b, 0o644))
	}
	return objects{files: files, chart: chart, flat: flat, deps: deployments(files)}
}

// waitNamespacesGone waits up to 5 minutes for the namespaces to be gone,
// so that one tool's removal does not slow the next tool's deploy.
func waitNamespacesGone(bin, kubeconfig string, namespaces ...string) {
	args := append([]string{"--kubeconfig", kubeconfig, "get", "ns"}, namespaces...)
	args = append(args, "--ignore-not-found", "-o", "name")
	for i := 0; i < 3000; i++ {
		out, _ := exec.Command(filepath.Join(bin, "kubectl"), args...).Output()
		if strings.TrimSpace(string(out)) == "" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	panic(failure{fmt.Sprintf("namespaces %v still there after 5 minutes", namespaces)})
}

// rolloutStatus waits for one Deployment and, when it does not finish,
// says what the namespace looked like.
func rolloutStatus(bin, kubeconfig string, d [2]string) {
	kubectl := filepath.Join(bin, "kubectl")
	defer func() {
		if r := recover(); r != nil {
			out, _ := exec.Command(kubectl, "--kubeconfig", kubeconfig, "get",
				"deploy,rs,pods,hpa,pdb,events", "-n", d[0], "-o", "wide").CombinedOutput()
			msg := fmt.Sprint(r)
			if f, ok := r.(failure); ok {
				msg = f.msg
			}
			panic(failure{fmt.Sprintf("%s\nnamespace %s:\n%s", msg, d[0], out)})
		}
	}()
	run("", []string{"KUBECONFIG=" + kubeconfig}, kubectl, "rollout", "status", "-n", d[0], "deployment/"+d[1], "--timeout", "5m")
}

// missingDeployTool names the first tool the real-deploy sections run
// that is not built into bin, or returns "".
func missingDeployTool(bin string) string {
	for _, tool := range []string{"pulumi", "pulumi-resource-kubernetes", "helm", "kubectl", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			return tool
		}
	}
	return ""
}

// buildLocalStacks builds the stack driver with the local build tag into
// work and returns the binary's path.
func buildLocalStacks(root, work string) string {
	stacks := filepath.Join(work, "stacks")
	run(root, nil, "go", "build", "-tags", "plinthlocal", "-o", stacks, "./stacks")
	return stacks
}

// clusterWorkspace makes a temporary directory and starts a local control
// plane in it with the Prometheus Operator's CRDs; cleanup stops the
// cluster and removes the directory.
func clusterWorkspace(prefix, bin string) (string, *localcluster.Cluster, func()) {
	work, err := os.MkdirTemp("", prefix)
	check(err)
	ctx := context.Background()
	c, err := localcluster.Up(ctx, localcluster.Options{StateDir: filepath.Join(work, "cluster"), BinDir: bin})
	if err != nil {
		os.RemoveAll(work)
		check(err)
	}
	cleanup := func() {
		_ = c.Stop()
		os.RemoveAll(work)
	}
	for _, crds := range []embed.FS{monitoring.CRDs, app.GatewayCRDs} {
		if err := c.InstallCRDs(ctx, crds, "crds/*.yaml"); err != nil {
			cleanup()
			check(err)
		}
	}
	return work, c, cleanup
}

// deployments returns the namespace and name of every Deployment manifest.
func deployments(files []string) [][2]string {
	var out [][2]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		check(err)
		var obj metav1.PartialObjectMetadata
		check(yaml.Unmarshal(b, &obj))
		if obj.Kind == "Deployment" {
			out = append(out, [2]string{obj.Namespace, obj.Name})
		}
	}
	return out
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

func timeIt(dir string, env []string, name string, args ...string) time.Duration {
	start := time.Now()
	run(dir, env, name, args...)
	return time.Since(start)
}

func run(dir string, env []string, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		panic(failure{fmt.Sprintf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(string(out), 30))})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func check(err error) {
	if err != nil {
		panic(failure{"bench: " + err.Error()})
	}
}
