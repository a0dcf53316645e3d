package awsiam

import (
	"strings"
	"testing"
)

func TestARNChecks(t *testing.T) {
	cases := []struct {
		check func(string) error
		in    string
		want  string // "" when the ARN is accepted
	}{
		{CheckRoleARN, "arn:aws:iam::123456789012:role/admin", ""},
		{CheckRoleARN, "arn:aws-us-gov:iam::123456789012:role/team/deploy", ""},
		{CheckRoleARN, "arn:aws:iam::123456789012:user/admin", "is not an IAM role ARN"},
		{CheckRoleARN, "arn:aws:iam:eu-west-1:123456789012:role/admin", "is not an IAM role ARN"},
		{CheckRoleARN, "arn:aws:iam::1234:role/admin", "is not an IAM role ARN"},
		{CheckRoleARN, "arn:aws:iam::123456789012:role/", "is not an IAM role ARN"},
		{CheckRoleARN, "admin", "is not an IAM role ARN"},
		{CheckPolicyARN, "arn:aws:iam::aws:policy/ReadOnlyAccess", ""},
		{CheckPolicyARN, "arn:aws:iam::123456789012:policy/web-s3", ""},
		{CheckPolicyARN, "arn:aws:iam::aws:policy/AdministratorAccess", "gives every permission"},
		{CheckPolicyARN, "arn:aws:iam::123456789012:policy/", "is not an IAM policy ARN"},
		{CheckPolicyARN, "arn:aws:s3:::bucket", "is not an IAM policy ARN"},
		{CheckCertificateARN, "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f", ""},
		{CheckCertificateARN, "arn:aws:acm::123456789012:certificate/0a1b", "is not an ACM certificate ARN"},
		{CheckCertificateARN, "arn:aws:iam::123456789012:server-certificate/web", "is not an ACM certificate ARN"},
	}
	for _, c := range cases {
		err := c.check(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.in, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error with %q", c.in, err, c.want)
		}
	}
}

func TestResourceName(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:role/team/web":                        "web",
		"arn:aws:iam::123456789012:role/web":                             "web",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf": "db-AbCdEf",
		"web": "",
	} {
		if got := ResourceName(in); got != want {
			t.Errorf("ResourceName(%q) = %q, want %q", in, got, want)
		}
	}
}
