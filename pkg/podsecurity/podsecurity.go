// Package podsecurity evaluates pod templates against the Kubernetes Pod
// Security Standards with the upstream evaluator
// (k8s.io/pod-security-admission/policy), the code the API server's
// PodSecurity admission runs. Tests and guardrails use it on the pod
// templates plinth registers, so "restricted" is proven, not asserted by
// hand-written checks.
package podsecurity

import (
	"bytes"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Levels of the Pod Security Standards.
const (
	Baseline   = api.LevelBaseline
	Restricted = api.LevelRestricted
)

// Result is the outcome of evaluating one pod template.
type Result struct {
	// Allowed is true when every check at the level passed.
	Allowed bool
	// Reasons are the upstream forbidden reasons, e.g.
	// `allowPrivilegeEscalation != false`.
	Reasons []string
	// Details say which containers or fields failed each reason.
	Details []string
}

// String lists the reasons and their details.
func (r Result) String() string {
	if r.Allowed {
		return "allowed"
	}
	out := ""
	for i, reason := range r.Reasons {
		if i > 0 {
			out += "; "
		}
		out += reason
		if i < len(r.Details) && r.Details[i] != "" {
			out += " (" + r.Details[i] + ")"
		}
	}
	return out
}

// Evaluate checks a pod template at level, at the latest policy version.
func Evaluate(level api.Level, tmpl *corev1.PodTemplateSpec) (Result, error) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		return Result{}, err
	}
	agg := policy.AggregateCheckResults(ev.EvaluatePod(
		api.LevelVersion{Level: level, Version: api.LatestVersion()}, &tmpl.ObjectMeta, &tmpl.Spec))
	return Result{Allowed: agg.Allowed, Reasons: agg.ForbiddenReasons, Details: agg.ForbiddenDetails}, nil
}

// EvaluateJSON decodes a pod template from plain values (as recorded from
// a Deployment's spec.template inputs) and evaluates it. Unknown fields
// are an error, so a template the API server would reject is not
// evaluated as if it were valid.
func EvaluateJSON(level api.Level, template any) (Result, error) {
	raw, err := json.Marshal(template)
	if err != nil {
		return Result{}, err
	}
	var tmpl corev1.PodTemplateSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tmpl); err != nil {
		return Result{}, fmt.Errorf("pod template does not decode into core/v1 PodTemplateSpec: %w", err)
	}
	return Evaluate(level, &tmpl)
}
