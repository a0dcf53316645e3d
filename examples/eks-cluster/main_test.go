package main

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-eks-cluster"), plinthtest.WithConfig(map[string]string{
		"plinth-example-eks-cluster:adminRoleArn": "arn:aws:iam::123456789012:role/platform-admin",
	}), plinthtest.WithSecretConfig(map[string]string{}))
	if len(s.Resources) == 0 {
		t.Fatalf("the example registered nothing")
	}
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
