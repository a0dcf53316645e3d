package main

import (
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// A stack validates its environment with the components' own validation,
// the one place each rule lives (pkg/config keeps only what is about the
// config itself). Each component's problems are reported under the config
// keys they come from: `plinth:apps[1].autoscaling.min`, not
// `app "web": autoscaling.minReplicas`. The tables below map a
// component's field paths ("[]" stands for any index, kept in order) to
// config paths; a path no rule maps keeps the component's name after the
// section.

// pathRule maps a component field path prefix to a config path prefix.
type pathRule struct{ from, to string }

var indexRE = regexp.MustCompile(`\[[0-9]+\]`)

// mapPath maps path by the longest rule whose from is a prefix of it (on
// a segment boundary); fallback is used when none is.
func mapPath(path string, rules []pathRule, fallback string) string {
	indices := indexRE.FindAllString(path, -1)
	norm := indexRE.ReplaceAllString(path, "[]")
	best := -1
	for i, r := range rules {
		if (norm == r.from || strings.HasPrefix(norm, r.from+".") || strings.HasPrefix(norm, r.from+"[")) &&
			(best < 0 || len(r.from) > len(rules[best].from)) {
			best = i
		}
	}
	var out string
	if best < 0 {
		out = fallback + norm
	} else {
		out = rules[best].to + norm[len(rules[best].from):]
	}
	for _, idx := range indices {
		out = strings.Replace(out, "[]", idx, 1)
	}
	return strings.TrimPrefix(out, ".")
}

// remap reports a component's problems under section (e.g. "apps[1]"),
// mapped by rules; rules whose to starts with "/" are absolute keys. The
// component's field names in the messages ("is greater than maxReplicas")
// become the config's names too ("is greater than max").
func remap(err error, section string, rules []pathRule) error {
	err = problem.Remap(err, config.Namespace+":", func(path string) string {
		p := mapPath(path, rules, section+".")
		if strings.HasPrefix(p, "/") {
			return p[1:]
		}
		if !strings.HasPrefix(p, section) {
			p = section + "." + p
		}
		return p
	})
	words := fieldWords(rules)
	for _, e := range problem.Errors(err) { // Remap made these: they are ours to change
		e.Message = words.Replace(e.Message)
	}
	return err
}

// fieldWords replaces each renamed field's component name with its config
// name, as whole words. Only camel-case names are replaced: a plain word
// such as "name" or "image" may be prose.
func fieldWords(rules []pathRule) *wordReplacer {
	r := &wordReplacer{to: map[string]string{}}
	for _, rule := range rules {
		if strings.HasPrefix(rule.to, "/") {
			continue
		}
		from := rule.from[strings.LastIndex(rule.from, ".")+1:]
		to := indexRE.ReplaceAllString(rule.to[strings.LastIndex(rule.to, ".")+1:], "")
		if from != to && strings.ToLower(from) != from && !strings.ContainsAny(from, "[]#") {
			r.to[from] = to
		}
	}
	return r
}

// wordReplacer replaces whole identifier words by a table.
type wordReplacer struct{ to map[string]string }

var identRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*`)

func (r *wordReplacer) Replace(s string) string {
	return identRE.ReplaceAllStringFunc(s, func(w string) string {
		if to, ok := r.to[w]; ok {
			return to
		}
		return w
	})
}

// Rules per component. An absolute config key is written "/key".
var (
	appPaths = []pathRule{
		{"name", "name"}, {"namespace", "namespace"}, {"image", "image"}, {"port", "port"}, {"replicas", "replicas"},
		{"tier", "/tier"},
		{"autoscaling.minReplicas", "autoscaling.min"}, {"autoscaling.maxReplicas", "autoscaling.max"},
		{"autoscaling.targetCpuPercent", "autoscaling.targetCpu"}, {"autoscaling.targetMemoryPercent", "autoscaling.targetMemory"},
		{"resources", "resources"}, {"metrics.port", "metricsPort"}, {"env", "env"},
		{"strategy.type", "strategy"}, {"strategy.activeColor", "activeColor"}, {"strategy.greenImage", "greenImage"},
		{"strategy.canaryImage", "canaryImage"}, {"strategy.canaryPercent", "canaryPercent"},
		{"strategy.progressive", "progressive"},
		{"route.hostnames[]", "host"}, {"route.gateway", "/gateway.name"}, {"route.gatewayNamespace", "/gateway.namespace"},
		{"route.sectionName", "/gateway.sectionName"}, {"networkPolicy.allowFromNamespaces", "allowFrom"},
		{"networkPolicy.monitoringNamespace", "/monitoring.namespace"},
	}
	eksPaths = []pathRule{
		{"tier", "/tier"}, {"clusterName", "name"}, {"version", "version"}, {"supportType", "supportType"},
		{"publicAccessCidrs", "publicAccessCidrs"}, {"privateAccessCidrs", "privateAccessCidrs"}, {"adminRoleArns", "adminRoleArns"},
		{"deletionProtection", "deletionProtection"}, {"autoscaler", "autoscaler"}, {"autoMode", "autoMode"},
		{"nodeGroups", "nodeGroups"}, {"nodeGroups[].name", "nodeGroups[].name"}, {"nodeGroups[].minSize", "nodeGroups[].minSize"}, {"nodeGroups[].maxSize", "nodeGroups[].maxSize"},
		{"nodeGroups[].desiredSize", "nodeGroups[].desiredSize"}, {"nodeGroups[].instanceTypes", "nodeGroups[].instanceTypes"},
		{"nodeGroups[].diskSizeGb", "nodeGroups[].diskSizeGb"}, {"nodeGroups[].labels", "nodeGroups[].labels"},
		{"nodeGroups[].taints", "nodeGroups[].taints"}, {"nodeGroups[].capacityType", "nodeGroups[].spot"},
	}
	gkePaths = []pathRule{
		{"tier", "/tier"}, {"project", "/project"}, {"region", "/region"}, {"clusterName", "name"}, {"regional", "regional"},
		{"authorizedNetworks", "authorizedNetworks"}, {"deletionProtection", "deletionProtection"}, {"autopilot", "autopilot"},
		{"nodePools", "nodeGroups"}, {"nodePools[].name", "nodeGroups[].name"}, {"nodePools[].minSize", "nodeGroups[].minSize"}, {"nodePools[].maxSize", "nodeGroups[].maxSize"},
		{"nodePools[].machineType", "nodeGroups[].machineType"}, {"nodePools[].diskSizeGb", "nodeGroups[].diskSizeGb"},
		{"nodePools[].labels", "nodeGroups[].labels"}, {"nodePools[].taints", "nodeGroups[].taints"}, {"nodePools[].spot", "nodeGroups[].spot"},
	}
	awsNetworkPaths = []pathRule{
		{"tier", "/tier"}, {"cidr", "vpcCidr"}, {"azCount", "azCount"}, {"subnetSlots", "subnetSlots"},
		{"excludeZoneIds", "excludeZoneIds"}, {"natGateways", "natGateways"},
	}
	gcpNetworkPaths = []pathRule{
		{"tier", "/tier"}, {"project", "/project"}, {"region", "/region"},
		{"nodesCidr", "nodesCidr"}, {"podsCidr", "podsCidr"}, {"servicesCidr", "servicesCidr"},
	}
	imagePolicyPaths = []pathRule{
		{"tier", "/tier"}, {"kyverno.chart.repository", "repository"}, {"kyverno.chart.version", "chartVersion"},
	}
	rolloutsPaths = []pathRule{
		{"tier", "/tier"}, {"chart.repository", "repository"}, {"chart.version", "chartVersion"},
	}
	monitoringPaths = []pathRule{
		{"tier", "/tier"}, {"mode", "mode"}, {"namespace", "namespace"}, {"storageClass", "storageClass"},
		{"prometheus.retention", "retention"}, {"prometheus.storageSize", "storageSize"},
		{"prometheus.remoteWriteUrl", "remoteWriteUrl"}, {"chart.repository", "repository"}, {"chart.version", "chartVersion"},
		{"grafana.adminPassword", "/" + config.SecretGrafanaAdminPassword},
		{"alerting.pagingUrl", "/" + config.SecretPagingURL}, {"alerting.chatUrl", "/" + config.SecretChatURL},
	}
	ecsPaths = []pathRule{
		{"tier", "/tier"}, {"name", "name"}, {"image", "image"}, {"port", "port"}, {"cpu", "cpu"}, {"memory", "memory"},
		{"minTasks", "minTasks"}, {"maxTasks", "maxTasks"}, {"certificateArn", "certificateArn"},
		{"healthCheck.path", "healthCheckPath"}, {"public", "public"}, {"allowedCidrs", "allowedCidrs"}, {"secrets", "secretArns"},
		{"secretsKmsKeyArns", "secretsKmsKeyArns"}, {"egress", "egress"}, {"deletionProtection", "deletionProtection"},
	}
)
