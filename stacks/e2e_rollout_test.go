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

// waitOK polls url with client until it answers 200 OK.
func waitOK(t *testing.T, client *http.Client, url, what string, timeout time.Duration) {
	t.Helper()
	eventually(t, timeout, what, func() error {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errorf("%s", resp.Status)
		}
		return nil
	})
}

// traffic writes synthetic request series for the pods of each
// pod-template hash to Prometheus through its remote-write receiver, the
// way the ServiceMonitor's scrapes would label them: 100 requests a
// second per hash, shaped by its profile. As a client library does, a
// status's series exists only once a request had that status: a hash
// without errors has no 5xx series at all.
type traffic struct {
	url string

	mu       sync.Mutex
	profiles map[string]profile
	totals   map[string]map[string]float64 // hash → series key → counter
}

// profile is how a version answers.
type profile struct {
	// errorShare of the requests answer errorStatus ("500" by default).
	errorShare  float64
	errorStatus string
	// slow puts every request between 2.5 and 5 s (p95 4.9 s), else all
	// under 0.1 s.
	slow bool
	// silent writes no series at all (a version nothing reaches).
	silent bool
}

// set gives hash its profile (the first one set stays, unless replace).
func (tr *traffic) set(hash string, p profile) { tr.put(hash, p, false) }

// change gives hash a new profile, as a version that goes bad.
func (tr *traffic) change(hash string, p profile) { tr.put(hash, p, true) }

func (tr *traffic) put(hash string, p profile, replace bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if _, ok := tr.profiles[hash]; !ok || replace {
		tr.profiles[hash] = p
	}
}

