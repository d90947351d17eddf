package lifecycle

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestLookupBuiltin(t *testing.T) {
	tables := Builtin()
	tests := []struct {
		distro, release string
		ok              bool
		version, eol    string
		lts             bool
		origin          string
	}{
		{"debian", "11", true, "11", "2026-08-31", false, OriginDebianTable},       // eol-lts, not eol
		{"debian", "bookworm", true, "12", "2028-06-30", false, OriginDebianTable}, // by codename
		{"Debian", "13", true, "13", "2030-06-30", false, OriginDebianTable},
		{"debian", "14", true, "14", "", false, OriginDebianTable}, // forky: no date yet
		{"debian", "6.0", true, "6.0", "2016-02-29", false, OriginDebianTable},
		{"debian", "5.0", true, "5.0", "2012-02-06", false, OriginDebianTable}, // no eol-lts: eol
		{"ubuntu", "24.04", true, "24.04", "2029-05-31", true, OriginUbuntuTable},
		{"ubuntu", "resolute", true, "26.04", "2031-05-29", true, OriginUbuntuTable},
		{"ubuntu", "25.10", true, "25.10", "2026-07-09", false, OriginUbuntuTable}, // interim: eol
		{"ubuntu", "22.04", true, "22.04", "2027-06-01", true, OriginUbuntuTable},  // not eol-esm
		{"ubuntu", "99.04", false, "", "", false, ""},
		{"debian", "", false, "", "", false, ""},
		{"fedora", "44", false, "", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.distro+"/"+tt.release, func(t *testing.T) {
			r, ok := tables.Lookup(tt.distro, tt.release)
			if ok != tt.ok {
				t.Fatalf("Lookup ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			var eol string
			if !r.EOL.IsZero() {
				eol = r.EOL.Format(time.DateOnly)
			}
			if r.Version != tt.version || eol != tt.eol || r.LTS != tt.lts || r.Origin != tt.origin {
				t.Errorf("got version %q eol %q lts %v origin %q, want %q %q %v %q", r.Version, eol, r.LTS, r.Origin, tt.version, tt.eol, tt.lts, tt.origin)
			}
		})
	}
}

func TestStateOn(t *testing.T) {
	eol := day("2026-08-31")
	tests := []struct {
		now  string
		eol  time.Time
		want State
	}{
		{"2026-05-01", eol, Supported},
		{"2026-06-02", eol, Ending}, // exactly 90 days before
		{"2026-06-01", eol, Supported},
		{"2026-08-30", eol, Ending},
		{"2026-08-31", eol, Ended}, // the day of the end itself
		{"2026-12-01", eol, Ended},
		{"2026-12-01", time.Time{}, Supported}, // no end known
	}
	for _, tt := range tests {
		t.Run(tt.now, func(t *testing.T) {
			now := day(tt.now).Add(15 * time.Hour)
			if got := StateOn(tt.eol, now); got != tt.want {
				t.Errorf("StateOn(%v, %s) = %v, want %v", tt.eol, tt.now, got, tt.want)
			}
		})
	}
}

func TestOverride(t *testing.T) {
	tables := Builtin()
	tables.Override("ubuntu", "24.04", day("2029-06-30"), OriginStreams)
	r, _ := tables.Lookup("ubuntu", "noble")
	if r.EOL != day("2029-06-30") || r.Origin != OriginStreams {
		t.Errorf("after override: %+v", r)
	}
	if r, _ := Builtin().Lookup("ubuntu", "noble"); r.Origin != OriginUbuntuTable {
		t.Errorf("override leaked into a fresh Builtin: %+v", r)
	}
	tables.Override("ubuntu", "28.04", day("2033-05-31"), OriginStreams)
	if _, ok := tables.Lookup("ubuntu", "28.04"); !ok {
		t.Error("a release the snapshot lacks is not added")
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"no eol":    "version,series,release\n1,a,2000-01-01\n",
		"bad date":  "version,codename,series,created,release,eol\n1,A,a,2000-01-01,2001-01-01,soon\n",
		"bad quote": "version,series,release,eol\n\"1,a\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse("debian", strings.NewReader(in)); !errors.Is(err, ErrFormat) {
				t.Errorf("Parse = %v, want ErrFormat", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("version,codename,series,created,release,eol,eol-lts\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30\n")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := Parse("debian", strings.NewReader(in))
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("untyped error %v", err)
		}
		for _, r := range rs {
			if r.Distro != "debian" {
				t.Fatalf("distro %q", r.Distro)
			}
		}
	})
}

// A table fetched at run time takes the place of the snapshot's rows: a
// changed date, a release the snapshot lacks, and rows it does not name
// left as they were; the tables it was cloned from stay unchanged.
func TestRefresh(t *testing.T) {
	const fetched = `version,codename,series,created,release,eol,eol-lts,eol-elts
11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-09-30
16,Nextone,nextone,2029-06-01,2031-06-10
`
	rs, err := Parse("debian", strings.NewReader(fetched))
	if err != nil {
		t.Fatal(err)
	}
	for i := range rs {
		rs[i].Origin = FetchedOrigin("debian")
	}
	base := Builtin()
	tables := base.Clone()
	tables.Refresh("debian", rs)
	tests := []struct {
		tables        *Tables
		release       string
		ok            bool
		eol, origin   string
		codename, rel string
	}{
		{tables, "11", true, "2026-09-30", OriginDebianFetched, "bullseye", "2021-08-14"}, // the fetched date wins
		{tables, "nextone", true, "", OriginDebianFetched, "nextone", "2031-06-10"},       // new to the snapshot
		{tables, "12", true, "2028-06-30", OriginDebianTable, "bookworm", "2023-06-10"},   // not in the fetched table
		{base, "11", true, "2026-08-31", OriginDebianTable, "bullseye", "2021-08-14"},     // the original is untouched
		{base, "16", false, "", "", "", ""},
	}
	for _, tt := range tests {
		r, ok := tt.tables.Lookup("debian", tt.release)
		if ok != tt.ok {
			t.Errorf("%s: found %v", tt.release, ok)
			continue
		}
		if !ok {
			continue
		}
		eol := ""
		if !r.EOL.IsZero() {
			eol = r.EOL.Format(time.DateOnly)
		}
		if eol != tt.eol || r.Origin != tt.origin || r.Codename != tt.codename || r.Released.Format(time.DateOnly) != tt.rel {
			t.Errorf("%s: eol %q origin %q codename %q released %s", tt.release, eol, r.Origin, r.Codename, r.Released.Format(time.DateOnly))
		}
	}
}
