package eks

import (
	"fmt"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/naming"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// PodIdentityRoleArgs configures an EKS Pod Identity role.
type PodIdentityRoleArgs struct {
	// Namespace of the service account. Required.
	Namespace string
	// ServiceAccount is the service account's name. Required.
	ServiceAccount string
	// PolicyARNs are managed policies attached to the role.
	PolicyARNs []string
	// Policy is an inline policy document (JSON); nil for none.
	Policy pulumi.StringInput
}

// PodIdentity is a role EKS Pod Identity gives a service account's pods.
type PodIdentity struct {
	// RoleARN is the role's ARN, resolved once the association exists:
	// pass it to app.Args.ServiceAccount.PodIdentityRoleARN, so the pods
	// start after the association (EKS gives a pod its credentials when
	// the pod is created, and only if the association exists then).
	RoleARN pulumi.StringOutput
	// Role is the IAM role: attach more policies to it.
	Role *iam.Role
	// Association gives the role to the service account's pods.
	Association *awseks.PodIdentityAssociation
}

// PodIdentityRole gives the pods of the service account namespace/name an
// IAM role through EKS Pod Identity, the way AWS recommends giving pods a
// role: no OIDC provider per cluster, and one role can serve many
// clusters. The role trusts only pods.eks.amazonaws.com; the association
// is created after the role's policies and the Pod Identity agent (an
// add-on, or built into Auto Mode), and deleted before them. IRSA
// (ServiceAccountRole) remains for tools that need it.
func (c *Cluster) PodIdentityRole(ctx *pulumi.Context, name string, args PodIdentityRoleArgs, opts ...pulumi.ResourceOption) (*PodIdentity, error) {
	p := problem.List{Prefix: fmt.Sprintf("eks %q: podIdentityRole %q: ", c.name, name)}
	p.DNSLabel("name", name)
	p.DNSLabel("namespace", args.Namespace)
	p.DNSLabel("serviceAccount", args.ServiceAccount)
	if err := p.Err(); err != nil {
		return nil, err
	}
	opts = append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)
	logical := naming.Child(c.name, "pod-identity-"+name)
	role, err := iam.NewRole(ctx, logical, &iam.RoleArgs{
		Name:             pulumi.String(naming.Physical(naming.MaxIAMRoleName, c.clusterName, "pod", name)),
		AssumeRolePolicy: pulumi.String(awsiam.AssumeRoleForPodIdentity().JSON()),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.attach(ctx, logical, role, args.PolicyARNs, args.Policy, opts); err != nil {
		return nil, err
	}
	deps := append([]pulumi.Resource{role}, c.policies[role]...)
	if c.podIdentityAgent != nil {
		deps = append(deps, c.podIdentityAgent)
	}
	assoc, err := awseks.NewPodIdentityAssociation(ctx, logical, &awseks.PodIdentityAssociationArgs{
		ClusterName:    c.Name,
		Namespace:      pulumi.String(args.Namespace),
		ServiceAccount: pulumi.String(args.ServiceAccount),
		RoleArn:        role.Arn,
	}, append(opts, pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, err
	}
	return &PodIdentity{RoleARN: assoc.RoleArn, Role: role, Association: assoc}, nil
}
