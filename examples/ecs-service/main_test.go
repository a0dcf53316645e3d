package main

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-ecs-service"), plinthtest.WithConfig(map[string]string{
		"plinth-example-ecs-service:certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
		"plinth-example-ecs-service:dbSecretArn":    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCd",
	}), plinthtest.WithSecretConfig(map[string]string{}))
	if len(s.Resources) == 0 {
		t.Fatalf("the example registered nothing")
	}
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
