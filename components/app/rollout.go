package app

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/slo"
)

// Argo Rollouts' API and the labels it puts on the pods it manages.
const (
	// RolloutsAPIVersion is the API version of Rollout and AnalysisTemplate.
	RolloutsAPIVersion = "argoproj.io/v1alpha1"
	// RolloutHashLabel is the label Argo Rollouts puts on every pod of a
	// Rollout: the hash of its pod template, which tells the new version's
	// pods from the stable ones.
	RolloutHashLabel = "rollouts-pod-template-hash"
	// RolloutHashSeriesLabel is RolloutHashLabel on the Prometheus series:
	// the ServiceMonitor copies it there (podTargetLabels), and the
	// analysis selects the new version's requests by it.
	RolloutHashSeriesLabel = "rollouts_pod_template_hash"
	// AnalysisHashArg is the AnalysisTemplate argument that carries the
	// new version's pod-template hash.
	AnalysisHashArg = "canary-hash"
)

// progressive reports whether Argo Rollouts manages the pods.
func (a Args) progressive() bool { return a.Strategy.Type == StrategyProgressive }

// createRollout hands the pods of dep to an Argo Rollouts Rollout.
//
// The Rollout takes the pod template from the Deployment (workloadRef), so
// the template is built, checked and hardened in one place, and the
// Deployment stays the object the guardrails, the YAML users and kubectl
// know. The Deployment is registered without spec.replicas, and Argo
// Rollouts scales it to zero once the Rollout is healthy
// (scaleDown: onsuccess): switching an application to Progressive keeps
// its old pods serving until the Rollout's are ready. Afterwards a new
// image changes the Deployment's template (a rollout of zero pods) and the
// Rollout rolls it out in steps. plinth never sets a field the controller
// writes (the Deployment's replicas, the Rollout's status, the Services'
// pod-template-hash selectors), so a `pulumi up` during or after a
// rollout shows no diff.
func (b *builder) createRollout(t track, dep *appsv1.Deployment) (*apiextensions.CustomResource, error) {
	tmpl, err := b.createAnalysisTemplate()
	if err != nil {
		return nil, err
	}
	a := b.a
	spec := map[string]any{
		"selector": map[string]any{"matchLabels": naming.Merge(b.selector, t.labels)},
		"workloadRef": map[string]any{
			"apiVersion": "apps/v1",
			"kind":       "Deployment",
			"name":       t.name,
			"scaleDown":  "onsuccess",
		},
		"revisionHistoryLimit":    *a.RevisionHistoryLimit,
		"progressDeadlineSeconds": *a.ProgressDeadlineSeconds,
		// A rollout that makes no progress for the deadline is aborted:
		// the stable version takes the traffic back.
		"progressDeadlineAbort": true,
		"strategy":              b.rolloutStrategy(),
	}
	// As with a Deployment: an autoscaled Rollout leaves its replicas to
	// the HPA.
	if !t.autoscale {
		spec["replicas"] = t.replicas
	}
	r, err := apiextensions.NewCustomResource(b.ctx, naming.Child(t.name, "rollout"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(RolloutsAPIVersion),
		Kind:        pulumi.String("Rollout"),
		Metadata:    b.meta(t.name, t.labels),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, b.custom(b.opts, dep, tmpl)...)
	if err != nil {
		return nil, err
	}
	b.app.Rollout = r
	return r, nil
}

// analysisRef is how a Rollout runs the application's AnalysisTemplate:
// with the new version's pod-template hash as its argument.
func (b *builder) analysisRef() map[string]any {
	return map[string]any{
		"templates": []map[string]any{{"templateName": b.analysisName()}},
		"args": []map[string]any{{
			"name":      AnalysisHashArg,
			"valueFrom": map[string]any{"podTemplateHashValue": "Latest"},
		}},
	}
}

func (b *builder) analysisName() string { return b.name + "-health" }

// rolloutStrategy is the Rollout's spec.strategy.
func (b *builder) rolloutStrategy() map[string]any {
	pr := b.a.Strategy.Progressive
	if pr.Mode == ModeBlueGreen {
		return map[string]any{"blueGreen": map[string]any{
			"activeService":  b.name,
			"previewService": b.name + "-preview",
			// The new version takes the traffic as soon as the analysis
			// through the preview Service passes; a failed analysis aborts.
			"autoPromotionEnabled": true,
			"prePromotionAnalysis": b.analysisRef(),
			// The old pods stay 30 s after the switch, while clients and
			// the endpoints catch up.
			"scaleDownDelaySeconds": 30,
		}}
	}
	var steps []map[string]any
	for i, w := range pr.Steps {
		steps = append(steps, map[string]any{"setWeight": w})
		switch {
		case i == 0:
			steps = append(steps, map[string]any{"analysis": b.analysisRef()})
		case *pr.StepPauseSeconds > 0:
			steps = append(steps, map[string]any{"pause": map[string]any{"duration": fmt.Sprintf("%ds", *pr.StepPauseSeconds)}})
		}
	}
	canary := map[string]any{
		// Never fewer ready pods than desired while the versions change.
		"maxUnavailable": 0,
		"maxSurge":       1,
		"steps":          steps,
	}
	if len(pr.Steps) > 1 {
		// From the second step (index 2: after the first weight and its
		// analysis) until promotion, the same analysis runs in the
		// background: a canary that turns bad at 25 or 50% is aborted too.
		bg := b.analysisRef()
		bg["startingStep"] = 2
		canary["analysis"] = bg
	}
	return map[string]any{"canary": canary}
}

// createAnalysisTemplate creates the AnalysisTemplate that measures a new
// version: one metric per objective of pkg/slo, queried for the pods of
// the new version's hash and compared with the objective's limit, the
// same query and limit as the HighErrorRate and HighLatency alerts.
func (b *builder) createAnalysisTemplate() (*apiextensions.CustomResource, error) {
	an := b.a.Strategy.Progressive.Analysis
	var metrics []map[string]any
	for _, o := range slo.Objectives() {
		metrics = append(metrics, map[string]any{
			"name": o.Name,
			// The first measurement waits one interval, so a new version's
			// series have samples in the window when it is measured.
			"initialDelay": an.Interval,
			"interval":     an.Interval,
			"count":        *an.Count,
			// One measurement above the limit fails the analysis, and the
			// rollout is aborted at once.
			"failureLimit":     0,
			"successCondition": o.SuccessCondition(),
			"failureCondition": o.FailureCondition(),
			"provider": map[string]any{"prometheus": map[string]any{
				"address": an.PrometheusAddress,
				"query":   b.analysisQuery(o),
			}},
		})
	}
	tmpl, err := apiextensions.NewCustomResource(b.ctx, b.child("analysistemplate"), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(RolloutsAPIVersion),
		Kind:       pulumi.String("AnalysisTemplate"),
		Metadata:   b.meta(b.analysisName(), nil),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"args":    []map[string]any{{"name": AnalysisHashArg}},
			"metrics": metrics,
		}},
	}, b.custom(b.inNS)...)
	if err != nil {
		return nil, err
	}
	b.app.AnalysisTemplate = tmpl
	return tmpl, nil
}

// analysisQuery is objective o's query for the new version's pods: the
// series of the application's Service (as the ServiceMonitor labels them)
// whose pod-template hash is the analysis argument.
func (b *builder) analysisQuery(o slo.Objective) string {
	an := b.a.Strategy.Progressive.Analysis
	m := slo.Metrics{Requests: an.RequestsMetric, Duration: an.DurationMetric, StatusLabel: an.StatusLabel}
	return o.Query(m, an.Window, nil,
		fmt.Sprintf("namespace=%q", b.a.Namespace),
		fmt.Sprintf("service=%q", b.name),
		fmt.Sprintf("%s=\"{{args.%s}}\"", RolloutHashSeriesLabel, AnalysisHashArg))
}
