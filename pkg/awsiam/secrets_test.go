package awsiam

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSecretRef(t *testing.T) {
	const sm = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
	tests := []struct {
		name, valueFrom string
		wantIAM         []string
		wantKey         string
		wantErr         string
	}{
		{"a full secret ARN", sm + "prod/db-Ab12Cd", []string{sm + "prod/db-Ab12Cd", sm + "prod/db-Ab12Cd-??????"}, "", ""},
		{"a partial ARN gets the suffix wildcard", sm + "prod/db", []string{sm + "prod/db-??????"}, "", ""},
		{"a JSON key is not part of the IAM resource", sm + "prod/db-Ab12Cd:password::", []string{sm + "prod/db-Ab12Cd", sm + "prod/db-Ab12Cd-??????"}, "password", ""},
		{"an SSM parameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/key", []string{"arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/key"}, "", ""},
		{"a JSON key with too few fields", sm + "prod/db-Ab12Cd:password", nil, "", "is not a Secrets Manager secret reference"},
		{"a plain name", "prod/db", nil, "", "is not an ARN"},
		{"another service", "arn:aws:s3:eu-west-1:123456789012:bucket/x", nil, "", "ECS reads secrets only from"},
		{"no account", "arn:aws:secretsmanager:eu-west-1::secret:db", nil, "", "12-digit account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := ParseSecretRef(tt.valueFrom)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSecretRef(%q) = %v, want error %q", tt.valueFrom, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ref.IAMResources(); !slices.Equal(got, tt.wantIAM) {
				t.Errorf("IAMResources = %v, want %v", got, tt.wantIAM)
			}
			if ref.JSONKey != tt.wantKey {
				t.Errorf("JSONKey = %q, want %q", ref.JSONKey, tt.wantKey)
			}
			// The role a policy of exactly these resources grants can
			// read the secret as ECS will name it at run time.
			doc := New(Allow("Read", []string{ref.Action()}, ref.IAMResources()...))
			if !doc.Allows(ref.Action(), ref.RuntimeARN()) {
				t.Errorf("a policy on %v does not allow %s on %s", ref.IAMResources(), ref.Action(), ref.RuntimeARN())
			}
		})
	}
}

func TestAllowsAndMatches(t *testing.T) {
	doc := New(Allow("Read", []string{"secretsmanager:GetSecretValue"}, "arn:aws:secretsmanager:eu-west-1:1:secret:db-??????"))
	if doc.Allows("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:1:secret:db") {
		t.Error("a partial ARN matched a pattern that requires the six-character suffix")
	}
	if !doc.Allows("SecretsManager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:1:secret:db-XyZ123") {
		t.Error("actions are case-insensitive in IAM")
	}
	if doc.Allows("secretsmanager:DeleteSecret", "arn:aws:secretsmanager:eu-west-1:1:secret:db-XyZ123") {
		t.Error("an action not granted was allowed")
	}
	if !Matches("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:eu-west-1:1:log-group:/a/b:*") {
		t.Error("* must match across / and :")
	}
}

func TestCheckKMSKeyARN(t *testing.T) {
	for _, ok := range []string{
		"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
		"arn:aws:kms:us-gov-west-1:123456789012:alias/platform/eks",
		"arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	} {
		if err := CheckKMSKeyARN(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{
		"1234abcd-12ab-34cd-56ef-1234567890ab",
		"alias/eks",
		"arn:aws:kms:eu-west-1:123456789012:1234abcd",
		"arn:aws:kms::123456789012:key/1234abcd",
		"arn:aws:kms:eu-west-1:1234:key/1234abcd",
		"arn:aws:s3:::bucket",
		"arn:aws:kms:eu-west-1:123456789012:key/",
	} {
		if err := CheckKMSKeyARN(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
