package naming

import (
	"maps"
	"strings"
)

// ManagedBy is the value of the managed-by tag and label on everything
// plinth creates.
const ManagedBy = "plinth"

// Tag keys plinth sets on every cloud resource that takes tags or labels.
const (
	TagEnvironment = "environment"
	TagStack       = "stack"
	TagProject     = "project"
	TagManagedBy   = "managed-by"
	TagOwner       = "owner"
	TagCostCenter  = "cost-center"
)

// TagInput is what cloud tags are derived from.
type TagInput struct {
	// Project is the Pulumi project name.
	Project string
	// Stack is the Pulumi stack name.
	Stack string
	// Environment is the environment name (often the stack name).
	Environment string
	// Owner is the team that owns the resources; omitted when empty.
	Owner string
	// CostCenter is the cost allocation key; omitted when empty.
	CostCenter string
	// Extra tags are added last and may not override the keys above.
	Extra map[string]string
}

// Tags returns the AWS tags for every resource of a stack: environment,
// stack, project, managed-by, and owner/cost-center when set, plus Extra.
// Extra keys that collide with plinth's own keys are ignored, so the
// cost-allocation and ownership tags cannot be overwritten by accident.
func Tags(in TagInput) map[string]string {
	tags := map[string]string{}
	for k, v := range in.Extra {
		tags[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			tags[k] = v
		} else {
			delete(tags, k)
		}
	}
	set(TagEnvironment, in.Environment)
	set(TagStack, in.Stack)
	set(TagProject, in.Project)
	set(TagManagedBy, ManagedBy)
	set(TagOwner, in.Owner)
	set(TagCostCenter, in.CostCenter)
	return tags
}

// GCPLabels returns Tags(in) converted to GCP label rules: keys and values
// lowercase, only [a-z0-9_-], at most 63 characters, keys starting with a
// letter.
func GCPLabels(in TagInput) map[string]string {
	out := map[string]string{}
	for k, v := range Tags(in) {
		key := gcpLabelPart(k)
		if key == "" || key[0] < 'a' || key[0] > 'z' {
			key = "k" + key
		}
		out[trunc(key, 63)] = trunc(gcpLabelPart(v), 63)
	}
	return out
}

func gcpLabelPart(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Merge returns a new map with the entries of every map in order; later
// maps win.
func Merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}
