// Package naming derives every name plinth gives to a resource: the Pulumi
// logical names of component children, the physical names of cloud and
// Kubernetes objects, cloud tags and Kubernetes labels.
//
// Names are part of plinth's API. A physical name is a pure function of its
// parts, so upgrading plinth never renames (and so never replaces) a
// resource. When the parts do not fit a provider's limit, the name is cut
// and a short hash of the whole name is appended, so two long names that
// share a prefix stay distinct and the same input always yields the same
// output.
//
// Limits used here:
//
//	| what                              | limit | constant             |
//	|-----------------------------------|-------|----------------------|
//	| AWS ALB / target group name       | 32    | MaxLoadBalancerName  |
//	| AWS IAM role name                 | 64    | MaxIAMRoleName       |
//	| AWS EKS cluster name              | 100   | MaxEKSClusterName    |
//	| GCP resource name (letter first)  | 63    | MaxGCPName           |
//	| GCP service account id            | 6–30  | MaxGCPServiceAccount |
//
// A resource whose name is left to Pulumi (auto-naming) gets
// AutoNameSuffix characters appended to its logical name, and a *NamePrefix
// on AWS gets PrefixSuffix: the limits above apply to the result.
// CheckELBName and CheckGCPServiceAccountID encode the APIs' own rules; the
// components validate with them, and so do the deployability rules of
// pkg/policy.
//
// This package imports no cloud SDK.
package naming
