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

// usage is the demo's own help: --help is the demo's, not run's.
const usage = `demo: image-crawler at work without network access.

It serves every image of the built-in sources file from a local mirror laid
out like the real hosts (two builds each), and runs

  image-crawler run --dry-run --signatures off --mirror HOST=LOCAL ... --catalog DIR

against DIR (default: a new empty directory, removed afterwards, so the whole
catalog is proposed). Signatures are off because the local mirror cannot sign
with the distributions' keys. Nothing outside the machine is contacted and no
file is changed.

Usage:
  go run ./cmd/demo [--catalog DIR] [image-crawler run flags]

Examples:
  go run ./cmd/demo
  go run ./cmd/demo --only "Debian 12"
  go run ./cmd/demo --catalog ./my-catalog

image-crawler run --help lists the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], iostreams.System(), os.LookupEnv)
	stop()
	os.Exit(code)
}

// run is the demo; it returns the exit code, so that its deferred clean-up
// (the local mirror, the temporary catalog) happens before os.Exit.
func run(ctx context.Context, argv []string, ios *iostreams.IOStreams, env cli.LookupEnv) int {
	if hasFlag(argv, "--help") || hasFlag(argv, "-h") {
		fmt.Fprint(ios.Out, usage)
		return cli.ExitOK
	}
	src, err := source.Default()
	if err != nil {
		fmt.Fprintln(ios.ErrOut, "demo:", err)
		return cli.ExitError
	}
	site, err := layout.Serve(src, []string{"20260601", "20260705"}, 0)
	if err != nil {
		fmt.Fprintln(ios.ErrOut, "demo:", err)
		return cli.ExitError
	}
	defer site.Close()
	args := []string{"run", "--dry-run"}
	if !hasFlag(argv, "--signatures") {
		// The local mirror cannot sign with the distributions' keys.
		args = append(args, "--signatures", "off")
		fmt.Fprintln(ios.ErrOut, "demo: the local mirror cannot sign with the distributions' keys, so signatures are off")
	}
	if !hasFlag(argv, "--catalog") {
		dir, err := os.MkdirTemp("", "image-crawler-demo-")
		if err != nil {
			fmt.Fprintln(ios.ErrOut, "demo:", err)
			return cli.ExitError
		}
		defer os.RemoveAll(dir)
		args = append(args, "--catalog", dir)
	}
	for _, m := range site.Mirrors {
		args = append(args, "--mirror", m)
	}
	args = append(args, argv...)
	fmt.Fprintf(ios.ErrOut, "demo: serving the %d entries of the built-in sources file from %d local mirror hosts\n", len(src.Images), len(site.Servers))
	return cli.Main(ctx, args, ios, env)
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == name || len(a) > len(name) && a[:len(name)+1] == name+"=" {
			return true
		}
	}
	return false
}
