//go:build e2e

package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/localcluster"
)

// The secret the local stack file holds (encrypted) for apps[0].
const localDBPassword = "local-db-password-7f3a"

// e2e is one end-to-end environment: a fresh control plane, a private
// file backend and a copy of the stack files to change config in.
type e2e struct {
	cluster *localcluster.Cluster
	kube    kubernetes.Interface
	dyn     dynamic.Interface
	driver  *Driver
	backend string
	log     *bytes.Buffer
}

func setup(t *testing.T) *e2e {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	c := localcluster.Start(t)
	ctx := context.Background()
	for _, crds := range []embed.FS{monitoring.CRDs, app.GatewayCRDs} {
		if err := c.InstallCRDs(ctx, crds, "crds/*.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.InstallCRDs(ctx, app.RolloutCRDs, app.RolloutCRDsPattern); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	// Pulumi.yaml names stacks/ as the program; the CLI checks it exists
	// even though the program runs inline.
	if err := os.Mkdir(filepath.Join(work, "stacks"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Pulumi.yaml", "Pulumi.local.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	backend := filepath.Join(t.TempDir(), "backend")
	t.Setenv("PULUMI_BACKEND_URL", "file://"+backend)
	t.Setenv("KUBECONFIG", c.KubeconfigPath)
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", LocalPassphrase)
	cfg, err := c.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	log := &bytes.Buffer{}
	e := &e2e{
		cluster: c, kube: c.Client, dyn: dynamic.NewForConfigOrDie(cfg), backend: backend, log: log,
		driver: &Driver{Root: root, WorkDir: work, Stack: "local", Out: log, Err: log},
	}
	t.Cleanup(func() {
		if t.Failed() {
			keepLog(t, root, "pulumi", log.Bytes())
		}
	})
	return e
}

// keepLog writes b, the log of what (pulumi, a controller) during a failed
// test, to out/e2e/ and names the file. The whole log goes to a file:
// printed here, even its tail, it would push the failure messages out of
// a CI job's excerpt.
func keepLog(t *testing.T, root, what string, b []byte) {
	t.Helper()
	file := filepath.Join(root, "out", "e2e", strings.ReplaceAll(t.Name(), "/", "_")+"."+what+".log")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err == nil && os.WriteFile(file, b, 0o600) == nil {
		t.Logf("%s output: %s", what, file)
		return
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	t.Logf("%s output (tail):\n%s", what, b)
}

// upUnchanged runs an up and fails the test, naming each resource the
// engine did not leave the same and the properties that differ, unless
// nothing changed.
func (e *e2e) upUnchanged(t *testing.T, what string) {
	t.Helper()
	if changed := e.upChanges(t); changed != nil {
		t.Fatalf("%s: the up changed:\n%s", what, strings.Join(changed, "\n"))
	}
}

// upChanges runs an up and describes each step that did not leave its
// resource the same (nil when there was none).
func (e *e2e) upChanges(t *testing.T) []string {
	t.Helper()
	ch := make(chan events.EngineEvent)
	var changed []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			if ev.ResOutputsEvent == nil {
				continue
			}
			m := ev.ResOutputsEvent.Metadata
			if m.Op != apitype.OpSame {
				changed = append(changed, describeStep(m))
			}
		}
	}()
	res := e.up(t, optup.EventStreams(ch))
	<-done
	if c := changes(res); len(changed) == 0 && c["same"] == 0 {
		t.Fatalf("the up changed nothing and left nothing the same: %v", c)
	}
	return changed
}

// describeStep names a step's operation and resource, and each property
// path it changes with the old input beside the new: what a failed
// no-change check needs to say why the state and the program differ.
func describeStep(m apitype.StepEventMetadata) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %v", m.Op, m.URN, m.Diffs)
	value := func(s *apitype.StepEventStateMetadata, path string) string {
		if s == nil {
			return "-"
		}
		p, err := resource.ParsePropertyPath(path)
		if err != nil {
			return "?"
		}
		v, ok := p.Get(resource.NewPropertyValue(s.Inputs))
		if !ok {
			return "absent"
		}
		out := fmt.Sprint(v.Mappable())
		if len(out) > 120 {
			out = out[:120] + "…"
		}
		return out
	}
	for _, path := range slices.Sorted(maps.Keys(m.DetailedDiff)) {
		fmt.Fprintf(&b, "\n    %s (%s): %s -> %s", path, m.DetailedDiff[path].Kind, value(m.Old, path), value(m.New, path))
	}
	return b.String()
}

func (e *e2e) up(t *testing.T, opts ...optup.Option) auto.UpResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := e.driver.Up(ctx, opts...)
	if err != nil {
		t.Fatalf("up: %s", brief(err))
	}
	t.Logf("up: %v in %.1fs", changes(res), time.Since(start).Seconds())
	return res
}

func (e *e2e) setConfig(t *testing.T, path, value string) {
	t.Helper()
	ctx := context.Background()
	s, err := e.driver.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetConfigWithOptions(ctx, path, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatalf("set %s: %v", path, err)
	}
}

func changes(res auto.UpResult) map[string]int {
	if res.Summary.ResourceChanges == nil {
		return nil
	}
	return *res.Summary.ResourceChanges
}

// eventually polls f until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}

// watchAvailable samples a Deployment's available pods every 20 ms until
// the returned function is called, which returns the lowest count seen.
func (e *e2e) watchAvailable(ns, name string) func() int32 {
	var lowest atomic.Int32
	lowest.Store(1 << 30)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			d, err := e.kube.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
			if err == nil && d.Status.AvailableReplicas < lowest.Load() {
				lowest.Store(d.Status.AvailableReplicas)
			}
		}
	}()
	return func() int32 {
		close(stop)
		<-done
		return lowest.Load()
	}
}

