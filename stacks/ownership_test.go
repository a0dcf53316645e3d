package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/shirou/gopsutil/v4/process"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

func stateDoc(t *testing.T, v any) apitype.UntypedDeployment {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return apitype.UntypedDeployment{Version: 3, Deployment: b}
}

// TestStateObjects reads the Kubernetes objects a state records, with
// their field manager, and leaves out providers, components and charts.
func TestStateObjects(t *testing.T) {
	dep := stateDoc(t, map[string]any{"resources": []any{
		map[string]any{"urn": "urn:pulumi:local::plinth::pulumi:providers:kubernetes::local", "type": "pulumi:providers:kubernetes", "custom": true, "id": "x"},
		map[string]any{"urn": "urn:pulumi:local::plinth::plinth:kubernetes:App::web", "type": "plinth:kubernetes:App"},
		map[string]any{"urn": "u1", "type": "kubernetes:core/v1:Namespace", "custom": true, "id": "web", "outputs": map[string]any{"__fieldManager": "pulumi-kubernetes-0a1b2c3d"}},
		map[string]any{"urn": "u2", "type": "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "custom": true, "id": "web/web"},
		map[string]any{"urn": "u3", "type": "kubernetes:helm.sh/v4:Chart", "custom": false},
	}})
	objs, err := stateObjects(dep)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("objects %+v, want the namespace and the route", objs)
	}
	if objs[0].key != (objectKey{"", "Namespace", "", "web"}) || objs[0].apiVersion != "v1" || objs[0].fieldManager != "pulumi-kubernetes-0a1b2c3d" {
		t.Errorf("namespace = %+v", objs[0])
	}
	if objs[1].key != (objectKey{"gateway.networking.k8s.io", "HTTPRoute", "web", "web"}) || objs[1].apiVersion != "gateway.networking.k8s.io/v1" {
		t.Errorf("route = %+v", objs[1])
	}
	if none, err := stateObjects(apitype.UntypedDeployment{}); err != nil || len(none) != 0 {
		t.Errorf("a stack not deployed yet: %v %v", none, err)
	}
}

// TestUntracked: only objects the state does not record, created before
// the run began, are pruned: a run that starts after this one may be
// creating the others.
func TestUntracked(t *testing.T) {
	began := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	obj := func(kind, ns, name string, created time.Time) (objectKey, *unstructured.Unstructured) {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind(kind)
		u.SetNamespace(ns)
		u.SetName(name)
		u.SetCreationTimestamp(metav1.NewTime(created))
		return objectKey{"", kind, ns, name}, u
	}
	live := map[objectKey]*unstructured.Unstructured{}
	for _, o := range []struct {
		kind, ns, name string
		created        time.Time
	}{
		{"Namespace", "", "web", began.Add(-time.Hour)},       // recorded
		{"Namespace", "", "extra0", began.Add(-time.Minute)},  // a killed run's
		{"ConfigMap", "extra0", "x", began.Add(-time.Minute)}, // a killed run's
		{"Namespace", "", "next", began.Add(time.Second)},     // a later run's
		{"ConfigMap", "extra0", "same-second", began},         // not strictly before
	} {
		k, u := obj(o.kind, o.ns, o.name, o.created)
		live[k] = u
	}
	state := []stateObject{{key: objectKey{"", "Namespace", "", "web"}}}
	var got []string
	for _, u := range untracked(live, state, began) {
		got = append(got, describe(u))
	}
	if want := "ConfigMap extra0/x,Namespace extra0"; strings.Join(got, ",") != want {
		t.Fatalf("untracked = %v, want %s", got, want)
	}
	if all := untracked(live, state, timeZero); len(all) != 4 {
		t.Fatalf("drift lists %d untracked, want every unrecorded object (4)", len(all))
	}
}

