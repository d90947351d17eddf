package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/templates"
)

// A typo in a template is the operator's input: exit 2, before anything is
// written (the templates load beside the crawl's first requests), naming the
// file, the line and the undefined variable once.
func TestTemplateTypoIsUsageError(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	def, err := templates.FS.ReadFile(templates.Default)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(def), "v.version | q", "v.versoin | q", 1)
	if bad == string(def) {
		t.Fatal("the default template has no v.version | q to misspell")
	}
	line := 1 + strings.Count(bad[:strings.Index(bad, "v.versoin")], "\n")
	if err := os.WriteFile(filepath.Join(dir, templates.Default), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "crawl"} {
		r := w.run(nil, w.args(cmd, "--templates", dir)...)
		if r.code != ExitUsage {
			t.Fatalf("%s: exit %d, want 2\n%s", cmd, r.code, r.stderr)
		}
		want := filepath.Join(dir, templates.Default) + ": line " + strconv.Itoa(line) + ": v.versoin is undefined"
		if strings.Count(r.stderr, want) != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%s: stderr should say %q once, in one line:\n%s", cmd, want, r.stderr)
		}
	}
}

// --log-format json: every line on stderr is one JSON object, the CLI's own
// warnings at WARN and failed images at ERROR; crawl --json carries the
// signatures-off warning that run's report carries.
func TestJSONLogsAreAllJSON(t *testing.T) {
	w := newWorld(t)
	w.mirror.Fault(ubuntuBase+"release/SHA256SUMS", mirror.Fault{Status: 404})
	for _, cmd := range []string{"crawl", "run"} {
		args := w.args(cmd, "--log-format", "json")
		args = append(args, "--signatures", "off")
		if cmd == "crawl" {
			args = append(args, "--json")
		}
		r := w.run(nil, args...)
		if r.code != ExitFailures {
			t.Fatalf("%s: exit %d, want 3\n%s", cmd, r.code, r.stderr)
		}
		levels := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			var rec struct{ Level, Msg, Image, Status string }
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" {
				t.Fatalf("%s: not a JSON log record: %q", cmd, line)
			}
			key := rec.Msg
			if rec.Image != "" {
				key += " " + rec.Image
			}
			if strings.HasPrefix(rec.Msg, "--signatures off") {
				key = "--signatures off"
			}
			if strings.HasPrefix(rec.Msg, "signature verification is off") {
				key = "report warning"
			}
			levels[key] = rec.Level
		}
		for key, want := range map[string]string{
			"--signatures off":     "WARN",
			"report warning":       "WARN",
			"crawled Ubuntu 24.04": "ERROR",
			"failed Ubuntu 24.04":  "ERROR",
			"crawled Debian 12":    "INFO",
		} {
			if levels[key] != want {
				t.Errorf("%s: %q logged at %q, want %s\n%s", cmd, key, levels[key], want, r.stderr)
			}
		}
		if c := strings.Count(r.stderr, "404 Not Found"); c != 1 {
			t.Errorf("%s: the failure is printed %d times, want once\n%s", cmd, c, r.stderr)
		}
		if cmd == "crawl" && !strings.Contains(r.stdout, "signature verification is off") {
			t.Errorf("crawl --json lacks the signatures-off warning:\n%s", r.stdout)
		}
		if !slices.Contains(r.report.Warnings, "signature verification is off (--signatures off): no checksum file was verified") {
			t.Errorf("%s --report warnings %q", cmd, r.report.Warnings)
		}
	}
}

// --catalog is an existing directory or a supported git URL: a typo must
// not grow a new catalog, and an SSH URL is refused by name.
func TestCatalogArgument(t *testing.T) {
	w := newWorld(t)
	missing := filepath.Join(t.TempDir(), "my-catalgo")
	tests := []struct {
		catalog string
		extra   []string
		code    int
		want    string
	}{
		{missing, nil, ExitUsage, "no such directory (a typo? --new-catalog starts a new catalog there)"},
		{"ssh://git@github.com/o/r.git", nil, ExitUsage, "SSH git URLs are not supported"},
		{"git+ssh://git@github.com/o/r.git", nil, ExitUsage, "SSH git URLs are not supported"},
		{"git@github.com:o/r.git", nil, ExitUsage, "SSH git URLs (host:path) are not supported"},
		{"github.com:o/r", nil, ExitUsage, "SSH git URLs (host:path) are not supported"},
		{"ftp://example.org/catalog", nil, ExitUsage, `unsupported URL scheme "ftp"`},
		{"htps://github.com/o/r", nil, ExitUsage, `unsupported URL scheme "htps"`},
		{filepath.Join(w.catalog, "etc/images/ubuntu.yml"), nil, ExitUsage, "not a directory"},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"run", "crawl"} {
			args := append(withCatalog(w.args(cmd), tt.catalog), tt.extra...)
			r := w.run(nil, args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("%s --catalog %s: exit %d, want %d and %q\n%s", cmd, tt.catalog, r.code, tt.code, tt.want, r.stderr)
			}
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("a refused --catalog was created")
	}
	// Asked for, a new catalog is started there.
	r := w.run(nil, withCatalog(w.args("run", "--new-catalog"), missing)...)
	if r.code != ExitOK {
		t.Fatalf("--new-catalog: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(missing, "etc/images/ubuntu.yml")); err != nil {
		t.Fatalf("--new-catalog wrote no catalog: %v", err)
	}
}

// crawl has only the flags it uses: the publish flags of run are errors
// on the command line, and do not apply from the environment.
func TestCrawlHasOnlyCrawlFlags(t *testing.T) {
	w := newWorld(t)
	for _, flag := range []string{"--draft", "--signoff", "--label=x", "--author-name=x", "--author-email=x@example.org", "--regenerate", "--branch=x", "--mirror-url-template=x", "--dashboard", "--reviewer=x", "--sign-commits"} {
		r := w.run(nil, w.args("crawl", flag)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "unknown flag") {
			t.Errorf("crawl %s: exit %d, want 2 (unknown flag)\n%s", flag, r.code, r.stderr)
		}
		if r := w.run(nil, w.args("run", "--dry-run", flag)...); strings.Contains(r.stderr, "unknown flag") {
			t.Errorf("run %s: %s", flag, r.stderr)
		}
	}
	r := w.run(map[string]string{"IMAGE_CRAWLER_DRAFT": "true", "IMAGE_CRAWLER_LABEL": "images"}, w.args("crawl")...)
	if r.code != ExitOK {
		t.Errorf("crawl with run's flags in the environment: exit %d\n%s", r.code, r.stderr)
	}
}

// --only matches in any letter case and suggests the closest names.
func TestOnlyAnyCase(t *testing.T) {
	w := newWorld(t)
	r := w.run(nil, "crawl", "--catalog", w.catalog, "--only", "ubuntu 24.04", "--signatures", "optional",
		"--mirror", "https://cloud-images.ubuntu.com/="+w.mirror.URL+"/ubuntu/")
	if r.code != ExitOK || len(r.report.Updates) != 1 || r.report.Updates[0].Image != "Ubuntu 24.04" {
		t.Fatalf("--only in lower case: exit %d\n%s", r.code, r.stderr)
	}
	r = w.run(nil, "crawl", "--catalog", w.catalog, "--only", "Ubunto 24.04")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `did you mean "Ubuntu 24.04"`) {
		t.Fatalf("--only with a typo: exit %d\n%s", r.code, r.stderr)
	}
}

