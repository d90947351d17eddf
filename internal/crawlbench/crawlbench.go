// Package crawlbench measures a whole crawl end to end: a local mirror with
// a fixed latency per request serves distribution layouts, and the real
// image-crawler command line crawls them in a child process, so its peak
// memory is measured apart from the mirror's.
//
// Two sets are measured: the shipped sources (every image of the built-in
// sources file, each upstream host on its own mirror listener) and N
// synthetic images spread over several hosts. Each set is crawled twice:
// against an empty catalog (every image new: the longest request chains)
// and against the catalog that run wrote (every image unchanged: one
// request each). Each crawl runs with the default concurrency and with
// --concurrency 1.
package crawlbench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// ChildEnv marks the re-executed child that runs the image-crawler CLI; its
// value is the file the child writes its peak resident memory to.
const ChildEnv = "CRAWLBENCH_CHILD"

// ReportPeakRSS writes the process's peak resident memory (VmHWM, in bytes)
// to the file named by ChildEnv. The child reports it itself: the kernel's
// rusage of a child started with vfork counts the parent's memory (the
// benchmark's mirrors) from before exec.
func ReportPeakRSS() {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				_ = os.WriteFile(os.Getenv(ChildEnv), []byte(strconv.FormatInt(kb*1024, 10)), 0o644)
			}
		}
	}
}

// Config is what to measure.
type Config struct {
	Latency     time.Duration // added to every request
	Images      int           // synthetic images
	Hosts       int           // synthetic hosts the images are spread over
	Concurrency int           // 0 = the CLI's default
	Serial      bool          // also measure --concurrency 1
	Repeat      int           // runs of each limited measurement, the median kept (serial runs: once)
	PerHost     int           // --per-host of the measured runs; 0 = the CLI's default (6)
	// NoCritPath skips measuring the critical path (a run without limits,
	// and for the shipped set one without latency): thousands of images at
	// once take far more time and memory than the measured runs.
	NoCritPath bool
	// Sets names the sets to measure ("shipped", "synthetic"); none = both.
	Sets []string
	// Signatures is the --signatures of the measured runs: "" is "off"
	// (the local mirror cannot sign with the distributions' keys), and
	// "sources" leaves each source its own setting, so that the start-up
	// of a run that verifies (its keys checked) can be measured; its
	// images then fail for want of signatures, and only the start-up
	// column means anything.
	Signatures string
	// Predecessors are other crawlers to time on the same mirrors
	// (predecessors.go); one whose program is not installed is skipped.
	Predecessors []Predecessor
	Out          io.Writer
}

// DefaultPerHost is the CLI's --per-host default, which the floor divides by
// when Config.PerHost is 0.
const DefaultPerHost = 6

// firstRunTrips and rerunTrips are the round trips no crawl can do without:
// a new image needs its latest checksum file, then the build's listing, the
// build's checksum file and a HEAD of the image, one after the other; an
// unchanged one its latest checksum file alone (docs/benchmarks.md).
const (
	firstRunTrips = 4
	rerunTrips    = 1
)

// Row is one measured crawl.
type Row struct {
	Set, Catalog string
	Concurrency  string
	Images       int
	Wall         time.Duration
	// Startup is from the child's start to the first request any mirror
	// saw (the median over the repeated runs).
	Startup  time.Duration
	Requests int
	// Busiest is the most requests one mirror host answered.
	Busiest int
	// Floor is what the network alone costs: max(round trips the images
	// need, busiest host's requests / per-host) times the latency.
	Floor    time.Duration
	Bytes    int64
	PeakRSS  int64         // bytes
	CritPath time.Duration // measured: see Run
	Updates  int
	Exit     int
	started  time.Time // when the child was started
}

// set is a mirror layout and the command-line arguments that crawl it.
type set struct {
	name    string
	images  int
	servers []*mirror.Server
	args    []string // --sources, --mirror, ...
	// chain, when set, counts the longest chain of dependent requests of
	// one image from what the mirrors saw: possible where every image has
	// a directory of its own and requests its files one after the other.
	chain func() int
}

func (s *set) close() {
	for _, m := range s.servers {
		m.Close()
	}
}

func (s *set) reset() {
	for _, m := range s.servers {
		m.ResetCounts()
	}
}

func (s *set) traffic() (requests, busiest int, bytes int64) {
	for _, m := range s.servers {
		n := m.Count()
		requests += n
		busiest = max(busiest, n)
		bytes += m.Bytes()
	}
	return requests, busiest, bytes
}

