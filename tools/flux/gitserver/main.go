// Command gitserver serves the git repositories under a directory over
// smart HTTP on loopback, with Flux's own test git server
// (github.com/fluxcd/pkg/gittestserver), for the GitOps end-to-end test.
// It prints the base URL and serves until it is stopped.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/fluxcd/pkg/gittestserver"
)

func main() {
	root := flag.String("root", "", "directory of the repositories (each a bare repository, <name>.git)")
	flag.Parse()
	if *root == "" {
		log.Fatal("gitserver: -root is required")
	}
	srv := gittestserver.NewGitServer(*root).AutoCreate()
	if err := srv.StartHTTP(); err != nil {
		log.Fatalf("gitserver: %v", err)
	}
	defer srv.StopHTTP()
	fmt.Println(srv.HTTPAddress())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
