//go:build !plinthlocal

package main

import "github.com/plinth-dev/plinth/pkg/config"

// composers are the clouds this build composes: all of them. A build with
// -tags plinthlocal composes only the local cloud and compiles no AWS or
// GCP SDK (see composers_local.go), which cuts its cold compile.
var composers = map[config.Cloud]composer{
	config.CloudLocal: composeLocal,
	config.CloudAWS:   composeAWS,
	config.CloudGCP:   composeGCP,
}
