// Command cmd writes descriptions.go (see package gendocs):
//
//	go run ./internal/gendocs/cmd <library root> <output file>
package main

import (
	"fmt"
	"os"

	"github.com/plinth-dev/plinth/provider/internal/gendocs"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cmd <library root> <output file>")
		os.Exit(2)
	}
	src, err := gendocs.Generate(os.Args[1])
	if err == nil {
		err = os.WriteFile(os.Args[2], src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
