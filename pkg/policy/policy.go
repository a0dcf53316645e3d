// Package policy holds plinth's rules over the resources a stack
// registers (type token, inputs and the dependency graph), each with an ID,
// a severity, what it checks and the fix. There are two classes:
//
//   - Guardrails: security and reliability rules, each naming the upstream
//     checks it mirrors (checkov, trivy, CIS EKS/GKE, Pod Security
//     Standards, kube-score/Polaris).
//   - Deployability rules: what the real AWS, GCP and Kubernetes APIs (or
//     their Pulumi providers) refuse or mishandle, which Pulumi's mocks
//     accept. Each cites its Source: the API reference, provider document
//     or issue. They check names against limits (auto-name suffixes
//     included), versions against their support window on the day, and
//     the order the engine will create and delete things in (the recorded
//     dependencies, provider references included).
//
// Rules see inputs as registered. An input left unset counts as the
// provider's documented default, never as a pass: an EKS cluster without
// endpointPublicAccess has a public endpoint, a CloudWatch log group
// without retentionInDays keeps logs forever.
//
// Single-resource rules check one resource; stack rules check all of them
// together (every Deployment has a PodDisruptionBudget, every Service
// selects pods, …). Mandatory findings fail a stack unless waived;
// advisory findings are reported.
//
// Enforcement: the stack program runs its own composition under mocks,
// evaluates these rules on what it would register, and refuses to
// register anything while a mandatory finding stands (see stacks/gate.go).
// The same rules run in the tests of every stack.
//
// This package imports no cloud SDK.
package policy

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// Severity says whether a finding blocks a deployment.
type Severity string

// Severities.
const (
	// Mandatory findings block `pulumi up` and `pulumi preview` unless waived.
	Mandatory Severity = "mandatory"
	// Advisory findings are reported only.
	Advisory Severity = "advisory"
)

// Class is the kind of rule.
type Class string

// Classes of rules.
const (
	// Guardrail rules keep stacks secure and reliable.
	Guardrail Class = "guardrail"
	// Deployability rules encode what the real APIs refuse or mishandle.
	Deployability Class = "deployability"
)

// Resource is what a rule sees of one registered resource.
type Resource struct {
	// Type is the type token, e.g. "aws:eks/cluster:Cluster".
	Type string
	// Name is the logical name.
	Name string
	// Inputs are the inputs as plain Go values (secrets unwrapped,
	// unknowns nil).
	Inputs map[string]any
	// Protect is the protect resource option.
	Protect bool
	// URN is the resource's URN.
	URN string
	// Provider is the URN of the provider resource it uses ("" for the
	// default provider).
	Provider string
	// Dependencies are the URNs it depends on (explicit and through its
	// inputs), as the engine received them.
	Dependencies []string
	// IgnoreChanges are the input paths the program lets drift.
	IgnoreChanges []string
	// Outputs are what the provider answered (under mocks, plinthtest's
	// answers). Rules use them only to relate one resource to another
	// (which security group is the cluster's), never to judge a value.
	Outputs map[string]any
}

// ID identifies a resource in findings and waivers: "<type>::<name>".
func (r Resource) ID() string { return r.Type + "::" + r.Name }

// Context is what rules may know about the environment.
type Context struct {
	// Tier is the environment's tier ("local", "dev", "staging", "prod").
	Tier string
	// Today is the day of the deployment, for rules about support
	// windows. Default: - the current date.
	Today time.Time
	// Grown is the same stack composed with one more availability zone
	// (nil when it does not apply), for the rules that keep a plan stable
	// when the stack grows.
	Grown []Resource
	// GrowthRefused is why the stack could not be composed with one more
	// availability zone although its region has one ("" when it could,
	// or when the region has no zone left to add).
	GrowthRefused string
	// PreinstalledCRDs are the API groups whose CRDs the clusters have
	// before the stack runs (a Gateway API implementation's, an operator
	// the platform team runs): custom resources of those groups need no
	// installer in the stack (PL-D-025).
	PreinstalledCRDs []string
}

// Rule is one guardrail.
type Rule struct {
	// ID is plinth's identifier, e.g. "PL-EKS-001".
	ID string
	// Severity is Mandatory or Advisory.
	Severity Severity
	// Title says what the rule checks.
	Title string
	// Remediation says how to fix a violation.
	Remediation string
	// Mirrors are the upstream check IDs the rule corresponds to.
	Mirrors []string
	// Class is Guardrail (the zero value) or Deployability.
	Class Class
	// Source is where a deployability rule's fact comes from: the API
	// reference, provider document or issue.
	Source string
	// Types are the type tokens a single-resource rule applies to.
	Types []string
	// Check returns the violations of one resource (nil when it passes).
	Check func(r Resource, c Context) []string
	// StackCheck returns violations over all resources, keyed by the ID of
	// the resource each is about.
	StackCheck func(rs []Resource, c Context) []Violation
}

// Violation is a stack rule's finding about one resource.
type Violation struct {
	// Resource is the ID of the resource concerned.
	Resource string
	// Message says what is wrong.
	Message string
}

