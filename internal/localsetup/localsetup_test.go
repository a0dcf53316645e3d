package localsetup

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakePulumi writes a `pulumi` on a directory of its own that prints
// version, and returns the directory.
func fakePulumi(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo " + version + "; fi\n"
	if err := os.WriteFile(filepath.Join(dir, "pulumi"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDetectsACLIOnPathAndThePinnedPlugin(t *testing.T) {
	home := t.TempDir()
	plugin := filepath.Join(home, "plugins", "resource-kubernetes-"+ProviderVersion, "pulumi-resource-kubernetes")
	if err := os.MkdirAll(filepath.Dir(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plugin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := fakePulumi(t, "v3.280.0")
	f := Detect(context.Background(), t.TempDir()+string(filepath.ListSeparator)+dir, home)
	if f.Pulumi != filepath.Join(dir, "pulumi") || f.Plugin != plugin || f.PulumiRefused != "" {
		t.Fatalf("Detect = %+v", f)
	}
	plan := Plan(LocalTools, f, func(Tool) bool { return false })
	for _, tool := range plan {
		if tool.Name == "Pulumi CLI" || tool.Name == "kubernetes provider" {
			t.Errorf("plans to build %s, which was found", tool.Name)
		}
	}
	if line := Summary(f, plan, 2); !strings.HasPrefix(line, "found: Pulumi CLI "+f.Pulumi+"; kubernetes plugin "+ProviderVersion) || !strings.Contains(line, "to build: kube-apiserver, -controller-manager and -scheduler; kwok; etcd (") {
		t.Fatalf("first line: %s", line)
	}
	// Another plugin version is not the pinned one.
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "plugins", "resource-kubernetes-v4.24.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if f := Detect(context.Background(), "", other); f.Plugin != "" {
		t.Fatalf("took plugin %s for %s", f.Plugin, ProviderVersion)
	}
}

func TestRefusesACLIOfAnUnsupportedVersion(t *testing.T) {
	for version, want := range map[string]string{
		"v3.150.0":  "older than " + PulumiVersion,
		"v3.274.0":  "older than " + PulumiVersion,
		"v2.25.2":   "another major version",
		"not-a-cli": "printed no version",
	} {
		f := Detect(context.Background(), fakePulumi(t, version), t.TempDir())
		if f.Pulumi != "" || !strings.Contains(f.PulumiRefused, want) {
			t.Errorf("%s: Detect = %+v, want refused: …%s…", version, f, want)
		}
		plan := Plan(LocalTools, f, func(Tool) bool { return false })
		if !strings.Contains(Summary(f, plan, 2), "Pulumi CLI (") && !strings.Contains(Summary(f, plan, 2), "Pulumi CLI;") {
			t.Errorf("%s: the refused CLI is not built instead: %s", version, Summary(f, plan, 2))
		}
	}
	if err := SupportedPulumi("v3.274.1\n"); err != nil {
		t.Fatal(err)
	}
}

func TestACurrentClusterSkipsTheControlPlane(t *testing.T) {
	plan := Plan(LocalTools, Found{CurrentCluster: true}, func(Tool) bool { return false })
	var names []string
	for _, tool := range plan {
		names = append(names, tool.Name)
	}
	if strings.Join(names, ",") != "kubernetes provider,Pulumi CLI" {
		t.Fatalf("plan %v", names)
	}
	if got := Plan(LocalTools, Found{}, func(Tool) bool { return true }); len(got) != 0 {
		t.Fatalf("plans %v although everything is built", got)
	}
}

func TestBuildPrintsProgressAndNamesTheLogOfAFailure(t *testing.T) {
	root := t.TempDir()
	makefile := "$(CURDIR)/bin/good:\n\tmkdir -p bin && echo compiling >&2 && touch $@\n$(CURDIR)/bin/bad:\n\t@echo 'go: downloading example.com/m v1.0.0'\n\t@echo 'main.go:3:1: undefined: nope' >&2; exit 1\n"
	if err := os.WriteFile(filepath.Join(root, "Makefile"), []byte(makefile), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := []Tool{{Name: "good tool", Targets: []string{"bin/good"}, Minutes: 2}, {Name: "bad tool", Targets: []string{"bin/bad"}, Minutes: 0.5}}
	var out bytes.Buffer
	err := Build(context.Background(), root, plan, 1, filepath.Join(root, ".state", "build"), &out)
	if err == nil || !strings.Contains(err.Error(), "bad tool") {
		t.Fatalf("err = %v", err)
	}
	got := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\[1/2\] good tool: about 2 min on 2 cores \(log: .*/\.state/build/good-tool\.log\)$`),
		regexp.MustCompile(`(?m)^\[1/2\] good tool built in \d+s$`),
		regexp.MustCompile(`(?m)^\[2/2\] bad tool: under a minute on 2 cores`),
		regexp.MustCompile(`(?m)^\[2/2\] bad tool FAILED after \d+s: exit status 2; the last lines of .*bad-tool\.log:\n  main\.go:3:1: undefined: nope`),
	} {
		if !want.MatchString(got) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "compiling") || strings.Contains(got, "go: downloading") {
		t.Errorf("compiler output or downloads reached the screen:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "good")); err != nil {
		t.Fatal(err)
	}
	if got := logName("kube-apiserver, -controller-manager and -scheduler"); got != "kube-apiserver-controller-manager-and-scheduler" {
		t.Errorf("log name %q", got)
	}
	// Two at a time, a line gives the time beside the other build and
	// the time alone.
	out.Reset()
	pair := []Tool{plan[0], {Name: "good twin", Targets: []string{"bin/good"}, Minutes: 2}}
	if err := Build(context.Background(), root, pair, 2, filepath.Join(root, ".state", "build"), &out); err != nil {
		t.Fatal(err)
	}
	shared := regexp.MustCompile(`(?m)^\[2/2\] good twin: about 4 min on 2 cores shared with another build \(2 min alone; log: .*/\.state/build/good-twin\.log\)$`)
	if !shared.MatchString(out.String()) {
		t.Errorf("output lacks %s:\n%s", shared, out.String())
	}
	// Built now: make says it is current, and a plan leaves it out.
	if !UpToDate(root)(plan[0]) || UpToDate(root)(plan[1]) {
		t.Fatal("UpToDate does not follow make")
	}
}

// TestScheduleMatchesTheMeasuredBuilds: one at a time a plan takes the
// sum of its tools; two at a time, the schedule gives a cold make local's
// five tools within two minutes of the 29.5 measured and the control
// plane's three within 1.5 of the 10.8 measured (README), and each
// tool's line the time it then took within 20%.
func TestScheduleMatchesTheMeasuredBuilds(t *testing.T) {
	plan, err := Set("local")
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, tool := range plan {
		sum += tool.Minutes
	}
	each, total := Schedule(plan, 1)
	if math.Abs(total-sum) > 1e-6 {
		t.Errorf("one at a time: %.2f min, want the sum %.2f", total, sum)
	}
	for i, tool := range plan {
		if math.Abs(each[i]-tool.Minutes) > 1e-6 {
			t.Errorf("one at a time, %s takes %.2f, want %.2f", tool.Name, each[i], tool.Minutes)
		}
	}
	// A cold make local, 2 at a time (the lines it printed).
	measured := map[string]float64{
		"kubernetes provider":                                22 + 41.0/60,
		"kube-apiserver, -controller-manager and -scheduler": 17 + 58.0/60,
		"Pulumi CLI": 11 + 31.0/60,
		"kwok":       5 + 2.0/60,
		"etcd":       1 + 21.0/60,
	}
	each, total = Schedule(plan, 2)
	if math.Abs(total-29.5) > 2 {
		t.Errorf("two at a time: %.1f min, measured 29.5", total)
	}
	for i, tool := range plan {
		want, ok := measured[tool.Name]
		if !ok {
			t.Fatalf("no measurement of %s", tool.Name)
		}
		if math.Abs(each[i]-want) > 0.2*want {
			t.Errorf("two at a time, %s: %.1f min, measured %.1f", tool.Name, each[i], want)
		}
	}
	// The control plane's three, 2 at a time, with a CLI and plugin found.
	cp := Plan(plan, Found{Pulumi: "pulumi", Plugin: "plugin"}, func(Tool) bool { return false })
	each, total = Schedule(cp, 2)
	if math.Abs(total-10.83) > 1.5 {
		t.Errorf("the control plane two at a time: %.1f min, measured 10.8", total)
	}
	for i, want := range []float64{10 + 50.0/60, 5.5, 1.25} {
		if math.Abs(each[i]-want) > 0.2*want {
			t.Errorf("the control plane two at a time, %s: %.1f min, measured %.1f", cp[i].Name, each[i], want)
		}
	}
	if each, total := Schedule(plan[:1], 2); total != plan[0].Minutes || each[0] != plan[0].Minutes {
		t.Errorf("a tool alone shares nothing: %.2f", total)
	}
}

// TestTheToolsAreTheMakefiles: every tool's targets are targets the
// repository's Makefile knows, and the e2e and alert sets are exactly
// the files make e2e and make alert-tests depend on.
func TestTheToolsAreTheMakefiles(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for set, variable := range map[string]string{"local": "TOOLS", "e2e": "E2E_TOOLS", "alert": "ALERT_TOOLS"} {
		tools, err := Set(set)
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, tool := range tools {
			cmd := exec.Command("make", append([]string{"-n", "--no-print-directory"}, targets(root, tool)...)...)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: make -n %v: %v\n%s", tool.Name, tool.Targets, err, out)
			}
			files = append(files, targets(root, tool)...)
		}
		cmd := exec.Command("make", "--no-print-directory", "--eval", "print-files: ; @echo $("+variable+")", "print-files")
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(string(out))
		slices.Sort(want)
		slices.Sort(files)
		if !slices.Equal(files, want) {
			t.Errorf("set %s builds %v; the Makefile's %s is %v", set, files, variable, want)
		}
		for i := 1; i < len(tools); i++ {
			if tools[i].Minutes > tools[i-1].Minutes {
				t.Errorf("set %s: %s (%.1f min) comes after the shorter %s", set, tools[i].Name, tools[i].Minutes, tools[i-1].Name)
			}
		}
	}
	if _, err := Set("local,nope"); err == nil || !strings.Contains(err.Error(), "local, e2e and alert") {
		t.Errorf("an unknown set: %v", err)
	}
	// Prometheus and promtool are one build, in both sets: built once.
	both, _ := Set("e2e,alert")
	names := map[string]int{}
	for _, tool := range both {
		names[tool.Name]++
	}
	if e2e, _ := Set("e2e"); len(both) != len(e2e)+1 || names["Prometheus and promtool"] != 1 || names["alertcheck"] != 1 {
		t.Errorf("e2e,alert is %v, want e2e's tools and alertcheck, each once", names)
	}
}

func TestPinsAgreeWithTheMakefile(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"PULUMI_VERSION": PulumiVersion, "PROVIDER_VERSION": strings.TrimPrefix(ProviderVersion, "v")} {
		m := regexp.MustCompile(`(?m)^` + name + `\s*:=\s*(\S+)`).FindSubmatch(b)
		if m == nil || string(m[1]) != want {
			t.Errorf("the Makefile's %s is %q, localsetup's %q", name, m, want)
		}
	}
}