// firstRequest is when the earliest request reached any of the set's hosts.
func (s *set) firstRequest() time.Time {
	var first time.Time
	for _, m := range s.servers {
		if t := m.FirstRequest(); !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// Floor is the least time the network allows a crawl: trips round trips one
// after the other, or the busiest host's requests perHost at a time,
// whichever is longer.
func Floor(trips, busiest, perHost int, latency time.Duration) time.Duration {
	perHost = max(perHost, 1)
	waves := (busiest + perHost - 1) / perHost
	return time.Duration(max(trips, waves)) * latency
}

// unlimited lifts the concurrency and per-host limits, so that only the
// dependencies between requests remain: how the critical path is measured.
var unlimited = []string{"--concurrency", "100000", "--per-host", "100000"}

// Run measures every set and writes the table.
//
// Every measured crawl is a dry run, so the catalog it starts from stays as
// it was: "empty" is an empty catalog directory (every image new), "current"
// one that a first, unmeasured run wrote (every image unchanged).
//
// The critical path (the longest chain of dependent requests times the
// latency) is measured, not assumed. For synthetic images, each in a
// directory of its own, the chain is counted from the requests the mirrors
// saw. For the shipped sources, whose images share files, the same crawl
// runs with no concurrency or per-host limit once with the latency and once
// without; what the latency adds then is waiting along the longest chain.
func Run(ctx context.Context, c Config) ([]Row, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "crawlbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	var rows []Row
	var builders []func(string) (*set, error)
	if len(c.Sets) == 0 || slices.Contains(c.Sets, "shipped") {
		builders = append(builders, func(dir string) (*set, error) { return shipped(dir, c.Latency) })
	}
	if len(c.Sets) == 0 || slices.Contains(c.Sets, "synthetic") {
		builders = append(builders, func(dir string) (*set, error) { return synthetic(dir, c.Images, c.Hosts, c.Latency) })
	}
	concurrency := "default"
	var limits []string
	if c.Concurrency > 0 {
		concurrency = fmt.Sprint(c.Concurrency)
		limits = []string{"--concurrency", concurrency}
	}
	perHost := DefaultPerHost
	if c.PerHost > 0 {
		perHost = c.PerHost
		limits = append(limits, "--per-host", fmt.Sprint(perHost))
	}
	for i, build := range builders {
		dir := filepath.Join(work, fmt.Sprint(i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		s, err := build(dir)
		if err != nil {
			return nil, err
		}
		// The "current" catalog: written once by an unmeasured run.
		current := filepath.Join(dir, "current")
		if _, err := measure(ctx, exe, append([]string{"run", "--new-catalog", "--catalog", current, "--signatures", "off"}, s.args...)); err != nil {
			s.close()
			return nil, fmt.Errorf("%s: write the catalog: %w", s.name, err)
		}
		for _, state := range []string{"empty", "current"} {
			catalog := filepath.Join(dir, state)
			// An empty catalog is an empty directory: a run refuses a path
			// that does not exist.
			if err := os.MkdirAll(catalog, 0o755); err != nil {
				return nil, err
			}
			run := func(latency time.Duration, extra []string) (Row, error) {
				for _, m := range s.servers {
					m.Latency(latency)
				}
				args := append([]string{"run", "--dry-run", "--catalog", catalog, "--log-format", "json"}, c.signatureArgs()...)
				args = append(args, extra...)
				times := max(c.Repeat, 1)
				if slices.Contains(extra, "1") {
					times = 1 // --concurrency 1 is slow enough to be steady
				}
				var rows []Row
				var startups []time.Duration
				for range times {
					s.reset()
					row, err := measure(ctx, exe, append(args, s.args...))
					if err != nil {
						return row, err
					}
					row.Requests, row.Busiest, row.Bytes = s.traffic()
					if first := s.firstRequest(); !first.IsZero() {
						row.Startup = first.Sub(row.started)
					}
					startups = append(startups, row.Startup)
					rows = append(rows, row)
				}
				// The median run, so one disturbed run does not count.
				slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.Wall, b.Wall) })
				slices.Sort(startups)
				row := rows[len(rows)/2]
				row.Startup = startups[len(startups)/2]
				return row, nil
			}
			trips := firstRunTrips
			if state == "current" {
				trips = rerunTrips
			}
			var fast Row
			var err error
			switch {
			case c.NoCritPath:
				// The table says "—".
			case s.chain != nil:
				fast, err = run(c.Latency, unlimited)
				// Counted: with a thousand images and no limits the two
				// cores, not the latency, set the pace of the measurement.
				fast.CritPath = time.Duration(s.chain()) * c.Latency
			default:
				var zero Row
				if fast, err = run(c.Latency, unlimited); err == nil {
					zero, err = run(0, unlimited)
				}
				fast.CritPath = max(fast.Wall-zero.Wall, 0)
			}
			if err != nil {
				s.close()
				return nil, fmt.Errorf("%s, %s catalog: %w", s.name, state, err)
			}
			conc := []struct {
				name  string
				extra []string
			}{{concurrency, limits}}
			if c.Serial {
				conc = append(conc, struct {
					name  string
					extra []string
				}{"1", []string{"--concurrency", "1"}})
			}
			for _, cc := range conc {
				row, err := run(c.Latency, cc.extra)
				if err != nil {
					s.close()
					return nil, fmt.Errorf("%s, %s catalog, concurrency %s: %w", s.name, state, cc.name, err)
				}
				row.Set, row.Catalog, row.Concurrency, row.Images = s.name, state, cc.name, s.images
				row.CritPath = fast.CritPath
				row.Floor = Floor(trips, row.Busiest, perHost, c.Latency)
				rows = append(rows, row)
				if c.Out != nil {
					fmt.Fprintf(c.Out, "measured %s / %s catalog / concurrency %s: %v (floor %v, start-up %v, critical path %v)\n",
						s.name, state, cc.name, row.Wall.Round(time.Millisecond), row.Floor, row.Startup.Round(100*time.Microsecond), row.CritPath.Round(time.Millisecond))
				}
			}
		}
		for _, p := range c.Predecessors {
			prow, err := p.run(ctx, c, s, dir, perHost)
			if err != nil {
				s.close()
				return nil, err
			}
			rows = append(rows, prow...)
		}
		s.close()
	}
	return rows, nil
}

// signatureArgs is the --signatures flag of the measured runs.
func (c *Config) signatureArgs() []string {
	switch c.Signatures {
	case "":
		// The local mirror cannot sign with the distributions' keys.
		return []string{"--signatures", "off"}
	case "sources":
		return nil
	}
	return []string{"--signatures", c.Signatures}
}

// measure runs the CLI in a child process and reads its wall time and peak
// resident memory.
func measure(ctx context.Context, exe string, args []string) (Row, error) {
	rss, err := os.CreateTemp("", "crawlbench-rss-")
	if err != nil {
		return Row{}, err
	}
	rss.Close()
	defer os.Remove(rss.Name())
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), ChildEnv+"="+rss.Name())
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	wall := time.Since(start)
	row := Row{Wall: wall, started: start}
	if cmd.ProcessState != nil {
		row.Exit = cmd.ProcessState.ExitCode()
	}
	if b, rerr := os.ReadFile(rss.Name()); rerr == nil {
		row.PeakRSS, _ = strconv.ParseInt(string(b), 10, 64)
	}
	if err != nil && row.Exit != 3 {
		return row, fmt.Errorf("image-crawler %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String()))
	}
	row.Updates = strings.Count(stderr.String(), `"status":"new build`)
	return row, nil
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return strings.Join(lines, "\n")
}

