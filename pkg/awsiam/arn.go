package awsiam

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

var (
	// accountRE is an AWS account id: 12 digits.
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	// roleResourceRE is the resource part of a role ARN: "role/", an
	// optional path and the name (IAM User Guide, "IAM identifiers" and
	// "IAM object quotas": names of [\w+=,.@-]).
	roleResourceRE = regexp.MustCompile(`^role/([A-Za-z0-9+=,.@_/-]+/)?[A-Za-z0-9+=,.@_-]{1,64}$`)
	// certificateResourceRE is the resource part of an ACM certificate ARN.
	certificateResourceRE = regexp.MustCompile(`^certificate/[A-Za-z0-9-]+$`)
	// ecsClusterResourceRE is the resource part of an ECS cluster ARN: a
	// name of up to 255 letters, digits, hyphens and underscores (ECS API
	// Reference, CreateCluster, clusterName).
	ecsClusterResourceRE = regexp.MustCompile(`^cluster/[A-Za-z0-9_-]{1,255}$`)
)

// parse parses s as an ARN of service in an aws partition ("aws",
// "aws-cn", "aws-us-gov", …).
func parse(s, service string) (arn.ARN, bool) {
	a, err := arn.Parse(s)
	return a, err == nil && strings.HasPrefix(a.Partition, "aws") && a.Service == service
}

// CheckRoleARN checks that s is the ARN of an IAM role of an account, as
// the role fields of EKS, Pod Identity and IRSA take it.
func CheckRoleARN(s string) error {
	a, ok := parse(s, "iam")
	if !ok || a.Region != "" || !accountRE.MatchString(a.AccountID) || !roleResourceRE.MatchString(a.Resource) {
		return fmt.Errorf("%q is not an IAM role ARN: use arn:aws:iam::<account>:role/<name>", s)
	}
	return nil
}

// CheckPolicyARN checks that s is the ARN of an IAM managed policy, of an
// account or AWS-managed ("arn:aws:iam::aws:policy/…"), and not
// AdministratorAccess, which gives every permission.
func CheckPolicyARN(s string) error {
	a, ok := parse(s, "iam")
	if !ok || a.Region != "" || (a.AccountID != "aws" && !accountRE.MatchString(a.AccountID)) || !strings.HasPrefix(a.Resource, "policy/") || len(a.Resource) == len("policy/") {
		return fmt.Errorf("%q is not an IAM policy ARN: use arn:aws:iam::<account>:policy/<name>", s)
	}
	if a.Resource == "policy/AdministratorAccess" {
		return errors.New(strconv.Quote(s) + " gives every permission: attach a policy with only what is needed")
	}
	return nil
}

// CheckCertificateARN checks that s is the ARN of an ACM certificate, as
// an HTTPS listener takes it.
func CheckCertificateARN(s string) error {
	a, ok := parse(s, "acm")
	if !ok || a.Region == "" || !accountRE.MatchString(a.AccountID) || !certificateResourceRE.MatchString(a.Resource) {
		return fmt.Errorf("%q is not an ACM certificate ARN: use arn:aws:acm:<region>:<account>:certificate/<id>", s)
	}
	return nil
}

// CheckECSClusterARN checks that s is the ARN of an ECS cluster, as a
// service's cluster takes it.
func CheckECSClusterARN(s string) error {
	a, ok := parse(s, "ecs")
	if !ok || a.Region == "" || !accountRE.MatchString(a.AccountID) || !ecsClusterResourceRE.MatchString(a.Resource) {
		return fmt.Errorf("%q is not an ECS cluster ARN: use arn:aws:ecs:<region>:<account>:cluster/<name>", s)
	}
	return nil
}

// ResourceName returns the last path element of an ARN's resource ("web"
// of arn:aws:iam::123456789012:role/team/web), or "" if s is not an ARN.
func ResourceName(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	r := a.Resource
	return r[strings.LastIndexAny(r, "/:")+1:]
}
