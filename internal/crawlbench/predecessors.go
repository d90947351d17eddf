package crawlbench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Predecessor is another crawler timed on the same mirrors, such as the
// image manager's updater or the original Python crawler
// (docs/benchmarks.md says how to wire them in). Neither ships with this
// project; one whose program is not installed is skipped.
type Predecessor struct {
	Name string
	// Command is a shell command line (run with sh -c). It gets, in its
	// environment, CRAWLBENCH_CATALOG (a scratch copy of the catalog
	// repository, which it may change), CRAWLBENCH_CATALOG_DIR (the catalog
	// folder inside it) and CRAWLBENCH_MIRRORS (one FROM=TO a line: each
	// upstream URL prefix and the local mirror that serves it).
	Command string
}

// ParsePredecessor reads NAME=COMMAND.
func ParsePredecessor(s string) (Predecessor, error) {
	name, command, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(command) == "" {
		return Predecessor{}, fmt.Errorf("predecessor %q: want NAME=COMMAND", s)
	}
	return Predecessor{Name: strings.TrimSpace(name), Command: command}, nil
}

// Installed reports whether the command's program can be found: the first
// word of the command line, on PATH or as a path.
func (p Predecessor) Installed() bool {
	if p.program() == "" {
		return false
	}
	_, err := exec.LookPath(p.program())
	return err == nil
}

func (p Predecessor) program() string {
	if fields := strings.Fields(p.Command); len(fields) > 0 {
		return fields[0]
	}
	return ""
}

// run times the predecessor on the set's mirrors against the empty and the
// current catalog, like the image-crawler rows (median of c.Repeat runs).
func (p Predecessor) run(ctx context.Context, c Config, s *set, dir string, perHost int) ([]Row, error) {
	if !p.Installed() {
		if c.Out != nil {
			fmt.Fprintf(c.Out, "skipped %s on %s: %q is not installed\n", p.Name, s.name, p.program())
		}
		return nil, nil
	}
	var mirrors []string
	for i := 0; i+1 < len(s.args); i += 2 {
		if s.args[i] == "--mirror" {
			mirrors = append(mirrors, s.args[i+1])
		}
	}
	var rows []Row
	for _, state := range []string{"empty", "current"} {
		var runs []Row
		for range max(c.Repeat, 1) {
			scratch, err := os.MkdirTemp(dir, "predecessor-")
			if err != nil {
				return nil, err
			}
			if err := os.CopyFS(scratch, os.DirFS(filepath.Join(dir, state))); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
			for _, m := range s.servers {
				m.Latency(c.Latency)
			}
			s.reset()
			cmd := exec.CommandContext(ctx, "sh", "-c", p.Command)
			cmd.Env = append(os.Environ(),
				"CRAWLBENCH_CATALOG="+scratch,
				"CRAWLBENCH_CATALOG_DIR=etc/images",
				"CRAWLBENCH_MIRRORS="+strings.Join(mirrors, "\n"))
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			start := time.Now()
			err = cmd.Run()
			row := Row{Wall: time.Since(start), started: start}
			os.RemoveAll(scratch)
			if err != nil {
				return nil, fmt.Errorf("%s on %s, %s catalog: %v\n%s", p.Name, s.name, state, err, tail(out.String()))
			}
			row.Requests, row.Busiest, row.Bytes = s.traffic()
			if first := s.firstRequest(); !first.IsZero() {
				row.Startup = first.Sub(start)
			}
			runs = append(runs, row)
		}
		slices.SortFunc(runs, func(a, b Row) int { return cmp.Compare(a.Wall, b.Wall) })
		row := runs[len(runs)/2]
		trips := firstRunTrips
		if state == "current" {
			trips = rerunTrips
		}
		row.Set, row.Catalog, row.Concurrency, row.Images = s.name, state, p.Name, s.images
		row.Floor = Floor(trips, row.Busiest, perHost, c.Latency)
		rows = append(rows, row)
		if c.Out != nil {
			fmt.Fprintf(c.Out, "measured %s / %s catalog / %s: %v\n", s.name, state, p.Name, row.Wall.Round(time.Millisecond))
		}
	}
	return rows, nil
}
