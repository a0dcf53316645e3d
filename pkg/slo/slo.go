// Package slo is plinth's one definition of a healthy HTTP service: the
// signals that measure it (the 5xx ratio and the 95th percentile
// latency), the limit of each, and the PromQL that computes them.
//
// Two things are generated from it, so they can never disagree:
//
//   - the monitoring component's HighErrorRate and HighLatency alerts,
//     which fire while a service's signal is above its limit;
//   - the app component's canary analysis (an Argo Rollouts
//     AnalysisTemplate), which fails a canary whose signal is above the
//     same limit and so rolls it back.
//
// | signal      | healthy while              | alert          |
// |-------------|----------------------------|----------------|
// | error-ratio | 5xx / all requests ≤ 0.05  | HighErrorRate  |
// | latency-p95 | p95 request duration ≤ 2 s | HighLatency    |
package slo

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Metrics names the application's request metrics (Prometheus
// conventions). The zero value of a field means its default.
type Metrics struct {
	// Requests is the request counter. Default: "http_requests_total".
	Requests string
	// Duration is the request duration histogram, without "_bucket".
	// Default: "http_request_duration_seconds".
	Duration string
	// StatusLabel is the label holding the HTTP status code.
	// Default: "status".
	StatusLabel string
}

// Default metric names.
const (
	DefaultRequests    = "http_requests_total"
	DefaultDuration    = "http_request_duration_seconds"
	DefaultStatusLabel = "status"
)

// WithDefaults fills the unset names.
func (m Metrics) WithDefaults() Metrics {
	m.Requests = cmp.Or(m.Requests, DefaultRequests)
	m.Duration = cmp.Or(m.Duration, DefaultDuration)
	m.StatusLabel = cmp.Or(m.StatusLabel, DefaultStatusLabel)
	return m
}

// Objective is one signal of health and its limit: the service is healthy
// while the signal is at most Max.
type Objective struct {
	// Name names the signal, e.g. "error-ratio" (an analysis metric's name).
	Name string
	// Max is the largest healthy value.
	Max float64
	// Quantile is the latency quantile measured (latency signals only).
	Quantile float64
}

// The objectives. Changing one changes the alert and the canary analysis
// together.
var (
	// ErrorRatio: at most 5% of requests answered with a 5xx status.
	ErrorRatio = Objective{Name: "error-ratio", Max: 0.05}
	// LatencyP95: the 95th percentile request duration at most 2 s.
	LatencyP95 = Objective{Name: "latency-p95", Max: 2, Quantile: 0.95}
)

// Objectives are every objective, in a fixed order.
func Objectives() []Objective { return []Objective{ErrorRatio, LatencyP95} }

// Limit is Max as PromQL writes it ("0.05", "2").
func (o Objective) Limit() string { return strconv.FormatFloat(o.Max, 'g', -1, 64) }

// Query is the PromQL that computes the signal over window (a Prometheus
// duration such as "5m"), per value of the by labels (none: one value for
// every series the matchers select). matchers are label matchers such as
// `namespace="web"`.
func (o Objective) Query(m Metrics, window string, by []string, matchers ...string) string {
	m = m.WithDefaults()
	switch o.Name {
	case ErrorRatio.Name:
		failed := selector(append(slices.Clone(matchers), m.StatusLabel+`=~"5.."`))
		return fmt.Sprintf("%s(rate(%s%s[%s]))\n  / %s(rate(%s%s[%s]))",
			sum(by), m.Requests, failed, window, sum(by), m.Requests, selector(matchers), window)
	case LatencyP95.Name:
		return fmt.Sprintf("histogram_quantile(%s,\n  %s(rate(%s_bucket%s[%s])))",
			strconv.FormatFloat(o.Quantile, 'g', -1, 64), sum(append(slices.Clone(by), "le")),
			m.Duration, selector(matchers), window)
	}
	panic("slo: unknown objective " + o.Name)
}

// Breached is the alert expression: the query, returning the series whose
// signal is above the limit.
func (o Objective) Breached(m Metrics, window string, by []string, matchers ...string) string {
	return o.Query(m, window, by, matchers...) + " > " + o.Limit()
}

// SuccessCondition is the Argo Rollouts condition a measurement of the
// query (result, a vector of one value) passes: the signal is at most the
// limit. A measurement without a value (no series, or NaN because no
// request came) is neither a success nor a failure: it is inconclusive.
func (o Objective) SuccessCondition() string {
	return "len(result) > 0 && result[0] <= " + o.Limit()
}

// FailureCondition is the Argo Rollouts condition a measurement fails:
// the signal is above the limit, exactly where the alert fires.
func (o Objective) FailureCondition() string {
	return "len(result) > 0 && result[0] > " + o.Limit()
}

// sum is the aggregation "sum" or "sum by (a, b) ".
func sum(by []string) string {
	if len(by) == 0 {
		return "sum"
	}
	return "sum by (" + strings.Join(by, ", ") + ") "
}

// selector is "{m1,m2}", or "" for no matcher.
func selector(matchers []string) string {
	if len(matchers) == 0 {
		return ""
	}
	return "{" + strings.Join(matchers, ",") + "}"
}
