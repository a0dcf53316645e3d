package ecs_test

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

// An internal HTTPS service running an image from an ECR repository
// created in the same program (an Output flows into Image), whose
// database password comes from Secrets Manager. The example runs under
// Pulumi mocks and prints the container definition plinth registered.
func Example() {
	stack, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		repo, err := ecr.NewRepository(ctx, "api", &ecr.RepositoryArgs{ImageTagMutability: pulumi.String("IMMUTABLE")})
		if err != nil {
			return err
		}
		_, err = ecs.New(ctx, "api", ecs.Args{
			VPCID:            pulumi.String("vpc-0123456789abcdef0"),
			PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
			Image:            pulumi.Sprintf("%s:2.0.1", repo.RepositoryUrl),
			CertificateARN:   pulumi.String("arn:aws:acm:eu-west-1:123456789012:certificate/abc"),
			AllowedCIDRs:     []string{"10.0.0.0/8"},
			Secrets:          map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")},
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
	fmt.Println("image:", c.Image)
	fmt.Println("user:", c.User, "read-only root:", c.ReadonlyRootFilesystem, "privileged:", c.Privileged)
	fmt.Println("secret:", c.Secrets[0].Name, "from", c.Secrets[0].ValueFrom)
	// Output:
	// image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.0.1
	// user: 10001:10001 read-only root: true privileged: false
	// secret: DB_PASSWORD from arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf
}
