// Command image-crawler keeps OpenStack image catalogs current through pull
// requests. See README.md.
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], iostreams.System(), os.LookupEnv)
	stop()
	os.Exit(code)
}
