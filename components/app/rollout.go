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
	if err := slo.LatencyP95.CheckBuckets(b.a.Strategy.Progressive.Analysis.LatencyBuckets); err != nil {
		_ = b.ctx.Log.Warn(fmt.Sprintf("app %q: strategy.progressive.analysis.latencyBuckets: %v", b.name, err), nil)
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
	}, b.custom(b.opts, b.analysisDeps(dep, tmpl)...)...)
	if err != nil {
		return nil, err
	}
	b.app.Rollout = r
	return r, nil
}

// analysisRef is how a Rollout runs an AnalysisTemplate of the
// application: with the new version's pod-template hash as its argument.
func (b *builder) analysisRef(template string) map[string]any {
	return map[string]any{
		"templates": []map[string]any{{"templateName": template}},
		"args": []map[string]any{{
			"name":      AnalysisHashArg,
			"valueFrom": map[string]any{"podTemplateHashValue": "Latest"},
		}},
	}
}

// analysisName is the step analysis' template: count measurements that
// decide promotion. backgroundName is the background analysis': it
// measures from its start until promotion, with no count.
func (b *builder) analysisName() string   { return b.name + "-health" }
func (b *builder) backgroundName() string { return b.name + "-health-background" }

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
			"prePromotionAnalysis": b.analysisRef(b.analysisName()),
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
			steps = append(steps, map[string]any{"analysis": b.analysisRef(b.analysisName())})
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
		// analysis) until promotion, the background analysis measures at
		// once and then every interval (each pause holds at least one):
		// a canary that turns bad at 25 or 50% is aborted too.
		bg := b.analysisRef(b.backgroundName())
		bg["startingStep"] = 2
		canary["analysis"] = bg
	}
	return map[string]any{"canary": canary}
}

// createAnalysisTemplate creates the AnalysisTemplates that measure a new
// version: one metric per objective of pkg/slo, queried for the pods of
// the new version's hash and compared with the objective's limit, the
// same limits as the HighErrorRate and HighLatency alerts (pkg/slo says
// how the analysis reads no data). The step template takes Count
// measurements, the first one interval in, so the new version's series
// have samples in the window, and also counts the version's requests;
// the background template, for a canary of two steps or more, measures
// as it starts (the canary has run since the first step) and then every
// interval until promotion.
func (b *builder) createAnalysisTemplate() (*apiextensions.CustomResource, error) {
	pr := b.a.Strategy.Progressive
	an := pr.Analysis
	m := slo.Metrics{Requests: an.RequestsMetric, Duration: an.DurationMetric, StatusLabel: an.StatusLabel}
	metric := func(name string, query pulumi.StringInput, success, failure string, failureLimit int) map[string]any {
		return map[string]any{
			"name":             name,
			"interval":         an.Interval,
			"failureLimit":     failureLimit,
			"successCondition": success,
			"failureCondition": failure,
			"provider": map[string]any{"prometheus": map[string]any{
				"address": an.PrometheusAddress,
				"query":   query,
			}},
		}
	}
	var step, background []map[string]any
	for _, o := range slo.Objectives() {
		// One measurement above the limit fails the analysis, and the
		// rollout is aborted at once.
		q := b.analysisQuery(func(matchers []string) string { return o.AnalysisQuery(m, an.Window, matchers...) })
		step = append(step, metric(o.Name, q, o.AnalysisSuccess(), o.AnalysisFailure(), 0))
		background = append(background, metric(o.Name, q, o.AnalysisSuccess(), o.AnalysisFailure(), 0))
	}
	// Fewer than MinRequests in every measurement: never tried, rolled
	// back when the analysis ends (failures up to Count-1 are tolerated,
	// so a version that draws traffic late still passes).
	step = append(step, metric(slo.RequestsName, b.analysisQuery(func(matchers []string) string { return slo.RequestsQuery(m, an.Window, matchers...) }),
		slo.RequestsSuccess(*an.MinRequests), slo.RequestsFailure(*an.MinRequests), *an.Count-1))
	for _, s := range step {
		s["count"] = *an.Count
		s["initialDelay"] = an.Interval
	}
	tmpl, err := b.analysisTemplate("analysistemplate", b.analysisName(), step)
	if err != nil {
		return nil, err
	}
	b.app.AnalysisTemplate = tmpl
	if pr.Mode == ModeCanary && len(pr.Steps) > 1 {
		bg, err := b.analysisTemplate("analysistemplate-background", b.backgroundName(), background)
		if err != nil {
			return nil, err
		}
		b.app.BackgroundAnalysisTemplate = bg
	}
	return tmpl, nil
}

func (b *builder) analysisTemplate(logical, name string, metrics []map[string]any) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(b.ctx, b.child(logical), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(RolloutsAPIVersion),
		Kind:       pulumi.String("AnalysisTemplate"),
		Metadata:   b.meta(name, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"args":    []map[string]any{{"name": AnalysisHashArg}},
			"metrics": metrics,
		}},
	}, b.custom(b.inNS)...)
}

// analysisDeps are what the Rollout waits for: its Deployment and its
// AnalysisTemplates.
func (b *builder) analysisDeps(dep pulumi.Resource, tmpl pulumi.Resource) []pulumi.Resource {
	out := []pulumi.Resource{dep, tmpl}
	if b.app.BackgroundAnalysisTemplate != nil {
		out = append(out, b.app.BackgroundAnalysisTemplate)
	}
	return out
}

// analysisMatchers select the new version's series: the application's
// Service (as the ServiceMonitor labels them) and the pod-template hash
// that is the analysis argument.
func analysisMatchers(namespace, service string) []string {
	return []string{
		fmt.Sprintf("namespace=%q", namespace),
		fmt.Sprintf("service=%q", service),
		fmt.Sprintf("%s=\"{{args.%s}}\"", RolloutHashSeriesLabel, AnalysisHashArg),
	}
}

// analysisQuery is query over the application's matchers, once its
// namespace (which may be another resource's output) is known.
func (b *builder) analysisQuery(query func(matchers []string) string) pulumi.StringOutput {
	return b.namespace.ToStringOutput().ApplyT(func(ns string) string {
		return query(analysisMatchers(ns, b.name))
	}).(pulumi.StringOutput)
}