// write sends one sample of every series; counters grow by a second's
// requests.
func (tr *traffic) write(now time.Time) error {
	tr.mu.Lock()
	var series []prompb.TimeSeries
	ts := now.UnixMilli()
	for hash, p := range tr.profiles {
		if p.silent {
			continue
		}
		tot := tr.totals[hash]
		if tot == nil {
			tot = map[string]float64{}
			tr.totals[hash] = tot
		}
		status := cmpOr(p.errorStatus, "500")
		tot["200"] += 100 * (1 - p.errorShare)
		if p.errorShare > 0 {
			tot[status] += 100 * p.errorShare
		}
		all := 100.0
		if p.slow {
			tot["le=5"] += all
		} else {
			tot["le=0.1"] += all
			tot["le=5"] += all
		}
		tot["count"] += all
		base := []prompb.Label{{Name: "namespace", Value: "web"}, {Name: "service", Value: "web"}, {Name: app.RolloutHashSeriesLabel, Value: hash}}
		add := func(value float64, extra ...prompb.Label) {
			labels := append(append([]prompb.Label{}, base...), extra...)
			series = append(series, prompb.TimeSeries{Labels: labels, Samples: []prompb.Sample{{Value: value, Timestamp: ts}}})
		}
		for _, code := range []string{"200", "500", "503"} {
			if v, ok := tot[code]; ok {
				add(v, prompb.Label{Name: "__name__", Value: "http_requests_total"}, prompb.Label{Name: "status", Value: code})
			}
		}
		for le, n := range map[string]float64{"0.1": tot["le=0.1"], "0.5": tot["le=0.1"], "1": tot["le=0.1"], "2.5": tot["le=0.1"], "5": tot["le=5"], "+Inf": tot["count"]} {
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
	waitOK(t, http.DefaultClient, promURL+"/-/ready", "Prometheus is ready", 60*time.Second)

	// The Argo Rollouts controller, out of cluster, on the local control
	// plane.
	startProcess(t, root, "rollouts-controller", []string{"POD_NAMESPACE=kube-system"},
		"--kubeconfig="+e.cluster.KubeconfigPath, "--leader-elect=false",
		"--metricsPort="+strconv.Itoa(freePort(t)), "--healthzPort="+strconv.Itoa(freePort(t)))

	tr := &traffic{url: promURL, profiles: map[string]profile{}, totals: map[string]map[string]float64{}}
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
	// 30 s window, 3 measurements, then 25% and 50%, each held 5 s (the
	// shortest the analysis interval allows).
	for path, value := range map[string]string{
		"plinth:apps[0].strategy":                               "Progressive",
		"plinth:apps[0].autoscaling.enabled":                    "false",
		"plinth:apps[0].replicas":                               "4",
		"plinth:apps[0].progressive.stepPauseSeconds":           "5",
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
		tr.set(st.StableRS, profile{errorShare: 0.005})
		t.Logf("stable hash %s", st.StableRS)
	})

	t.Run("a second up changes nothing", func(t *testing.T) {
		requireNoChange(t, e.up(t))
	})

	// runCanary rolls out image; the canary's series follow p from the
	// moment its ReplicaSet exists (watched during the up, not after it),
	// and during(st) may act while it runs. It waits for done and returns
	// the canary's hash and how long the controller took from the up.
	runCanary := func(t *testing.T, image string, p profile, during func(canary string, st rolloutStatus), done func(rolloutStatus) error) (string, time.Duration) {
		before, _ := e.rollout(t)
		e.setConfig(t, "plinth:apps[0].image", image)
		start := time.Now()
		hash := make(chan string, 1)
		stop := make(chan struct{})
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				obj, err := e.dyn.Resource(rolloutsGVR).Namespace("web").Get(context.Background(), "web", metav1.GetOptions{})
				if err != nil {
					continue
				}
				// After an abort, currentPodHash is still the aborted
				// version's: the new canary is a hash neither stable nor
				// that.
				if h, _, _ := unstructured.NestedString(obj.Object, "status", "currentPodHash"); h != "" && h != before.StableRS && h != before.CurrentPodHash {
					tr.set(h, p)
					hash <- h
					return
				}
			}
		}()
		e.up(t)
		var canary string
		select {
		case canary = <-hash:
		case <-time.After(30 * time.Second):
			close(stop)
			t.Fatal("the canary's ReplicaSet did not appear")
		}
		t.Logf("canary %s has series %.1fs after the up began", canary, time.Since(start).Seconds())
		eventually(t, 3*time.Minute, "the rollout ends", func() error {
			st, _ := e.rollout(t)
			if during != nil {
				during(canary, st)
			}
			return done(st)
		})
		return canary, time.Since(start)
	}
	promoted := func(stable rolloutStatus) func(rolloutStatus) error {
		return func(st rolloutStatus) error {
			if st.Phase != "Healthy" || st.StableRS != st.CurrentPodHash || st.StableRS == stable.StableRS {
				return errorf("phase %q (%s), step %v, stable %s", st.Phase, st.Message, st.CurrentStep, st.StableRS)
			}
			return nil
		}
	}
	aborted := func(st rolloutStatus) error {
		if !st.Abort {
			return errorf("phase %q (%s), step %v, not aborted", st.Phase, st.Message, st.CurrentStep)
		}
		return nil
	}
	// runs returns the canary's AnalysisRuns by kind (Step, Background).
	runs := func(t *testing.T, canary string) map[string][]unstructured.Unstructured {
		list, err := e.dyn.Resource(runsGVR).Namespace("web").List(ctx, metav1.ListOptions{LabelSelector: app.RolloutHashLabel + "=" + canary})
		if err != nil || len(list.Items) == 0 {
			t.Fatalf("no AnalysisRun for hash %s: %v", canary, err)
		}
		out := map[string][]unstructured.Unstructured{}
		for _, run := range list.Items {
			out[run.GetLabels()["rollout-type"]] = append(out[run.GetLabels()["rollout-type"]], run)
		}
		return out
	}
	// stableKept checks that the stable version kept its 4 pods.
	stableKept := func(t *testing.T, stable rolloutStatus, canary string) {
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
		if n, ready := e.replicaSet(t, stable.StableRS); n != 4 || ready != 4 {
			t.Fatalf("stable has %d replicas, %d ready; want 4", n, ready)
		}
	}
	// failedOn requires a Failed run of kind whose metric failed.
	failedOn := func(t *testing.T, byKind map[string][]unstructured.Unstructured, kind, metric string) {
		for _, run := range byKind[kind] {
			phase, _, _ := unstructured.NestedString(run.Object, "status", "phase")
			t.Logf("%s analysis %s: %s", kind, phase, measured(run))
			if phase == "Failed" && metricPhase(run, metric) == "Failed" {
				return
			}
		}
		t.Fatalf("no %s AnalysisRun failed on %s", kind, metric)
	}

	t.Run("a healthy canary with no 5xx series promotes itself to 100%", func(t *testing.T) {
		stable, _ := e.rollout(t)
		var duringUp bool
		canary, took := runCanary(t, "registry.example.com/plinth/web:1.1.0", profile{}, func(_ string, st rolloutStatus) {
			// While the canary is analysed, a `pulumi up` shows no diff.
			if !duringUp && st.CurrentStep != nil && *st.CurrentStep == 1 {
				duringUp = true
				requireNoChange(t, e.up(t))
			}
		}, promoted(stable))
		t.Logf("decision: a healthy canary without any 5xx series promoted to 100%% in %.1fs, no second up", took.Seconds())
		if !duringUp {
			t.Fatal("the rollout finished before its analysis step: the no-diff up during the rollout did not run")
		}
		if n, ready := e.replicaSet(t, canary); n != 4 || ready != 4 {
			t.Fatalf("the promoted ReplicaSet has %d replicas, %d ready; want 4", n, ready)
		}
		byKind := runs(t, canary)
		if len(byKind["Step"]) != 1 || len(byKind["Background"]) != 1 {
			t.Fatalf("runs %v, want one step and one background analysis", len(byKind))
		}
		step, bg := byKind["Step"][0], byKind["Background"][0]
		if phase, _, _ := unstructured.NestedString(step.Object, "status", "phase"); phase != "Successful" {
			t.Fatalf("step analysis %s: %s", phase, measured(step))
		}
		// Every step measured: the step analysis 3 times per metric, the
		// background one at least once before the promotion.
		for _, metric := range []string{"error-ratio", "latency-p95", "requests"} {
			if n := measurements(step, metric); n != 3 {
				t.Errorf("the step analysis measured %s %d times, want 3", metric, n)
			}
		}
		for _, metric := range []string{"error-ratio", "latency-p95"} {
			if n := measurements(bg, metric); n < 1 {
				t.Errorf("the background analysis measured %s %d times before the promotion: %s", metric, n, measured(bg))
			}
		}
		t.Logf("step analysis: %s; background: %s", measured(step), measured(bg))
		requireNoChange(t, e.up(t))
	})

	t.Run("a canary that goes bad after the first step is aborted by the background analysis", func(t *testing.T) {
		stable, _ := e.rollout(t)
		var wentBad time.Time
		canary, _ := runCanary(t, "registry.example.com/plinth/web:1.2.0", profile{}, func(canary string, st rolloutStatus) {
			// At the 25% step (index 2), the background analysis runs:
			// the canary turns to 50% errors.
			if wentBad.IsZero() && st.CurrentStep != nil && *st.CurrentStep >= 2 {
				wentBad = time.Now()
				tr.change(canary, profile{errorShare: 0.5})
			}
		}, aborted)
		if wentBad.IsZero() {
			t.Fatal("the rollout ended before its second step")
		}
		t.Logf("decision: a canary that went bad at step 2 aborted %.1fs later", time.Since(wentBad).Seconds())
		failedOn(t, runs(t, canary), "Background", "error-ratio")
		stableKept(t, stable, canary)
		requireNoChange(t, e.up(t))
	})

	for _, c := range []struct {
		name, image, metric string
		p                   profile
	}{
		{"a canary answering 503 to 20% of requests is aborted", "registry.example.com/plinth/web:1.3.0", "error-ratio", profile{errorShare: 0.2, errorStatus: "503"}},
		{"a slow canary (p95 4.9 s) is aborted", "registry.example.com/plinth/web:1.4.0", "latency-p95", profile{slow: true}},
		{"a canary with no series at all is aborted, not left paused", "registry.example.com/plinth/web:1.5.0", "requests", profile{silent: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stable, _ := e.rollout(t)
			canary, took := runCanary(t, c.image, c.p, nil, aborted)
			t.Logf("decision: %s in %.1fs", c.name, took.Seconds())
			failedOn(t, runs(t, canary), "Step", c.metric)
			stableKept(t, stable, canary)
			requireNoChange(t, e.up(t))
		})
	}
}

// measurements counts an AnalysisRun's measurements of a metric.
func measurements(run unstructured.Unstructured, metric string) int {
	results, _, _ := unstructured.NestedSlice(run.Object, "status", "metricResults")
	for _, r := range results {
		m, _ := r.(map[string]any)
		if m["name"] == metric {
			ms, _, _ := unstructured.NestedSlice(m, "measurements")
			return len(ms)
		}
	}
	return 0
}

// metricPhase is an AnalysisRun metric's phase.
func metricPhase(run unstructured.Unstructured, metric string) string {
	results, _, _ := unstructured.NestedSlice(run.Object, "status", "metricResults")
	for _, r := range results {
		m, _ := r.(map[string]any)
		if m["name"] == metric {
			return fmt.Sprint(m["phase"])
		}
	}
	return ""
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
