package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/plinth-dev/plinth/pkg/naming"
)

// What a run of a Kubernetes-only stack leaves in the cluster is checked
// against what its state records, so that nothing it created is ever
// left behind untracked (docs/state.md, "Faults during a deploy"):
//
//   - every object plinth creates carries the stack's label
//     (naming.LabelStack) and applies as the stack's own field manager
//     (naming.AnnotationFieldManager);
//   - before an up, objects the state records under another field
//     manager (plinth before 0.2 let the provider pick one at random per
//     object) are handed to the stack's manager, so no apply conflicts
//     with a manager the state forgot;
//   - after an up that completed, every object of the stack's label
//     that the state does not record, and that existed before the up
//     began, is deleted: the program no longer declares it, and only a
//     run whose record was lost (a killed run) can have created it.
//
// Objects created after the up began are never pruned: a run that
// starts once this one released its lock may be creating them.

// objectKey identifies a Kubernetes object across API versions.
type objectKey struct {
	Group, Kind, Namespace, Name string
}

func (k objectKey) String() string {
	kind := k.Kind
	if k.Group != "" {
		kind += "." + k.Group
	}
	if k.Namespace != "" {
		return kind + " " + k.Namespace + "/" + k.Name
	}
	return kind + " " + k.Name
}

// stateObject is a Kubernetes object a stack's state records.
type stateObject struct {
	key          objectKey
	apiVersion   string
	fieldManager string
}

// stateObjects returns the Kubernetes objects a deployment (a stack's
// exported state) records.
func stateObjects(dep apitype.UntypedDeployment) ([]stateObject, error) {
	if len(bytes.TrimSpace(dep.Deployment)) == 0 {
		return nil, nil // a stack not deployed yet
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	var out []stateObject
	for _, r := range d.Resources {
		group, version, kind, ok := kubernetesType(string(r.Type))
		if !ok || !r.Custom || r.ID == "" {
			continue
		}
		ns, name, found := strings.Cut(string(r.ID), "/")
		if !found {
			ns, name = "", string(r.ID)
		}
		o := stateObject{key: objectKey{group, kind, ns, name}, apiVersion: version}
		if group != "" {
			o.apiVersion = group + "/" + version
		}
		if fm, ok := r.Outputs["__fieldManager"].(string); ok {
			o.fieldManager = fm
		}
		out = append(out, o)
	}
	return out, nil
}

// kubernetesType splits "kubernetes:apps/v1:Deployment" (core:
// "kubernetes:core/v1:Namespace"), and reports whether the type is a
// Kubernetes object (not a provider, chart or config group).
func kubernetesType(typ string) (group, version, kind string, ok bool) {
	rest, found := strings.CutPrefix(typ, "kubernetes:")
	if !found {
		return "", "", "", false
	}
	gv, kind, found := strings.Cut(rest, ":")
	group, version, hasVersion := strings.Cut(gv, "/")
	if !found || !hasVersion || group == "helm.sh" || group == "yaml" || group == "kustomize" {
		return "", "", "", false
	}
	if group == "core" {
		group = ""
	}
	return group, version, kind, true
}

// clusterClient is what the driver needs of the cluster a
// Kubernetes-only stack deploys to: the one the provider reaches through
// the ambient kubeconfig (KUBECONFIG, as the stack's provider reads it).
type clusterClient struct {
	cfg       *rest.Config
	dyn       dynamic.Interface
	discovery discovery.DiscoveryInterface
}

func ambientCluster() (*clusterClient, error) {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("the cluster of the current kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	// The driver lists every kind the API server serves; the deprecation
	// warnings of kinds it only lists (Kyverno's kyverno.io/v1 policies)
	// say nothing about the stack, and would print at every up.
	cfg.WarningHandler = rest.NoWarnings{}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &clusterClient{cfg: cfg, dyn: dyn, discovery: dc}, nil
}

// now returns the API server's clock (its Date header), against which
// the objects' creation timestamps are compared.
func (c *clusterClient) now(ctx context.Context) (time.Time, error) {
	hc, err := rest.HTTPClientFor(c.cfg)
	if err != nil {
		return time.Time{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.cfg.Host, "/")+"/version", nil)
	if err != nil {
		return time.Time{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return time.Time{}, err
	}
	defer resp.Body.Close()
	return http.ParseTime(resp.Header.Get("Date"))
}

// derived are kinds whose objects copy their owner's labels without an
// owner reference (a Service's Endpoints) or are records, not desired
// state: never candidates for pruning.
var derived = []string{"Endpoints", "EndpointSlice", "Event", "Lease"}

// labelled lists every object carrying the stack's label, of every kind
// the API server serves that can be listed and deleted, except objects
// another object owns (ReplicaSets, Pods) and the derived kinds.
func (c *clusterClient) labelled(ctx context.Context, stackValue string) (map[objectKey]*unstructured.Unstructured, error) {
	lists, err := c.discovery.ServerPreferredResources()
	if err != nil && len(lists) == 0 {
		return nil, fmt.Errorf("discover the API's kinds: %w", err)
	}
	out := map[objectKey]*unstructured.Unstructured{}
	selector := naming.LabelStack + "=" + stackValue
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || slices.Contains(derived, r.Kind) ||
				!slices.Contains(r.Verbs, "list") || !slices.Contains(r.Verbs, "delete") {
				continue
			}
			items, err := c.dyn.Resource(gv.WithResource(r.Name)).List(ctx, metav1.ListOptions{LabelSelector: selector})
			if err != nil {
				if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) || apierrors.IsMethodNotSupported(err) {
					continue
				}
				return nil, fmt.Errorf("list %s: %w", r.Name, err)
			}
			for i := range items.Items {
				u := &items.Items[i]
				if len(u.GetOwnerReferences()) > 0 {
					continue
				}
				out[objectKey{gv.Group, r.Kind, u.GetNamespace(), u.GetName()}] = u
			}
		}
	}
	return out, nil
}

