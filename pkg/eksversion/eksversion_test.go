package eksversion

import (
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	on := func(s string) time.Time { return day(s) }
	tests := []struct {
		name, minor, support, today string
		wantErr                     string
	}{
		{"a version in standard support is accepted", "1.35", SupportStandard, "2026-12-02", ""},
		{"a version past extended support cannot be created", "1.31", SupportExtended, "2026-12-02", "past the end of extended support (2026-11-26)"},
		{"extended is EKS's default support type", "1.31", "", "2026-12-02", "past the end of extended support"},
		{"on its last day of standard support a version still passes", "1.34", SupportStandard, "2026-12-01", ""},
		{"past standard support, a STANDARD cluster would be upgraded by AWS", "1.33", SupportStandard, "2026-12-02", "after which EKS upgrades the control plane itself"},
		{"the same version is fine on extended support", "1.33", SupportExtended, "2026-12-02", ""},
		{"a version EKS never offered", "1.99", SupportStandard, "2026-12-02", "is not a Kubernetes minor version EKS offers: use one of 1.35, 1.36"},
		{"a version before its release", "1.35", SupportStandard, "2025-12-01", "not released on EKS until 2026-01-27"},
		{"an unknown support type", "1.35", "FOREVER", "2026-12-02", "support type \"FOREVER\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.minor, tt.support, on(tt.today))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check(%s, %s, %s) = %v, want nil", tt.minor, tt.support, tt.today, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check(%s, %s, %s) = %v, want an error containing %q", tt.minor, tt.support, tt.today, err, tt.wantErr)
			}
		})
	}
}

func TestUsableAndExpiring(t *testing.T) {
	if got := strings.Join(Usable(SupportStandard, day("2026-12-02")), ","); got != "1.35,1.36" {
		t.Errorf("standard support on 2026-12-02 = %s, want 1.35,1.36", got)
	}
	if got := strings.Join(Usable(SupportExtended, day("2026-12-02")), ","); got != "1.32,1.33,1.34,1.35,1.36" {
		t.Errorf("extended support on 2026-12-02 = %s, want 1.32–1.36", got)
	}
	// Without 1.36, no STANDARD version was usable from 2027-03-27: the
	// calendar's end is what the advisory warns of.
	if got := strings.Join(Usable(SupportStandard, day("2027-04-01")), ","); got != "1.36" {
		t.Errorf("standard support on 2027-04-01 = %s, want 1.36", got)
	}
	if end, soon := Expiring("1.35", SupportStandard, day("2027-02-01")); !soon || end != day("2027-03-27") {
		t.Errorf("1.35 on 2027-02-01 expiring = %v %v, want true, 2027-03-27", soon, end)
	}
	if _, soon := Expiring("1.35", SupportStandard, day("2026-12-02")); soon {
		t.Errorf("1.35 on 2026-12-02 is reported as expiring within %v", WarnBefore)
	}
}

func TestCalendarIsOrderedAndDefaultIsListed(t *testing.T) {
	for i, r := range Releases {
		if !r.Released.Before(r.EndOfStandardSupport) || !r.EndOfStandardSupport.Before(r.EndOfExtendedSupport) {
			t.Errorf("%s: dates out of order", r.Minor)
		}
		if i > 0 && !Releases[i-1].Released.Before(r.Released) {
			t.Errorf("%s is listed after %s but released earlier", r.Minor, Releases[i-1].Minor)
		}
	}
	if _, ok := Lookup(Default); !ok {
		t.Fatalf("Default %s is not on the calendar", Default)
	}
}

func TestHorizon(t *testing.T) {
	if got := Horizon(SupportStandard); got != day("2027-08-01") {
		t.Errorf("the calendar's last STANDARD day = %s, want 2027-08-01 (1.36's standard support ends 2027-08-02)", got.Format(time.DateOnly))
	}
	for _, tt := range []struct {
		today string
		near  bool
	}{{"2027-05-31", false}, {"2027-06-02", true}, {"2027-08-01", true}, {"2027-08-02", false}} {
		if _, near := HorizonNear(SupportStandard, day(tt.today)); near != tt.near {
			t.Errorf("HorizonNear on %s = %v, want %v (warn within %v of the last day)", tt.today, near, tt.near, WarnBefore)
		}
	}
}

// TestDefaultIsTheNewestInStandardSupport: the default is the newest
// version the calendar holds that is in standard support today.
func TestDefaultIsTheNewestInStandardSupport(t *testing.T) {
	usable := Usable(SupportStandard, time.Now())
	if len(usable) == 0 || usable[len(usable)-1] != Default {
		t.Fatalf("Default is %s, but the newest version in standard support today is %v", Default, usable)
	}
}

// TestDefaultIsInStandardSupportToday fails on the day plinth's default
// version leaves standard support: the default must then move on (and
// the calendar grow), before users' deployments start to be refused.
func TestDefaultIsInStandardSupportToday(t *testing.T) {
	if err := Check(Default, SupportStandard, time.Now()); err != nil {
		t.Fatalf("the default version: %v", err)
	}
}
