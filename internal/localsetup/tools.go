// Package localsetup is what `make local` does before it deploys (and
// what `make e2e-tools` and `make ci-tools` do): it finds what the
// machine already has (a Pulumi CLI, the kubernetes plugin, a cluster of
// the user's own), and builds the rest with progress lines a person can
// follow. It imports nothing heavy, so its first line comes within
// seconds on a cold machine; the check of a cluster of the user's own,
// which needs client-go, is internal/kubecontext.
package localsetup

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/semver"
)

// Versions plinth pins (the Makefile's PULUMI_VERSION and
// PROVIDER_VERSION; a test checks they agree).
const (
	PulumiVersion   = "v3.274.1"
	ProviderVersion = "v4.25.0"
)

// Tool is one thing `make local` may build.
type Tool struct {
	// Name is what the progress lines call it.
	Name string
	// Targets are its files, relative to the repository (bin/…); the
	// Makefile names them by absolute path.
	Targets []string
	// Minutes is the measured cold build alone on 2 cores (README,
	// Tools); Schedule gives the time beside other builds.
	Minutes float64
	// ControlPlane tools are not needed with a cluster of the user's own.
	ControlPlane bool
}

// LocalTools are the tools of `make local`, longest first: with two
// builds at a time, the longest starts at once. Measured with empty Go
// caches on 2 cores: the control plane's three alone (`TOOL_JOBS=1`, a
// fresh clone); the kubernetes provider and the Pulumi CLI from a cold
// `make local`, where each shared the cores with another build
// throughout: half their time there (SharedThroughput).
var LocalTools = []Tool{
	{Name: "kubernetes provider", Targets: []string{"bin/pulumi-resource-kubernetes"}, Minutes: 11.3},
	// One go build: the three share most of their packages.
	{Name: "kube-apiserver, -controller-manager and -scheduler", Targets: []string{"bin/kube-apiserver", "bin/kube-controller-manager", "bin/kube-scheduler"}, Minutes: 8.5, ControlPlane: true},
	{Name: "Pulumi CLI", Targets: []string{"bin/pulumi"}, Minutes: 5.9},
	{Name: "kwok", Targets: []string{"bin/kwok"}, Minutes: 2.5, ControlPlane: true},
	{Name: "etcd", Targets: []string{"bin/etcd"}, Minutes: 0.65, ControlPlane: true},
}

// E2EOnlyTools are what `make e2e` needs beside LocalTools: the YAML
// language host and plinth's component provider (the YAML program), and
// the engines the suite runs for real. A module that builds several
// tools in one go build is one entry.
var E2EOnlyTools = []Tool{
	{Name: "Flux controllers, sops and a git server", Targets: []string{"bin/source-controller", "bin/kustomize-controller", "bin/sops", "bin/gitserver"}, Minutes: 10},
	{Name: "Kyverno, cosign, registry and crane", Targets: []string{"bin/kyverno", "bin/cosign", "bin/registry", "bin/crane"}, Minutes: 5.4},
	prometheus,
	{Name: "Argo Rollouts controller", Targets: []string{"bin/rollouts-controller"}, Minutes: 4},
	{Name: "Pulumi YAML language host", Targets: []string{"bin/pulumi-language-yaml"}, Minutes: 3},
	{Name: "plinth component provider", Targets: []string{"bin/pulumi-resource-plinth"}, Minutes: 3},
}

// AlertTools are what `make alert-tests` runs: promtool and
// Alertmanager's code.
var AlertTools = []Tool{
	prometheus,
	{Name: "alertcheck", Targets: []string{"bin/alertcheck"}, Minutes: 1},
}

// prometheus is the Prometheus server (for make e2e) and promtool (for
// make alert-tests): one go build.
var prometheus = Tool{Name: "Prometheus and promtool", Targets: []string{"bin/prometheus", "bin/promtool"}, Minutes: 4}

// Sets names the tool sets `localsetup -set` builds.
var Sets = map[string][]Tool{
	"local": LocalTools,
	"e2e":   append(append([]Tool(nil), LocalTools...), E2EOnlyTools...),
	"alert": AlertTools,
}

// Set returns the tools of the sets named in a comma-separated list,
// each once, longest first.
func Set(names string) ([]Tool, error) {
	var out []Tool
	seen := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		tools, ok := Sets[strings.TrimSpace(n)]
		if !ok {
			return nil, fmt.Errorf("-set %s: the sets are local, e2e and alert (comma-separated)", n)
		}
		for _, t := range tools {
			if !seen[t.Name] {
				seen[t.Name] = true
				out = append(out, t)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Minutes > out[j].Minutes })
	return out, nil
}

