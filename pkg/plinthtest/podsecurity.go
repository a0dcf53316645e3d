package plinthtest

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/podsecurity"
)

// RequireRestrictedPods evaluates the pod template of every Deployment the
// run registered with the upstream Pod Security evaluator at level
// restricted, and reports each one it does not allow.
func (s *Stack) RequireRestrictedPods(t testing.TB) {
	t.Helper()
	for _, d := range s.ByType("kubernetes:apps/v1:Deployment") {
		res, err := podsecurity.EvaluateJSON(podsecurity.Restricted, d.Value(t, "spec.template"))
		if err != nil || !res.Allowed {
			t.Errorf("Deployment %q is not restricted: %v %v", d.Name, res, err)
		}
	}
}
