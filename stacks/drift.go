package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// Drift is what differs between a stack's state and what exists: the
// resources the state records that are gone (Missing) or were changed
// outside plinth (Changed), from a refresh that is only previewed
// (nothing is written), and, for a Kubernetes-only stack, the objects of
// the stack's label that the state does not record (Untracked).
type Drift struct {
	Missing, Changed, Untracked []string
}

// Empty reports whether nothing drifted.
func (d Drift) Empty() bool { return len(d.Missing)+len(d.Changed)+len(d.Untracked) == 0 }

func (d Drift) String() string {
	var b strings.Builder
	for _, part := range []struct {
		what  string
		names []string
	}{
		{"missing (deleted outside plinth)", d.Missing},
		{"changed outside plinth", d.Changed},
		{"untracked (of this stack's label, recorded by no state)", d.Untracked},
	} {
		if len(part.names) > 0 {
			fmt.Fprintf(&b, "%s:\n  %s\n", part.what, strings.Join(part.names, "\n  "))
		}
	}
	return b.String()
}

// Drift compares the stack's state with what exists, changing nothing.
func (d *Driver) Drift(ctx context.Context) (Drift, error) {
	s, err := d.Open(ctx)
	if err != nil {
		return Drift{}, err
	}
	return d.drift(ctx, s)
}

func (d *Driver) drift(ctx context.Context, s auto.Stack) (Drift, error) {
	var out Drift
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			if ev.ResOutputsEvent == nil {
				continue
			}
			m := ev.ResOutputsEvent.Metadata
			name := fmt.Sprintf("%s %s", m.Type, resource.URN(m.URN).Name())
			switch m.Op {
			case "delete":
				out.Missing = append(out.Missing, name)
			case "update":
				out.Changed = append(out.Changed, name)
			}
		}
	}()
	_, err := s.PreviewRefresh(ctx, optrefresh.EventStreams(ch), optrefresh.ShowSecrets(false), optrefresh.Parallel(d.parallel()))
	<-done
	if err != nil {
		return Drift{}, fmt.Errorf("preview a refresh: %w", err)
	}
	if d.kubernetesOnly() {
		c, err := ambientCluster()
		if err != nil {
			return Drift{}, err
		}
		state, err := s.Export(ctx)
		if err != nil {
			return Drift{}, err
		}
		objs, err := stateObjects(state)
		if err != nil {
			return Drift{}, err
		}
		live, err := c.labelled(ctx, naming.StackValue(projectName, d.Stack))
		if err != nil {
			return Drift{}, err
		}
		for _, u := range untracked(live, objs, timeZero) {
			out.Untracked = append(out.Untracked, describe(u))
		}
	}
	sort.Strings(out.Missing)
	sort.Strings(out.Changed)
	return out, nil
}
