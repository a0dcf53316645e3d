package awsiam

import (
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	d := New(Allow("Logs", []string{"logs:PutLogEvents"}, "arn:aws:logs:eu-west-1:1:log-group:x:*"))
	got, err := Parse(d.JSON())
	if err != nil || !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip = %+v %v, want %+v", got, err, d)
	}
}

func TestParseAcceptsStringsAndFlagsWildcards(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"},{"Effect":"Allow","Action":["ec2:Describe*"],"Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.WildcardActions(); !reflect.DeepEqual(got, []string{"s3:*"}) {
		t.Fatalf("WildcardActions = %v, want [s3:*] (Deny ignored, prefixes allowed)", got)
	}
}

func TestIRSATrustIsScoped(t *testing.T) {
	d := AssumeRoleWithWebIdentity("arn:aws:iam::1:oidc-provider/oidc.eks.x/id/A", "https://oidc.eks.x/id/A", "shop", "web")
	c := d.Statement[0].Condition["StringEquals"]
	if c["oidc.eks.x/id/A:sub"] != "system:serviceaccount:shop:web" || c["oidc.eks.x/id/A:aud"] != "sts.amazonaws.com" {
		t.Fatalf("conditions = %v", c)
	}
}
