// Command demo shows image-crawler at work without network access: it serves
// every image of the built-in sources file from a local mirror laid out like
// the real hosts (two builds each), and runs
//
//	image-crawler run --dry-run --mirror <host>=<local mirror> ...
//
// against a catalog directory (default: an empty one, so the whole catalog is
// proposed), with --signatures off: the local mirror cannot sign with the
// distributions' keys. Extra arguments go to image-crawler, e.g. --only "Debian 12".
//
//	go run ./cmd/demo [--catalog DIR] [image-crawler flags]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/osism/image-crawler/internal/cli"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	src, err := source.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	site, err := layout.Serve(src, []string{"20260601", "20260705"}, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	defer site.Close()
	args := []string{"run", "--dry-run"}
	if !hasFlag(os.Args[1:], "--signatures") {
		// The local mirror cannot sign with the distributions' keys.
		args = append(args, "--signatures", "off")
		fmt.Fprintln(os.Stderr, "demo: the local mirror cannot sign with the distributions' keys, so signatures are off")
	}
	if !hasFlag(os.Args[1:], "--catalog") {
		dir, err := os.MkdirTemp("", "image-crawler-demo-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "demo:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		args = append(args, "--catalog", dir)
	}
	for _, m := range site.Mirrors {
		args = append(args, "--mirror", m)
	}
	args = append(args, os.Args[1:]...)
	fmt.Fprintf(os.Stderr, "demo: serving the %d entries of the built-in sources file from %d local mirror hosts\n", len(src.Images), len(site.Servers))
	code := cli.Main(ctx, args, iostreams.System(), os.LookupEnv)
	site.Close()
	os.Exit(code)
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || len(a) > len(name) && a[:len(name)+1] == name+"=" {
			return true
		}
	}
	return false
}
