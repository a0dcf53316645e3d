// Command pulumi-resource-plinth is plinth's component provider: it
// serves every component of github.com/plinth-dev/plinth, under their
// type tokens, to every Pulumi language (TypeScript, Python, C#, Java,
// YAML and Go through a generated SDK). The components run in this
// process, with the same code and validation as the Go library.
//
//	make provider                      # builds bin/pulumi-resource-plinth
//	pulumi package get-schema bin/pulumi-resource-plinth
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	p, err := Provider()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := p.Run(context.Background(), Name, Version); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
