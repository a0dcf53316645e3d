// Package awsiam builds AWS IAM policy documents as typed Go values and
// serialises them to the JSON IAM expects, so that every policy plinth
// attaches is readable in code and checkable in tests (no "*" actions,
// exact resources). It imports no cloud SDK.
package awsiam

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Version is the IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]any               `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Allow returns a statement allowing actions on resources.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// New returns a document of statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON serialises the document.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		// Only strings and maps of strings: marshalling cannot fail.
		panic(err)
	}
	return string(b)
}

// AssumeRoleForService is the trust policy that lets an AWS service (e.g.
// "eks.amazonaws.com") assume a role, and call the extra actions too
// (e.g. "sts:TagSession" for services that tag their sessions).
func AssumeRoleForService(service string, extra ...string) Document {
	return New(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    append([]string{"sts:AssumeRole"}, extra...),
	})
}

// PodIdentityService is the service principal of EKS Pod Identity.
const PodIdentityService = "pods.eks.amazonaws.com"

// AssumeRoleForPodIdentity is the trust policy of a role EKS Pod Identity
// gives pods: the Pod Identity service may assume it and tag the session
// (with the cluster, namespace and service account, which the role's
// policies can condition on). EKS refuses an association whose role does
// not trust both actions (EKS User Guide, "Create a Pod Identity
// association": https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html).
func AssumeRoleForPodIdentity() Document {
	return AssumeRoleForService(PodIdentityService, "sts:TagSession")
}

// AssumeRoleWithWebIdentity is an IRSA trust policy: only the service
// account namespace/name of the cluster whose OIDC provider is
// providerARN (issuer URL issuer) may assume the role, and only for the
// STS audience.
func AssumeRoleWithWebIdentity(providerARN, issuer, namespace, serviceAccount string) Document {
	host := strings.TrimPrefix(issuer, "https://")
	return New(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]string{"StringEquals": {
			host + ":sub": fmt.Sprintf("system:serviceaccount:%s:%s", namespace, serviceAccount),
			host + ":aud": "sts.amazonaws.com",
		}},
	})
}

// Parse decodes a policy document; Action and Resource may be a string or
// a list, as IAM allows.
func Parse(s string) (Document, error) {
	var raw struct {
		Version   string `json:"Version"`
		Statement []struct {
			Sid       string                       `json:"Sid"`
			Effect    string                       `json:"Effect"`
			Principal map[string]any               `json:"Principal"`
			Action    json.RawMessage              `json:"Action"`
			Resource  json.RawMessage              `json:"Resource"`
			Condition map[string]map[string]string `json:"Condition"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return Document{}, err
	}
	d := Document{Version: raw.Version}
	for _, st := range raw.Statement {
		actions, err := stringOrList(st.Action)
		if err != nil {
			return d, fmt.Errorf("statement action: %w", err)
		}
		resources, err := stringOrList(st.Resource)
		if err != nil {
			return d, fmt.Errorf("statement resource: %w", err)
		}
		d.Statement = append(d.Statement, Statement{Sid: st.Sid, Effect: st.Effect, Principal: st.Principal,
			Action: actions, Resource: resources, Condition: st.Condition})
	}
	return d, nil
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	err := json.Unmarshal(raw, &many)
	return many, err
}

// WildcardActions returns the actions of allow statements that are "*"
// or end in ":*" (a service's every action).
func (d Document) WildcardActions() []string {
	var out []string
	for _, st := range d.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				out = append(out, a)
			}
		}
	}
	return out
}

// The AWS managed policies EKS Auto Mode needs (EKS User Guide, "Amazon
// EKS Auto Mode cluster IAM role" and "Amazon EKS Auto Mode node IAM
// role": https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html,
// https://docs.aws.amazon.com/eks/latest/userguide/auto-create-node-role.html).
var (
	// EKSAutoModeClusterPolicies are attached to the cluster role, next to
	// AmazonEKSClusterPolicy, for Auto Mode to manage instances, volumes,
	// load balancers and network interfaces; the role must also trust
	// eks.amazonaws.com for sts:TagSession.
	EKSAutoModeClusterPolicies = []string{"AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"}
	// EKSAutoModeNodePolicies are attached to the role of Auto Mode's
	// nodes, which trusts ec2.amazonaws.com.
	EKSAutoModeNodePolicies = []string{"AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"}
)
