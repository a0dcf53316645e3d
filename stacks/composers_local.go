//go:build plinthlocal

package main

import "github.com/plinth-dev/plinth/pkg/config"

// composers are the clouds this build composes: local only (-tags
// plinthlocal), so the AWS and GCP SDKs are not compiled.
var composers = map[config.Cloud]composer{
	config.CloudLocal: composeLocal,
}