// withCatalog sets the --catalog of the world's args.
func withCatalog(args []string, catalog string) []string {
	out := slices.Clone(args)
	i := slices.Index(out, "--catalog")
	out[i+1] = catalog
	return out
}

// On a terminal the crawl shows one line that updates in place, counting
// failures; the failure's message itself is printed once.
func TestTerminalProgressCountsFailures(t *testing.T) {
	w := newWorld(t)
	w.mirror.Fault(ubuntuBase+"release/SHA256SUMS", mirror.Fault{Status: 404})
	for _, cmd := range []string{"crawl", "run"} {
		ios, _, out, errOut := iostreams.Test()
		ios.Terminal = true
		code := Main(context.Background(), w.args(cmd), ios, mapEnv(nil))
		if code != ExitFailures {
			t.Fatalf("%s: exit %d\n%s", cmd, code, errOut)
		}
		stderr := errOut.String()
		segs := strings.Split(stderr, cmdutil.EraseLine)
		if len(segs) != 3 || segs[0] != "" {
			t.Fatalf("%s: want two progress updates on one line:\n%q", cmd, stderr)
		}
		// The total may grow while the crawl runs (release discovery).
		if !regexp.MustCompile(`^\[1/[12]\] [01] failed; `).MatchString(segs[1]) || !strings.HasPrefix(segs[2], "[2/2] 1 failed; ") || strings.Contains(segs[1], "\n") {
			t.Errorf("%s: progress %q", cmd, segs[1:])
		}
		if c := strings.Count(out.String()+stderr, "404 Not Found"); c != 1 {
			t.Errorf("%s: the failure is printed %d times, want once\nstdout:\n%s\nstderr:\n%s", cmd, c, out, stderr)
		}
	}
}

// The progress counts every image once, in order, failures before the
// crawl (an unlisted releases directory) included, under names --only
// takes.
func TestProgressCountsEveryImageByName(t *testing.T) {
	w := newELWorld(t)
	w.mirror.Fault("/fedora/pub/fedora/linux/releases/", mirror.Fault{Status: 404})
	r := w.run(nil, w.args("crawl")...)
	if r.code != ExitFailures {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	line := regexp.MustCompile(`msg=crawled image="([^"]+)" status=(?:"[^"]*"|\S+) done=(\d+) total=(\d+)`)
	var names []string
	total := 0
	for _, l := range strings.Split(r.stderr, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		names = append(names, m[1])
		if done, _ := strconv.Atoi(m[2]); done != len(names) {
			t.Errorf("progress %s after %d lines: %q", m[2], len(names)-1, l)
		}
		total, _ = strconv.Atoi(m[3])
	}
	rep := r.report
	if n := len(rep.Updates) + len(rep.Unchanged) + len(rep.Failures); total != n || len(names) != n {
		t.Fatalf("%d progress lines of total %d, want %d (updates, unchanged, failures)\n%s", len(names), total, n, r.stderr)
	}
	fedora := 0
	for _, f := range rep.Failures {
		if !slices.Contains(names, f.Image) {
			t.Errorf("failure %q has no progress line", f.Image)
		}
		if strings.HasPrefix(f.Image, "Fedora") {
			fedora++
			// The name a failure carries is one --only takes.
			if r := w.run(nil, w.args("crawl", "--only", f.Image)...); r.code == ExitUsage {
				t.Errorf("--only %q refused:\n%s", f.Image, r.stderr)
			}
		}
	}
	if fedora == 0 {
		t.Fatalf("no Fedora failure: %+v", rep.Failures)
	}
}
