package catalog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// versionsDoc is a catalog file with one image per argument; an argument
// lists its versions as "version@build_date" separated by spaces, and
// "version@" has no build_date; "~" in a date is a space. Each version item takes two lines, or one
// without a build_date.
func versionsDoc(images ...string) string {
	var b strings.Builder
	b.WriteString("---\nimages:\n")
	for i, img := range images {
		b.WriteString("  - name: Image " + string(rune('A'+i)) + "\n    versions:\n")
		for v := range strings.FieldsSeq(img) {
			version, date, _ := strings.Cut(v, "@")
			b.WriteString("      - version: '" + version + "'\n")
			if date != "" {
				b.WriteString("        build_date: " + date + "\n")
			}
		}
	}
	return b.String()
}

func TestCheckLatest(t *testing.T) {
	type want struct {
		line           int
		latest, newest string
	}
	tests := []struct {
		name string
		doc  string
		want []want
	}{
		{"the natsort-latest is the newest",
			versionsDoc("20260526@2026-05-26 20251118@2025-11-18"), nil},
		{"an identifier after a date: the date stays latest",
			versionsDoc("20251118@2025-11-18 9.8-20260526@2026-05-26"),
			[]want{{5, "20251118", "9.8-20260526"}}},
		{"list order does not count",
			versionsDoc("9.8-20260526@2026-05-26 20251118@2025-11-18"),
			[]want{{7, "20251118", "9.8-20260526"}}},
		{"a same-day suffix sorts last",
			versionsDoc("20260612@2026-06-12 20260612.1@2026-06-12"), nil},
		{"the suffix is a number: .10 after .9",
			versionsDoc("20260612.10@2026-06-13 20260612.9@2026-06-12"), nil},
		{"the suffix is a number: .9 before .10",
			versionsDoc("20260612.10@2026-06-12 20260612.9@2026-06-13"),
			[]want{{5, "20260612.10", "20260612.9"}}},
		{"a single version",
			versionsDoc("9.8-20260526@2026-05-26"), nil},
		{"no build dates",
			versionsDoc("20251118@ 9.8-20260526@"), nil},
		{"the natsort-latest has no build date",
			versionsDoc("9.8-20260526@2026-05-26 20251118@"), nil},
		{"an older version without a build date",
			versionsDoc("9.8-20260526@ 20251118@2025-11-18 9.9-20260601@2026-06-01"),
			[]want{{6, "20251118", "9.9-20260601"}}},
		{"a tie on the newest day",
			versionsDoc("0.6.3@2024-09-26 0.6.3a@2024-09-26"), nil},
		{"a timestamp's day counts",
			versionsDoc("0.6.3@2024-09-26~10:00:00 0.6.4@2024-09-26"), nil},
		{"a timestamp of a later day",
			versionsDoc("0.6.3@2024-09-27T01:00:00Z 0.6.4@2024-09-26"),
			[]want{{7, "0.6.4", "0.6.3"}}},
		{"a build_date that is not a date is not judged",
			versionsDoc("0.6.3@2024-09-27x 0.6.4@2024-09-26"), nil},
		{"tied versions: the last listed is latest",
			versionsDoc("7@2026-01-02 007@2026-01-01"),
			[]want{{7, "007", "7"}}},
		{"tied versions, the newest last",
			versionsDoc("007@2026-01-01 7@2026-01-02"), nil},
		{"Fedora's and Flatcar's numbers",
			versionsDoc("44-1.10@2026-05-01 44-1.7@2026-04-15", "3510.2.10@2023-09-01 3510.2.6@2023-08-01"), nil},
		{"every image is checked",
			versionsDoc("0.6.10@2024-01-01 0.6.9@2024-02-01", "1@2020-01-01", "Build9@2026-01-01 Build10@2025-01-01"),
			[]want{{5, "0.6.10", "0.6.9"}, {17, "Build10", "Build9"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := CheckLatest("images/x.yml", []byte(tt.doc))
			if len(errs) != len(tt.want) {
				t.Fatalf("CheckLatest() = %v, want %d errors\n%s", errs, len(tt.want), tt.doc)
			}
			for i, err := range errs {
				var fe *FileError
				var nl *NotLatestError
				if !errors.As(err, &fe) || !errors.As(err, &nl) {
					t.Fatalf("error %v is not a *FileError wrapping a *NotLatestError", err)
				}
				w := tt.want[i]
				if fe.Path != "images/x.yml" || fe.Line != w.line || nl.Latest.Version != w.latest || nl.Newest.Version != w.newest {
					t.Errorf("error %d = %s:%d latest %q newest %q; want line %d latest %q newest %q\n%s",
						i, fe.Path, fe.Line, nl.Latest.Version, nl.Newest.Version, w.line, w.latest, w.newest, tt.doc)
				}
			}
		})
	}
}

func TestCheckLatestMessage(t *testing.T) {
	errs := CheckLatest("almalinux.yml", []byte(versionsDoc("20251118@2025-11-18 9.8-20260526@2026-05-26")))
	if len(errs) != 1 {
		t.Fatalf("CheckLatest() = %v", errs)
	}
	for _, part := range []string{`almalinux.yml:5: image "Image A"`, `"20251118" (built 2025-11-18) as the latest`, `"9.8-20260526" was built later (2026-05-26)`} {
		if !strings.Contains(errs[0].Error(), part) {
			t.Errorf("%q does not contain %q", errs[0], part)
		}
	}
}

func TestCheckLatestUnparsable(t *testing.T) {
	errs := CheckLatest("bad.yml", []byte("images: [\n"))
	var fe *FileError
	var nl *NotLatestError
	if len(errs) != 1 || !errors.As(errs[0], &fe) || errors.As(errs[0], &nl) || fe.Path != "bad.yml" {
		t.Fatalf("CheckLatest() = %v, want the one parse error", errs)
	}
}

// The image manager's own catalog: every entry's natsort-latest is its
// newest build.
func TestCheckLatestRealCatalog(t *testing.T) {
	c, err := Load("testdata/osism")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 9 {
		t.Fatalf("loaded %d files, want the 9 of etc/images", len(c.Files))
	}
	if errs := c.CheckLatest(); len(errs) != 0 {
		t.Errorf("Catalog.CheckLatest() = %v", errs)
	}
	for _, f := range c.Files {
		if errs := CheckLatest(f.Path, f.Data); len(errs) != 0 {
			t.Errorf("CheckLatest(%s) = %v", f.Path, errs)
		}
	}
}

// The same catalog with the change issue 10 describes: a build identifier
// appended after osism's date version.
func TestCheckLatestRealCatalogTwisted(t *testing.T) {
	tests := []struct {
		file, old, new string
		line           int // of the natsort-latest version item
		latest, newest string
	}{
		{"almalinux.yml",
			"        build_date: 2025-11-18\n",
			"        build_date: 2025-11-18\n" +
				"      - version: '9.8-20260526'\n" +
				"        url: https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2\n" +
				"        checksum: sha256:0000000000000000000000000000000000000000000000000000000000000000\n" +
				"        build_date: 2026-05-26\n",
			69, "20251118", "9.8-20260526"},
		{"cirros.yml", "build_date: 2023-05-30", "build_date: 2024-12-01", 32, "0.6.3", "0.6.2"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/osism", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(data, []byte(tt.old)) != 1 {
				t.Fatalf("%s holds %q %d times, want once", tt.file, tt.old, bytes.Count(data, []byte(tt.old)))
			}
			twisted := bytes.Replace(data, []byte(tt.old), []byte(tt.new), 1)
			errs := CheckLatest(tt.file, twisted)
			if len(errs) != 1 {
				t.Fatalf("CheckLatest() = %v, want one error", errs)
			}
			var fe *FileError
			var nl *NotLatestError
			if !errors.As(errs[0], &fe) || !errors.As(errs[0], &nl) {
				t.Fatalf("%v is not a *FileError wrapping a *NotLatestError", errs[0])
			}
			if fe.Line != tt.line || nl.Latest.Version != tt.latest || nl.Newest.Version != tt.newest {
				t.Errorf("got %v; want line %d, latest %q, newest %q", errs[0], tt.line, tt.latest, tt.newest)
			}
		})
	}
}

