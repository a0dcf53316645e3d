// Command alertcheck proves an Alertmanager configuration with
// Alertmanager's own code: the configuration is loaded by its config
// package, each case's labels are routed by its dispatcher's route tree,
// and each inhibition case runs its inhibitor over an in-memory alert
// store. `make alert-tests` runs it on the configuration plinth's
// monitoring component generates, with the cases written from plinth's
// severity table (cmd/alertfiles).
//
//	alertcheck alertmanager.yaml cases.yaml
package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/prometheus/alertmanager/alert"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/labelset"
	"github.com/prometheus/alertmanager/provider/mem"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"sigs.k8s.io/yaml"
)

// Cases are what the configuration must do.
type Cases struct {
	// Routes: an alert with Labels reaches exactly Receivers.
	Routes []struct {
		Name      string            `json:"name"`
		Labels    map[string]string `json:"labels"`
		Receivers []string          `json:"receivers"`
	} `json:"routes"`
	// Inhibitions: while Source fires, Target is muted (or not).
	Inhibitions []struct {
		Name   string            `json:"name"`
		Source map[string]string `json:"source"`
		Target map[string]string `json:"target"`
		Muted  bool              `json:"muted"`
	} `json:"inhibitions"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: alertcheck alertmanager.yaml cases.yaml")
		os.Exit(2)
	}
	failed, total, err := check(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "alertcheck:", err)
		os.Exit(1)
	}
	if failed > 0 {
		fmt.Printf("FAILED: %d of %d cases\n", failed, total)
		os.Exit(1)
	}
	fmt.Printf("SUCCESS: %d routing and inhibition cases\n", total)
}

func check(configFile, casesFile string) (failed, total int, err error) {
	cfg, err := config.LoadFile(configFile)
	if err != nil {
		return 0, 0, fmt.Errorf("load %s with Alertmanager's config package: %w", configFile, err)
	}
	raw, err := os.ReadFile(casesFile)
	if err != nil {
		return 0, 0, err
	}
	var cs Cases
	if err := yaml.UnmarshalStrict(raw, &cs); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", casesFile, err)
	}
	if len(cs.Routes) == 0 || len(cs.Inhibitions) == 0 {
		return 0, 0, fmt.Errorf("%s: no routing or no inhibition case", casesFile)
	}
	route := dispatch.NewRoute(cfg.Route, nil)
	for _, c := range cs.Routes {
		total++
		var got []string
		for _, r := range route.Match(labels(c.Labels)) {
			got = append(got, r.RouteOpts.Receiver)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.Receivers))
		if !slices.Equal(got, want) {
			failed++
			fmt.Printf("FAIL route %q: %v reaches %v, want %v\n", c.Name, c.Labels, got, want)
			continue
		}
		fmt.Printf("ok   route %q: %v\n", c.Name, got)
	}
	for _, c := range cs.Inhibitions {
		total++
		muted, err := mutes(cfg, c.Source, c.Target)
		if err != nil {
			return failed, total, err
		}
		if muted != c.Muted {
			failed++
			fmt.Printf("FAIL inhibition %q: target muted %v, want %v\n", c.Name, muted, c.Muted)
			continue
		}
		fmt.Printf("ok   inhibition %q: muted %v\n", c.Name, muted)
	}
	return failed, total, nil
}

// mutes runs Alertmanager's inhibitor with source firing and reports
// whether it mutes target.
func mutes(cfg *config.Config, source, target map[string]string) (bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := promslog.NewNopLogger()
	alerts, err := mem.NewAlerts(ctx, time.Minute, 0, nil, logger, eventrecorder.NopRecorder(), prometheus.NewRegistry(), nil)
	if err != nil {
		return false, err
	}
	defer alerts.Close()
	now := time.Now()
	src := &alert.Alert{Alert: model.Alert{Labels: labels(source), StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)}, UpdatedAt: now}
	if err := alerts.Put(ctx, src); err != nil {
		return false, err
	}
	ih := inhibit.NewInhibitor(alerts, cfg.InhibitRules, logger, eventrecorder.NopRecorder())
	go ih.Run()
	defer ih.Stop()
	// WaitForLoading returns once the inhibitor has processed the alerts
	// stored before it ran: the source is in its cache.
	ih.WaitForLoading()
	return ih.Mutes(ctx, labelset.LabelSet{LabelSet: labels(target)}), nil
}

func labels(m map[string]string) model.LabelSet {
	ls := model.LabelSet{}
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}
