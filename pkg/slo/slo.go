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
//
// What must match, and is generated from here so it does: the metric
// names (one Metrics value; the stacks configure neither side's names, and
// stacks' TestTheCanaryAnalysisAndTheAlertsReadTheSameSeries reads them
// back out of what prod registers), which statuses are errors (5xx), the
// quantile and the limits. What differs on purpose is how long a signal
// must hold: an alert pages a person, so it reads a 5 m window and fires
// only after 5 m above the limit (a blip wakes nobody); an analysis
// decides before more users meet the new version, so it reads a shorter
// window (2 m by default) and one measurement over the limit fails it.
// A canary can therefore be rolled back for what would never have paged.
//
// The alert and the analysis ask the same question of different data.
// The alert judges a service that has run for minutes; an analysis judges
// a new version from its first requests, so its queries (AnalysisQuery)
// differ in what "no data" means:
//
//   - no 5xx series is no error: client libraries create a status's
//     series at its first request, so a healthy version has none, and the
//     plain ratio would be empty (unjudgeable) exactly when all is well;
//   - no request at all is no verdict on errors or latency (the result is
//     empty, which the conditions pass): the separate requests measure
//     (RequestsQuery) judges whether the version was tried at all;
//   - requests but no duration histogram reads -1 on latency, which fails:
//     a version that stopped exporting it is not promoted unmeasured.
//
// The latency objective sits on a histogram: histogram_quantile
// interpolates inside a bucket, so the 2 s limit is exact only with a
// bucket boundary at 2 (see CheckBuckets). Client libraries' default
// buckets (…, 1, 2.5, 5, …) read every request between 1 and 2.5 s as
// spread evenly over that bucket.
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

// AnalysisQuery is the signal of a new version, for an analysis, over
// window, for the series the matchers select (see the package doc for
// what no data means). Its result is one value, -1 for latency without a
// histogram, or empty when the version received no request.
func (o Objective) AnalysisQuery(m Metrics, window string, matchers ...string) string {
	m = m.WithDefaults()
	requests := fmt.Sprintf("sum(rate(%s%s[%s]))", m.Requests, selector(matchers), window)
	switch o.Name {
	case ErrorRatio.Name:
		failed := selector(append(slices.Clone(matchers), m.StatusLabel+`=~"5.."`))
		return fmt.Sprintf("(sum(rate(%s%s[%s])) or vector(0))\n  / (%s > 0)", m.Requests, failed, window, requests)
	case LatencyP95.Name:
		quantile := fmt.Sprintf("histogram_quantile(%s, sum by (le) (rate(%s_bucket%s[%s])))",
			strconv.FormatFloat(o.Quantile, 'g', -1, 64), m.Duration, selector(matchers), window)
		return fmt.Sprintf("(%s and on() (%s > 0))\n  or on() (vector(-1) and on() (%s > 0))", quantile, requests, requests)
	}
	panic("slo: unknown objective " + o.Name)
}

// AnalysisSuccess is the condition a measurement of AnalysisQuery
// passes: no request (the requests measure judges that), or the signal
// within the limit.
func (o Objective) AnalysisSuccess() string {
	return "len(result) == 0 || (result[0] >= 0 && result[0] <= " + o.Limit() + ")"
}

// AnalysisFailure is the condition a measurement of AnalysisQuery fails:
// the signal above the limit, or a latency without its histogram.
func (o Objective) AnalysisFailure() string {
	return "len(result) > 0 && (result[0] < 0 || result[0] > " + o.Limit() + ")"
}

// RequestsName names the analysis measure of how many requests a new
// version received.
const RequestsName = "requests"

// RequestsQuery is how many requests the series the matchers select
// received over window (0 when there is none).
func RequestsQuery(m Metrics, window string, matchers ...string) string {
	m = m.WithDefaults()
	return fmt.Sprintf("sum(increase(%s%s[%s])) or vector(0)", m.Requests, selector(matchers), window)
}

// RequestsSuccess and RequestsFailure split a RequestsQuery measurement
// at min requests: below it, neither signal means anything (one error in
// 20 requests is already the 5% limit).
func RequestsSuccess(min int) string { return fmt.Sprintf("result[0] >= %d", min) }

// RequestsFailure is the condition a RequestsQuery measurement fails.
func RequestsFailure(min int) string { return fmt.Sprintf("result[0] < %d", min) }

