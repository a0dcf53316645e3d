package plinthtest

import (
	"github.com/plinth-dev/plinth/pkg/podsecurity"
)

// workloadTypes are the Kubernetes types whose pod templates are checked.
var workloadTypes = []string{"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"}

// RequireRestrictedPods evaluates the pod template of every Deployment,
// StatefulSet and DaemonSet the run registered with the upstream Pod
// Security evaluator at level restricted, and reports each one it does not
// allow. A run that registered none fails: the check would have checked
// nothing.
func (s *Stack) RequireRestrictedPods(t T) {
	t.Helper()
	n := 0
	for _, typ := range workloadTypes {
		for _, d := range s.ByType(typ) {
			n++
			res, err := podsecurity.EvaluateJSON(podsecurity.Restricted, d.Value(t, "spec.template"))
			if err != nil || !res.Allowed {
				t.Errorf("%s %q is not restricted: %v %v", typ, d.Name, res, err)
			}
		}
	}
	if n == 0 {
		t.Errorf("no Deployment, StatefulSet or DaemonSet was registered: RequireRestrictedPods checked nothing; registered:\n%s", s.Inventory())
	}
}
