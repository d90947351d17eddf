// Command image-crawler keeps OpenStack image catalogs current through pull
// requests. See README.md and docs/reference.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/osism/image-crawler/internal/cli"
	"github.com/osism/image-crawler/internal/iostreams"
)

func main() {
	cli.LimitMemory()
	// The first SIGINT or SIGTERM stops the run cleanly; a second one ends
	// the process at once (docs/operations.md).
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, stop := cli.WithSignals(context.Background(), sigs, os.Stderr, os.Exit)
	code := cli.Main(ctx, os.Args[1:], iostreams.System(), os.LookupEnv)
	stop()
	signal.Stop(sigs)
	os.Exit(code)
}
