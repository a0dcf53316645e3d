//go:build e2e

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/plinth-dev/plinth/components/app"
)

var (
	rolloutsGVR = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "rollouts"}
	runsGVR     = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "analysisruns"}
)

// freePort is a loopback port free when asked.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startProcess runs bin/<name> with args until the test ends, its output
// in a log file that a failing test prints.
func startProcess(t *testing.T, root, name string, env []string, args ...string) {
	t.Helper()
	bin := filepath.Join(root, "bin", name)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make rollout-tools`", bin)
	}
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			keepLog(t, root, name, b)
		}
	})
}

// traffic writes synthetic request series for the pods of each
// pod-template hash to Prometheus through its remote-write receiver, the
// way the ServiceMonitor's scrapes would label them: 100 requests a
// second per hash, the hash's share of them answered 5xx, all within
// 0.5 s.
type traffic struct {
	url string

	mu     sync.Mutex
	errors map[string]float64 // hash → share of 5xx
	totals map[string][2]float64
}

func (tr *traffic) set(hash string, errorShare float64) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if _, ok := tr.errors[hash]; !ok {
		tr.errors[hash] = errorShare
	}
}

// write sends one sample of every series; counters grow by a second's
// requests.
func (tr *traffic) write(now time.Time) error {
	tr.mu.Lock()
	var series []prompb.TimeSeries
	ts := now.UnixMilli()
	for hash, share := range tr.errors {
		tot := tr.totals[hash]
		tot[0] += 100 * (1 - share)
		tot[1] += 100 * share
		tr.totals[hash] = tot
		base := []prompb.Label{{Name: "namespace", Value: "web"}, {Name: "service", Value: "web"}, {Name: app.RolloutHashSeriesLabel, Value: hash}}
		add := func(value float64, extra ...prompb.Label) {
			labels := append(append([]prompb.Label{}, base...), extra...)
			series = append(series, prompb.TimeSeries{Labels: labels, Samples: []prompb.Sample{{Value: value, Timestamp: ts}}})
		}
		add(tot[0], prompb.Label{Name: "__name__", Value: "http_requests_total"}, prompb.Label{Name: "status", Value: "200"})
		add(tot[1], prompb.Label{Name: "__name__", Value: "http_requests_total"}, prompb.Label{Name: "status", Value: "500"})
		all := tot[0] + tot[1]
		for le, n := range map[string]float64{"0.1": all / 2, "0.5": all, "1": all, "2.5": all, "+Inf": all} {
			add(n, prompb.Label{Name: "__name__", Value: "http_request_duration_seconds_bucket"}, prompb.Label{Name: "le", Value: le})
		}
	}
	tr.mu.Unlock()
	if len(series) == 0 {
		return nil
	}
	// Remote write wants each series' labels sorted by name.
	for _, s := range series {
		slices.SortFunc(s.Labels, func(a, b prompb.Label) int { return strings.Compare(a.Name, b.Name) })
	}
	body, err := (&prompb.WriteRequest{Timeseries: series}).Marshal()
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, tr.url+"/api/v1/write", bytes.NewReader(snappy.Encode(nil, body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Encoding", "snappy")
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("remote write: %s", resp.Status)
	}
	return nil
}

// rolloutStatus is what the tests read of the Rollout's status.
type rolloutStatus struct {
	Phase          string `json:"phase"`
	Message        string `json:"message"`
	Abort          bool   `json:"abort"`
	CurrentPodHash string `json:"currentPodHash"`
	StableRS       string `json:"stableRS"`
	CurrentStep    *int   `json:"currentStepIndex"`
	Replicas       int    `json:"replicas"`
	Available      int    `json:"availableReplicas"`
	Canary         struct {
		Weights *struct {
			Canary struct {
				Weight int `json:"weight"`
			} `json:"canary"`
		} `json:"weights"`
	} `json:"canary"`
}

func (e *e2e) rollout(t *testing.T) (rolloutStatus, *unstructured.Unstructured) {
	t.Helper()
	obj, err := e.dyn.Resource(rolloutsGVR).Namespace("web").Get(context.Background(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("Rollout web/web: %v", err)
	}
	var st rolloutStatus
	b, _ := json.Marshal(obj.Object["status"])
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st, obj
}

// replicaSet returns the replicas and ready replicas of web's ReplicaSet
// of pod-template hash hash.
func (e *e2e) replicaSet(t *testing.T, hash string) (int32, int32) {
	t.Helper()
	rss, err := e.kube.AppsV1().ReplicaSets("web").List(context.Background(), metav1.ListOptions{LabelSelector: app.RolloutHashLabel + "=" + hash})
	if err != nil || len(rss.Items) != 1 {
		t.Fatalf("ReplicaSet of hash %s: %d found, %v", hash, len(rss.Items), err)
	}
	rs := rss.Items[0]
	return *rs.Spec.Replicas, rs.Status.ReadyReplicas
}

// TestE2EProgressiveDelivery runs the Progressive strategy against the
// real Argo Rollouts controller and a real Prometheus: the local stack's
// web app is handed to a Rollout, a healthy canary promotes itself to
// 100% and a bad one is aborted by its analysis, with no second `pulumi
// up` in either case.
func TestE2EProgressiveDelivery(t *testing.T) {
	e := setup(t)
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Prometheus, with the remote-write receiver, on loopback.
	promPort := freePort(t)
	promDir := t.TempDir()
	promConfig := filepath.Join(promDir, "prometheus.yml")
	if err := os.WriteFile(promConfig, []byte("global:\n  scrape_interval: 15s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	promURL := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	startProcess(t, root, "prometheus", nil, "--config.file="+promConfig, "--storage.tsdb.path="+filepath.Join(promDir, "data"),
		"--web.listen-address="+fmt.Sprintf("127.0.0.1:%d", promPort), "--web.enable-remote-write-receiver")
	eventually(t, 60*time.Second, "Prometheus is ready", func() error {
		resp, err := http.Get(promURL + "/-/ready")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errorf("ready: %s", resp.Status)
		}
		return nil
	})

	// The Argo Rollouts controller, out of cluster, on the local control
	// plane.
	startProcess(t, root, "rollouts-controller", []string{"POD_NAMESPACE=kube-system"},
		"--kubeconfig="+e.cluster.KubeconfigPath, "--leader-elect=false",
		"--metricsPort="+strconv.Itoa(freePort(t)), "--healthzPort="+strconv.Itoa(freePort(t)))

	tr := &traffic{url: promURL, errors: map[string]float64{}, totals: map[string][2]float64{}}
	stopTraffic := make(chan struct{})
	trafficDone := make(chan struct{})
	go func() {
		defer close(trafficDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopTraffic:
				return
			case now := <-tick.C:
				if err := tr.write(now); err != nil {
					t.Logf("traffic: %v", err)
				}
			}
		}
	}()
	defer func() { close(stopTraffic); <-trafficDone }()

	// web: four pods, a 10% canary (one pod) analysed every 5 s over a
	// 30 s window, 3 measurements, then 25% and 50% with 2 s pauses.
	for path, value := range map[string]string{
		"plinth:apps[0].strategy":                               "Progressive",
		"plinth:apps[0].autoscaling.enabled":                    "false",
		"plinth:apps[0].replicas":                               "4",
		"plinth:apps[0].progressive.stepPauseSeconds":           "2",
		"plinth:apps[0].progressive.analysis.prometheusAddress": promURL,
		"plinth:apps[0].progressive.analysis.interval":          "5s",
		"plinth:apps[0].progressive.analysis.window":            "30s",
		"plinth:apps[0].progressive.analysis.count":             "3",
	} {
		e.setConfig(t, path, value)
	}

	t.Run("the Rollout takes over the Deployment's pods", func(t *testing.T) {
		e.up(t)
		eventually(t, 90*time.Second, "the Rollout is healthy and the Deployment scaled to zero", func() error {
			st, _ := e.rollout(t)
			if st.Phase != "Healthy" || st.Available != 4 {
				return errorf("Rollout phase %q (%s), %d available", st.Phase, st.Message, st.Available)
			}
			if d := e.deployment(t, "web", "web"); d.Spec.Replicas == nil || *d.Spec.Replicas != 0 {
				return errorf("the Deployment still has %v replicas", d.Spec.Replicas)
			}
			return nil
		})
		st, _ := e.rollout(t)
		tr.set(st.StableRS, 0.005)
		t.Logf("stable hash %s", st.StableRS)
	})

	t.Run("a second up changes nothing", func(t *testing.T) {
		requireNoChange(t, e.up(t))
	})

	// runCanary rolls out image with the canary's error share, and waits
	// for done; it returns how long the controller took.
	runCanary := func(t *testing.T, image string, errorShare float64, done func(rolloutStatus) error) (string, time.Duration) {
		before, _ := e.rollout(t)
		e.setConfig(t, "plinth:apps[0].image", image)
		start := time.Now()
		e.up(t)
		var canary string
		eventually(t, 30*time.Second, "the canary's ReplicaSet exists", func() error {
			st, _ := e.rollout(t)
			if st.CurrentPodHash == before.StableRS || st.CurrentPodHash == "" {
				return errorf("current hash still %q", st.CurrentPodHash)
			}
			canary = st.CurrentPodHash
			return nil
		})
		tr.set(canary, errorShare)
		eventually(t, 3*time.Minute, "the rollout ends", func() error {
			st, _ := e.rollout(t)
			return done(st)
		})
		return canary, time.Since(start)
	}

	t.Run("a healthy canary promotes itself to 100%", func(t *testing.T) {
		stable, _ := e.rollout(t)
		var duringUp bool
		canary, took := runCanary(t, "registry.example.com/plinth/web:1.1.0", 0.005, func(st rolloutStatus) error {
			// While the canary is analysed, a `pulumi up` shows no diff.
			if !duringUp && st.CurrentStep != nil && *st.CurrentStep == 1 {
				duringUp = true
				requireNoChange(t, e.up(t))
			}
			if st.Phase != "Healthy" || st.StableRS != st.CurrentPodHash || st.StableRS == stable.StableRS {
				return errorf("phase %q (%s), step %v, stable %s", st.Phase, st.Message, st.CurrentStep, st.StableRS)
			}
			return nil
		})
		t.Logf("healthy canary (0.5%% errors) promoted to 100%% in %.1fs, no second up", took.Seconds())
		if !duringUp {
			t.Fatal("the rollout finished before its analysis step: the no-diff up during the rollout did not run")
		}
		if n, ready := e.replicaSet(t, canary); n != 4 || ready != 4 {
			t.Fatalf("the promoted ReplicaSet has %d replicas, %d ready; want 4", n, ready)
		}
		runs, err := e.dyn.Resource(runsGVR).Namespace("web").List(ctx, metav1.ListOptions{LabelSelector: app.RolloutHashLabel + "=" + canary})
		if err != nil || len(runs.Items) == 0 {
			t.Fatalf("no AnalysisRun for hash %s: %v", canary, err)
		}
		// The step's analysis passed; the background one, stopped at the
		// promotion, found nothing wrong.
		var steps int
		for _, run := range runs.Items {
			phase, _, _ := unstructured.NestedString(run.Object, "status", "phase")
			switch kind := run.GetLabels()["rollout-type"]; {
			case kind == "Step":
				steps++
				t.Logf("step analysis %s: %s", phase, measured(run))
				if phase != "Successful" {
					t.Errorf("step AnalysisRun %s is %s, want Successful", run.GetName(), phase)
				}
			case phase == "Failed" || phase == "Error" || phase == "Inconclusive":
				t.Errorf("%s AnalysisRun %s is %s", kind, run.GetName(), phase)
			}
		}
		if steps != 1 {
			t.Errorf("%d step AnalysisRuns for hash %s, want 1", steps, canary)
		}
		requireNoChange(t, e.up(t))
	})

	t.Run("a bad canary is aborted and stable keeps every replica", func(t *testing.T) {
		stable, _ := e.rollout(t)
		var minStableReady int32 = 99
		canary, took := runCanary(t, "registry.example.com/plinth/web:1.2.0", 0.08, func(st rolloutStatus) error {
			if _, ready := e.replicaSet(t, stable.StableRS); ready < minStableReady {
				minStableReady = ready
			}
			if !st.Abort {
				return errorf("phase %q (%s), step %v, not aborted", st.Phase, st.Message, st.CurrentStep)
			}
			return nil
		})
		t.Logf("bad canary (8%% errors) aborted in %.1fs, no second up", took.Seconds())
		// The analysis window: the first measurement after 5 s, each 5 s.
		if took > 90*time.Second {
			t.Errorf("the abort took %.0fs, beyond the analysis window", took.Seconds())
		}
		eventually(t, 60*time.Second, "the canary scales to zero", func() error {
			if n, _ := e.replicaSet(t, canary); n != 0 {
				return errorf("canary ReplicaSet has %d replicas", n)
			}
			return nil
		})
		st, _ := e.rollout(t)
		if st.StableRS != stable.StableRS {
			t.Fatalf("stable moved from %s to %s", stable.StableRS, st.StableRS)
		}
		if n, ready := e.replicaSet(t, stable.StableRS); n != 4 || ready != 4 || minStableReady < 4 {
			t.Fatalf("stable has %d replicas, %d ready (at least %d during the canary); want 4 throughout", n, ready, minStableReady)
		}
		runs, err := e.dyn.Resource(runsGVR).Namespace("web").List(ctx, metav1.ListOptions{LabelSelector: app.RolloutHashLabel + "=" + canary})
		if err != nil || len(runs.Items) == 0 {
			t.Fatalf("no AnalysisRun for hash %s: %v", canary, err)
		}
		for _, run := range runs.Items {
			phase, _, _ := unstructured.NestedString(run.Object, "status", "phase")
			if run.GetLabels()["rollout-type"] != "Step" {
				continue
			}
			t.Logf("step analysis %s: %s", phase, measured(run))
			if phase != "Failed" {
				t.Fatalf("step AnalysisRun %s is %q, want Failed", run.GetName(), phase)
			}
		}
		requireNoChange(t, e.up(t))
	})
}

// measured is what an AnalysisRun measured, per metric: "name=value …".
func measured(run unstructured.Unstructured) string {
	results, _, _ := unstructured.NestedSlice(run.Object, "status", "metricResults")
	var out []string
	for _, r := range results {
		m, _ := r.(map[string]any)
		ms, _, _ := unstructured.NestedSlice(m, "measurements")
		var values []string
		for _, x := range ms {
			v, _, _ := unstructured.NestedString(x.(map[string]any), "value")
			values = append(values, v)
		}
		out = append(out, fmt.Sprintf("%v=%s", m["name"], strings.Join(values, ",")))
	}
	return strings.Join(out, " ")
}

// requireNoChange fails unless the update changed nothing.
func requireNoChange(t *testing.T, res auto.UpResult) {
	t.Helper()
	for op, n := range changes(res) {
		if op != "same" && n > 0 {
			t.Fatalf("an up that should change nothing reported %d %s: %v", n, op, changes(res))
		}
	}
}