func (e *e2e) deployment(t *testing.T, ns, name string) *appsv1.Deployment {
	t.Helper()
	d, err := e.kube.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("deployment %s/%s: %v", ns, name, err)
	}
	return d
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// httpRoute is what the tests read of an HTTPRoute: its parents
// ("<namespace>/<name>"), hostnames and backends ("<name>:<port>×<weight>").
type httpRoute struct {
	parents, hostnames, backends []string
}

// deploymentsSettled waits until every plinth Deployment has rolled out
// and runs at least its autoscaler's minimum, all available. A refresh
// reads each Deployment's readiness at that moment: one caught unready
// (its autoscaler adding the pods up to the minimum, a pod restarting, a
// node slow to heartbeat) is recorded with an initialization error, and
// the next up updates it to await it again, with no property changed.
func (e *e2e) deploymentsSettled(t *testing.T) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("every plinth Deployment rolled out after %.1fs", time.Since(start).Seconds()) }()
	eventually(t, 90*time.Second, "every plinth Deployment rolled out", func() error {
		// verify's own rule, autoscaler minimums included.
		pending, err := pendingDeployments(context.Background(), e.dyn)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return fmt.Errorf("%s", strings.Join(pending, "; "))
		}
		return nil
	})
}

func (e *e2e) route(t *testing.T, ns, name string) httpRoute {
	t.Helper()
	gvr := schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
	obj, err := e.dyn.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("HTTPRoute %s/%s: %v", ns, name, err)
	}
	var spec struct {
		ParentRefs []struct{ Name, Namespace string } `json:"parentRefs"`
		Hostnames  []string                           `json:"hostnames"`
		Rules      []struct {
			BackendRefs []struct {
				Name   string `json:"name"`
				Port   int    `json:"port"`
				Weight int    `json:"weight"`
			} `json:"backendRefs"`
		} `json:"rules"`
	}
	b, _ := json.Marshal(obj.Object["spec"])
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	var r httpRoute
	for _, p := range spec.ParentRefs {
		r.parents = append(r.parents, p.Namespace+"/"+p.Name)
	}
	r.hostnames = spec.Hostnames
	for _, rule := range spec.Rules {
		for _, be := range rule.BackendRefs {
			r.backends = append(r.backends, fmt.Sprintf("%s:%d×%d", be.Name, be.Port, be.Weight))
		}
	}
	return r
}