// Found is what the machine already has.
type Found struct {
	// Pulumi is the CLI on PATH at a supported version ("" when none).
	Pulumi string
	// PulumiRefused says why a CLI on PATH is not used ("" when it is,
	// or there is none).
	PulumiRefused string
	// Plugin is the pinned kubernetes plugin in the Pulumi home ("" when
	// there is none).
	Plugin string
	// CurrentCluster is set when the user's own cluster is used.
	CurrentCluster bool
}

var versionRe = regexp.MustCompile(`v?\d+\.\d+\.\d+`)

// SupportedPulumi says whether a CLI version (`pulumi version`'s output)
// may run plinth's stacks: major 3, and the version plinth tests with or
// newer.
func SupportedPulumi(version string) error {
	v := "v" + strings.TrimPrefix(versionRe.FindString(version), "v")
	switch {
	case !semver.IsValid(v):
		return fmt.Errorf("it printed no version (%q)", strings.TrimSpace(version))
	case semver.Major(v) != semver.Major(PulumiVersion):
		return fmt.Errorf("it is %s, another major version than plinth's %s", strings.TrimSpace(version), PulumiVersion)
	case semver.Compare(v, PulumiVersion) < 0:
		return fmt.Errorf("it is %s, older than %s, the version plinth is tested with: upgrade it, or remove it from PATH and make local builds %s", strings.TrimSpace(version), PulumiVersion, PulumiVersion)
	}
	return nil
}

// Detect finds a Pulumi CLI on path (a PATH list) and the pinned
// kubernetes plugin in pulumiHome (PULUMI_HOME, or ~/.pulumi).
func Detect(ctx context.Context, path, pulumiHome string) Found {
	var f Found
	for _, dir := range filepath.SplitList(path) {
		bin := filepath.Join(dir, "pulumi")
		if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		out, err := exec.CommandContext(cctx, bin, "version").Output()
		cancel()
		if err != nil {
			f.PulumiRefused = fmt.Sprintf("%s does not run (%v)", bin, err)
			break
		}
		if err := SupportedPulumi(string(out)); err != nil {
			f.PulumiRefused = fmt.Sprintf("%s is not used: %v", bin, err)
			break
		}
		f.Pulumi = bin
		break
	}
	plugin := filepath.Join(pulumiHome, "plugins", "resource-kubernetes-"+ProviderVersion, "pulumi-resource-kubernetes")
	if st, err := os.Stat(plugin); err == nil && !st.IsDir() {
		f.Plugin = plugin
	}
	return f
}

// PulumiHome is where the user's Pulumi keeps its plugins.
func PulumiHome() string {
	if h := os.Getenv("PULUMI_HOME"); h != "" {
		return h
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".pulumi")
}

// Plan returns the tools of set to build: those neither found nor
// current (built, per upToDate), in set's order.
func Plan(set []Tool, f Found, upToDate func(Tool) bool) []Tool {
	var out []Tool
	for _, t := range set {
		switch {
		case t.ControlPlane && f.CurrentCluster,
			t.Name == "Pulumi CLI" && f.Pulumi != "",
			t.Name == "kubernetes provider" && f.Plugin != "":
			continue
		}
		if !upToDate(t) {
			out = append(out, t)
		}
	}
	return out
}

// UpToDate asks make, in root, whether t's targets are built and current.
func UpToDate(root string) func(Tool) bool {
	return func(t Tool) bool {
		cmd := exec.Command("make", append([]string{"-q", "--no-print-directory"}, targets(root, t)...)...)
		cmd.Dir = root
		return cmd.Run() == nil
	}
}

// Summary is the first line `make local` prints: what was found, what
// will be built, and how long that takes.
func Summary(f Found, plan []Tool, jobs int) string {
	var have []string
	if f.Pulumi != "" {
		have = append(have, "Pulumi CLI "+f.Pulumi)
	}
	if f.Plugin != "" {
		have = append(have, "kubernetes plugin "+ProviderVersion+" "+f.Plugin)
	}
	if f.CurrentCluster {
		have = append(have, "the cluster of the current kubeconfig context (CLUSTER=current)")
	}
	var b strings.Builder
	if len(have) > 0 {
		fmt.Fprintf(&b, "found: %s. ", strings.Join(have, "; "))
	}
	if f.PulumiRefused != "" {
		fmt.Fprintf(&b, "%s. ", f.PulumiRefused)
	}
	if len(plan) == 0 {
		b.WriteString("nothing to build.")
		return b.String()
	}
	var names []string
	for _, t := range plan {
		names = append(names, t.Name)
	}
	_, total := Schedule(plan, jobs)
	fmt.Fprintf(&b, "to build: %s (%d at a time; %s on 2 cores, from measured builds).", strings.Join(names, "; "), jobs, minutes(total))
	return b.String()
}