// TestMergeManagers: the fields of the state's (or a random) manager
// move to the stack's manager, merged with what it owns already; other
// managers' entries stay.
func TestMergeManagers(t *testing.T) {
	set := func(paths ...string) *metav1.FieldsV1 {
		s := &fieldpath.Set{}
		for _, p := range paths {
			s.Insert(fieldpath.MakePathOrDie("spec", p))
		}
		raw, err := s.ToJSON()
		if err != nil {
			t.Fatal(err)
		}
		return &metav1.FieldsV1{Raw: raw}
	}
	entries := []metav1.ManagedFieldsEntry{
		{Manager: "pulumi-kubernetes-0a1b2c3d", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "v1", FieldsType: "FieldsV1", FieldsV1: set("rules")},
		{Manager: "plinth-plinth.local", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "v1", FieldsType: "FieldsV1", FieldsV1: set("hostnames")},
		{Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1", Subresource: "status", FieldsType: "FieldsV1", FieldsV1: set("x")},
	}
	out, changed, err := mergeManagers(entries, func(m string) bool { return randomManager.MatchString(m) }, "plinth-plinth.local")
	if err != nil || !changed || len(out) != 2 {
		t.Fatalf("merged = %+v, %v, %v", out, changed, err)
	}
	if out[0].Manager != "kube-controller-manager" || out[1].Manager != "plinth-plinth.local" {
		t.Fatalf("managers = %s, %s", out[0].Manager, out[1].Manager)
	}
	if f := string(out[1].FieldsV1.Raw); !strings.Contains(f, "rules") || !strings.Contains(f, "hostnames") {
		t.Fatalf("the stack's manager owns %s, want rules and hostnames", f)
	}
	if _, changed, _ := mergeManagers(out, func(m string) bool { return randomManager.MatchString(m) }, "plinth-plinth.local"); changed {
		t.Fatalf("merging again changes something")
	}
}

// TestLockLiveness: a lock of this host whose pulumi process runs is
// alive; one whose process is gone, or another host's older than
// StaleAfter, is gone; another host's younger one cannot be judged.
func TestLockLiveness(t *testing.T) {
	host, _ := os.Hostname()
	now := time.Now()
	if got := (lockHolder{Pid: 999999, Hostname: host, Timestamp: now}).liveness(now); got != runGone {
		t.Errorf("a lock of a process that does not exist: %s", got)
	}
	if got := (lockHolder{Pid: os.Getpid(), Hostname: host, Timestamp: now}).liveness(now); got != runGone {
		t.Errorf("a lock whose pid is not a pulumi process (this test): %s", got)
	}
	if got := (lockHolder{Pid: 1, Hostname: "ci-runner-7", Timestamp: now.Add(-time.Minute)}).liveness(now); got != runUnknown {
		t.Errorf("another host's fresh lock: %s", got)
	}
	if got := (lockHolder{Pid: 1, Hostname: "ci-runner-7", Timestamp: now.Add(-StaleAfter - time.Minute)}).liveness(now); got != runGone {
		t.Errorf("another host's old lock: %s", got)
	}
	// A process named pulumi that runs is alive; killed and not yet
	// reaped (a zombie, as a killed driver's CLI is until someone waits
	// for it), gone.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "pulumi")
	if err := os.Symlink(sleep, fake); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fake, "60")
	before := time.Now().Add(-time.Second)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	holder := lockHolder{Pid: cmd.Process.Pid, Hostname: host, Timestamp: time.Now()}
	if got := holder.liveness(time.Now()); got != runAlive {
		t.Errorf("a lock whose pulumi process runs: %s", got)
	}
	if got := (lockHolder{Pid: cmd.Process.Pid, Hostname: host, Timestamp: before.Add(-time.Minute)}).liveness(time.Now()); got != runGone {
		t.Errorf("a lock older than the process that has its pid (the pid was reused): %s", got)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, _ := process.NewProcess(int32(cmd.Process.Pid))
		if st, err := p.Status(); err == nil && len(st) > 0 && st[0] == process.Zombie {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed process did not become a zombie")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := holder.liveness(time.Now()); got != runGone {
		t.Errorf("a lock whose pulumi process is a zombie: %s", got)
	}
}

// TestLockAdvice reads the locks of a directory backend and says what
// to do: the command that clears a dead run's lock (with the local
// build tag for a local stack), and only waiting on another machine's.
func TestLockAdvice(t *testing.T) {
	backend := t.TempDir()
	t.Setenv("PULUMI_BACKEND_URL", "file://"+backend)
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "Pulumi.local.yaml"), []byte("config:\n  plinth:cloud: local\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := &Driver{Root: work, WorkDir: work, Stack: "local"}
	dir := filepath.Join(backend, ".pulumi", "locks", "organization", "plinth", "local")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(h lockHolder) {
		b, _ := json.Marshal(h)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", h.Pid)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	host, _ := os.Hostname()
	write(lockHolder{Pid: 999999, Username: "ci", Hostname: host, Timestamp: time.Now().Add(-time.Minute)})
	if msg := d.lockAdvice(t.Context()); !strings.Contains(msg, "no longer runs") || !strings.Contains(msg, "go run -tags plinthlocal ./stacks cancel --stack local") {
		t.Errorf("a dead run's lock: %s", msg)
	}
	write(lockHolder{Pid: 4242, Username: "ci", Hostname: "ci-runner-7", Timestamp: time.Now().Add(-time.Minute)})
	if msg := d.lockAdvice(t.Context()); !strings.Contains(msg, "on another machine, which may still be going on") || !strings.Contains(msg, "--force") {
		t.Errorf("another machine's fresh lock: %s", msg)
	}
}

// TestATrackedStackFileKeepsItsSecretsProvider: --secrets-provider on a
// stack whose tracked file holds a passphrase salt is refused, naming the
// file; an untracked file, or one without a provider yet, is left to the
// CLI.
func TestATrackedStackFileKeepsItsSecretsProvider(t *testing.T) {
	work := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	file := filepath.Join(work, "Pulumi.local.yaml")
	if err := os.WriteFile(file, []byte("config: {}\nencryptionsalt: v1:abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := &Driver{Stack: "local", SecretsProvider: "awskms://alias/plinth-local"}
	if err := d.keepsItsSecretsProvider(work); err != nil {
		t.Fatalf("an untracked file: %v", err)
	}
	git("init", "-q")
	git("add", "Pulumi.local.yaml")
	err := d.keepsItsSecretsProvider(work)
	if err == nil || !strings.Contains(err.Error(), "which git tracks, and whose secrets are under a passphrase") {
		t.Fatalf("a tracked file under a passphrase: %v", err)
	}
}

func TestTransientAPIError(t *testing.T) {
	for msg, want := range map[string]bool{
		`creating: Post "https://127.0.0.1:6443/api/v1/namespaces": dial tcp 127.0.0.1:6443: connect: connection refused`: true,
		`the server is currently unable to handle the request (get deployments.apps web)`:                                 true,
		`etcdserver: request timed out`:             true,
		`Server-Side Apply field conflict detected`: false,
		`admission webhook "x" denied the request`:  false,
		// A killed provider resets its connection: not an API outage.
		"error reading from server: connection reset by peer\nDetected that /p/pulumi-resource-kubernetes exited prematurely.": false,
	} {
		if got := transientAPIError(fmt.Errorf("%s", msg)); got != want {
			t.Errorf("transientAPIError(%q) = %v, want %v", msg, got, want)
		}
	}
}

// TestPendingCreates: a Kubernetes object's pending create is imported
// by its namespace/name; a cloud resource's, whose id nobody knows, is
// listed for the operator.
func TestPendingCreates(t *testing.T) {
	dep := stateDoc(t, map[string]any{"pending_operations": []any{
		map[string]any{"type": "creating", "resource": map[string]any{"urn": "urn:k8s", "type": "kubernetes:apps/v1:Deployment", "custom": true,
			"inputs": map[string]any{"metadata": map[string]any{"name": "web", "namespace": "web"}}}},
		map[string]any{"type": "creating", "resource": map[string]any{"urn": "urn:vpc", "type": "aws:ec2/vpc:Vpc", "custom": true}},
		map[string]any{"type": "updating", "resource": map[string]any{"urn": "urn:u", "type": "kubernetes:core/v1:Namespace", "custom": true}},
	}})
	imports, cloud, err := pendingCreates(dep)
	if err != nil || len(imports) != 1 || imports[0].URN != "urn:k8s" || imports[0].ID != "web/web" || len(cloud) != 1 || cloud[0] != "urn:vpc" {
		t.Fatalf("imports %+v, cloud %v, %v", imports, cloud, err)
	}
}

// A misspelt key in the stack file is refused before the engine starts,
// under its config path with the key it was meant to be; the real stack
// files pass.
func TestCheckStackFileRefusesAMisspeltKey(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "Pulumi.local.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "Pulumi.local.yaml")
	if err := os.WriteFile(good, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckStackFile(good, "local"); err != nil {
		t.Fatalf("the local stack file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "Pulumi.local.yaml")
	misspelt := strings.Replace(string(raw), "  plinth:apps:", "  plinth:appz:", 1)
	if misspelt == string(raw) {
		t.Fatal("the local stack file has no plinth:apps to misspell")
	}
	if err := os.WriteFile(bad, []byte(misspelt), 0o600); err != nil {
		t.Fatal(err)
	}
	err = CheckStackFile(bad, "local")
	if err == nil || !strings.Contains(err.Error(), "plinth:appz is not a plinth setting, so it would be ignored: did you mean plinth:apps?") {
		t.Fatalf("CheckStackFile = %v, want plinth:appz refused", err)
	}
}
