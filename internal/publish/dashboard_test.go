package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/report"
)

func TestDashboardExitCode(t *testing.T) {
	now := time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name    string
		failing []report.Failing
		images  int
		want    int
	}{
		{"nothing fails", nil, 3, 0},
		{"one fails, fresh", []report.Failing{{Image: "a", Since: now}}, 3, 0},
		{"one fails for exactly fail-after", []report.Failing{{Image: "a", Since: now.Add(-7 * day)}}, 3, 0},
		{"one fails longer", []report.Failing{{Image: "a", Since: now.Add(-7*day - time.Second)}}, 3, 3},
		{"every image fails, fresh", []report.Failing{{Image: "a", Since: now}, {Image: "b", Since: now}}, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &DashboardStatus{Failing: tt.failing, Images: tt.images, FailAfter: 7 * day, Now: now}
			if got := d.ExitCode(); got != tt.want {
				t.Fatalf("ExitCode %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSinceMarkerRoundTrip(t *testing.T) {
	since := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	failing := []report.Failing{{Image: "Evil --> <b>", Since: since}, {Image: "Ubuntu 24.04", Since: since.Add(time.Hour)}}
	body := DashboardBody(&report.Report{}, failing, nil, nil, DefaultFailAfter, since.Add(48*time.Hour))
	if strings.Count(body, "-->") != 2 { // the two markers' own ends
		t.Fatalf("an image name ended a marker early:\n%s", body)
	}
	got := parseSince(body)
	if len(got) != 2 || !got["Evil --> <b>"].Equal(since) || !got["Ubuntu 24.04"].Equal(since.Add(time.Hour)) {
		t.Fatalf("parseSince %v", got)
	}
	if !strings.Contains(body, "| Evil --&gt; &lt;b&gt; | 2026-07-01 12:00 UTC (2 days) |") {
		t.Fatalf("body:\n%s", body)
	}
}

func FuzzParseSince(f *testing.F) {
	f.Add("<!-- image-crawler:failing-since {\"a\":\"2026-07-01T00:00:00Z\"} -->")
	f.Add("<!-- image-crawler:failing-since {")
	f.Fuzz(func(t *testing.T, body string) {
		m := parseSince(body)
		var failing []report.Failing
		for k, v := range m {
			failing = append(failing, report.Failing{Image: k, Since: v.UTC().Truncate(time.Second)})
		}
		back := parseSince(sinceMarker(failing))
		if len(back) != len(failing) {
			t.Fatalf("round trip lost entries: %v -> %v", failing, back)
		}
	})
}

func TestFailingSince(t *testing.T) {
	now := time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)
	old := now.Add(-72 * time.Hour)
	rep := &report.Report{Failures: []report.Failure{{Image: "a"}, {Image: "b"}, {Image: "a"}}}
	got := failingSince(rep, map[string]time.Time{"a": old, "c": old, "b": now.Add(time.Hour)}, now)
	if len(got) != 2 || !got[0].Since.Equal(old) || !got[1].Since.Equal(now) {
		t.Fatalf("failingSince %+v", got)
	}
}