// Waiver exempts one resource from one rule, with a reason.
type Waiver struct {
	// Rule is the rule ID.
	Rule string `json:"rule"`
	// Resource is the resource's ID ("<type>::<name>") or logical name; a
	// path.Match pattern is allowed ("web-*").
	Resource string `json:"resource"`
	// Reason says why the exemption is acceptable. Required.
	Reason string `json:"reason"`
}

func (w Waiver) matches(rule string, r Resource) bool {
	if w.Rule != rule {
		return false
	}
	for _, candidate := range []string{r.ID(), r.Name} {
		if ok, _ := path.Match(w.Resource, candidate); ok {
			return true
		}
	}
	return false
}

// Finding is one rule's result on one resource.
type Finding struct {
	// Rule is the rule that fired.
	Rule *Rule
	// Resource is the resource's ID.
	Resource string
	// Message says what is wrong.
	Message string
	// Waiver is the waiver that exempts it, or nil.
	Waiver *Waiver
}

// Report is the result of evaluating the rules over a stack.
type Report struct {
	// Findings are every violation, in rule then resource order.
	Findings []Finding
	// Checked counts the (rule, resource) pairs evaluated.
	Checked int
	// NotJudged are the rules that could not judge this stack, each with
	// the reason ("PL-D-013: …"): not findings, but said rather than
	// passed in silence.
	NotJudged []string
}

// Evaluate runs rules over resources. Waivers without a reason are
// ignored (and reported as findings of rule PL-WAIVER).
func Evaluate(rules []*Rule, resources []Resource, c Context, waivers []Waiver) Report {
	var rep Report
	if c.Today.IsZero() {
		c.Today = time.Now()
	}
	byID := map[string]Resource{}
	for _, r := range resources {
		byID[r.ID()] = r
	}
	add := func(rule *Rule, r Resource, msg string) {
		f := Finding{Rule: rule, Resource: r.ID(), Message: msg}
		for i := range waivers {
			if waivers[i].Reason != "" && waivers[i].matches(rule.ID, r) {
				f.Waiver = &waivers[i]
				break
			}
		}
		rep.Findings = append(rep.Findings, f)
	}
	for _, rule := range rules {
		if rule.Check != nil {
			for _, r := range resources {
				if !slices.Contains(rule.Types, r.Type) {
					continue
				}
				rep.Checked++
				for _, msg := range rule.Check(r, c) {
					add(rule, r, msg)
				}
			}
		}
		if rule.StackCheck != nil {
			rep.Checked++
			for _, v := range rule.StackCheck(resources, c) {
				add(rule, byID[v.Resource], v.Message)
			}
		}
	}
	for i, w := range waivers {
		if w.Reason == "" {
			rep.Findings = append(rep.Findings, Finding{Rule: waiverRule, Resource: w.Resource,
				Message: fmt.Sprintf("waiver %d of rule %s has no reason: say why the exemption is acceptable", i, w.Rule)})
		}
	}
	return rep
}

var waiverRule = &Rule{ID: "PL-WAIVER", Severity: Mandatory, Title: "Waivers state a reason",
	Remediation: "add a reason to every waiver"}

// Blocking returns the mandatory findings that are not waived.
func (r Report) Blocking() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule.Severity == Mandatory && f.Waiver == nil {
			out = append(out, f)
		}
	}
	return out
}

// Advisories returns the advisory findings.
func (r Report) Advisories() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule.Severity == Advisory {
			out = append(out, f)
		}
	}
	return out
}

// Err is nil when nothing blocks; otherwise one line per blocking finding
// with the rule, the resource, the problem and the fix.
func (r Report) Err() error {
	b := r.Blocking()
	if len(b) == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d mandatory guardrail violation(s):", len(b))
	for _, f := range b {
		fmt.Fprintf(&sb, "\n  %s %s: %s: %s (fix: %s)", f.Rule.ID, f.Resource, f.Rule.Title, f.Message, f.Rule.Remediation)
	}
	return fmt.Errorf("%s", sb.String())
}

// ClassOf returns the rule's class (Guardrail when unset).
func (r *Rule) ClassOf() Class {
	if r.Class == "" {
		return Guardrail
	}
	return r.Class
}

// Table renders the findings as a Markdown table: rule, class, severity,
// resource, result, waiver.
func (r Report) Table() string {
	var sb strings.Builder
	sb.WriteString("| rule | class | severity | resource | result | waiver |\n|---|---|---|---|---|---|\n")
	fs := append([]Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Rule.Severity != fs[j].Rule.Severity {
			return fs[i].Rule.Severity == Mandatory
		}
		return fs[i].Rule.ID < fs[j].Rule.ID
	})
	for _, f := range fs {
		result := "fail: " + f.Message
		waiver := ""
		if f.Waiver != nil {
			result = "waived: " + f.Message
			waiver = f.Waiver.Reason
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | `%s` | %s | %s |\n", f.Rule.ID, f.Rule.ClassOf(), f.Rule.Severity, f.Resource, escape(result), escape(waiver))
	}
	if len(fs) == 0 {
		sb.WriteString("| – | – | – | – | pass | – |\n")
	}
	for _, n := range r.NotJudged {
		fmt.Fprintf(&sb, "\nnot judged: %s\n", n)
	}
	return sb.String()
}

func escape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
