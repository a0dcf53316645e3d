package rollouts

import (
	"fmt"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Validate checks the arguments of a controller called name, with
// defaults applied, and returns every problem, each naming its field and
// the fix. New calls it before registering anything.
func (a Args) Validate(name string) error {
	p := problem.List{Prefix: fmt.Sprintf("rollouts %q: ", name)}
	p.DNSLabel("name", name)
	a = a.Defaults()
	p.Add("tier", a.Tier.Check())
	p.Namespace("namespace", a.Namespace, "run the controller in its own namespace")
	chart.CheckRepository(&p, "chart.repository", a.Chart.Repository, "the Argo Helm repository")
	if *a.Replicas < 1 {
		p.Addf("replicas", "is %d: run at least one controller, or rollouts stop progressing", *a.Replicas)
	}
	for _, k := range []string{"installCRDs", "dashboard"} {
		if _, ok := a.ExtraValues[k]; ok {
			p.Addf("extraValues."+k, "is set by plinth (see the package doc): change the typed field, or leave it")
		}
	}
	return p.Err()
}