// timeZero asks untracked for every object, whenever it was created.
var timeZero time.Time

// untracked returns the labelled objects the state does not record,
// created before `before` (the zero time for all of them), in a stable
// order.
func untracked(live map[objectKey]*unstructured.Unstructured, state []stateObject, before time.Time) []*unstructured.Unstructured {
	known := map[objectKey]bool{}
	for _, o := range state {
		known[o.key] = true
	}
	var out []*unstructured.Unstructured
	for k, u := range live {
		if known[k] || !before.IsZero() && !u.GetCreationTimestamp().Time.Before(before) {
			continue
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return describe(out[i]) < describe(out[j]) })
	return out
}

func describe(u *unstructured.Unstructured) string {
	k := objectKey{u.GroupVersionKind().Group, u.GetKind(), u.GetNamespace(), u.GetName()}
	return k.String()
}

// prune deletes the untracked objects and says which. Namespaces go last:
// deleting one deletes what it holds.
func (c *clusterClient) prune(ctx context.Context, objs []*unstructured.Unstructured) ([]string, error) {
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].GetKind() != "Namespace" && objs[j].GetKind() == "Namespace" })
	var done []string
	var errs []error
	for _, u := range objs {
		res, err := c.resourceFor(u)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var ri dynamic.ResourceInterface = c.dyn.Resource(res)
		if ns := u.GetNamespace(); ns != "" {
			ri = c.dyn.Resource(res).Namespace(ns)
		}
		// Only the object this listing saw: not one recreated since.
		uid := u.GetUID()
		policy := metav1.DeletePropagationBackground
		err = ri.Delete(ctx, u.GetName(), metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &policy})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			errs = append(errs, fmt.Errorf("delete %s: %w", describe(u), err))
			continue
		}
		done = append(done, describe(u))
	}
	return done, errors.Join(errs...)
}

// resourceFor maps an object to its API resource.
func (c *clusterClient) resourceFor(u *unstructured.Unstructured) (schema.GroupVersionResource, error) {
	gvk := u.GroupVersionKind()
	list, err := c.discovery.ServerResourcesForGroupVersion(gvk.GroupVersion().String())
	if err != nil {
		return schema.GroupVersionResource{}, err
	}
	for _, r := range list.APIResources {
		if r.Kind == gvk.Kind && !strings.Contains(r.Name, "/") {
			return gvk.GroupVersion().WithResource(r.Name), nil
		}
	}
	return schema.GroupVersionResource{}, fmt.Errorf("no API resource serves %s", gvk)
}

// randomManager is the field manager pulumi-kubernetes picks when none is
// named: "pulumi-kubernetes-" and eight hex characters.
var randomManager = regexp.MustCompile(`^pulumi-kubernetes-[0-9a-f]{8}$`)

// handOver gives the stack's field manager the fields other managers own
// on an object plinth's stack owns: the manager the state recorded for it
// (old), or a random pulumi-kubernetes manager, whose state a killed run
// lost. Their server-side apply entries are merged into the stack's. It
// returns whether the object changed.
func (c *clusterClient) handOver(ctx context.Context, res schema.GroupVersionResource, ns, name, old, manager string) (bool, error) {
	var ri dynamic.ResourceInterface = c.dyn.Resource(res)
	if ns != "" {
		ri = c.dyn.Resource(res).Namespace(ns)
	}
	u, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fields, changed, err := mergeManagers(u.GetManagedFields(), func(m string) bool { return m == old || randomManager.MatchString(m) }, manager)
	if err != nil || !changed {
		return false, err
	}
	patch, err := json.Marshal([]map[string]any{
		// Only the version read: another writer in between makes it fail.
		{"op": "test", "path": "/metadata/resourceVersion", "value": u.GetResourceVersion()},
		{"op": "replace", "path": "/metadata/managedFields", "value": fields},
	})
	if err != nil {
		return false, err
	}
	_, err = ri.Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{})
	return err == nil, err
}

