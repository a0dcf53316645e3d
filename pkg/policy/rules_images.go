package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/pkg/imageref"
)

// tClusterPolicy is Kyverno's ClusterPolicy, as the imagepolicy component
// registers it.
const tClusterPolicy = "kubernetes:kyverno.io/v1:ClusterPolicy"

// imageRules are the supply-chain guardrails: what runs in prod was
// signed by the pipeline, and the cluster checks it at admission.
func imageRules() []*Rule {
	return []*Rule{
		{ID: "PL-K8S-020", Severity: Mandatory, Title: "Prod admits only images whose signature Kyverno verifies, in Enforce",
			Remediation: "set plinth:imagePolicy (the imagepolicy component) with mode Enforce and images covering every workload's image; break-glass: a waiver in plinth:imagePolicy.waivers, with its reason",
			Mirrors:     []string{"NIST SP 800-190 4.1.5 (use of untrusted images)", "SLSA Build L2 (signed provenance)", "Kyverno sample policy verify-image"},
			StackCheck:  imagesVerifiedInProd},
	}
}

// imageDeployRules are what an image policy changes in how Pulumi sees
// the workloads it admits.
func imageDeployRules() []*Rule {
	return []*Rule{
		{ID: "PL-D-031", Severity: Mandatory, Title: "Images a digest-mutating image policy covers are given by digest",
			Remediation: "give the image as repository:tag@sha256:… (the image pipeline writes the digest into the stack config), or set the policy's mutateDigest false (then verifyDigest refuses a tag)",
			Source:      "Kyverno verifyImages mutateDigest (default true) rewrites a tag to tag@digest at admission (engine/internal/imageverifier.go); pulumi-kubernetes diffs the new inputs against the live object pruned to the inputs' shape, with no dry run (provider.go Diff), so every later preview shows the image changing back and the drift check never comes clean (measured: make e2e, TestE2ESignedImages)",
			StackCheck:  imagesByDigestUnderMutation},
	}
}

// imagesByDigestUnderMutation: a workload image (known when composed) that
// an entry with mutateDigest covers, and no waiver skips, has a digest.
func imagesByDigestUnderMutation(rs []Resource, _ Context) []Violation {
	var out []Violation
	vs := verifiersOf(rs)
	for _, r := range rs {
		if _, ok := podSpecOf(r); !ok {
			continue
		}
		for _, ct := range podContainers(r) {
			img, _ := ct["image"].(string)
			if img == "" || strings.Contains(img, "@") {
				continue
			}
			for _, v := range vs {
				if v.mutateDigest && matchesAny(v.references, img) && !matchesAny(v.skipReferences, img) {
					name, _ := ct["name"].(string)
					out = append(out, Violation{r.ID(), fmt.Sprintf("container %s: image %q has no digest, and %s of %s rewrites it to one at admission: every later up would show it changing", name, img, v.index, v.policy.Name)})
					break
				}
			}
		}
	}
	return out
}

// verifier is one verifyImages entry of a ClusterPolicy.
type verifier struct {
	policy                     Resource
	index                      string
	enforce, failClosed        bool
	mutateDigest               bool
	references, skipReferences []string
	waived                     map[string]string // skipped reference: reason
}

