// Command crawlbench measures an end-to-end crawl against a local mirror
// with a fixed latency per request. See docs/benchmarks.md.
//
//	go run ./cmd/crawlbench -latency 50ms -images 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/cli"
	"github.com/osism/image-crawler/internal/crawlbench"
	"github.com/osism/image-crawler/internal/iostreams"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if os.Getenv(crawlbench.ChildEnv) != "" {
		// The measured child: the real image-crawler command line, as
		// cmd/image-crawler runs it.
		cli.LimitMemory()
		// CRAWLBENCH_CPUPROFILE=DIR writes each child's CPU profile there.
		if dir := os.Getenv("CRAWLBENCH_CPUPROFILE"); dir != "" {
			if f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid()))); err == nil {
				if pprof.StartCPUProfile(f) == nil {
					defer f.Close()
					defer pprof.StopCPUProfile()
				}
			}
		}
		code := cli.Main(ctx, os.Args[1:], iostreams.System(), os.LookupEnv)
		crawlbench.ReportPeakRSS()
		pprof.StopCPUProfile()
		// CRAWLBENCH_MEMPROFILE=DIR writes what is still in use at the end.
		if dir := os.Getenv("CRAWLBENCH_MEMPROFILE"); dir != "" {
			if f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
		os.Exit(code)
	}
	c := crawlbench.Config{Out: os.Stderr}
	flag.DurationVar(&c.Latency, "latency", 50*time.Millisecond, "latency added to every request")
	flag.IntVar(&c.Images, "images", 1000, "synthetic images")
	flag.IntVar(&c.Hosts, "hosts", 25, "mirror hosts the synthetic images are spread over")
	flag.IntVar(&c.Concurrency, "concurrency", 0, "--concurrency of the measured runs (0: the default)")
	flag.BoolVar(&c.Serial, "serial", true, "also measure --concurrency 1 (slow: images x requests x latency)")
	flag.IntVar(&c.Repeat, "repeat", 3, "runs of each measurement with limits > 1; the median is kept")
	flag.BoolVar(&c.NoCritPath, "no-critical-path", false, "skip measuring the critical path (runs without any limit: slow and memory-hungry with thousands of images)")
	flag.IntVar(&c.PerHost, "per-host", 0, "--per-host of the measured runs, and the floor's divisor (0: the default, 6)")
	flag.StringVar(&c.Signatures, "signatures", "off", "--signatures of the measured runs; \"sources\": each source's own (the mirror signs nothing, so its images fail: read the start-up column)")
	sets := flag.String("sets", "shipped,synthetic", "sets to measure, comma-separated: shipped, synthetic")
	flag.Func("predecessor", "NAME=COMMAND: also time this crawler on the same mirrors when its program is installed (repeatable; see docs/benchmarks.md)", func(s string) error {
		p, err := crawlbench.ParsePredecessor(s)
		if err == nil {
			c.Predecessors = append(c.Predecessors, p)
		}
		return err
	})
	flag.Parse()
	for _, s := range strings.Split(*sets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Sets = append(c.Sets, s)
		}
	}
	rows, err := crawlbench.Run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crawlbench:", err)
		os.Exit(1)
	}
	crawlbench.Table(os.Stdout, rows, c.Latency)
}
