package policy

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// graph answers the ordering questions deployability rules ask of a
// stack: what a resource waits for when the engine creates it (its
// recorded dependencies and its provider, transitively; the engine
// deletes in the reverse order), and which cluster a Kubernetes provider
// talks to.
type graph struct {
	byURN map[string]Resource
	up    map[string]map[string]bool
}

func newGraph(rs []Resource) *graph {
	g := &graph{byURN: map[string]Resource{}, up: map[string]map[string]bool{}}
	for _, r := range rs {
		if r.URN != "" {
			g.byURN[r.URN] = r
		}
	}
	return g
}

// upstream returns every URN r waits for, transitively.
func (g *graph) upstream(r Resource) map[string]bool {
	if r.URN != "" {
		if seen, ok := g.up[r.URN]; ok {
			return seen
		}
	}
	seen := map[string]bool{}
	queue := append(append([]string(nil), r.Dependencies...), r.Provider)
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		if d, ok := g.byURN[u]; ok {
			queue = append(append(queue, d.Dependencies...), d.Provider)
		}
	}
	if r.URN != "" {
		g.up[r.URN] = seen
	}
	return seen
}

// waitsFor reports whether r is created after the resource urn.
func (g *graph) waitsFor(r Resource, urn string) bool { return g.upstream(r)[urn] }

// upstreamOfType returns the resources of type typ that r waits for, in
// URN order.
func (g *graph) upstreamOfType(r Resource, typ string) []Resource {
	var out []Resource
	for u := range g.upstream(r) {
		if d, ok := g.byURN[u]; ok && d.Type == typ {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// direct returns the resources of type typ that r depends on directly.
func (g *graph) direct(r Resource, typ string) []Resource {
	var out []Resource
	for _, u := range r.Dependencies {
		if d, ok := g.byURN[u]; ok && d.Type == typ {
			out = append(out, d)
		}
	}
	return out
}

// dependents returns the resources of type typ that depend directly on r.
func dependents(rs []Resource, r Resource, typ string) []Resource {
	var out []Resource
	for _, d := range rs {
		if d.Type == typ && slices.Contains(d.Dependencies, r.URN) {
			out = append(out, d)
		}
	}
	return out
}

// clusterOf returns the EKS or GKE cluster whose API the provider of r
// talks to: the cluster that provider (through its kubeconfig) waits for.
func (g *graph) clusterOf(r Resource) (Resource, bool) {
	p, ok := g.byURN[r.Provider]
	if !ok {
		return Resource{}, false
	}
	for _, typ := range []string{tEKSCluster, tGKECluster} {
		if cs := g.upstreamOfType(p, typ); len(cs) > 0 {
			return cs[0], true
		}
	}
	return Resource{}, false
}

// minorOf returns the minor number of a "1.29" version string, or -1.
func minorOf(version string) int {
	_, minor, ok := strings.Cut(version, ".")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(minor)
	if err != nil {
		return -1
	}
	return n
}
