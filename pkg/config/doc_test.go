package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestTierTableMatchesCode parses the tier table in doc.go and compares
// every cell with ForTier, so the documented defaults cannot drift.
func TestTierTableMatchesCode(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	cells := map[string]func(d Defaults) string{
		"app replicas (no autoscaling)":  func(d Defaults) string { return fmt.Sprint(d.Replicas) },
		"autoscaling min/max":            func(d Defaults) string { return fmt.Sprintf("%d/%d", d.MinReplicas, d.MaxReplicas) },
		"container CPU request/limit":    func(d Defaults) string { return d.CPURequest + "/" + d.CPULimit },
		"container memory request/limit": func(d Defaults) string { return d.MemoryRequest + "/" + d.MemoryLimit },
		"availability zones":             func(d Defaults) string { return fmt.Sprint(d.AZCount) },
		"NAT gateways":                   func(d Defaults) string { return dash(d.NATGateways) },
		"nodes min/desired/max":          func(d Defaults) string { return fmt.Sprintf("%d/%d/%d", d.NodeMin, d.NodeDesired, d.NodeMax) },
		"EKS instance type":              func(d Defaults) string { return dash(d.InstanceType) },
		"GKE machine type":               func(d Defaults) string { return dash(d.MachineType) },
		"GKE regional control plane":     func(d Defaults) string { return fmt.Sprint(d.Regional) },
		"Prometheus retention":           func(d Defaults) string { return d.Retention },
		"Prometheus volume":              func(d Defaults) string { return dash(d.StorageSize) },
		"Prometheus replicas":            func(d Defaults) string { return fmt.Sprint(d.PrometheusReplicas) },
		"log retention (days)":           func(d Defaults) string { return fmt.Sprint(d.LogRetentionDays) },
		"deletion protection":            func(d Defaults) string { return fmt.Sprint(d.DeletionProtection) },
	}
	seen := 0
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "//"))
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|-") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if cols[0] == "setting" {
			continue
		}
		cell, ok := cells[cols[0]]
		if !ok {
			t.Errorf("doc.go table row %q has no check: add it to this test", cols[0])
			continue
		}
		seen++
		for i, tier := range Tiers {
			if want := cell(ForTier(tier)); cols[i+1] != want {
				t.Errorf("doc.go says %q for %s is %q, ForTier says %q", cols[0], tier, cols[i+1], want)
			}
		}
	}
	if seen != len(cells) {
		t.Fatalf("doc.go table has %d checked rows, want %d", seen, len(cells))
	}
}

// TestFieldDocsStateDefaults checks that every field of the config types
// has a doc comment, and that a field with a default says so in the house
// form ("Default: <value>." or "Default: - <behaviour>.").
func TestFieldDocsStateDefaults(t *testing.T) {
	src, err := os.ReadFile("environment.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	for i, line := range lines {
		s := strings.TrimSpace(line)
		if !strings.Contains(s, "`json:") {
			continue
		}
		j := i - 1
		var doc []string
		for j >= 0 && strings.HasPrefix(strings.TrimSpace(lines[j]), "//") {
			doc = append([]string{strings.TrimSpace(lines[j])}, doc...)
			j--
		}
		if len(doc) == 0 {
			t.Errorf("environment.go:%d: field %q has no doc comment", i+1, s)
			continue
		}
		text := strings.Join(doc, " ")
		if k := strings.Index(text, "Default:"); k >= 0 && !strings.HasSuffix(strings.TrimSpace(text), ".") {
			t.Errorf("environment.go:%d: default of %q is not a sentence ending in '.': %s", i+1, s, text[k:])
		}
	}
}
