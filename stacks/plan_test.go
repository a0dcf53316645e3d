//go:build !plinthlocal

package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPlanListsEveryResourceWithoutSecrets: the offline plan (what a fork's
// pull request gets) lists what the program registers, and no secret.
func TestPlanListsEveryResourceWithoutSecrets(t *testing.T) {
	var out bytes.Buffer
	if err := plan(&out, "..", "dev"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	m := regexp.MustCompile(`## dev \(dev on aws\): (\d+) resources`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no header in:\n%.500s", text)
	}
	lines := 0
	for _, l := range strings.Split(text, "\n") {
		if l != "" && !strings.HasPrefix(l, "## ") {
			lines++
		}
	}
	if m[1] == "0" || m[1] != strconv.Itoa(lines) {
		t.Fatalf("header says %s resources, %d listed", m[1], lines)
	}
	for _, want := range []string{"aws:eks/cluster:Cluster ", "kubernetes:apps/v1:Deployment ", `"[secret]"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan has no %q", want)
		}
	}
	if strings.Contains(text, "stand-in-for-") {
		t.Errorf("a secret's value is in the plan")
	}
}