// mergeManagers returns the managed fields with every server-side apply
// entry of a manager that from accepts merged into manager's entry (of
// the same API version and subresource), and whether anything changed.
func mergeManagers(entries []metav1.ManagedFieldsEntry, from func(string) bool, manager string) ([]metav1.ManagedFieldsEntry, bool, error) {
	type slot struct{ apiVersion, subresource string }
	merged := map[slot]*fieldpath.Set{}
	var out []metav1.ManagedFieldsEntry
	changed := false
	for _, e := range entries {
		take := e.Operation == metav1.ManagedFieldsOperationApply && (e.Manager == manager || from(e.Manager))
		if !take {
			out = append(out, e)
			continue
		}
		changed = changed || e.Manager != manager
		set := &fieldpath.Set{}
		if e.FieldsV1 != nil {
			if err := set.FromJSON(bytes.NewReader(e.FieldsV1.Raw)); err != nil {
				return nil, false, fmt.Errorf("read the fields %s manages: %w", e.Manager, err)
			}
		}
		k := slot{e.APIVersion, e.Subresource}
		if prev, ok := merged[k]; ok {
			set = prev.Union(set)
		}
		merged[k] = set
	}
	if !changed {
		return entries, false, nil
	}
	keys := make([]slot, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].apiVersion+keys[i].subresource < keys[j].apiVersion+keys[j].subresource
	})
	now := metav1.Now()
	for _, k := range keys {
		raw, err := merged[k].ToJSON()
		if err != nil {
			return nil, false, err
		}
		out = append(out, metav1.ManagedFieldsEntry{
			Manager: manager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: k.apiVersion, Subresource: k.subresource,
			Time: &now, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: raw},
		})
	}
	return out, true, nil
}

// ownership is the check of a Kubernetes-only stack's objects around
// one run: the cluster, the stack's label and field manager, and the
// API server's time when the run began.
type ownership struct {
	cluster        *clusterClient
	label, manager string
	began          time.Time
}

// beginOwnership prepares a run of a Kubernetes-only stack: it notes the
// API server's time and hands the objects the state records under
// another field manager to the stack's own (see the top of this file).
func (d *Driver) beginOwnership(ctx context.Context, state apitype.UntypedDeployment) (*ownership, error) {
	c, err := ambientCluster()
	if err != nil {
		return nil, err
	}
	began, err := c.now(ctx)
	if err != nil {
		return nil, fmt.Errorf("reach the cluster: %w", err)
	}
	o := &ownership{cluster: c, label: naming.StackValue(projectName, d.Stack), manager: naming.FieldManager(projectName, d.Stack), began: began}
	objs, err := stateObjects(state)
	if err != nil {
		return nil, err
	}
	handed := 0
	for _, obj := range objs {
		if obj.fieldManager == "" || obj.fieldManager == o.manager {
			continue
		}
		gv, err := schema.ParseGroupVersion(obj.apiVersion)
		if err != nil {
			continue
		}
		res, err := c.resourceFor(&unstructured.Unstructured{Object: map[string]any{"apiVersion": gv.String(), "kind": obj.key.Kind}})
		if err != nil {
			continue // a kind the cluster no longer serves: the up says so
		}
		changed, err := c.handOver(ctx, res, obj.key.Namespace, obj.key.Name, obj.fieldManager, o.manager)
		if err != nil {
			return nil, fmt.Errorf("hand %s from field manager %s to %s: %w", obj.key, obj.fieldManager, o.manager, err)
		}
		if changed {
			handed++
		}
	}
	if handed > 0 {
		fmt.Fprintf(d.Out, "field manager: %d object(s) the state records under an older manager now belong to %s\n", handed, o.manager)
	}
	return o, nil
}

// finish prunes, after a run that completed, the objects of the stack's
// label that the state (as the run left it) does not record and that
// existed before the run began, and says which.
func (o *ownership) finish(ctx context.Context, d *Driver, state apitype.UntypedDeployment) error {
	objs, err := stateObjects(state)
	if err != nil {
		return err
	}
	live, err := o.cluster.labelled(ctx, o.label)
	if err != nil {
		return err
	}
	stray := untracked(live, objs, o.began)
	if len(stray) == 0 {
		return nil
	}
	done, err := o.cluster.prune(ctx, stray)
	fmt.Fprintf(d.Out, "pruned %d object(s) of stack %s that no state records (a run that was killed created them) and the program no longer declares:\n  %s\n",
		len(done), d.Stack, strings.Join(done, "\n  "))
	return err
}

// waitAnswers waits until the API server answers /readyz, for at most
// limit, and returns how long that took.
func (c *clusterClient) waitAnswers(ctx context.Context, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	hc, err := rest.HTTPClientFor(c.cfg)
	if err != nil {
		return 0, err
	}
	hc.Timeout = 5 * time.Second
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.cfg.Host, "/")+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
			err = fmt.Errorf("/readyz answered %s", resp.Status)
		}
		if time.Since(start) > limit {
			return time.Since(start), err
		}
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
