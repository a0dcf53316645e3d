// Package eksaddon is what plinth knows about the Amazon EKS add-ons it
// installs: their names, the versions EKS offered for each Kubernetes
// minor version when this table was last read (the answers plinth's
// mocks give aws.eks.getAddonVersion), and the one compatibility rule
// that holds for any version: kube-proxy's version skew.
//
// EKS never upgrades an add-on by itself ("Amazon EKS doesn't
// automatically update an add-on when new versions are released or after
// you update your cluster to a new Kubernetes minor version", EKS User
// Guide, "Update an Amazon EKS add-on"). So plinth pins every add-on:
// to the version the user gives, or else to the default version EKS
// offers for the cluster's Kubernetes version, looked up when the
// program runs. A cluster version bump then changes the looked-up
// version, and the add-on is updated after the control plane.
//
// Sources, read 2026-12-07 (the version tables are the "latest version
// of the Amazon EKS add-on type for each Kubernetes version"):
//   - coredns: https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html
//   - kube-proxy: https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html
//   - vpc-cni: https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html
//     (one version for every minor; the newest page read listed 1.27–1.33,
//     and the same version is given for the minors after it)
//   - metrics-server: a community add-on, "Amazon EKS community add-ons",
//     https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html
//   - kube-proxy skew: "Version Skew Policy", kube-proxy,
//     https://kubernetes.io/releases/version-skew-policy/#kube-proxy
//
// aws-ebs-csi-driver, eks-pod-identity-agent and metrics-server publish
// no per-minor table. Their rows only give a lookup under mocks an
// answer in the API's form, and say where it comes from: the EBS CSI
// driver's was seen pinned in a public configuration; the other two are
// placeholders, not published versions. No rule judges these three: EKS
// itself refuses an incompatible version (CreateAddon,
// InvalidParameterException), and the real program looks them up.
//
// This package imports no cloud SDK.
package eksaddon

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The add-ons plinth installs, by their EKS names.
const (
	VPCCNI           = "vpc-cni"
	KubeProxy        = "kube-proxy"
	CoreDNS          = "coredns"
	PodIdentityAgent = "eks-pod-identity-agent"
	EBSCSIDriver     = "aws-ebs-csi-driver"
	MetricsServer    = "metrics-server"
)

// anyMinor keys a version that serves every Kubernetes minor.
const anyMinor = "*"

// versions is the table: add-on → Kubernetes minor → version.
var versions = map[string]map[string]string{
	CoreDNS: {
		"1.30": "v1.11.4-eksbuild.40", "1.31": "v1.11.4-eksbuild.40", "1.32": "v1.11.4-eksbuild.40",
		"1.33": "v1.12.4-eksbuild.18", "1.34": "v1.13.2-eksbuild.11", "1.35": "v1.14.3-eksbuild.3", "1.36": "v1.14.3-eksbuild.3",
	},
	KubeProxy: {
		"1.31": "v1.31.14-eksbuild.20", "1.32": "v1.32.13-eksbuild.16", "1.33": "v1.33.10-eksbuild.13",
		"1.34": "v1.34.6-eksbuild.13", "1.35": "v1.35.3-eksbuild.13", "1.36": "v1.36.0-eksbuild.14",
	},
	VPCCNI:       {anyMinor: "v1.20.1-eksbuild.3"},
	EBSCSIDriver: {anyMinor: "v1.35.0-eksbuild.1"}, // seen pinned in a public configuration
	// Placeholders of the API's form, not published versions (see the
	// package doc).
	PodIdentityAgent: {anyMinor: "v1.0.0-eksbuild.1"},
	MetricsServer:    {anyMinor: "v0.0.0-eksbuild.1"},
}

// Version returns the version the table holds for an add-on on a
// Kubernetes minor version, and whether it holds one.
func Version(addon, minor string) (string, bool) {
	rows, ok := versions[addon]
	if !ok {
		return "", false
	}
	if v, ok := rows[minor]; ok {
		return v, true
	}
	v, ok := rows[anyMinor]
	return v, ok
}

// VersionRE is the form of an add-on version: v1.19.2-eksbuild.1.
var VersionRE = regexp.MustCompile(`^v([0-9]+)\.([0-9]+)\.[0-9]+-(minimal-)?eksbuild\.[0-9]+$`)

// MaxKubeProxySkew is how many minor versions kube-proxy may lag the
// control plane; it may never be newer.
const MaxKubeProxySkew = 3

// CheckKubeProxy returns nil when kube-proxy at version may run with a
// control plane at minor ("1.35"), and otherwise an error that reads
// after the version's field name.
func CheckKubeProxy(version, minor string) error {
	m := VersionRE.FindStringSubmatch(version)
	cluster, err := minorNumber(minor)
	if m == nil || err != nil || m[1] != "1" {
		return nil // not a version this rule can read; EKS refuses malformed ones
	}
	proxy, _ := strconv.Atoi(m[2])
	switch {
	case proxy > cluster:
		return fmt.Errorf("%q is newer than the cluster's Kubernetes %s: kube-proxy must not be newer than the API server; use a v1.%d.x version", version, minor, cluster)
	case cluster-proxy > MaxKubeProxySkew:
		return fmt.Errorf("%q is %d minor versions behind the cluster's Kubernetes %s: kube-proxy may lag the API server by at most %d; update it to a v1.%d.x version (leave addOns.kubeProxy empty and plinth follows the cluster)",
			version, cluster-proxy, minor, MaxKubeProxySkew, cluster)
	}
	return nil
}

// minorNumber reads "1.35" as 35.
func minorNumber(minor string) (int, error) {
	major, rest, ok := strings.Cut(minor, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("%q is not a 1.x minor version", minor)
	}
	return strconv.Atoi(rest)
}
