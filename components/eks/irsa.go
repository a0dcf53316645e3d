package eks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// ServiceAccountRoleArgs configures an IRSA role.
type ServiceAccountRoleArgs struct {
	// Namespace of the service account. Required.
	Namespace string
	// ServiceAccount is the service account's name. Required.
	ServiceAccount string
	// PolicyARNs are managed policies attached to the role.
	PolicyARNs []string
	// Policy is an inline policy document (JSON); "" for none.
	Policy pulumi.StringInput
}

// ServiceAccountRole creates an IAM role that only the Kubernetes service
// account namespace/name of this cluster can assume (IRSA: the trust
// policy is scoped by the OIDC "sub" and "aud" conditions). Pass its ARN
// to app.Args.ServiceAccount.AWSRoleARN. The role is a child of the
// cluster unless opts give another parent.
func (c *Cluster) ServiceAccountRole(ctx *pulumi.Context, name string, args ServiceAccountRoleArgs, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	p := problem.List{Prefix: fmt.Sprintf("eks %q: serviceAccountRole %q: ", c.name, name)}
	p.DNSLabel("name", name)
	p.DNSLabel("namespace", args.Namespace)
	p.DNSLabel("serviceAccount", args.ServiceAccount)
	if err := p.Err(); err != nil {
		return nil, err
	}
	trust := pulumi.All(c.OIDCProviderARN, c.OIDCIssuerURL).ApplyT(func(v []any) string {
		return awsiam.AssumeRoleWithWebIdentity(v[0].(string), v[1].(string), args.Namespace, args.ServiceAccount).JSON()
	}).(pulumi.StringOutput)
	opts = append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)
	logical := naming.Child(c.name, "irsa-"+name)
	role, err := iam.NewRole(ctx, logical, &iam.RoleArgs{
		// Named from the cluster's name (project, stack, component), cut
		// with a hash to IAM's 64 characters: auto-naming would append 8
		// more to a logical name that can already be 70 long.
		Name:             pulumi.String(naming.Physical(naming.MaxIAMRoleName, c.clusterName, "irsa", name)),
		AssumeRolePolicy: trust,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.attach(ctx, logical, role, args.PolicyARNs, args.Policy, opts); err != nil {
		return nil, err
	}
	return role, nil
}

// attach attaches the managed policies and the inline policy (when not
// nil) to a role of the cluster's, recording them so what uses the role
// can wait for them.
func (c *Cluster) attach(ctx *pulumi.Context, logical string, role *iam.Role, arns []string, inline pulumi.StringInput, opts []pulumi.ResourceOption) error {
	for i, arn := range arns {
		att, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-%d", logical, i), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(arn),
		}, opts...)
		if err != nil {
			return err
		}
		c.policies[role] = append(c.policies[role], att)
	}
	if inline != nil {
		in, err := iam.NewRolePolicy(ctx, logical+"-inline", &iam.RolePolicyArgs{Role: role.ID(), Policy: inline}, opts...)
		if err != nil {
			return err
		}
		c.policies[role] = append(c.policies[role], in)
	}
	return nil
}

// RolePolicies returns the policy attachments and inline policies of a
// role ServiceAccountRole created: what uses the role should depend on
// them too (pulumi.DependsOn), so that it is created after its
// permissions and deleted before them.
func (c *Cluster) RolePolicies(role *iam.Role) []pulumi.Resource {
	return slices.Clone(c.policies[role])
}