// LatestIndex is what the image manager takes as the latest version:
// natsort's last, and of tied versions the last listed.
func TestLatestIndex(t *testing.T) {
	t.Parallel()
	vs := func(names ...string) []Version {
		out := make([]Version, len(names))
		for i, n := range names {
			out[i] = Version{Version: n}
		}
		return out
	}
	tests := []struct {
		name string
		vs   []Version
		want int
	}{
		{"none", nil, -1},
		{"one", vs("20260501"), 0},
		{"natural order, not byte order", vs("9.10-20260601", "9.9-20260501"), 0},
		{"listed out of order", vs("20260501", "20260701", "20260601"), 1},
		{"tied: the last listed", vs("1.0", "1.00", "0.9"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LatestIndex(tt.vs); got != tt.want {
				t.Errorf("LatestIndex = %d, want %d", got, tt.want)
			}
		})
	}
}

// BuildDay reads the day of a build_date as operators write it.
func TestBuildDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" for not a date
	}{
		{"2026-05-26", "2026-05-26"},
		{" 2026-05-26 ", "2026-05-26"},
		{"2026-05-26 10:00:00", "2026-05-26"},
		{"2026-05-26T10:00:00Z", "2026-05-26"},
		{"2026-05-26x", ""},
		{"2026-5-26", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, ok := BuildDay(tt.in)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("BuildDay(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