// TestE2ELocalStack deploys the local stack for real and walks it through
// its life: first up, no-change up, an image rollout while the HPA owns
// the replica count, a blue-green flip and rollback, a state with no
// plaintext secret, an up killed mid-way and recovered, and destroy.
func TestE2ELocalStack(t *testing.T) {
	e := setup(t)
	ctx := context.Background()

	t.Run("every node heartbeats through a Lease, as kubelets do", func(t *testing.T) {
		// Without leases kwok's status heartbeat can lapse the node
		// lifecycle controller's grace period; nodes then flip NotReady
		// and rollouts stall.
		nodes, err := e.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes.Items) == 0 {
			t.Fatal("the local cluster has no nodes")
		}
		for _, n := range nodes.Items {
			eventually(t, 30*time.Second, "node "+n.Name+" holds a lease", func() error {
				l, err := e.kube.CoordinationV1().Leases("kube-node-lease").Get(ctx, n.Name, metav1.GetOptions{})
				if err != nil {
					return err
				}
				if l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil {
					return errorf("lease %s has no renew time or duration", n.Name)
				}
				return nil
			})
		}
	})

	t.Run("a non-compliant stack is blocked before anything is created", func(t *testing.T) {
		// Valid for the app component (the tag is allowed explicitly) but
		// against guardrail PL-K8S-006: images must be pinned.
		e.setConfig(t, "plinth:apps[2].name", "legacy")
		e.setConfig(t, "plinth:apps[2].image", "registry.example.com/plinth/legacy:latest")
		e.setConfig(t, "plinth:apps[2].allowMutableTag", "true")
		pctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		_, err := e.driver.Preview(pctx)
		if err == nil || !strings.Contains(err.Error()+e.log.String(), "PL-K8S-006") {
			t.Fatalf("preview of a non-compliant stack: %s, want it blocked by PL-K8S-006", brief(err))
		}
		if !strings.Contains(e.log.String(), "Images are pinned") {
			t.Fatal(`the preview output lacks the rule's message "Images are pinned"`)
		}
		if _, err := e.driver.Up(pctx); err == nil {
			t.Fatalf("up of a non-compliant stack succeeded")
		}
		nss, err := e.kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=plinth"})
		if err != nil || len(nss.Items) != 0 {
			t.Fatalf("the blocked up created %d namespaces (%v)", len(nss.Items), err)
		}
		s, err := e.driver.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveConfigWithOptions(ctx, "plinth:apps[2]", &auto.ConfigOptions{Path: true}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("up creates every object the components promise", func(t *testing.T) {
		e.up(t)
		eventually(t, 60*time.Second, "web Available with the HPA minimum of 2 replicas", func() error {
			d := e.deployment(t, "web", "web")
			if d.Status.AvailableReplicas != 2 || d.Status.UpdatedReplicas != 2 {
				return errorf("available %d, updated %d", d.Status.AvailableReplicas, d.Status.UpdatedReplicas)
			}
			for _, c := range d.Status.Conditions {
				if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
					return nil
				}
			}
			return errorf("not Available: %+v", d.Status.Conditions)
		})
		d := e.deployment(t, "web", "web")
		pod := d.Spec.Template.Spec
		if *pod.SecurityContext.RunAsNonRoot != true || *pod.Containers[0].SecurityContext.AllowPrivilegeEscalation ||
			!*pod.Containers[0].SecurityContext.ReadOnlyRootFilesystem || *pod.AutomountServiceAccountToken {
			t.Errorf("pod template lost its hardening: %+v", pod)
		}
		if s := d.Spec.Strategy.RollingUpdate; s.MaxSurge.IntValue() != 1 || s.MaxUnavailable.IntValue() != 0 {
			t.Errorf("rolling update = %+v", s)
		}

		hpa, err := e.kube.AutoscalingV2().HorizontalPodAutoscalers("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || *hpa.Spec.MinReplicas != 2 || hpa.Spec.MaxReplicas != 4 || *hpa.Spec.Metrics[0].Resource.Target.AverageUtilization != 70 {
			t.Errorf("HPA = %+v, %v", hpa, err)
		}
		pdb, err := e.kube.PolicyV1().PodDisruptionBudgets("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || pdb.Spec.MaxUnavailable.IntValue() != 1 {
			t.Errorf("PDB = %+v, %v", pdb, err)
		}
		eventually(t, 30*time.Second, "PDB allows one disruption", func() error {
			pdb, err := e.kube.PolicyV1().PodDisruptionBudgets("web").Get(ctx, "web", metav1.GetOptions{})
			if err != nil || pdb.Status.DisruptionsAllowed != 1 {
				return errorf("%+v %v", pdb.Status, err)
			}
			return nil
		})
		np, err := e.kube.NetworkingV1().NetworkPolicies("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || len(np.Spec.PolicyTypes) != 2 || np.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"] != "web" {
			t.Errorf("NetworkPolicy = %+v, %v", np, err)
		}
		// The route the API server stored: attached to the platform's
		// Gateway, sending web.local.plinth.example to the Service.
		route := e.route(t, "web", "web")
		if fmt.Sprint(route.parents) != "[gateway/shared]" || fmt.Sprint(route.hostnames) != "[web.local.plinth.example]" || fmt.Sprint(route.backends) != "[web:80×1]" {
			t.Errorf("HTTPRoute web = %+v", route)
		}
		sa, err := e.kube.CoreV1().ServiceAccounts("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
			t.Errorf("ServiceAccount = %+v, %v", sa, err)
		}
		svc, err := e.kube.CoreV1().Services("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || svc.Spec.Type != corev1.ServiceTypeClusterIP || svc.Spec.Ports[0].Port != 80 {
			t.Errorf("Service = %+v, %v", svc, err)
		}
		eps, err := e.kube.CoreV1().Endpoints("web").Get(ctx, "web", metav1.GetOptions{})
		if err != nil || len(eps.Subsets) == 0 || len(eps.Subsets[0].Addresses) != 2 {
			t.Errorf("Service web does not route to the 2 pods: %+v %v", eps, err)
		}

		for _, obj := range []struct {
			gvr      schema.GroupVersionResource
			ns, name string
		}{
			{schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "servicemonitors"}, "web", "web"},
			{schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "prometheusrules"}, "monitoring", "monitoring-rules"},
		} {
			if _, err := e.dyn.Resource(obj.gvr).Namespace(obj.ns).Get(ctx, obj.name, metav1.GetOptions{}); err != nil {
				t.Errorf("%s %s/%s was not accepted: %v", obj.gvr.Resource, obj.ns, obj.name, err)
			}
		}

		ns, err := e.kube.CoreV1().Namespaces().Get(ctx, "web", metav1.GetOptions{})
		if err != nil || ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Fatalf("namespace web does not enforce restricted: %v %v", ns.Labels, err)
		}
		pods, err := e.kube.CoreV1().Pods("web").List(ctx, metav1.ListOptions{})
		if err != nil || len(pods.Items) != 2 {
			t.Fatalf("pods admitted in web = %d (%v), want 2", len(pods.Items), err)
		}
		// The namespace really enforces it: a pod without the restricted
		// security context (root allowed, privilege escalation allowed,
		// capabilities kept, no seccomp profile) is refused.
		bad := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "intruder"},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "registry.example.com/x:1"}}},
		}
		_, err = e.kube.CoreV1().Pods("web").Create(ctx, bad, metav1.CreateOptions{})
		if err == nil || !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity \"restricted") {
			t.Fatalf("privileged pod in web: %v, want a PodSecurity restricted rejection", err)
		}
		sec, err := e.kube.CoreV1().Secrets("web").Get(ctx, "web-env", metav1.GetOptions{})
		if err != nil || string(sec.Data["DB_PASSWORD"]) != localDBPassword {
			t.Fatalf("web-env secret does not hold the configured DB_PASSWORD: %v", err)
		}
	})

	t.Run("a second up changes nothing", func(t *testing.T) {
		e.upUnchanged(t, "a second up")
	})

	t.Run("verify finds the outputs and every Deployment available", func(t *testing.T) {
		out := &bytes.Buffer{}
		v := *e.driver
		v.Out = out
		vctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := v.Verify(vctx); err != nil {
			t.Fatalf("verify: %s", brief(err))
		}
		if !strings.Contains(out.String(), "Deployments Available") {
			t.Fatalf("verify passed without saying what it checked: %q", out.String())
		}
	})

	t.Run("a canary through the Gateway splits the requests by weight", func(t *testing.T) {
		e.setConfig(t, "plinth:apps[0].strategy", "Canary")
		e.setConfig(t, "plinth:apps[0].canaryImage", "registry.example.com/plinth/web:1.1.0")
		e.setConfig(t, "plinth:apps[0].canaryPercent", "20")
		e.up(t)
		if route := e.route(t, "web", "web"); fmt.Sprint(route.backends) != "[web:80×80 web-canary:80×20]" {
			t.Fatalf("canary route backends = %v, want web 80 and web-canary 20", route.backends)
		}
		eventually(t, 60*time.Second, "the canary pod runs", func() error {
			if d := e.deployment(t, "web", "web-canary"); d.Status.AvailableReplicas != 1 {
				return errorf("canary available %d", d.Status.AvailableReplicas)
			}
			return nil
		})
		s, err := e.driver.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"strategy", "canaryImage", "canaryPercent"} {
			if err := s.RemoveConfigWithOptions(ctx, "plinth:apps[0]."+k, &auto.ConfigOptions{Path: true}); err != nil {
				t.Fatal(err)
			}
		}
		e.up(t)
		if route := e.route(t, "web", "web"); fmt.Sprint(route.backends) != "[web:80×1]" {
			t.Fatalf("route backends after the canary = %v, want web alone", route.backends)
		}
	})

	t.Run("a new image rolls out without unavailability and keeps the HPA's count", func(t *testing.T) {
		// Play the HPA: scale within its bounds through the scale
		// subresource, as the HPA controller does.
		scale, err := e.kube.AppsV1().Deployments("web").GetScale(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		scale.Spec.Replicas = 3
		if _, err := e.kube.AppsV1().Deployments("web").UpdateScale(ctx, "web", scale, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, "3 available", func() error {
			if d := e.deployment(t, "web", "web"); d.Status.AvailableReplicas != 3 {
				return errorf("available %d", d.Status.AvailableReplicas)
			}
			return nil
		})
		oldRS := e.deployment(t, "web", "web").Annotations["deployment.kubernetes.io/revision"]

		e.setConfig(t, "plinth:apps[0].image", "registry.example.com/plinth/web:1.1.0")
		lowest := e.watchAvailable("web", "web")
		e.up(t)
		minAvailable := lowest()

		d := e.deployment(t, "web", "web")
		if got := d.Spec.Template.Spec.Containers[0].Image; got != "registry.example.com/plinth/web:1.1.0" {
			t.Fatalf("image = %q after the up", got)
		}
		if *d.Spec.Replicas != 3 {
			t.Fatalf("replicas = %d after the up: the HPA-owned count was reset", *d.Spec.Replicas)
		}
		if rev := d.Annotations["deployment.kubernetes.io/revision"]; rev == oldRS {
			t.Fatalf("no new revision (still %s)", rev)
		}
		eventually(t, 60*time.Second, "the old ReplicaSet scaled to zero", func() error {
			rss, err := e.kube.AppsV1().ReplicaSets("web").List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=web"})
			if err != nil {
				return err
			}
			if len(rss.Items) < 2 {
				return errorf("%d ReplicaSets, want the old and the new", len(rss.Items))
			}
			for _, rs := range rss.Items {
				img := rs.Spec.Template.Spec.Containers[0].Image
				if img != "registry.example.com/plinth/web:1.1.0" && *rs.Spec.Replicas != 0 {
					return errorf("old ReplicaSet %s (%s) still has %d replicas", rs.Name, img, *rs.Spec.Replicas)
				}
			}
			return nil
		})
		// maxUnavailable 0: never fewer available pods than desired, well
		// within the PDB's one.
		if m := minAvailable; m < 3 {
			t.Fatalf("available replicas dropped to %d during the rollout, want ≥ 3", m)
		}
	})

	t.Run("blue-green promotion flips the Service and rollback flips it back", func(t *testing.T) {
		gen := func(name string) int64 { return e.deployment(t, "shop", name).Generation }
		blueGen, greenGen := gen("checkout-blue"), gen("checkout-green")
		selector := func() string {
			svc, err := e.kube.CoreV1().Services("shop").Get(ctx, "checkout", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return svc.Spec.Selector["plinth.dev/color"]
		}
		if got := selector(); got != "blue" {
			t.Fatalf("live color = %q before promotion", got)
		}
		e.setConfig(t, "plinth:apps[1].activeColor", "green")
		e.up(t)
		if got := selector(); got != "green" {
			t.Fatalf("live color = %q after promotion", got)
		}
		eps, err := e.kube.CoreV1().Endpoints("shop").Get(ctx, "checkout", metav1.GetOptions{})
		if err != nil || len(eps.Subsets) == 0 || !strings.HasPrefix(eps.Subsets[0].Addresses[0].TargetRef.Name, "checkout-green-") {
			t.Fatalf("checkout endpoints after promotion = %+v (%v), want green pods", eps.Subsets, err)
		}
		e.setConfig(t, "plinth:apps[1].activeColor", "blue")
		e.up(t)
		if got := selector(); got != "blue" {
			t.Fatalf("live color = %q after rollback", got)
		}
		if gen("checkout-blue") != blueGen || gen("checkout-green") != greenGen {
			t.Fatalf("the flips changed the Deployments (generations %d→%d, %d→%d)", blueGen, gen("checkout-blue"), greenGen, gen("checkout-green"))
		}
	})

	t.Run("the state holds no plaintext secret", func(t *testing.T) {
		kc, err := clientcmd.LoadFromFile(e.cluster.KubeconfigPath)
		if err != nil {
			t.Fatal(err)
		}
		var key []byte
		for _, ai := range kc.AuthInfos {
			key = ai.ClientKeyData
		}
		needles := map[string]string{
			"DB password":               localDBPassword,
			"DB password (base64)":      base64.StdEncoding.EncodeToString([]byte(localDBPassword)),
			"admin client key":          strings.Split(string(key), "\n")[1],
			"admin client key (base64)": base64.StdEncoding.EncodeToString(key)[:40],
		}
		found := 0
		err = filepath.Walk(e.backend, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			found++
			for what, s := range needles {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s is in plaintext in %s", what, path)
				}
			}
			return nil
		})
		if err != nil || found == 0 {
			t.Fatalf("read %d state files: %v", found, err)
		}
	})

	t.Run("an up killed mid-way is recovered and converges", func(t *testing.T) {
		e.setConfig(t, "plinth:apps[2].name", "orders")
		e.setConfig(t, "plinth:apps[2].namespace", "shop")
		e.setConfig(t, "plinth:apps[2].image", "registry.example.com/plinth/orders:1.0.0")
		wctx, stopWatching := context.WithCancel(ctx)
		done := killWhenCreated(wctx, t, e.kube, "shop", "orders")
		_, err := e.driver.Up(ctx)
		stopWatching()
		if !<-done {
			t.Fatalf("the up ended before it created shop/orders, so it was never killed: %s", brief(err))
		}
		if err == nil {
			t.Fatalf("the killed up succeeded; it was not interrupted")
		}
		t.Logf("interrupted up: %v", err)
		rctx, rcancel := context.WithTimeout(ctx, 3*time.Minute)
		defer rcancel()
		if err := e.driver.Recover(rctx, false); err != nil {
			t.Fatalf("recover: %s", brief(err))
		}
		e.up(t)
		eventually(t, 60*time.Second, "orders Available", func() error {
			if d := e.deployment(t, "shop", "orders"); d.Status.AvailableReplicas < 1 {
				return errorf("available %d", d.Status.AvailableReplicas)
			}
			return nil
		})
		res := e.up(t)
		for op, n := range changes(res) {
			if op != "same" && n > 0 {
				t.Fatalf("after recovery an up still reports %d %s", n, op)
			}
		}
		// Nothing lost: the earlier applications are intact.
		if d := e.deployment(t, "web", "web"); d.Spec.Template.Spec.Containers[0].Image != "registry.example.com/plinth/web:1.1.0" {
			t.Fatalf("web lost its image")
		}
	})

	t.Run("destroy leaves no plinth object behind", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		if err := e.driver.Destroy(dctx); err != nil {
			t.Fatalf("destroy: %s", brief(err))
		}
		sel := metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=plinth"}
		type lister func() (int, error)
		for what, list := range map[string]lister{
			"namespaces": func() (int, error) {
				l, err := e.kube.CoreV1().Namespaces().List(ctx, sel)
				if err != nil {
					return 0, err
				}
				n := 0
				for _, ns := range l.Items {
					if ns.Status.Phase != corev1.NamespaceTerminating {
						n++
					}
				}
				return n, nil
			},
			"deployments": func() (int, error) {
				l, err := e.kube.AppsV1().Deployments("").List(ctx, sel)
				return len(l.Items), err
			},
			"services": func() (int, error) { l, err := e.kube.CoreV1().Services("").List(ctx, sel); return len(l.Items), err },
			"hpas": func() (int, error) {
				l, err := e.kube.AutoscalingV2().HorizontalPodAutoscalers("").List(ctx, sel)
				return len(l.Items), err
			},
			"pdbs": func() (int, error) {
				l, err := e.kube.PolicyV1().PodDisruptionBudgets("").List(ctx, sel)
				return len(l.Items), err
			},
			"secrets":    func() (int, error) { l, err := e.kube.CoreV1().Secrets("").List(ctx, sel); return len(l.Items), err },
			"configmaps": func() (int, error) { l, err := e.kube.CoreV1().ConfigMaps("").List(ctx, sel); return len(l.Items), err },
			"servicemonitors": func() (int, error) {
				l, err := e.dyn.Resource(schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "servicemonitors"}).List(ctx, sel)
				return len(l.Items), err
			},
			"prometheusrules": func() (int, error) {
				l, err := e.dyn.Resource(schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "prometheusrules"}).List(ctx, sel)
				return len(l.Items), err
			},
		} {
			if n, err := list(); err != nil || n != 0 {
				t.Errorf("%d plinth %s left after destroy (%v)", n, what, err)
			}
		}
	})
}

