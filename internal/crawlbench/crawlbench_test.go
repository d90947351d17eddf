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
	rows, err := Run(context.Background(), Config{Latency: time.Millisecond, Images: 6, Hosts: 2, Repeat: 1, Serial: true})
	if err != nil {
		t.Fatal(err)
	}
	// shipped and synthetic, each empty and current, each default and serial.
	if len(rows) != 8 {
		t.Fatalf("%d rows, want 8", len(rows))
	}
	for _, r := range rows {
		if r.Exit != 0 || r.PeakRSS <= 0 || r.Wall <= 0 {
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
	if got := strings.Count(buf.String(), "\n"); got != 10 {
		t.Fatalf("table has %d lines, want 10:\n%s", got, buf.String())
	}
}
