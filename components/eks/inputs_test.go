package eks_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/eks"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a eks.Args) error { _, err := eks.New(ctx, "main", a); return err }
	role := "is not an IAM role ARN"
	inputtest.Check(t, prodArgs(), `eks "main": `, create, []inputtest.Case[eks.Args]{
		{Field: "subnetIds", Bad: "private-a", Want: "is not a subnet id"},
		{Field: "privateAccessSecurityGroupIds", Bad: "deployers", Want: "is not a security group id"},
		{Field: "adminRoleArns", Bad: "platform-admin", Want: role},
		{Field: "kmsKeyArn", Bad: "alias/eks", Want: "is not a KMS key ARN"},
		{Field: "kubeconfigRoleArn", Bad: "arn:aws:iam::123456789012:user/ci", Want: role},
	})
}
