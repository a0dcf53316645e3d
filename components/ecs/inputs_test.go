package ecs_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/ecs"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a ecs.Args) error { _, err := ecs.New(ctx, "api", a); return err }
	kms := "is not a KMS key ARN"
	inputtest.Check(t, prodArgs(), `ecs "api": `, create, []inputtest.Case[ecs.Args]{
		{Field: "vpcId", Bad: "main-vpc", Want: "is not a VPC id"},
		{Field: "privateSubnetIds", Bad: "private-a", Want: "is not a subnet id"},
		{Field: "publicSubnetIds", Bad: "public-a", Want: "is not a subnet id"},
		{Field: "clusterArn", Bad: "api-cluster", Want: "is not an ECS cluster ARN"},
		{Field: "image", Bad: "registry.example.com/acme/api:latest", Want: `uses the mutable tag "latest"`},
		{Field: "secrets", Bad: "prod/db", Want: "is not an ARN"},
		{Field: "secretsKmsKeyArns", Bad: "1234abcd", Want: kms},
		{Field: "certificateArn", Bad: "example.com", Want: "is not an ACM certificate ARN"},
		{Field: "accessLogsBucket", Bad: "arn:aws:s3:::logs", Want: "is not an S3 bucket name"},
		{Field: "logKmsKeyArn", Bad: "alias/logs", Want: kms},
		{Field: "taskPolicyArns", Bad: "arn:aws:iam::aws:policy/AdministratorAccess", Want: "gives every permission"},
		{Field: "egress[0].securityGroupId", Bad: "db", Want: "is not a security group id", Prepare: func(a *ecs.Args) {
			a.Egress = []ecs.EgressArgs{{Description: "the database", FromPort: 5432, SecurityGroupID: pulumi.String("sg-0123456789abcdef0")}}
		}},
	})
}
