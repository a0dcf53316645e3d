package localsetup

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	plan := Plan(f, func(Tool) bool { return false })
	for _, tool := range plan {
		if tool.Name == "Pulumi CLI" || tool.Name == "kubernetes provider" {
			t.Errorf("plans to build %s, which was found", tool.Name)
		}
	}
	if line := Summary(f, plan, 2); !strings.HasPrefix(line, "found: Pulumi CLI "+f.Pulumi+"; kubernetes plugin "+ProviderVersion) || !strings.Contains(line, "to build: kube-apiserver, kwok") {
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
		plan := Plan(f, func(Tool) bool { return false })
		if !strings.Contains(Summary(f, plan, 2), "Pulumi CLI (") && !strings.Contains(Summary(f, plan, 2), "Pulumi CLI,") {
			t.Errorf("%s: the refused CLI is not built instead: %s", version, Summary(f, plan, 2))
		}
	}
	if err := SupportedPulumi("v3.274.1\n"); err != nil {
		t.Fatal(err)
	}
}

func TestACurrentClusterSkipsTheControlPlane(t *testing.T) {
	plan := Plan(Found{CurrentCluster: true}, func(Tool) bool { return false })
	var names []string
	for _, tool := range plan {
		names = append(names, tool.Name)
	}
	if strings.Join(names, ",") != "kubernetes provider,Pulumi CLI" {
		t.Fatalf("plan %v", names)
	}
	if got := Plan(Found{}, func(Tool) bool { return true }); len(got) != 0 {
		t.Fatalf("plans %v although everything is built", got)
	}
}

func TestReadsTheCurrentContext(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
current-context: kind-dev
clusters:
- name: kind-dev
  cluster: {server: "https://127.0.0.1:40123"}
- name: prod
  cluster: {server: "https://prod.example.com"}
contexts:
- name: kind-dev
  context: {cluster: kind-dev, user: me}
- name: prod
  context: {cluster: prod, user: me}
users:
- name: me
  user: {token: x}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kc)
	c, err := CurrentCluster()
	if err != nil || c.Context != "kind-dev" || c.Server != "https://127.0.0.1:40123" || c.Kubeconfig != kc {
		t.Fatalf("CurrentCluster = %+v, %v", c, err)
	}
	if err := CheckLocal(context.Background(), c, false, nil); err != nil {
		t.Fatal(err)
	}
	// What the stack is applied with: the current context alone, 0600.
	out := filepath.Join(t.TempDir(), "current", "kubeconfig")
	if err := WriteKubeconfig(out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 || !strings.Contains(string(b), "127.0.0.1:40123") || strings.Contains(string(b), "prod") {
		t.Fatalf("written kubeconfig (%v):\n%s", st.Mode(), b)
	}
}

func TestRefusesARemoteContext(t *testing.T) {
	resolve := func(addrs map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
		return func(_ context.Context, host string) ([]netip.Addr, error) {
			a, ok := addrs[host]
			if !ok {
				return nil, errors.New("no such host")
			}
			var out []netip.Addr
			for _, s := range a {
				out = append(out, netip.MustParseAddr(s))
			}
			return out, nil
		}
	}(map[string][]string{
		"minikube.internal":  {"192.168.49.2"},
		"api.prod.example":   {"203.0.113.10"},
		"split.example":      {"10.0.0.5", "198.51.100.7"},
		"host.docker.local6": {"fd00::2"},
	})
	for server, want := range map[string]string{
		"https://127.0.0.1:6443":          "",
		"https://[::1]:6443":              "",
		"https://localhost:6443":          "",
		"https://192.168.49.2:8443":       "",
		"https://minikube.internal:8443":  "",
		"https://host.docker.local6:6443": "",
		"https://203.0.113.10:443":        "points at 203.0.113.10, neither loopback nor a private address",
		"https://api.prod.example":        "points at api.prod.example (203.0.113.10)",
		"https://split.example":           "split.example (198.51.100.7)",
		"https://nowhere.example":         "does not resolve",
	} {
		c := Cluster{Context: "ctx", Server: server}
		err := CheckLocal(context.Background(), c, false, resolve)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s refused: %v", server, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `context "ctx"`) || !strings.Contains(err.Error(), "YES=1")):
			t.Errorf("%s: err = %v, want …%s…", server, err, want)
		}
		if want != "" {
			if err := CheckLocal(context.Background(), c, true, resolve); err != nil {
				t.Errorf("%s with yes: %v", server, err)
			}
		}
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
	// Built now: make says it is current, and a plan leaves it out.
	if !UpToDate(root)(plan[0]) || UpToDate(root)(plan[1]) {
		t.Fatal("UpToDate does not follow make")
	}
}

// TestTheToolsAreTheMakefiles: every tool's targets are targets the
// repository's Makefile knows.
func TestTheToolsAreTheMakefiles(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for _, tool := range LocalTools {
		cmd := exec.Command("make", append([]string{"-n", "--no-print-directory"}, targets(root, tool)...)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: make -n %v: %v\n%s", tool.Name, tool.Targets, err, out)
		}
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
