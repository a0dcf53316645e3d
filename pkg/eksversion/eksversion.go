// Package eksversion is the calendar of the Kubernetes minor versions
// Amazon EKS offers: when each was released, and when its standard and
// extended support end. EKS refuses to create a cluster on a version past
// the end of extended support, and upgrades a cluster whose support has
// ended by itself, after which a program that still pins the old version
// would try to downgrade it. So plinth checks a pinned version against
// this calendar, on the day of the deployment, before anything registers.
//
// Source: "Understand the Kubernetes version lifecycle on EKS",
// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
// (release calendar). Add a row when AWS publishes a new version's dates.
//
// This package imports no cloud SDK.
package eksversion

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Support types of an EKS cluster's upgrade policy
// (upgradePolicy.supportType).
const (
	// SupportStandard ends a version's support 14 months after its
	// release; EKS then upgrades the control plane itself.
	SupportStandard = "STANDARD"
	// SupportExtended adds 12 months at an extra hourly cost. It is what
	// EKS applies when the upgrade policy is unset.
	SupportExtended = "EXTENDED"
)

// Default is the version plinth creates clusters with: the newest in
// standard support on the calendar below.
const Default = "1.36"

// WarnBefore is how long before the end of support a version is reported
// (as an advisory finding) so it can be upgraded on the team's schedule
// rather than by AWS.
const WarnBefore = 60 * 24 * time.Hour

// Release is one Kubernetes minor version on EKS.
type Release struct {
	// Minor is the version as EKS takes it, e.g. "1.35".
	Minor string
	// Released is the day EKS made it available.
	Released time.Time
	// EndOfStandardSupport is the first day it is no longer in standard support.
	EndOfStandardSupport time.Time
	// EndOfExtendedSupport is the first day it can no longer be created or run.
	EndOfExtendedSupport time.Time
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // the calendar below is a constant
	}
	return t
}

// Releases is the EKS calendar, oldest first.
var Releases = []Release{
	{"1.28", day("2023-09-26"), day("2024-11-26"), day("2025-11-26")},
	{"1.29", day("2024-01-23"), day("2025-03-23"), day("2026-03-23")},
	{"1.30", day("2024-05-23"), day("2025-07-23"), day("2026-07-23")},
	{"1.31", day("2024-09-26"), day("2025-11-26"), day("2026-11-26")},
	{"1.32", day("2025-01-23"), day("2026-03-23"), day("2027-03-23")},
	{"1.33", day("2025-05-29"), day("2026-07-29"), day("2027-07-29")},
	{"1.34", day("2025-10-02"), day("2026-12-02"), day("2027-12-02")},
	{"1.35", day("2026-01-27"), day("2027-03-27"), day("2028-03-27")},
	{"1.36", day("2026-06-02"), day("2027-08-02"), day("2028-08-02")},
}

// Lookup returns the release of minor.
func Lookup(minor string) (Release, bool) {
	i := slices.IndexFunc(Releases, func(r Release) bool { return r.Minor == minor })
	if i < 0 {
		return Release{}, false
	}
	return Releases[i], true
}

// End returns the first day the release is out of the support a cluster
// with supportType pays for ("" counts as EKS's default, EXTENDED).
func (r Release) End(supportType string) time.Time {
	if supportType == SupportStandard {
		return r.EndOfStandardSupport
	}
	return r.EndOfExtendedSupport
}

// Usable returns the versions that can be deployed on today with
// supportType, oldest first.
func Usable(supportType string, today time.Time) []string {
	var out []string
	for _, r := range Releases {
		if !today.Before(r.Released) && today.Before(r.End(supportType)) {
			out = append(out, r.Minor)
		}
	}
	return out
}

// Check returns nil when a cluster on minor, with supportType, can be
// created or kept on today; otherwise an error that reads after a field
// name ("version") and says what to use instead.
func Check(minor, supportType string, today time.Time) error {
	if supportType != "" && supportType != SupportStandard && supportType != SupportExtended {
		return fmt.Errorf("support type %q is not STANDARD or EXTENDED", supportType)
	}
	today = today.UTC().Truncate(24 * time.Hour)
	usable := strings.Join(Usable(supportType, today), ", ")
	r, ok := Lookup(minor)
	if !ok {
		return fmt.Errorf("%q is not a Kubernetes minor version EKS offers: use one of %s", minor, usable)
	}
	if today.Before(r.Released) {
		return fmt.Errorf("%q is not released on EKS until %s: use one of %s", minor, r.Released.Format(time.DateOnly), usable)
	}
	if end := r.End(supportType); !today.Before(end) {
		what := "extended support"
		if supportType == SupportStandard {
			what = "standard support, after which EKS upgrades the control plane itself and a pinned version would ask for a downgrade"
		}
		return fmt.Errorf("%q is past the end of %s (%s): upgrade to one of %s", minor, what, end.Format(time.DateOnly), usable)
	}
	return nil
}

// Expiring reports whether minor's support (of supportType) ends within
// WarnBefore of today, and when.
func Expiring(minor, supportType string, today time.Time) (time.Time, bool) {
	r, ok := Lookup(minor)
	if !ok {
		return time.Time{}, false
	}
	end := r.End(supportType)
	return end, today.Before(end) && end.Sub(today) <= WarnBefore
}

// Horizon returns the last day the calendar has a usable version with
// supportType: after it, every version plinth knows is out of that
// support, and every cluster with it fails validation until the calendar
// gains a row.
func Horizon(supportType string) time.Time {
	var last time.Time
	for _, r := range Releases {
		if end := r.End(supportType); end.After(last) {
			last = end
		}
	}
	return last.AddDate(0, 0, -1)
}

// HorizonNear reports whether the calendar runs out of versions with
// supportType within WarnBefore of today, and on which day.
func HorizonNear(supportType string, today time.Time) (time.Time, bool) {
	h := Horizon(supportType)
	return h, !today.After(h) && h.Sub(today) <= WarnBefore
}
