package policy

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// get returns the value at p, a property path as Pulumi writes them
// (resource.ParsePropertyPath: "vpcConfig.publicAccessCidrs[0]",
// `metadata.labels["app.kubernetes.io/name"]`). A malformed path finds
// nothing.
func get(in map[string]any, p string) (any, bool) {
	path, err := resource.ParsePropertyPath(p)
	if err != nil {
		return nil, false
	}
	var cur any = in
	for _, key := range path {
		switch k := key.(type) {
		case int:
			arr, ok := cur.([]any)
			if !ok || k < 0 || k >= len(arr) {
				return nil, false
			}
			cur = arr[k]
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[k]; !ok {
				return nil, false
			}
		}
	}
	return cur, cur != nil
}

// str returns the string at p, or def when unset.
func str(in map[string]any, p, def string) string {
	if v, ok := get(in, p); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return def
}

// boolean returns the bool at p (also "true"/"false" strings, as the AWS
// launch template takes), or def when unset — the provider's default.
func boolean(in map[string]any, p string, def bool) bool {
	if v, ok := get(in, p); ok {
		switch b := v.(type) {
		case bool:
			return b
		case string:
			if x, err := strconv.ParseBool(b); err == nil {
				return x
			}
		}
	}
	return def
}

// number returns the number at p, or def when unset.
func number(in map[string]any, p string, def float64) float64 {
	if v, ok := get(in, p); ok {
		switch n := v.(type) {
		case float64:
			return n
		case int:
			return float64(n)
		case string:
			if x, err := strconv.ParseFloat(n, 64); err == nil {
				return x
			}
		}
	}
	return def
}

// list returns the list at p (nil when unset).
func list(in map[string]any, p string) []any {
	v, _ := get(in, p)
	l, _ := v.([]any)
	return l
}

// strings returns the strings of the list at p.
func stringsAt(in map[string]any, p string) []string {
	var out []string
	for _, v := range list(in, p) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// object returns the map at p (nil when unset).
func object(in map[string]any, p string) map[string]any {
	v, _ := get(in, p)
	m, _ := v.(map[string]any)
	return m
}

func worldOpen(cidr string) bool { return cidr == "0.0.0.0/0" || cidr == "::/0" }

func fail(format string, args ...any) []string {
	return []string{fmt.Sprintf(format, args...)}
}

func sprintfPath(format string, args ...any) string { return fmt.Sprintf(format, args...) }
