package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/report"
)

// Regression tests of docs/operations.md: nothing is read or written outside
// the repository, a dry run writes nothing, concurrent runs and hand edits
// lose no update, an interrupted run publishes nothing, and the report says
// what was written.

// gate is a proxy in front of a mirror that holds every request until
// released, and closes arrived when the first one comes in: a test
// synchronises on the run having loaded its catalog and started crawling.
type gate struct {
	URL     string
	arrived chan struct{}
	release chan struct{}
	arrive  sync.Once
	open    sync.Once
}

func newGate(t *testing.T, target string) *gate {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{arrived: make(chan struct{}), release: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.arrive.Do(func() { close(g.arrived) })
		select {
		case <-g.release:
			proxy.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { g.Open(); srv.Close() })
	g.URL = srv.URL
	return g
}

// Open lets every request through.
func (g *gate) Open() { g.open.Do(func() { close(g.release) }) }

// gatedArgs are w.args with both mirrors behind g.
func gatedArgs(w *world, g *gate, extra ...string) []string {
	args := w.args(extra...)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "="+w.mirror.URL+"/", "="+g.URL+"/")
	}
	return args
}

// watchWriter collects what is written and calls fire once when match
// first appears: a test synchronises on a log line.
type watchWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	match string
	times int // fire once match appeared this often (at least once)
	fire  func()
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.fire != nil && strings.Count(w.buf.String(), w.match) >= max(w.times, 1) {
		w.fire()
		w.fire = nil
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// runIn is runRaw with a context and, optionally, a stderr that watches.
func runIn(t *testing.T, ctx context.Context, errOut *watchWriter, env map[string]string, args ...string) rawResult {
	t.Helper()
	if errOut == nil {
		errOut = &watchWriter{}
	}
	reportPath := filepath.Join(t.TempDir(), "report.json")
	var out bytes.Buffer
	ios := &iostreams.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: errOut}
	code := Main(ctx, append(args, "--report", reportPath), ios, mapEnv(env))
	r := rawResult{result: result{code: code, stdout: out.String(), stderr: errOut.String()}}
	r.reportRaw, _ = os.ReadFile(reportPath)
	if len(r.reportRaw) > 0 {
		r.report = &report.Report{}
		if err := json.Unmarshal(r.reportRaw, r.report); err != nil {
			t.Fatalf("report is not JSON: %v\n%s", err, r.reportRaw)
		}
	}
	return r
}

// tree reads every file under dir, keyed by slash path; symbolic links and
// other special files by their type.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.IsDir():
			out[filepath.ToSlash(rel)+"/"] = ""
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = string(b)
		default:
			out[filepath.ToSlash(rel)] = d.Type().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range after {
		if before[k] != v {
			t.Errorf("%s: %s changed or appeared", what, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("%s: %s disappeared", what, k)
		}
	}
}

func TestCatalogDirMustStayInside(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := tree(t, filepath.Dir(w.catalog))
	for _, cmd := range []string{"run", "crawl"} {
		for _, dir := range []string{"../..", "..", "/etc/images", "etc/../../x"} {
			r := runRaw(t, w.world(), nil, w.args(cmd, "--catalog-dir", dir)...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "--catalog-dir") || !strings.Contains(r.stderr, "unsafe path") {
				t.Errorf("%s --catalog-dir %s: exit %d, want %d naming the flag\n%s", cmd, dir, r.code, ExitUsage, r.stderr)
			}
		}
	}
	sameTree(t, "around the catalog", before, tree(t, filepath.Dir(w.catalog)))
}

// world returns w itself, for helpers that take a *world.
func (w *world) world() *world { return w }

// linkOut moves the catalog's etc/images (or etc) to a directory outside
// the repository and leaves a relative symbolic link in its place.
func linkOut(t *testing.T, repo, link string) (outside string) {
	t.Helper()
	outside = filepath.Join(t.TempDir(), "outside")
	src := filepath.Join(repo, filepath.FromSlash(link))
	if err := os.Rename(src, outside); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(filepath.Dir(src), outside)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, src); err != nil {
		t.Fatal(err)
	}
	return outside
}

func TestSymlinkedCatalogLocal(t *testing.T) {
	t.Parallel()
	for _, link := range []string{"etc/images", "etc"} {
		for _, dry := range []bool{false, true} {
			name := link
			if dry {
				name += " dry run"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t)
				outside := linkOut(t, w.catalog, link)
				before := tree(t, outside)
				args := w.args("run")
				if dry {
					args = w.args("run", "--dry-run")
				}
				r := runRaw(t, w, nil, args...)
				if r.code != ExitError || !strings.Contains(r.stderr, "symbolic link") {
					t.Errorf("exit %d, want %d refusing the symbolic link\n%s", r.code, ExitError, r.stderr)
				}
				sameTree(t, "outside the repository", before, tree(t, outside))
			})
		}
	}
}

