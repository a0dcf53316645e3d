package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// LabelStack marks every Kubernetes object plinth creates with the
// Pulumi project and stack that own it. With it, what a killed run
// created is found in the cluster even when no state recorded it, and
// the next complete run of the same stack deletes what its program no
// longer declares (the driver's prune; docs/state.md). It is set on
// objects' own metadata only, never on pod templates or selectors, so
// adding it rolls no pod.
const LabelStack = "plinth.dev/stack"

// AnnotationFieldManager names the server-side apply field manager the
// kubernetes provider applies an object with (pulumi-kubernetes reads it
// before its own default, a name random per resource and kept in the
// state). A stable manager per stack means a run that lost the state of
// an object it created (a killed run) and the run after it apply as the
// same manager: the second adopts the object without a field conflict,
// which a random manager met on atomic fields such as an HTTPRoute's
// spec.rules.
const AnnotationFieldManager = "pulumi.com/patchFieldManager"

// StackValue is the value of LabelStack for a project's stack: a valid
// label value, "<project>.<stack>" when it fits (a cut and a hash of the
// whole otherwise), so the same stack always gets the same value.
func StackValue(project, stack string) string {
	v := project + "." + stack
	if LabelValue(v) == v {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	cut := LabelValue(strings.ReplaceAll(v, "/", "-"))
	if len(cut) > 54 {
		cut = cut[:54]
	}
	return strings.Trim(cut, "-_.") + "-" + hex.EncodeToString(sum[:4])
}

// FieldManager is the server-side apply field manager of a project's
// stack, at most 128 characters as the API allows.
func FieldManager(project, stack string) string {
	return "plinth-" + StackValue(project, stack)
}

// Owner returns the label and the annotation every Kubernetes object a
// stack creates carries (LabelStack, AnnotationFieldManager).
func Owner(project, stack string) (labels, annotations map[string]string) {
	return map[string]string{LabelStack: StackValue(project, stack)},
		map[string]string{AnnotationFieldManager: FieldManager(project, stack)}
}
