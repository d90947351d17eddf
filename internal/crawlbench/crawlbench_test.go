package crawlbench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/cli"
	"github.com/osism/image-crawler/internal/iostreams"
)

// TestMain lets the test binary stand in for cmd/crawlbench: Run re-executes
// the running binary as the measured child.
func TestMain(m *testing.M) {
	if os.Getenv(ChildEnv) != "" {
		code := cli.Main(context.Background(), os.Args[1:], iostreams.System(), os.LookupEnv)
		ReportPeakRSS()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts image-crawler processes")
	}
	predecessors := []Predecessor{
		{Name: "absent", Command: "no-such-crawler-installed --flag"},
		// Stands in for an installed predecessor: sees the mirrors and the
		// catalog copy, and sends no request.
		{Name: "shell", Command: `test -d "$CRAWLBENCH_CATALOG" && test -n "$CRAWLBENCH_MIRRORS"`},
	}
	rows, err := Run(context.Background(), Config{Latency: time.Millisecond, Images: 6, Hosts: 2, Repeat: 1, Serial: true, Predecessors: predecessors})
	if err != nil {
		t.Fatal(err)
	}
	// shipped and synthetic, each empty and current, each default and
	// serial, and the installed predecessor on each.
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12", len(rows))
	}
	for _, r := range rows {
		if r.Concurrency == "absent" {
			t.Errorf("a predecessor that is not installed was run: %+v", r)
		}
		if r.Concurrency == "shell" {
			if r.Requests != 0 || r.Wall <= 0 {
				t.Errorf("predecessor row %+v", r)
			}
			continue
		}
		if r.Exit != 0 || r.PeakRSS <= 0 || r.Wall <= 0 || r.Startup <= 0 || r.Startup >= r.Wall || r.Floor <= 0 {
			t.Errorf("row %+v", r)
		}
		if strings.HasPrefix(r.Set, "synthetic") {
			// One request per unchanged image, four per new one (3 GETs + HEAD).
			want := map[string]int{"empty": 24, "current": 6}[r.Catalog]
			if r.Requests != want {
				t.Errorf("%s %s concurrency %s: %d requests, want %d", r.Set, r.Catalog, r.Concurrency, r.Requests, want)
			}
			if r.CritPath != map[string]time.Duration{"empty": 4 * time.Millisecond, "current": time.Millisecond}[r.Catalog] {
				t.Errorf("%s %s: critical path %v", r.Set, r.Catalog, r.CritPath)
			}
		}
	}
	var buf bytes.Buffer
	Table(&buf, rows, time.Millisecond)
	if got := strings.Count(buf.String(), "\n"); got != 14 {
		t.Fatalf("table has %d lines, want 14:\n%s", got, buf.String())
	}
}

func TestFloor(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		trips, busiest, perHost int
		want                    time.Duration
	}{
		{4, 20, 6, 200 * ms},   // the shipped set's first run: round trips bound it
		{1, 6, 6, 50 * ms},     // its rerun
		{4, 800, 6, 6700 * ms}, // 5,000 images on 25 hosts: 134 waves of 6
		{1, 7, 6, 100 * ms},    // a seventh request needs a second wave
		{1, 0, 6, 50 * ms},
		{1, 5, 0, 250 * ms}, // per-host 0 counts as 1
	}
	for _, tt := range tests {
		if got := Floor(tt.trips, tt.busiest, tt.perHost, 50*ms); got != tt.want {
			t.Errorf("Floor(%d, %d, %d) = %v, want %v", tt.trips, tt.busiest, tt.perHost, got, tt.want)
		}
	}
}

func TestParsePredecessor(t *testing.T) {
	tests := []struct {
		in      string
		want    Predecessor
		wantErr bool
	}{
		{"updater=python3 -m updater --dir x=y", Predecessor{Name: "updater", Command: "python3 -m updater --dir x=y"}, false},
		{"noequals", Predecessor{}, true},
		{"=cmd", Predecessor{}, true},
		{"name=", Predecessor{}, true},
	}
	for _, tt := range tests {
		got, err := ParsePredecessor(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParsePredecessor(%q) = %+v, %v", tt.in, got, err)
		}
	}
}
