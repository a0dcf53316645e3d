package main

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// TestProgram runs the example under mocks with the config its doc names,
// so the example keeps compiling and working as plinth changes.
func TestProgram(t *testing.T) {
	s := plinthtest.Run(t, program, plinthtest.WithProject("plinth-example-ecs-service"), plinthtest.WithConfig(map[string]string{
		"plinth-example-ecs-service:imageTag":       "2.0.1",
		"plinth-example-ecs-service:certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
		"plinth-example-ecs-service:dbSecretArn":    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
	}), plinthtest.WithSecretConfig(map[string]string{}))
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:aws:Network": 1, "plinth:aws:EcsService": 1, "aws:ecs/service:Service": 1,
		"aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/listener:Listener": 2,
	})
	if img := s.One(t, "aws:ecs/taskDefinition:TaskDefinition").String(t, "containerDefinitions"); !strings.Contains(img, `"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.0.1"`) {
		t.Errorf("the repository's URL did not flow into the image: %s", img)
	}
	t.Logf("registered:\n%s", s.Inventory())
}
