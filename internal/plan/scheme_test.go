package plan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/natsort"
)

// held makes an entry's versions from "version@build_date" pairs.
func held(pairs ...string) []catalog.Version {
	var vs []catalog.Version
	for _, p := range pairs {
		v, d, _ := strings.Cut(p, "@")
		vs = append(vs, catalog.Version{Version: v, BuildDate: d})
	}
	return vs
}

func TestChooseVersion(t *testing.T) {
	tests := []struct {
		name     string
		existing []catalog.Version
		build    Build
		want     Choice // zero when an error is expected
		wantErr  string // a part of the *SchemeError's text
		taken    bool
	}{
		// osism's date scheme, with upstream identifiers of each family.
		{name: "AlmaLinux 9 in osism's date scheme",
			existing: held("20251118@2025-11-18"), build: Build{"9.8-20260526", "2026-05-26"},
			want: Choice{"20260526", SchemeBuildDate, true}},
		{name: "AlmaLinux 10",
			existing: held("20260101@2026-01-01"), build: Build{"10.2-20260526.0", "2026-05-26"},
			want: Choice{"20260526", SchemeBuildDate, true}},
		{name: "Rocky 9",
			existing: held("20240529@2024-05-29"), build: Build{"9.5-20241118.0", "2024-11-18"},
			want: Choice{"20241118", SchemeBuildDate, true}},
		{name: "Debian daily",
			existing: held("20240703@2024-07-03"), build: Build{"20250210-2019", "2025-02-10"},
			want: Choice{"20250210", SchemeBuildDate, true}},
		{name: "Ubuntu serial",
			existing: held("20260108@2026-01-08"), build: Build{"20260705", "2026-07-05"},
			want: Choice{"20260705", SchemeBuildDate, false}},
		{name: "Ubuntu second serial of a day",
			existing: held("20260108@2026-01-08", "20260705@2026-07-05"), build: Build{"20260705.1", "2026-07-05"},
			want: Choice{"20260705.1", SchemeBuildDate, false}},
		{name: "Ubuntu serial whose Last-Modified day is later: the serial stays",
			existing: held("20260108@2026-01-08"), build: Build{"20260705", "2026-07-06"},
			want: Choice{"20260705", SchemeBuildDate, false}},
		{name: "openSUSE build number dated by Last-Modified",
			existing: held("20240603@2024-06-03"), build: Build{"Build16.2", "2026-07-01"},
			want: Choice{"20260701", SchemeBuildDate, true}},
		{name: "osism's Fedora 37, a date that is not its build date",
			existing: held("20230402@2022-11-05"), build: Build{"44-1.7", "2026-04-15"},
			want: Choice{"20260415", SchemeBuildDate, true}},

		// Upstream identifier schemes.
		{name: "Flatcar",
			existing: held("3510.2.5@2023-07-01"), build: Build{"3510.2.6", "2023-08-01"},
			want: Choice{"3510.2.6", SchemeIdentifier, false}},
		{name: "Flatcar, a new major",
			existing: held("3510.2.6@2023-08-01"), build: Build{"4230.2.4", "2025-10-13"},
			want: Choice{"4230.2.4", SchemeIdentifier, false}},
		{name: "Fedora identifiers",
			existing: held("43-1.6@2025-10-23"), build: Build{"44-1.7", "2026-04-15"},
			want: Choice{"44-1.7", SchemeIdentifier, false}},
		{name: "CirrOS",
			existing: held("0.6.2@2023-05-30"), build: Build{"0.6.3", "2024-09-26"},
			want: Choice{"0.6.3", SchemeIdentifier, false}},
		{name: "CirrOS 0.10 after 0.9",
			existing: held("0.6.2@2023-05-30", "0.9.0@2025-01-01"), build: Build{"0.10.0", "2026-01-01"},
			want: Choice{"0.10.0", SchemeIdentifier, false}},
		{name: "AlmaLinux entry that already holds identifiers",
			existing: held("9.7-20251118@2025-11-18"), build: Build{"9.8-20260526", "2026-05-26"},
			want: Choice{"9.8-20260526", SchemeIdentifier, false}},
		{name: "an empty entry gets the identifier",
			build: Build{"9.8-20260526", "2026-05-26"},
			want:  Choice{"9.8-20260526", SchemeIdentifier, false}},
		{name: "an empty entry, openSUSE",
			build: Build{"Build16.2", "2026-07-01"},
			want:  Choice{"Build16.2", SchemeIdentifier, false}},

		// Same-day builds.
		{name: "a second build of a day",
			existing: held("20260526@2026-05-26"), build: Build{"9.8-20260526", "2026-05-26"},
			want: Choice{"20260526.1", SchemeBuildDate, true}},
		{name: "a third build of a day",
			existing: held("20260526@2026-05-26", "20260526.1@2026-05-26"), build: Build{"9.8-20260526.2", "2026-05-26"},
			want: Choice{"20260526.2", SchemeBuildDate, true}},
		{name: "after .10 comes .11, not .2 (which sorts before .10)",
			existing: held("20260526.10@2026-05-26", "20260526@2026-05-26"), build: Build{"20250210-2019", "2026-05-26"},
			want: Choice{"20260526.11", SchemeBuildDate, true}},
		{name: "a suffixed day alone",
			existing: held("20260526.1@2026-05-26"), build: Build{"9.8-20260526", "2026-05-26"},
			want: Choice{"20260526.2", SchemeBuildDate, true}},
		{name: "a leading zero in a suffix is the same number",
			existing: held("20260526.01@2026-05-26"), build: Build{"9.8-20260526", "2026-05-26"},
			want: Choice{"20260526.2", SchemeBuildDate, true}},
		{name: "other days do not count",
			existing: held("20260525.3@2026-05-25", "20260527.1@2026-05-27"), build: Build{"9.8-20260528", "2026-05-28"},
			want: Choice{"20260528", SchemeBuildDate, true}},

		// Nothing can be written.
		{name: "mixed schemes: the identifier would sort before the date",
			existing: held("20251118@2025-11-18", "9.8-20260101@2026-01-01"), build: Build{"9.8-20260526", "2026-05-26"},
			wantErr: `version "9.8-20260526" would not be the latest: the image manager (natsort) puts "20251118" (built 2025-11-18) after it`},
		{name: "an identifier that sorts before an invalid date",
			existing: held("20251318@2025-11-18"), build: Build{"9.8-20260526", "2026-05-26"},
			wantErr: `puts "20251318" (built 2025-11-18) after it; the entry's versions (no common scheme)`},
		{name: "a build date before the newest date",
			existing: held("20260601@2026-06-01"), build: Build{"9.8-20260526", "2026-05-26"},
			wantErr: `version "20260526" would not be the latest`},
		{name: "an older Flatcar",
			existing: held("4230.2.4@2025-10-13"), build: Build{"3510.2.6", "2023-08-01"},
			wantErr: `version "3510.2.6" would not be the latest`},
		{name: "the identifier is held",
			existing: held("0.6.2@2023-05-30", "0.6.3@2024-09-26"), build: Build{"0.6.3", "2024-09-26"},
			wantErr: `the entry already holds version "0.6.3" (built 2024-09-26)`, taken: true},
		{name: "the Ubuntu serial is held",
			existing: held("20260705@2026-07-05"), build: Build{"20260705", "2026-07-05"},
			wantErr: `the entry already holds version "20260705"`, taken: true},
		{name: "a version that ties in natsort's order is held too",
			existing: held("0.06.3@2024-09-26"), build: Build{"0.6.3", "2024-09-26"},
			wantErr: `the entry already holds version "0.06.3"`, taken: true},
		{name: "mixed schemes where the identifier does sort last",
			existing: held("1.0@2020-01-01", "1.0-2@2021-01-01"), build: Build{"2.0-1", "2026-01-01"},
			want: Choice{"2.0-1", SchemeUnknown, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ChooseVersion(tt.existing, tt.build)
			if tt.wantErr != "" {
				var se *SchemeError
				if !errors.As(err, &se) {
					t.Fatalf("ChooseVersion() = %+v, %v; want a *SchemeError", got, err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q\ndoes not contain %q", err, tt.wantErr)
				}
				if se.Taken != tt.taken {
					t.Errorf("Taken = %v, want %v", se.Taken, tt.taken)
				}
				if c := natsort.Compare(se.Version, se.Held.Version); c > 0 || se.Taken != (c == 0) {
					t.Errorf("SchemeError{Version: %q, Held: %q, Taken: %v}: Held does not block Version", se.Version, se.Held.Version, se.Taken)
				}
				if len(se.Existing) != len(tt.existing) || se.Build != tt.build {
					t.Errorf("SchemeError{Build: %+v, Existing: %v}, want %+v and the entry's versions", se.Build, se.Existing, tt.build)
				}
				if !strings.Contains(err.Error(), tt.build.ID) {
					t.Errorf("error %q does not name the build %s", err, tt.build.ID)
				}
				return
			}
			if err != nil {
				t.Fatalf("ChooseVersion() error: %v", err)
			}
			if got != tt.want {
				t.Errorf("ChooseVersion() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestChooseVersionBadDate(t *testing.T) {
	_, err := ChooseVersion(held("20251118@2025-11-18"), Build{"9.8-20260526", "26.05.2026"})
	var se *SchemeError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("error = %v, want a bad-date error that is not a *SchemeError", err)
	}
	// Where the build date is not written, it is not needed.
	if _, err := ChooseVersion(held("0.6.2@2023-05-30"), Build{"0.6.3", ""}); err != nil {
		t.Errorf("identifier scheme without a build date: %v", err)
	}
}

// checkChoice checks the promise of ChooseVersion: the version is new and
// natsort-last, or there is a *SchemeError.
func checkChoice(t *testing.T, existing []catalog.Version, b Build) (Choice, error) {
	t.Helper()
	c, err := ChooseVersion(existing, b)
	if err != nil {
		var se *SchemeError
		if _, derr := time.Parse(time.DateOnly, b.Date); !errors.As(err, &se) && derr == nil {
			t.Fatalf("ChooseVersion(%v, %+v): %v is not a *SchemeError", existing, b, err)
		}
		return c, err
	}
	for _, v := range existing {
		if natsort.Compare(c.Version, v.Version) <= 0 {
			t.Fatalf("ChooseVersion(%v, %+v) = %q, which does not sort after %q", existing, b, c.Version, v.Version)
		}
	}
	names := []string{c.Version}
	for _, v := range existing {
		names = append(names, v.Version)
	}
	if l, _ := natsort.Latest(names); l != c.Version {
		t.Fatalf("ChooseVersion(%v, %+v) = %q but natsort's latest is %q", existing, b, c.Version, l)
	}
	if c.Renamed != (c.Version != b.ID) {
		t.Fatalf("ChooseVersion(%v, %+v) = %+v: Renamed is wrong", existing, b, c)
	}
	if c.Scheme == SchemeBuildDate && c.Renamed && !strings.HasPrefix(c.Version, strings.ReplaceAll(b.Date, "-", "")) {
		t.Fatalf("ChooseVersion(%v, %+v) = %q, not of the build date", existing, b, c.Version)
	}
	return c, nil
}

// TestChooseVersionProperty checks the promise on entries and builds drawn
// from a fixed seed, and that an entry of dates older than the build always
// gets a version.
func TestChooseVersionProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	day := func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(30)) }
	ymd := func(d time.Time) string { return d.Format("20060102") }
	version := func(d time.Time) string {
		switch rng.IntN(9) {
		case 0:
			return ymd(d) + "." + fmt.Sprint(rng.IntN(12))
		case 1:
			return "9." + fmt.Sprint(rng.IntN(11)) + "-" + ymd(d)
		case 2:
			return "10.2-" + ymd(d) + ".0"
		case 3:
			return ymd(d) + "-" + fmt.Sprintf("%04d", rng.IntN(2400))
		case 4:
			return fmt.Sprintf("%d.%d.%d", 3500+rng.IntN(3), rng.IntN(3), rng.IntN(11))
		case 5:
			return fmt.Sprintf("Build16.%d", rng.IntN(11))
		case 6:
			return fmt.Sprintf("%02d", rng.IntN(12))
		}
		return ymd(d)
	}
	var dateOnlyEntries, got int
	for range 20000 {
		var existing []catalog.Version
		allDates := true
		newest := time.Time{}
		for range rng.IntN(5) {
			d := day()
			v := version(d)
			allDates = allDates && isDateVersion(v)
			if d.After(newest) {
				newest = d
			}
			existing = append(existing, catalog.Version{Version: v, BuildDate: d.Format(time.DateOnly)})
		}
		d := day()
		b := Build{ID: version(d), Date: d.Format(time.DateOnly)}
		_, err := checkChoice(t, existing, b)
		if allDates && !isDateVersion(b.ID) && len(existing) > 0 && d.After(newest) {
			dateOnlyEntries++
			if err != nil {
				t.Fatalf("entry %v of older dates, build %+v: %v", existing, b, err)
			}
		}
		if err == nil {
			got++
		}
	}
	if dateOnlyEntries == 0 || got == 0 {
		t.Fatalf("the generator drew %d date entries with an older newest date and %d choices; it tests nothing", dateOnlyEntries, got)
	}
}

func FuzzChooseVersion(f *testing.F) {
	f.Add("20251118\n20260526", "9.8-20260526", "2026-05-26")
	f.Add("20260526.9", "20260526.10", "2026-05-26")
	f.Add("3510.2.6", "3510.2.10", "2023-08-01")
	f.Add("", "Build16.2", "2026-07-01")
	f.Add("20260526.18446744073709551615", "9.8-20260526", "2026-05-26")
	f.Fuzz(func(t *testing.T, existing, id, date string) {
		var vs []catalog.Version
		if existing != "" {
			for v := range strings.SplitSeq(existing, "\n") {
				vs = append(vs, catalog.Version{Version: v})
			}
		}
		checkChoice(t, vs, Build{ID: id, Date: date})
	})
}
