// Package clusterautoscaler is the compatibility table of the Kubernetes
// Cluster Autoscaler: for each Kubernetes minor version, the image and
// the Helm chart plinth installs, and the rule that a chart and an image
// must satisfy together on a cluster.
//
// Two facts make the table necessary:
//   - The autoscaler's minor version must match the cluster's
//     (cluster-autoscaler README, "Releases": "We recommend using Cluster
//     Autoscaler with the Kubernetes control plane version for which it
//     was meant").
//   - From 1.35 the autoscaler locks dynamic resource allocation on
//     (flags.go: "--enable-dynamic-resource-allocation flag must be
//     true") and waits at start-up for its resource.k8s.io informers
//     (deviceclasses, resourceslices, resourceclaims). A chart whose
//     ClusterRole does not grant them leaves the pod running and never
//     scaling (kubernetes/autoscaler#10278). The chart's ClusterRole
//     grants them from chart 9.54.0 (templates/clusterrole.yaml).
//
// Rows were read from the kubernetes/autoscaler repository: image tags
// cluster-autoscaler-<version>, chart tags cluster-autoscaler-chart-<version>
// and each chart's Chart.yaml appVersion. A minor's chart is the one
// released with that autoscaler minor; 1.36 has no chart of its own yet,
// and takes 9.59.0, whose ClusterRole grants everything the 1.36 AWS
// example manifest (cloudprovider/aws/examples) does and whose default
// flags the 1.36 image accepts. Add a row when EKS adds a version
// (pkg/eksversion).
//
// This package imports no cloud SDK.
package clusterautoscaler

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Release is what plinth installs on a cluster of one Kubernetes minor.
type Release struct {
	// Minor is the cluster's Kubernetes minor version, e.g. "1.35".
	Minor string
	// Chart is the cluster-autoscaler chart version.
	Chart string
	// Image is the autoscaler's image tag.
	Image string
}

// Releases is the table, oldest first.
var Releases = []Release{
	{"1.32", "9.46.6", "v1.32.7"},
	{"1.33", "9.51.0", "v1.33.6"},
	{"1.34", "9.53.0", "v1.34.5"},
	{"1.35", "9.59.0", "v1.35.2"},
	{"1.36", "9.59.0", "v1.36.1"},
}

// DRAImageMinor is the first autoscaler minor that needs the chart's
// resource.k8s.io rules, and DRAChart the first chart that has them.
const (
	DRAImageMinor = 35
	DRAChart      = "9.54.0"
)

// For returns the release for a cluster's Kubernetes minor version.
func For(minor string) (Release, bool) {
	for _, r := range Releases {
		if r.Minor == minor {
			return r, true
		}
	}
	return Release{}, false
}

var (
	imageRE = regexp.MustCompile(`^v1\.([0-9]+)\.[0-9]+$`)
	chartRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.([0-9]+)$`)
)

// Problem is one way a chart and an image do not fit a cluster: the
// field it concerns ("chartVersion" or "imageTag") and why.
type Problem struct {
	Field, Message string
}

// Check returns what is wrong with running the autoscaler image imageTag
// from chart chartVersion on a cluster of Kubernetes minor clusterMinor
// ("1.35"); nil when they fit.
func Check(chartVersion, imageTag, clusterMinor string) []Problem {
	var out []Problem
	cluster, err := minorOf(clusterMinor)
	if err != nil {
		return nil // the cluster's version is validated on its own field
	}
	m := imageRE.FindStringSubmatch(imageTag)
	if m == nil {
		return append(out, Problem{"imageTag", fmt.Sprintf("%q is not a Cluster Autoscaler image tag: use v1.<minor>.<patch>, e.g. %q", imageTag, suggest(clusterMinor))})
	}
	image, _ := strconv.Atoi(m[1])
	if image != cluster {
		out = append(out, Problem{"imageTag", fmt.Sprintf("%q is for Kubernetes 1.%d, but the cluster runs %s: the Cluster Autoscaler's minor version must match the cluster's; use %q", imageTag, image, clusterMinor, suggest(clusterMinor))})
	}
	if image >= DRAImageMinor && chartVersion != "" && less(chartVersion, DRAChart) {
		out = append(out, Problem{"chartVersion", fmt.Sprintf("%q predates chart %s, the first whose ClusterRole grants resource.k8s.io: autoscaler %s locks dynamic resource allocation on and waits for those informers, so it would run and never scale (kubernetes/autoscaler#10278); use chart %s or later",
			chartVersion, DRAChart, imageTag, DRAChart)})
	}
	return out
}

// suggest is the image tag the table gives for a minor, or its form.
func suggest(minor string) string {
	if r, ok := For(minor); ok {
		return r.Image
	}
	return "v" + minor + ".0"
}

// minorOf reads "1.35" as 35.
func minorOf(minor string) (int, error) {
	major, rest, ok := strings.Cut(minor, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("%q is not a 1.x minor version", minor)
	}
	return strconv.Atoi(rest)
}

// less reports whether chart version a is older than b (both x.y.z; an
// unreadable version counts as not older).
func less(a, b string) bool {
	pa, pb := chartRE.FindStringSubmatch(a), chartRE.FindStringSubmatch(b)
	if pa == nil || pb == nil {
		return false
	}
	for i := 1; i <= 3; i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return false
}