func TestSymlinkedCatalogGit(t *testing.T) {
	t.Parallel()
	for _, link := range []string{"etc/images", "etc"} {
		for _, dry := range []bool{false, true} {
			name := link
			if dry {
				name += " dry run"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				w := newForgeWorld(t)
				// The link's target holds a catalog: etc/images itself, or
				// an etc with images/ inside.
				target := t.TempDir()
				images := target
				if link == "etc" {
					images = filepath.Join(target, "images")
				}
				if err := os.MkdirAll(images, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{"ubuntu.yml", "cirros.yml"} {
					if err := os.WriteFile(filepath.Join(images, name), []byte(w.read(name)), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				w.git.Symlink("catalog", "main", link, target, "Mallory <m@example.org>")
				before := tree(t, target)
				var extra []string
				if dry {
					extra = append(extra, "--dry-run")
				}
				r := w.runBot(extra...)
				if r.code != ExitError || !strings.Contains(r.stderr, "symbolic link") {
					t.Errorf("exit %d, want %d refusing the symbolic link\n%s", r.code, ExitError, r.stderr)
				}
				sameTree(t, "outside the clone", before, tree(t, target))
				if w.git.Pushes() != 0 {
					t.Error("pushed")
				}
			})
		}
	}
}

// Two runs that read the same file before either writes: the second to
// write finds the file changed and writes nothing, rather than silently
// overwrite the first's update.
func TestConcurrentLocalRunsLoseNoUpdate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	g1, g2 := newGate(t, w.mirror.URL), newGate(t, w.mirror.URL)
	results := make(chan rawResult, 2)
	for _, g := range []*gate{g1, g2} {
		go func() {
			results <- runIn(t, context.Background(), nil, nil, gatedArgs(w, g, "run", "--only", "Ubuntu 24.04")...)
		}()
	}
	<-g1.arrived
	<-g2.arrived
	g1.Open()
	g2.Open()
	rs := []rawResult{<-results, <-results}
	codes := []int{rs[0].code, rs[1].code}
	slices.Sort(codes)
	if codes[0] != ExitOK || codes[1] != ExitError {
		t.Fatalf("exit codes %v, want one run to succeed and the other to refuse\n%s\n%s", codes, rs[0].stderr, rs[1].stderr)
	}
	loser := rs[0]
	if loser.code == ExitOK {
		loser = rs[1]
	}
	if !strings.Contains(loser.stderr, "changed on disk since this run read it") {
		t.Errorf("the refusal does not say why:\n%s", loser.stderr)
	}
	if loser.report == nil || len(loser.report.Written) != 0 || !slices.Contains(loser.report.NotWritten, "etc/images/ubuntu.yml") {
		t.Errorf("the refused run's report claims a write: %s", loser.reportRaw)
	}
	if !strings.Contains(w.read("ubuntu.yml"), "20260705") {
		t.Error("the winner's update is not in the file")
	}
}

// A hand edit made while a run crawls is kept: the run refuses to write.
func TestHandEditDuringRunIsKept(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	g := newGate(t, w.mirror.URL)
	done := make(chan rawResult, 1)
	go func() { done <- runIn(t, context.Background(), nil, nil, gatedArgs(w, g, "run")...) }()
	<-g.arrived
	edited := w.read("ubuntu.yml") + "# a hand edit\n"
	if err := os.WriteFile(filepath.Join(w.catalog, "etc", "images", "ubuntu.yml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	g.Open()
	r := <-done
	if r.code != ExitError || !strings.Contains(r.stderr, "etc/images/ubuntu.yml changed on disk") {
		t.Fatalf("exit %d, want %d naming the changed file\n%s", r.code, ExitError, r.stderr)
	}
	if got := w.read("ubuntu.yml"); got != edited {
		t.Errorf("the hand edit was overwritten:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(w.catalog, "etc", "images", "debian.yml")); !os.IsNotExist(err) {
		t.Errorf("debian.yml was written although the run refused: %v", err)
	}
	if r.report == nil || len(r.report.Written) != 0 || len(r.report.NotWritten) != 2 {
		t.Errorf("report: %s", r.reportRaw)
	}
}

func TestInterruptedRunPublishesNothing(t *testing.T) {
	t.Parallel()
	sigint, sigterm := &Signal{Sig: os.Interrupt}, &Signal{Sig: syscall.SIGTERM}
	for _, tc := range []struct {
		name       string
		git        bool
		sig        *Signal
		when       string // "before": cancelled before the run; "crawl": while a request hangs; "crawled": once the crawl is done
		phase      string
		notReached []string
	}{
		{"local before start", false, sigint, "before", "starting", []string{"Ubuntu 24.04", "Debian 12"}},
		{"local while crawling", false, sigint, "crawl", "crawling", []string{"Ubuntu 24.04", "Debian 12"}},
		{"local SIGTERM while crawling", false, sigterm, "crawl", "crawling", []string{"Ubuntu 24.04", "Debian 12"}},
		{"local once crawled", false, sigint, "crawled", "crawling", []string{}},
		{"git while crawling", true, sigint, "crawl", "crawling", []string{"Ubuntu 24.04", "Debian 12"}},
		{"git once crawled", true, sigterm, "crawled", "crawling", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				w    *world
				fw   *forgeWorld
				args []string
				env  map[string]string
			)
			if tc.git {
				fw = newForgeWorld(t)
				w = fw.world
				env = map[string]string{"GITHUB_TOKEN": canary}
			} else {
				w = newWorld(t)
			}
			g := newGate(t, w.mirror.URL)
			if tc.when != "crawl" {
				g.Open()
			}
			args = gatedArgs(w, g, "run")
			if tc.git {
				args = append(args, "--catalog", fw.git.HTTPURL("catalog"), "--repo", "osism/catalog", "--github-api-url", fw.gh.URL+"/")
			}
			before := tree(t, w.catalog)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			errOut := &watchWriter{}
			switch tc.when {
			case "before":
				cancel(tc.sig)
			case "crawl":
				go func() { <-g.arrived; cancel(tc.sig) }()
			case "crawled":
				// The second image's progress line: the crawl is over.
				errOut.match, errOut.times = "msg=crawled", 2
				errOut.fire = func() { cancel(tc.sig) }
			}
			r := runIn(t, ctx, errOut, env, args...)
			if want := tc.sig.ExitCode(); r.code != want {
				t.Fatalf("exit %d, want %d\n%s", r.code, want, r.stderr)
			}
			if !strings.Contains(r.stderr, "interrupted while "+tc.phase+" ("+tc.sig.SignalName()+")") || !strings.Contains(r.stderr, "nothing was written or pushed") {
				t.Errorf("stderr does not say what was interrupted:\n%s", r.stderr)
			}
			sameTree(t, "catalog", before, tree(t, w.catalog))
			if fw != nil && (fw.git.Pushes() != 0 || fw.gh.Writes() != 0) {
				t.Errorf("published: %d pushes, %d API writes", fw.git.Pushes(), fw.gh.Writes())
			}
			rep := r.report
			if rep == nil || rep.Interrupted == nil {
				t.Fatalf("no partial report: %s", r.reportRaw)
			}
			if rep.Interrupted.Reason != tc.sig.SignalName() || rep.Interrupted.Phase != tc.phase {
				t.Errorf("interrupted %+v", rep.Interrupted)
			}
			if !slices.Equal(rep.Interrupted.NotReached, tc.notReached) {
				t.Errorf("not reached %q, want %q", rep.Interrupted.NotReached, tc.notReached)
			}
			if len(rep.Written) != 0 || rep.Pushed || len(rep.Failures) != 0 {
				t.Errorf("report claims what did not happen: %s", r.reportRaw)
			}
			if tc.when == "crawled" && len(rep.Updates) != 2 {
				t.Errorf("the partial report lacks what the crawl found: %s", r.reportRaw)
			}
		})
	}
}

func TestInterruptedCrawlWritesItsReport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	g := newGate(t, w.mirror.URL)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sig := &Signal{Sig: syscall.SIGTERM}
	go func() { <-g.arrived; cancel(sig) }()
	r := runIn(t, ctx, nil, nil, gatedArgs(w, g, "crawl")...)
	if r.code != 143 {
		t.Fatalf("exit %d, want 143\n%s", r.code, r.stderr)
	}
	if r.report == nil || r.report.Interrupted == nil || len(r.report.Interrupted.NotReached) != 2 {
		t.Fatalf("report %s", r.reportRaw)
	}
}

// A write that fails shows in the report: nothing is claimed as written.
func TestFailedWriteIsReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// debian.yml, which the run creates, is a directory: the run refuses
	// before it writes anything (root can write anywhere, this not).
	if err := os.Mkdir(filepath.Join(w.catalog, "etc", "images", "debian.yml"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := tree(t, w.catalog)
	r := runRaw(t, w, nil, w.args("run")...)
	if r.code != ExitError || !strings.Contains(r.stderr, "debian.yml") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	sameTree(t, "catalog", before, tree(t, w.catalog))
	rep := r.report
	if rep == nil || len(rep.Written) != 0 || !slices.Equal(rep.NotWritten, []string{"etc/images/debian.yml", "etc/images/ubuntu.yml"}) {
		t.Fatalf("report: %s", r.reportRaw)
	}
}

func TestReadOnlyCatalogIsReported(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root writes into a read-only directory; TestFailedWriteIsReported covers root")
	}
	w := newWorld(t)
	dir := filepath.Join(w.catalog, "etc", "images")
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	r := runRaw(t, w, nil, w.args("run")...)
	if r.code != ExitError {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if rep := r.report; rep == nil || len(rep.Written) != 0 || len(rep.NotWritten) != 2 {
		t.Fatalf("report: %s", r.reportRaw)
	}
}

// Temporary files a killed run left are removed by the next run, and a
// dry run leaves them (it writes nothing).
func TestStaleTempFilesAreRemoved(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	stale := filepath.Join(w.catalog, "etc", "images", ".ubuntu.yml.tmp-0123456789abcdef")
	if err := os.WriteFile(stale, []byte("images:\n  - na"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runRaw(t, w, nil, w.args("run", "--dry-run")...); r.code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("a dry run removed a file: %v", err)
	}
	if r := runRaw(t, w, nil, w.args("run")...); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("the stale temporary file is still there: %v", err)
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	sigs := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	var errOut watchWriter
	ctx, stop := WithSignals(context.Background(), sigs, &errOut, func(code int) { exited <- code })
	defer stop()
	sigs <- os.Interrupt
	<-ctx.Done()
	if s, ok := context.Cause(ctx).(*Signal); !ok || s.SignalName() != "SIGINT" || signalCode(ctx) != 130 {
		t.Fatalf("cause %v", context.Cause(ctx))
	}
	sigs <- syscall.SIGTERM
	if code := <-exited; code != 143 {
		t.Errorf("second signal exited %d, want 143", code)
	}
	if !strings.Contains(errOut.String(), "SIGINT: stopping") || !strings.Contains(errOut.String(), "SIGTERM again: exiting now") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// Interrupted while publishing, after the push: the push cannot be taken
// back, so the report says it happened and the error says the pull request
// may lag; no pull request is opened after the signal.
func TestInterruptedAfterPushSaysSo(t *testing.T) {
	t.Parallel()
	w := newForgeWorld(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sig := &Signal{Sig: os.Interrupt}
	errOut := &watchWriter{match: "msg=pushed", fire: func() { cancel(sig) }}
	args := append(w.args("run"), "--catalog", w.git.HTTPURL("catalog"), "--repo", "osism/catalog", "--github-api-url", w.gh.URL+"/")
	r := runIn(t, ctx, errOut, map[string]string{"GITHUB_TOKEN": canary}, args...)
	if r.code != 130 {
		t.Fatalf("exit %d, want 130\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "interrupted while publishing (SIGINT): the branch was pushed") {
		t.Errorf("stderr does not say what was published:\n%s", r.stderr)
	}
	if w.git.Pushes() != 1 || len(w.openPRs()) != 0 {
		t.Errorf("%d pushes, open pull requests %v; want the push and no pull request", w.git.Pushes(), w.openPRs())
	}
	rep := r.report
	if rep == nil || !rep.Pushed || len(rep.Written) != 2 || len(rep.NotWritten) != 0 || rep.Interrupted == nil || rep.Interrupted.Phase != "publishing" {
		t.Errorf("report: %s", r.reportRaw)
	}
}

// validate reads the catalog the way run does: not outside the repository,
// not through a symbolic link.
func TestValidateStaysInside(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if r := w.runPlain(nil, "validate", "--catalog", w.catalog, "--catalog-dir", "../.."); r.code == ExitOK || !strings.Contains(r.stderr, "--catalog-dir") {
		t.Errorf("--catalog-dir ../..: exit %d\n%s", r.code, r.stderr)
	}
	linkOut(t, w.catalog, "etc/images")
	if r := w.runPlain(nil, "validate", "--catalog", w.catalog); r.code == ExitOK || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("symlinked etc/images: exit %d\n%s", r.code, r.stderr)
	}
}