// CheckBuckets reports whether a latency objective can be judged exactly
// with a histogram of these bucket boundaries (seconds): one must equal
// the limit. Otherwise histogram_quantile interpolates across the
// bucket holding the limit, and requests all between two boundaries read
// as spread over the bucket (1–2.5 s requests can read as p95 2.4 s).
func (o Objective) CheckBuckets(buckets []float64) error {
	if o.Quantile == 0 || len(buckets) == 0 {
		return nil
	}
	var below, above float64 = -1, -1
	for _, b := range buckets {
		if b == o.Max {
			return nil
		}
		if b < o.Max && b > below {
			below = b
		}
		if b > o.Max && (above < 0 || b < above) {
			above = b
		}
	}
	return fmt.Errorf("no bucket boundary at the %s limit (%s s): p95 is interpolated between %s and %s s, so the analysis and the alert judge it approximately; add a bucket at %s",
		o.Name, o.Limit(), strconv.FormatFloat(below, 'g', -1, 64), strconv.FormatFloat(above, 'g', -1, 64), o.Limit())
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

// Case is a check of an analysis query against Prometheus' own engine
// (`promtool test rules`, make alert-tests): input series in promtool's
// notation, one sample a minute, and the query's value at EvalTime.
type Case struct {
	// Name says what the case proves.
	Name string
	// Series are the input series: metric with labels, and values.
	Series [][2]string
	// Expr is the query.
	Expr string
	// EvalTime is when the query is evaluated, e.g. "5m".
	EvalTime string
	// Want is the query's one value; nil for an empty result.
	Want *float64
}

// AnalysisCases are the shapes a new version's requests can take, each
// with what the analysis reads: healthy with no 5xx series, 503s only,
// slow, no series at all, traffic below the minimum, and requests
// without a duration histogram.
func AnalysisCases() []Case {
	m := Metrics{}.WithDefaults()
	sel := []string{`namespace="web"`, `service="web"`, `version="v2"`}
	labels := `namespace="web",service="web",version="v2"`
	req := func(status, values string) [2]string {
		return [2]string{fmt.Sprintf(`%s{%s,%s="%s"}`, m.Requests, labels, m.StatusLabel, status), values}
	}
	bucket := func(le, values string) [2]string {
		return [2]string{fmt.Sprintf(`%s_bucket{%s,le="%s"}`, m.Duration, labels, le), values}
	}
	// 60 requests a minute; the fast histogram puts them all under 0.5 s,
	// the slow one between 2.5 and 5 s.
	fast := [][2]string{bucket("0.5", "0+60x10"), bucket("2.5", "0+60x10"), bucket("5", "0+60x10"), bucket("+Inf", "0+60x10")}
	slow := [][2]string{bucket("0.5", "0x10"), bucket("2.5", "0x10"), bucket("5", "0+60x10"), bucket("+Inf", "0+60x10")}
	v := func(f float64) *float64 { return &f }
	errors, latency, requests := ErrorRatio.AnalysisQuery(m, "2m", sel...), LatencyP95.AnalysisQuery(m, "2m", sel...), RequestsQuery(m, "2m", sel...)
	return []Case{
		{"healthy, no 5xx series: no error", append([][2]string{req("200", "0+60x10")}, fast...), errors, "5m", v(0)},
		{"healthy, no 5xx series: fast", append([][2]string{req("200", "0+60x10")}, fast...), latency, "5m", v(0.475)},
		{"healthy: 120 requests in the window", [][2]string{req("200", "0+60x10")}, requests, "5m", v(120)},
		{"503s only, 20% of requests", append([][2]string{req("200", "0+48x10"), req("503", "0+12x10")}, fast...), errors, "5m", v(0.2)},
		{"slow: p95 4.875 s", append([][2]string{req("200", "0+60x10")}, slow...), latency, "5m", v(4.875)},
		{"no series at all: no verdict on errors", nil, errors, "5m", nil},
		{"no series at all: no verdict on latency", nil, latency, "5m", nil},
		{"no series at all: no request", nil, requests, "5m", v(0)},
		{"below the minimum: 2 requests in the window", [][2]string{req("200", "0+1x10")}, requests, "5m", v(2)},
		{"requests without a histogram: latency -1", [][2]string{req("200", "0+60x10")}, latency, "5m", v(-1)},
	}
}
