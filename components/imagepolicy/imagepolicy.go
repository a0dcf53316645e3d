package imagepolicy

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/naming"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "plinth:kubernetes:ImagePolicy"

// WaiversAnnotation is the policy's annotation that lists its waivers
// with their reasons (JSON), so `kubectl get clusterpolicy -o yaml` shows
// why an image is not verified.
const WaiversAnnotation = "plinth.dev/waivers"

// Policy is a deployed image policy.
type Policy struct {
	pulumi.ResourceState

	// PolicyName is the name of the ClusterPolicy.
	PolicyName pulumi.StringOutput `pulumi:"policyName"`

	// Namespace is Kyverno's namespace (nil unless Args.Kyverno is set).
	Namespace *corev1.Namespace
	// Chart is the kyverno release (nil unless Args.Kyverno is set).
	Chart *helmv4.Chart
	// ClusterPolicy is the Kyverno ClusterPolicy.
	ClusterPolicy *apiextensions.CustomResource
}

// New deploys the policy, and Kyverno when Args.Kyverno is set.
// Arguments are validated (with defaults applied) before anything is
// registered. Pass the cluster's provider with pulumi.Provider(...).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Policy, error) {
	if err := args.Validate(name); err != nil {
		return nil, err
	}
	a := args.Defaults()
	c := &Policy{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, c: c, opts: []pulumi.ResourceOption{pulumi.Parent(c)}}
	for _, step := range []func() error{b.createKyverno, b.createPolicy} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c.PolicyName = c.ClusterPolicy.Metadata.Name().Elem()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"policyName": c.PolicyName})
}

// builder carries what the steps of New share.
type builder struct {
	ctx  *pulumi.Context
	name string
	a    Args
	c    *Policy
	opts []pulumi.ResourceOption
}

func (b *builder) createKyverno() error {
	k := b.a.Kyverno
	if k == nil {
		return nil
	}
	values := b.values()
	maps.Copy(values, k.ExtraValues)
	ns, c, err := chart.Install(b.ctx, chart.Release{
		Logical: b.name, Name: ReleaseName, Namespace: k.Namespace,
		Repository: k.Chart.Repository, Version: k.Chart.Version, Values: values,
	}, b.opts)
	if err != nil {
		return err
	}
	b.c.Namespace, b.c.Chart = ns, c
	return nil
}

// values are plinth's chart values (see the defaults table in the package
// doc).
func (b *builder) values() map[string]any {
	k := b.a.Kyverno
	// The controllers besides admission (background, cleanup, reports)
	// keep two replicas where the admission controller has more than one.
	others := 1
	if *k.Replicas > 1 {
		others = 2
	}
	return map[string]any{
		"crds": map[string]any{"install": true},
		"admissionController": map[string]any{
			"replicas": *k.Replicas,
			"container": map[string]any{
				"extraArgs": map[string]any{"imageVerifyCacheTTLDuration": k.VerifyCacheTTL},
			},
			// The chart enables a budget whenever replicas > 1.
			"podDisruptionBudget": map[string]any{"enabled": *k.Replicas > 1, "minAvailable": 1},
		},
		"backgroundController": map[string]any{"replicas": others},
		"cleanupController":    map[string]any{"replicas": others},
		"reportsController":    map[string]any{"replicas": others},
	}
}

func (b *builder) createPolicy() error {
	opts := append(slices.Clone(b.opts), pulumi.DependsOn(b.a.WaitForCRDs))
	if b.c.Chart != nil {
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{b.c.Chart}))
	}
	// The update waits until Kyverno reports the policy Ready: its
	// webhook then answers for it (Kyverno's webhook controller sets the
	// condition once the webhook configuration holds the policy), so
	// nothing that depends on the policy is admitted unverified.
	ann := pulumi.StringMap{"pulumi.com/waitFor": pulumi.String("condition=Ready")}
	if w := b.waiversAnnotation(); w != "" {
		ann[WaiversAnnotation] = pulumi.String(w)
	}
	meta := &metav1.ObjectMetaArgs{
		Name:        pulumi.String(b.name),
		Labels:      pulumi.StringMap{naming.LabelManagedBy: pulumi.String(naming.ManagedBy)},
		Annotations: ann,
	}
	cp, err := apiextensions.NewCustomResource(b.ctx, naming.Child(b.name, "policy"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("kyverno.io/v1"),
		Kind:        pulumi.String("ClusterPolicy"),
		Metadata:    meta,
		OtherFields: kubernetes.UntypedArgs{"spec": Spec(b.a)},
	}, opts...)
	if err != nil {
		return err
	}
	b.c.ClusterPolicy = cp
	return nil
}

func (b *builder) waiversAnnotation() string {
	if len(b.a.Waivers) == 0 {
		return ""
	}
	type waiver struct {
		Image  string `json:"image"`
		Reason string `json:"reason"`
	}
	ws := make([]waiver, len(b.a.Waivers))
	for i, w := range b.a.Waivers {
		ws[i] = waiver{w.Image, w.Reason}
	}
	out, _ := json.Marshal(ws)
	return string(out)
}

// Spec is the ClusterPolicy spec of args (defaults applied): one rule
// that verifies the signature of every image in Images, on Pods and, by
// Kyverno's autogen, on every controller of pods.
func Spec(a Args) map[string]any {
	a = a.Defaults()
	failurePolicy := "Ignore"
	if a.Mode == Enforce {
		failurePolicy = "Fail"
	}
	verify := map[string]any{
		"imageReferences": toAny(a.Images),
		"failureAction":   string(a.Mode),
		"mutateDigest":    *a.MutateDigest,
		"verifyDigest":    *a.VerifyDigest,
		"required":        true,
		"useCache":        *a.UseCache,
		"attestors":       []any{map[string]any{"count": 1, "entries": a.entries()}},
	}
	if len(a.Waivers) > 0 {
		skip := make([]any, len(a.Waivers))
		for i, w := range a.Waivers {
			skip[i] = w.Image
		}
		verify["skipImageReferences"] = skip
	}
	return map[string]any{
		"background": false,
		"webhookConfiguration": map[string]any{
			"failurePolicy":  failurePolicy,
			"timeoutSeconds": 30,
		},
		"rules": []any{map[string]any{
			"name": "verify-signature",
			"match": map[string]any{"any": []any{map[string]any{
				"resources": map[string]any{"kinds": []any{"Pod"}},
			}}},
			"verifyImages": []any{verify},
		}},
	}
}

// entries are the attestors: one per key, or the keyless identity.
func (a Args) entries() []any {
	rekor := map[string]any{}
	if a.RekorURL != "" {
		rekor["url"] = a.RekorURL
	}
	transparency := func(entry map[string]any) map[string]any {
		if !*a.TransparencyLog {
			rekor["ignoreTlog"] = true
			entry["ctlog"] = map[string]any{"ignoreSCT": true}
		}
		if len(rekor) > 0 {
			entry["rekor"] = rekor
		}
		return entry
	}
	if k := a.Keyless; k != nil {
		entry := map[string]any{"issuer": k.Issuer, "subject": k.Subject}
		if k.Repository != "" {
			entry["additionalExtensions"] = map[string]any{"githubWorkflowRepository": k.Repository}
		}
		return []any{map[string]any{"keyless": transparency(entry)}}
	}
	out := make([]any, len(a.Keys))
	for i, key := range a.Keys {
		out[i] = map[string]any{"keys": transparency(map[string]any{"publicKeys": key})}
	}
	return out
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
