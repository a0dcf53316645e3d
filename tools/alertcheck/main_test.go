package main

import (
	"os"
	"path/filepath"
	"testing"
)

const good = `
route:
  receiver: "null"
  routes:
    - receiver: paging
      matchers: ['severity="critical"']
    - receiver: chat
      matchers: ['severity="warning"']
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname, namespace]
receivers: [{name: "null"}, {name: paging}, {name: chat}]
`

const cases = `
routes:
  - name: critical pages
    labels: {alertname: A, severity: critical}
    receivers: [paging]
  - name: warning to chat
    labels: {alertname: A, severity: warning}
    receivers: [chat]
inhibitions:
  - name: critical mutes the same alert's warning
    source: {alertname: A, severity: critical, namespace: web}
    target: {alertname: A, severity: warning, namespace: web}
    muted: true
  - name: not in another namespace
    source: {alertname: A, severity: critical, namespace: web}
    target: {alertname: A, severity: warning, namespace: shop}
    muted: false
`

func write(t *testing.T, name, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckPassesAGoodConfigAndCatchesABrokenOne: the checker can fail.
func TestCheckPassesAGoodConfigAndCatchesABrokenOne(t *testing.T) {
	c := write(t, "cases.yaml", cases)
	failed, total, err := check(write(t, "good.yaml", good), c)
	if err != nil || failed != 0 || total != 4 {
		t.Fatalf("good config: %d of %d failed (%v)", failed, total, err)
	}
	broken := `
route:
  receiver: "null"
  routes:
    - receiver: paging
      matchers: ['severity=~"critical|warning"']
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [namespace]
receivers: [{name: "null"}, {name: paging}, {name: chat}]
`
	// The warning now pages: that case fails. The inhibition ignores the
	// alert name but both its cases still hold (same namespace muted,
	// another not).
	failed, total, err = check(write(t, "broken.yaml", broken), c)
	if err != nil || failed != 1 || total != 4 {
		t.Fatalf("broken config: %d of %d failed (%v), want 1", failed, total, err)
	}
	if _, _, err := check(write(t, "bad.yaml", "route: {receiver: nowhere}\nreceivers: []\n"), c); err == nil {
		t.Fatal("a configuration Alertmanager refuses was accepted")
	}
}
