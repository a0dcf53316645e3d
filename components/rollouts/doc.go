// Package rollouts installs the Argo Rollouts controller, the engine of
// the app component's Progressive strategy:
//
//	ctl, err := rollouts.New(ctx, "rollouts", rollouts.Args{
//		Tier:  config.TierProd,
//		Chart: &rollouts.ChartArgs{Repository: "https://charts.example.com/argo"},
//	}, pulumi.Provider(cluster.Provider))
//
// It registers a component of type plinth:kubernetes:RolloutsController,
// which creates the namespace (Pod Security "restricted" enforced) and the
// argo-rollouts chart through Helm Chart v4, pinned, the same way the
// monitoring component installs kube-prometheus-stack (see its package
// doc for why Chart v4). The chart installs the CRDs (Rollout,
// AnalysisTemplate, AnalysisRun, ClusterAnalysisTemplate, Experiment).
//
// # Defaults
//
//	| setting                    | value                                                   |
//	|----------------------------|---------------------------------------------------------|
//	| namespace                  | argo-rollouts                                           |
//	| chart version              | DefaultChartVersion (controller v1.8.3)                 |
//	| controller replicas        | 1; prod 2 (leader election picks one)                   |
//	| controller resources       | requests 100m CPU, 128Mi; limit 512Mi                   |
//	| dashboard                  | off (no UI exposed)                                     |
//	| disruption budget          | min 1 available, with 2 replicas or more                |
//	| metrics                    | Service on; ServiceMonitor when Monitoring is set       |
//	| pod security               | non-root, read-only root filesystem, no capabilities    |
//
// The controller's objects are the chart's; plinth sets only the values
// above. The CRDs the local control plane and the end-to-end tests use
// are generated from the upstream API types (the app package's RolloutCRDs).
package rollouts
