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
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:aws:Network": 1, "plinth:aws:EcsService": 1, "aws:ecs/service:Service": 1,
		"aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/listener:Listener": 2,
	})
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
