package awsiam

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// SecretRef is a reference to a Secrets Manager secret or an SSM
// parameter, as ECS takes it in a container definition's
// secrets[].valueFrom.
type SecretRef struct {
	// ARN is the parsed reference.
	ARN arn.ARN
	// Service is "secretsmanager" or "ssm".
	Service string
	// ResourceARN is the secret or parameter itself: for Secrets Manager,
	// the reference without its ":json-key:version-stage:version-id" part.
	ResourceARN string
	// JSONKey is the key of a JSON secret ECS reads ("" for the whole value).
	JSONKey string
}

// secretSuffixRE matches the six random characters Secrets Manager
// appends to a secret's name in its ARN.
var secretSuffixRE = regexp.MustCompile(`-[A-Za-z0-9]{6}$`)

// ParseSecretRef reads valueFrom. Accepted forms (ECS "Pass sensitive data
// to a container", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html):
//
//	arn:aws:secretsmanager:<region>:<account>:secret:<name>[-<6 chars>]
//	arn:aws:secretsmanager:<region>:<account>:secret:<name>[-<6 chars>]:<json-key>:<version-stage>:<version-id>
//	arn:aws:ssm:<region>:<account>:parameter/<name>
//
// The error reads after a field name and says which form to use.
func ParseSecretRef(valueFrom string) (SecretRef, error) {
	a, err := arn.Parse(valueFrom)
	if err != nil {
		return SecretRef{}, fmt.Errorf("%q is not an ARN (%v): use arn:aws:secretsmanager:<region>:<account>:secret:<name> or arn:aws:ssm:<region>:<account>:parameter/<name>", valueFrom, err)
	}
	ref := SecretRef{ARN: a, Service: a.Service}
	if !regexp.MustCompile(`^[0-9]{12}$`).MatchString(a.AccountID) || a.Region == "" {
		return SecretRef{}, fmt.Errorf("%q has no region or 12-digit account: use the secret's full ARN", valueFrom)
	}
	switch a.Service {
	case "secretsmanager":
		parts := strings.Split(a.Resource, ":")
		if parts[0] != "secret" || len(parts) < 2 || parts[1] == "" || (len(parts) != 2 && len(parts) != 5) {
			return SecretRef{}, fmt.Errorf("%q is not a Secrets Manager secret reference: use …:secret:<name>, or …:secret:<name>:<json-key>:<version-stage>:<version-id> (empty stage and id for the current version) to read one key", valueFrom)
		}
		prefix := strings.TrimSuffix(valueFrom, a.Resource)
		ref.ResourceARN = prefix + "secret:" + parts[1]
		if len(parts) == 5 {
			ref.JSONKey = parts[2]
		}
	case "ssm":
		if !strings.HasPrefix(a.Resource, "parameter/") || len(a.Resource) == len("parameter/") {
			return SecretRef{}, fmt.Errorf("%q is not an SSM parameter ARN: use arn:aws:ssm:<region>:<account>:parameter/<name>", valueFrom)
		}
		ref.ResourceARN = valueFrom
	default:
		return SecretRef{}, fmt.Errorf("%q is a %s ARN: ECS reads secrets only from Secrets Manager or SSM Parameter Store", valueFrom, a.Service)
	}
	return ref, nil
}

// IAMResources returns the IAM resources that let a role read the secret.
// A Secrets Manager ARN without the six-character suffix (a "partial
// ARN") matches no secret in IAM, whose resource is always the full ARN:
// it gets "-??????" appended. A reference that seems to carry the suffix
// gets both forms, as a secret whose own name ends in "-" and six
// characters cannot be told from a full ARN (Secrets Manager user guide,
// "Resources: secret ARN", https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html).
func (r SecretRef) IAMResources() []string {
	if r.Service != "secretsmanager" {
		return []string{r.ResourceARN}
	}
	if secretSuffixRE.MatchString(r.ResourceARN) {
		return []string{r.ResourceARN, r.ResourceARN + "-??????"}
	}
	return []string{r.ResourceARN + "-??????"}
}

// RuntimeARN is an ARN the secret can have when ECS reads it: the full
// ARN, with a sample suffix where the reference is partial.
func (r SecretRef) RuntimeARN() string {
	if r.Service == "secretsmanager" && !secretSuffixRE.MatchString(r.ResourceARN) {
		return r.ResourceARN + "-AbC123"
	}
	return r.ResourceARN
}

// Action is the IAM action ECS's execution role needs to read the secret.
func (r SecretRef) Action() string {
	if r.Service == "ssm" {
		return "ssm:GetParameters"
	}
	return "secretsmanager:GetSecretValue"
}

// Matches reports whether an IAM resource or action pattern (with "*" and
// "?" wildcards, which also match "/" and ":") matches s.
func Matches(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// Allows reports whether an Allow statement of d grants action on
// resource (conditions are not evaluated; Deny statements are not
// considered).
func (d Document) Allows(action, resource string) bool {
	for _, st := range d.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			if !Matches(strings.ToLower(a), strings.ToLower(action)) {
				continue
			}
			for _, res := range st.Resource {
				if Matches(res, resource) {
					return true
				}
			}
		}
	}
	return false
}