func verifiersOf(rs []Resource) []verifier {
	var out []verifier
	for _, p := range ofType(rs, tClusterPolicy) {
		// The policy-wide settings, deprecated in Kyverno 1.13 but read
		// where a rule sets none; Kyverno's defaults are Audit and Fail.
		action := str(p.Inputs, "spec.validationFailureAction", "Audit")
		failurePolicy := str(p.Inputs, "spec.webhookConfiguration.failurePolicy", str(p.Inputs, "spec.failurePolicy", "Fail"))
		waived := map[string]string{}
		var waivers []struct {
			Image  string `json:"image"`
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal([]byte(str(p.Inputs, `metadata.annotations["plinth.dev/waivers"]`, "[]")), &waivers)
		for _, w := range waivers {
			if strings.TrimSpace(w.Reason) != "" {
				waived[w.Image] = w.Reason
			}
		}
		for i, rule := range list(p.Inputs, "spec.rules") {
			rm, _ := rule.(map[string]any)
			for j, v := range list(rm, "verifyImages") {
				vm, _ := v.(map[string]any)
				a := str(vm, "failureAction", action)
				out = append(out, verifier{
					policy: p, index: fmt.Sprintf("rule %d verifyImages %d", i, j),
					enforce: strings.EqualFold(a, "Enforce"), failClosed: failurePolicy == "Fail",
					mutateDigest: boolean(vm, "mutateDigest", true),
					references:   stringsAt(vm, "imageReferences"), skipReferences: stringsAt(vm, "skipImageReferences"),
					waived: waived,
				})
			}
		}
	}
	return out
}

// imagesVerifiedInProd: in prod, every verifyImages entry enforces and
// fails closed, and every workload image (known when the stack is
// composed) is covered by one, or skipped by a waiver with a reason. In
// GitOps delivery the workloads are in the repository, so a Flux
// Kustomization needs a policy as well.
func imagesVerifiedInProd(rs []Resource, c Context) []Violation {
	if c.Tier != "prod" {
		return nil
	}
	var out []Violation
	vs := verifiersOf(rs)
	for _, v := range vs {
		if !v.enforce {
			out = append(out, Violation{v.policy.ID(), v.index + " is in Audit: prod admits an unsigned image and only reports it; set failureAction Enforce"})
		}
		if !v.failClosed {
			out = append(out, Violation{v.policy.ID(), v.index + " fails open (failurePolicy Ignore): while Kyverno does not answer, any image is admitted; set failurePolicy Fail"})
		}
	}
	for _, k := range ofType(rs, tKustomization) {
		if len(vs) == 0 {
			out = append(out, Violation{k.ID(), "Flux applies workloads in prod and no image policy verifies their images: set plinth:imagePolicy"})
		}
	}
	for _, r := range rs {
		if _, ok := podSpecOf(r); !ok {
			continue
		}
		for _, ct := range podContainers(r) {
			img, _ := ct["image"].(string)
			if img == "" {
				continue // not known until deploy: Kyverno judges it then
			}
			if msg := coverage(vs, img); msg != "" {
				name, _ := ct["name"].(string)
				out = append(out, Violation{r.ID(), "container " + name + " " + msg})
			}
		}
	}
	return out
}

// coverage says why img would run unverified ("" when an enforcing entry
// covers it, or a waiver with a reason skips it).
func coverage(vs []verifier, img string) string {
	matches := func(patterns []string) string { return matching(patterns, img) }
	if len(vs) == 0 {
		return fmt.Sprintf("image %q runs unverified: no image policy in the stack", img)
	}
	// A waiver with its reason exempts the image, whether or not the
	// policy's references reach it.
	for _, v := range vs {
		for _, skip := range v.skipReferences {
			if _, ok := v.waived[skip]; ok && matchesAny([]string{skip}, img) {
				return ""
			}
		}
	}
	for _, v := range vs {
		if matches(v.references) == "" {
			continue
		}
		if skip := matches(v.skipReferences); skip != "" {
			if _, ok := v.waived[skip]; ok {
				return ""
			}
			return fmt.Sprintf("image %q is skipped by %q of %s with no waiver reason: add the waiver (and its reason) to plinth:imagePolicy.waivers", img, skip, v.policy.Name)
		}
		if v.enforce {
			return ""
		}
	}
	return fmt.Sprintf("image %q is covered by no image policy in Enforce: add its repository to plinth:imagePolicy.images", img)
}

// matching returns the first pattern that matches img as written or
// normalised ("nginx:1" is "docker.io/library/nginx:1"), or "".
func matching(patterns []string, img string) string {
	forms := []string{img}
	if ref, err := imageref.Parse(img); err == nil {
		norm := ref.Name
		if ref.Tag != "" {
			norm += ":" + ref.Tag
		}
		if ref.Digest != "" {
			norm += "@" + ref.Digest
		}
		forms = append(forms, norm)
	}
	for _, p := range patterns {
		for _, f := range forms {
			if wildcard(p, f) {
				return p
			}
		}
	}
	return ""
}

func matchesAny(patterns []string, img string) bool { return matching(patterns, img) != "" }

// wildcard matches Kyverno's image patterns: "*" any run of characters
// ("/" included), "?" one character.
func wildcard(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// podContainers are the containers and init containers of any pod spec.
func podContainers(r Resource) []map[string]any {
	spec, _ := podSpecOf(r)
	var out []map[string]any
	for _, key := range []string{"containers", "initContainers"} {
		for _, c := range list(spec, key) {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}
