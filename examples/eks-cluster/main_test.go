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
	// What the example promises its reader.
	s.RequireCounts(t, map[string]int{
		"plinth:aws:Network": 1, "plinth:aws:EksCluster": 1, "aws:eks/nodeGroup:NodeGroup": 1,
		"pulumi:providers:kubernetes": 1, "plinth:kubernetes:App": 1,
		"aws:eks/podIdentityAssociation:PodIdentityAssociation": 1,
	})
	s.RequireRestrictedPods(t)
	t.Logf("registered:\n%s", s.Inventory())
}