// killWhenCreated SIGKILLs the Pulumi CLI (as a crash or an OOM kill
// would, so it cannot finish or checkpoint cleanly) once the Deployment
// ns/name exists, that is with an up mid-way. The channel then receives
// true; it receives false when ctx ends first (the up ended without
// creating it), so a test never waits on a kill that cannot come.
func killWhenCreated(ctx context.Context, t *testing.T, kube kubernetes.Interface, ns, name string) <-chan bool {
	done := make(chan bool, 1)
	go func() {
		for {
			if _, err := kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
				killChildCLI(t)
				done <- true
				return
			}
			select {
			case <-ctx.Done():
				done <- false
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return done
}

// killChildCLI SIGKILLs the Pulumi CLI processes this test process
// started, then the plugins they started, which would otherwise outlive
// the test.
func killChildCLI(t *testing.T) {
	t.Helper()
	clis := children(os.Getpid(), "(pulumi)")
	if len(clis) == 0 {
		t.Errorf("found no Pulumi CLI to kill")
	}
	for _, cli := range clis {
		plugins := children(cli, "")
		_ = syscall.Kill(cli, syscall.SIGKILL)
		for _, p := range plugins {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
	}
}

// stopChildCLI suspends the Pulumi CLI this test started (SIGSTOP), so
// it keeps what it holds, and returns what lets it go on (SIGCONT); the
// test fails when the CLI is already gone.
func stopChildCLI(t *testing.T) (resume func()) {
	t.Helper()
	clis := children(os.Getpid(), "(pulumi)")
	if len(clis) == 0 {
		t.Fatal("found no Pulumi CLI to suspend: the first up finished before it could be held")
	}
	for _, cli := range clis {
		_ = syscall.Kill(cli, syscall.SIGSTOP)
	}
	var once sync.Once
	resume = func() {
		once.Do(func() {
			for _, cli := range clis {
				_ = syscall.Kill(cli, syscall.SIGCONT)
			}
		})
	}
	t.Cleanup(resume)
	return resume
}

// children returns the pids whose parent is ppid (and whose command is
// comm, when comm is not empty).
func children(ppid int, comm string) []int {
	var out []int
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		stat, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// /proc/<pid>/stat: pid (comm) state ppid …
		f := strings.Fields(string(stat))
		if len(f) < 4 || f[3] != strconv.Itoa(ppid) || (comm != "" && f[1] != comm) {
			continue
		}
		pid, _ := strconv.Atoi(f[0])
		out = append(out, pid)
	}
	return out
}

// brief shortens an error for a test message: its first line and the
// CLI's error lines, without the whole output an Automation API error
// carries (that output is in the e2e log). A long message would push the
// failure out of a CI job's excerpt.
func brief(err error) string {
	if err == nil {
		return "<nil>"
	}
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		if strings.Contains(strings.ToLower(l), "error") && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out[:min(len(out), 12)], "\n")
}
