package awsiam

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// kmsResourceRE is the resource part of a KMS key or alias ARN (AWS KMS
// Developer Guide, "Key identifiers (KeyId)": key/<key-id>, alias/<name>).
var kmsResourceRE = regexp.MustCompile(`^(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$`)

// CheckKMSKeyARN checks that s is the ARN of a KMS key or alias, as the
// services that encrypt with a customer-managed key take it (a key id or
// an alias name alone is refused by some of them, EKS among them).
func CheckKMSKeyARN(s string) error {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "kms" || a.Region == "" || len(a.AccountID) != 12 || !kmsResourceRE.MatchString(a.Resource) {
		hint := ""
		if !strings.HasPrefix(s, "arn:") {
			hint = " (a key id or alias name alone is not enough)"
		}
		return fmt.Errorf("%q is not a KMS key ARN%s: use arn:aws:kms:<region>:<account>:key/<id> (an alias ARN works too)", s, hint)
	}
	return nil
}
