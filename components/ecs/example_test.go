package ecs_test

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// An internal HTTPS service whose database password comes from Secrets
// Manager. The example runs under Pulumi mocks and prints the container
// definition plinth registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := ecs.New(ctx, "api", ecs.Args{
			VPCID:            pulumi.String("vpc-123"),
			PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
			Image:            "registry.example.com/acme/api:2.0.1",
			CertificateARN:   "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
			AllowedCIDRs:     []string{"10.0.0.0/8"},
			Secrets:          map[string]string{"DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCd"},
		})
		return err
	}, plinthtest.WithStack("dev"))
	if err != nil {
		fmt.Println(err)
		return
	}
	td := stack.ByType("aws:ecs/taskDefinition:TaskDefinition")[0]
	var defs []ecs.ContainerDefinition
	_ = json.Unmarshal([]byte(td.Inputs["containerDefinitions"].StringValue()), &defs)
	c := defs[0]
	fmt.Println("user:", c.User, "read-only root:", c.ReadonlyRootFilesystem, "privileged:", c.Privileged)
	fmt.Println("secret:", c.Secrets[0].Name, "from", c.Secrets[0].ValueFrom)
	// Output:
	// user: 1001:1001 read-only root: true privileged: false
	// secret: DB_PASSWORD from arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCd
}