// SharedThroughput is how much work two builds running together on 2
// cores do, as a multiple of one build alone: each progresses at
// SharedThroughput/2 of its speed alone. One go build already keeps both
// cores busy, so two at a time gain little: the control plane (8.5 min
// alone) took 18.0 min beside the kubernetes provider (0.94) and, beside
// kwok then etcd, its part of 10.8 min for the three (1.11). Two at a
// time saved 46 s of 11.6 min on the control plane's three tools, and
// nothing measurable on make local's five (README).
const SharedThroughput = 1.0

// Schedule is how long each tool of plan takes, and the whole plan, with
// jobs builds at a time started in plan's order as Build starts them:
// alone a tool takes its Minutes; k builds at once share the cores, each
// at SharedThroughput/k of its speed alone. Tools whose modules pin the
// same packages share them compiled through the build cache, which the
// schedule does not count, so for make e2e's tools it overestimates
// (59 min for the e2e and alert sets; a cold .ci/run built them in 44.4
// beside make test), and it leaves out any other build, such as make
// test's, that shares the cores.
func Schedule(plan []Tool, jobs int) (each []float64, total float64) {
	jobs = max(jobs, 1)
	each = make([]float64, len(plan))
	left := make([]float64, len(plan))
	start := make([]float64, len(plan))
	for i, t := range plan {
		left[i] = t.Minutes
	}
	var running []int
	next, now := 0, 0.0
	for next < len(plan) || len(running) > 0 {
		for len(running) < jobs && next < len(plan) {
			start[next] = now
			running = append(running, next)
			next++
		}
		rate := 1.0
		if len(running) > 1 {
			rate = SharedThroughput / float64(len(running))
		}
		// Run until the first of the running builds ends.
		step := left[running[0]] / rate
		for _, i := range running[1:] {
			step = min(step, left[i]/rate)
		}
		now += step
		var still []int
		for _, i := range running {
			left[i] -= step * rate
			if left[i] <= 1e-9 {
				each[i] = now - start[i]
				continue
			}
			still = append(still, i)
		}
		running = still
	}
	return each, now
}

// Build runs make for each tool of plan, jobs at a time, and prints a
// line when each starts (its position and the time to expect) and when
// it ends (the time it took). Compiler output goes to logDir/<tool>.log,
// named with its last lines when a build fails.
func Build(ctx context.Context, root string, plan []Tool, jobs int, logDir string, out io.Writer) error {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, format+"\n", args...)
	}
	sem := make(chan struct{}, max(jobs, 1))
	errs := make([]error, len(plan))
	expect, _ := Schedule(plan, jobs)
	var wg sync.WaitGroup
	for i, t := range plan {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = buildOne(ctx, root, t, expect[i], fmt.Sprintf("[%d/%d]", i+1, len(plan)), logDir, say)
		}()
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, plan[i].Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("the build of %s failed (see above)", strings.Join(failed, ", "))
	}
	return nil
}

// buildOne builds t and says when it starts (with expect, its time in
// the schedule, and its time alone when sharing the cores makes that
// longer) and when it ends.
func buildOne(ctx context.Context, root string, t Tool, expect float64, pos, logDir string, say func(string, ...any)) error {
	logPath := filepath.Join(logDir, logName(t.Name)+".log")
	if minutes(expect) != minutes(t.Minutes) {
		say("%s %s: %s on 2 cores shared with another build (%s alone; log: %s)", pos, t.Name, minutes(expect), strings.TrimPrefix(minutes(t.Minutes), "about "), logPath)
	} else {
		say("%s %s: %s on 2 cores (log: %s)", pos, t.Name, minutes(expect), logPath)
	}
	start := time.Now()
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory"}, targets(root, t)...)...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		_ = log.Sync()
		say("%s %s FAILED after %s: %v; the last lines of %s:\n%s", pos, t.Name, time.Since(start).Round(time.Second), err, logPath, tail(logPath, 15))
		return err
	}
	say("%s %s built in %s", pos, t.Name, time.Since(start).Round(time.Second))
	return nil
}

// logName is a tool's name as a file name: lower case, runs of anything
// but letters and digits as one dash ("Flux controllers, sops and a git
// server" is flux-controllers-sops-and-a-git-server).
func logName(name string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// targets are t's make targets: its files by absolute path.
func targets(root string, t Tool) []string {
	out := make([]string, len(t.Targets))
	for i, f := range t.Targets {
		out[i] = filepath.Join(root, f)
	}
	return out
}

func minutes(m float64) string {
	if m < 1 {
		return "under a minute"
	}
	return fmt.Sprintf("about %.0f min", m)
}

// tail returns the last n lines of a file, indented, without the
// module downloads (one line each) that would push the error out.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "  (no log)"
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "go: downloading ") {
			lines = append(lines, "  "+sc.Text())
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
