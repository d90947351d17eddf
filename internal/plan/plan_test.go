package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

var now = time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC)

func ver(v, sum string) catalog.Version {
	return catalog.Version{Version: v, URL: "https://e.org/" + v + "/x.img", Checksum: "sha256:" + sum, BuildDate: v[:4] + "-" + v[4:6] + "-" + v[6:8]}
}

func TestDecide(t *testing.T) {
	img := source.Image{Name: "Ubuntu 24.04", Limit: 3}
	existing := &catalog.Image{Name: "Ubuntu 24.04", Versions: []catalog.Version{
		ver("20260601", "a1"), ver("20260603", "a3"), ver("20260602", "a2"),
	}}
	res := func(v, sum, date string) upstream.Result {
		return upstream.Result{Version: v, Checksum: "sha256:" + sum, URL: "https://e.org/" + v + "/x.img", BuildDate: date}
	}
	tests := []struct {
		name      string
		existing  *catalog.Image
		res       upstream.Result
		wantErr   string
		unchanged bool
		kind      Kind
		prev      string
		versions  string // versions after, oldest first
	}{
		{name: "unchanged by checksum", existing: existing, res: upstream.Result{Unchanged: true, Version: "20260603"}, unchanged: true},
		{name: "new version, oldest dropped at limit", existing: existing, res: res("20260705", "b5", "2026-07-05"),
			kind: New, prev: "20260603", versions: "20260602,20260603,20260705"},
		{name: "new image", existing: nil, res: res("20260705", "b5", "2026-07-05"), kind: New, prev: "", versions: "20260705"},
		{name: "same-day respin suffix is a new version", existing: existing, res: res("20260603.1", "c3", "2026-06-03"),
			kind: New, prev: "20260603", versions: "20260602,20260603,20260603.1"},
		{name: "respin in place", existing: existing, res: res("20260603", "zz", "2026-06-03"),
			kind: Respin, prev: "20260603", versions: "20260601,20260602,20260603"},
		{name: "held version, same checksum", existing: existing, res: res("20260602", "a2", "2026-06-02"), unchanged: true},
		{name: "downgrade refused", existing: existing, res: res("20260515", "d1", "2026-05-15"), wantErr: "refusing a downgrade"},
		{name: "future date refused", existing: existing, res: res("20260801", "e1", "2026-08-01"), wantErr: "in the future"},
		{name: "new naming scheme decided by build date", existing: &catalog.Image{Name: "AlmaLinux 9", Versions: []catalog.Version{
			{Version: "20251118", Checksum: "sha256:a0", BuildDate: "2025-11-18"}}},
			res: res("9.8-20260526", "f1", "2026-05-26"), kind: New, prev: "20251118", versions: "20251118,20260526"},
		{name: "new naming scheme, older build refused", existing: &catalog.Image{Name: "AlmaLinux 9", Versions: []catalog.Version{
			{Version: "20251118", Checksum: "sha256:a0", BuildDate: "2025-11-18"}}},
			res: res("9.6-20250101", "f1", "2025-01-01"), wantErr: "refusing a downgrade"},
		{name: "bad date", existing: existing, res: res("20260705", "e1", "07/05/2026"), wantErr: "not a YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ""
			if tt.existing != nil {
				before = names(tt.existing.Versions)
			}
			d, err := Decide(img, "etc/images/ubuntu.yml", tt.existing, tt.res, now)
			if tt.existing != nil && names(tt.existing.Versions) != before {
				t.Fatalf("Decide modified the catalog's versions")
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.unchanged {
				if d.Unchanged == nil || d.Change != nil {
					t.Fatalf("want unchanged, got %+v", d)
				}
				return
			}
			c := d.Change
			if c == nil {
				t.Fatalf("want a change, got %+v", d)
			}
			if c.Update.Kind != tt.kind || c.Update.PreviousVersion != tt.prev {
				t.Fatalf("kind %s prev %q, want %s %q", c.Update.Kind, c.Update.PreviousVersion, tt.kind, tt.prev)
			}
			if got := names(c.Versions); got != tt.versions {
				t.Fatalf("versions %s, want %s", got, tt.versions)
			}
			for _, v := range c.Versions {
				if v.Version == tt.res.Version && v.Checksum != tt.res.Checksum {
					t.Fatalf("version %s kept checksum %s, want %s", v.Version, v.Checksum, tt.res.Checksum)
				}
			}
			if tt.kind == Respin && c.Update.PreviousChecksum != "sha256:a3" {
				t.Fatalf("respin previous checksum %q", c.Update.PreviousChecksum)
			}
		})
	}
}

func TestKnownPicksNewestNotLast(t *testing.T) {
	k := Known(&catalog.Image{Versions: []catalog.Version{ver("20260603", "a3"), ver("20260601", "a1")}})
	if k.Version != "20260603" || k.Checksum != "sha256:a3" {
		t.Fatalf("Known = %+v", k)
	}
	if (Known(nil) != upstream.Known{}) {
		t.Fatal("Known(nil) not zero")
	}
}

func names(vs []catalog.Version) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Version)
	}
	return strings.Join(s, ",")
}

func TestShape(t *testing.T) {
	for in, want := range map[string]string{"20260705": "9", "20260705.1": "9.9", "9.8-20260526": "9.9-9", "3.23.4-r0": "9.9.9-r9", "": ""} {
		if got := digitShape(in); got != want {
			t.Errorf("digitShape(%q) = %q, want %q", in, got, want)
		}
	}
}
