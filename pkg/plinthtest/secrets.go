package plinthtest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Plaintext returns where any of values appears in a registered input
// outside a Pulumi secret, as "type name path" lines, sorted. An empty
// result means the values reached the engine only as secrets (and so are
// encrypted in the state).
func (s *Stack) Plaintext(values ...string) []string {
	var found []string
	for _, r := range s.Resources {
		walkPlain(resource.NewObjectProperty(r.Inputs), "", func(path, str string) {
			for _, v := range values {
				if v != "" && strings.Contains(str, v) {
					found = append(found, fmt.Sprintf("%s %s %s", r.Type, r.Name, path))
				}
			}
		})
	}
	sort.Strings(found)
	return found
}

// walkPlain calls f for every string outside a secret.
func walkPlain(v resource.PropertyValue, path string, f func(path, s string)) {
	switch {
	case v.IsSecret():
		return
	case v.IsOutput():
		if o := v.OutputValue(); o.Known && !o.Secret {
			walkPlain(o.Element, path, f)
		}
	case v.IsString():
		f(path, v.StringValue())
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			walkPlain(e, strings.TrimPrefix(path+"."+string(k), "."), f)
		}
	case v.IsArray():
		for i, e := range v.ArrayValue() {
			walkPlain(e, fmt.Sprintf("%s[%d]", path, i), f)
		}
	}
}