// Table writes the rows as a Markdown table (pasted into docs/benchmarks.md).
func Table(w io.Writer, rows []Row, latency time.Duration) {
	serial := map[string]time.Duration{}
	for _, r := range rows {
		if r.Concurrency == "1" {
			serial[r.Set+"/"+r.Catalog] = r.Wall
		}
	}
	fmt.Fprintf(w, "| set | catalog | concurrency | images | wall | floor | wall / floor | start-up | requests | busiest host | critical path (%v a request) | wall / critical path | wall / concurrency 1 | peak RSS | bytes |\n", latency)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		ratioSerial := "—"
		if s, ok := serial[r.Set+"/"+r.Catalog]; ok && r.Concurrency != "1" {
			ratioSerial = fmt.Sprintf("%.3f", float64(r.Wall)/float64(s))
		}
		startup, crit, critRatio, rss := "—", "—", "—", "—"
		if r.Startup > 0 {
			startup = r.Startup.Round(100 * time.Microsecond).String()
		}
		if r.CritPath > 0 {
			crit = fmt.Sprintf("%v (≈ %.1f requests)", r.CritPath.Round(time.Millisecond), float64(r.CritPath)/float64(latency))
			critRatio = fmt.Sprintf("%.2f", float64(r.Wall)/float64(r.CritPath))
		}
		if r.PeakRSS > 0 {
			rss = fmt.Sprintf("%.1f MB", float64(r.PeakRSS)/1e6)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %v | %v | %.2f | %s | %d | %d | %s | %s | %s | %s | %s |\n",
			r.Set, r.Catalog, r.Concurrency, r.Images, r.Wall.Round(time.Millisecond), r.Floor,
			float64(r.Wall)/float64(max(r.Floor, 1)), startup, r.Requests, r.Busiest,
			crit, critRatio, ratioSerial, rss, human(r.Bytes))
	}
}

func human(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
