package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// canary stands in for a real token in every fault: it must show up in no
// output, report or catalog file, whatever went wrong.
const faultCanary = "ghp_faultCanary0123456789abcdefABCDEF0000"

const (
	ubuntuBase = "/ubuntu/releases/noble/"
	debianBase = "/debian/images/cloud/bookworm/"
)

// TestFaultMatrix runs the real CLI against a mirror that misbehaves in one
// way per case, on one image, and checks that the run completes: the other
// image is updated, the failed image's catalog file is byte for byte what it
// was, the report names the failure, the exit status is 3, and the token is
// nowhere. A fault the client recovers from (a retried 500) must cost
// nothing at all.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	type fault struct {
		name   string
		image  string                       // the image the fault hits: "Ubuntu 24.04" or "Debian 12"
		apply  func(t *testing.T, w *world) // breaks the mirror
		ubuntu func(t *testing.T) string    // where Ubuntu is fetched from instead of the mirror
		args   []string                     // extra flags
		want   string                       // fragment of the image's error in the report; "" = it recovers
		// retried is a path the client must have asked twice: the fault,
		// then the retry that recovered from it.
		retried string
		// httpTimeout is --http-timeout, set where the fault is that no
		// answer comes. Elsewhere the 30s default stays: far beyond any
		// answer's time on a busy machine, so that no attempt of the image
		// that must succeed, nor of a fault that is not a timeout, runs out.
		httpTimeout string
	}
	tests := []fault{
		{
			name: "connection refused", image: "Ubuntu 24.04",
			ubuntu: func(t *testing.T) string { return "http://" + closedAddr(t) + "/ubuntu/" },
			want:   "connect: connection refused",
		},
		{
			name: "connection dropped", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase+"release/SHA256SUMS", mirror.Fault{CloseConnection: true})
			},
			want: "GET https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS: ",
		},
		{
			name: "404", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) { w.mirror.Remove(ubuntuBase + "release/SHA256SUMS") },
			want:  "latest checksums: GET https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS: 404 Not Found",
		},
		{
			name: "500 then success", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase+"release-20260705/SHA256SUMS", mirror.Fault{Status: 500, Times: 1})
			},
			retried: ubuntuBase + "release-20260705/SHA256SUMS",
		},
		{
			name: "503 forever", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(debianBase+"latest/SHA512SUMS", mirror.Fault{Status: 503})
			},
			want: "GET https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS: 503 Service Unavailable",
		},
		{
			name: "no answer in time", image: "Ubuntu 24.04",
			ubuntu:      func(t *testing.T) string { return hangingServer(t) + "/ubuntu/" },
			httpTimeout: "2s",
			want:        "timed out after 2s",
		},
		{
			name: "body stalls", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase+"release-20260705/SHA256SUMS", mirror.Fault{Stall: time.Hour})
			},
			httpTimeout: "2s",
			want:        "build 20260705: GET https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS: timed out after 2s",
		},
		{
			name: "truncated file", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(debianBase+"20250210-2019/SHA512SUMS", mirror.Fault{Truncate: 100})
			},
			want: "GET https://cloud.debian.org/images/cloud/bookworm/20250210-2019/SHA512SUMS: reading body: unexpected EOF",
		},
		{
			name: "HTML where a checksum file was expected", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase+"release/SHA256SUMS", mirror.Fault{
					Body: []byte("<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body><p>Back soon.</p></body></html>\n"),
				})
			},
			want: "parse https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS: not a checksum file: line 1",
		},
		{
			name: "wrong hex length", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				short := strings.Repeat("ab", 63) + "  " + debianName + ".qcow2\n" // 126 digits
				w.mirror.File(debianBase+"latest/SHA512SUMS", []byte(short), time.Time{})
			},
			want: "parse https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS: line 1: digest has 126 hex digits",
		},
		{
			name: "redirect loop", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase+"release/SHA256SUMS", mirror.Fault{RedirectLoop: true})
			},
			want: "redirect loop",
		},
		{
			name: "oversized body", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				big := bytes.Repeat([]byte(strings.Repeat("0", 64)+" *padding.img\n"), 2000)
				w.mirror.File(ubuntuBase+"release/SHA256SUMS", big, time.Time{})
			},
			args: []string{"--max-body", "65536"},
			want: "GET https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS: body exceeds 65536 bytes",
		},
		{
			name: "image missing from its checksum file", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				body := dropLine(t, get(t, w.mirror, ubuntuBase+"release/SHA256SUMS"), " *"+ubuntuFile+"\n")
				w.mirror.File(ubuntuBase+"release/SHA256SUMS", body, time.Time{})
			},
			want: `sha256 digest of "` + ubuntuFile + `": not listed in checksum file`,
		},
		{
			name: "latest and pinned checksums disagree", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				p := debianBase + "20250210-2019/SHA512SUMS"
				body := bytes.Replace(get(t, w.mirror, p), []byte(layout.DebianDigest(debianName, "20250210-2019", "")), []byte(strings.Repeat("f", 128)), 1)
				w.mirror.File(p, body, time.Time{})
			},
			want: "is in none of the newest builds (20250210-2019, 20250115-1990): not guessing",
		},
		{
			name: "listing with no builds", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase, mirror.Fault{Body: []byte("<html><body><h1>Index of /releases/noble</h1><a href=\"../\">Parent Directory</a></body></html>")})
			},
			want: "list builds: no release-YYYYMMDD[.N]/ directories in https://cloud-images.ubuntu.com/releases/noble/",
		},
		{
			name: "listing pointing elsewhere", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(ubuntuBase, mirror.Fault{Body: []byte(`<html><body>` +
					`<a href="https://evil.example/releases/noble/release-20260705/">release-20260705/</a>` +
					`<a href="/elsewhere/release-20260705/">release-20260705/</a>` +
					`<a href="../jammy/release-20260705/">release-20260705/</a></body></html>`)})
			},
			want: "list builds: no release-YYYYMMDD[.N]/ directories",
		},
		{
			name: "pinned image not published", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) { w.mirror.Remove(ubuntuBase + "release-20260705/" + ubuntuFile) },
			want:  "pinned image: HEAD https://cloud-images.ubuntu.com/releases/noble/release-20260705/" + ubuntuFile + ": 404 Not Found",
		},
		{
			// A mirror that answers 200 with its error page for a missing file.
			name: "pinned image is an error page", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				w.mirror.Fault(debianBase+"20250210-2019/"+debianName+"-20250210-2019.qcow2", mirror.Fault{
					Body: []byte("<html>not here</html>"), Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}})
			},
			want: "-20250210-2019.qcow2 is a web page (text/html), not an image",
		},
		{
			name: "pinned image is empty", image: "Debian 12",
			apply: func(t *testing.T, w *world) {
				w.mirror.File(debianBase+"20250210-2019/"+debianName+"-20250210-2019.qcow2", []byte{}, time.Time{})
			},
			want: "-20250210-2019.qcow2 is empty (Content-Length 0)",
		},
		{
			name: "build dated in the future", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				layout.Ubuntu(w.mirror, ubuntuBase, ubuntuFile, []string{"20260601", "20260615", "20260705", "29990101"}, "")
			},
			// The alias names the future build: it is skipped as no
			// plausible build, and the alias's checksum is then in no
			// other build, so nothing is guessed.
			want: "skipped release-29990101 in https://cloud-images.ubuntu.com/releases/noble/: build date 2999-01-01 is implausible: in the future",
		},
		{
			name: "downgrade", image: "Ubuntu 24.04",
			apply: func(t *testing.T, w *world) {
				// The alias moves back to a build older than the catalog's.
				layout.Ubuntu(w.mirror, ubuntuBase, ubuntuFile, []string{"20260601"}, "")
			},
			want: "upstream offers 20260601 (built 2026-06-01), older than the catalog's newest 20260615 (built 2026-06-15): refusing a downgrade",
		},
		{
			name: "token in a mirror URL is still redacted", image: "Ubuntu 24.04",
			ubuntu: func(t *testing.T) string { return "http://" + closedAddr(t) + "/" + faultCanary + "/" },
			want:   "connection refused",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if tt.apply != nil {
				tt.apply(t, w)
			}
			ubuntuTo := w.mirror.URL + "/ubuntu/"
			if tt.ubuntu != nil {
				ubuntuTo = tt.ubuntu(t)
			}
			args := append([]string{"run",
				"--catalog", w.catalog,
				"--only", "Ubuntu 24.04", "--only", "Debian 12", "--add", "Debian 12",
				"--mirror", "https://cloud-images.ubuntu.com/=" + ubuntuTo,
				"--mirror", "https://cloud.debian.org/=" + w.mirror.URL + "/debian/",
				"--signatures", "optional", // the mirror has no signatures by the real keys
				"--retries", "1",
			}, tt.args...)
			if tt.httpTimeout != "" {
				args = append(args, "--http-timeout", tt.httpTimeout)
			}
			before := snapshot(t, w)

			r := runRaw(t, w, map[string]string{"GITHUB_TOKEN": faultCanary}, args...)

			for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "report": string(r.reportRaw)} {
				if strings.Contains(out, faultCanary) {
					t.Fatalf("the token leaked into %s:\n%s", name, out)
				}
			}
			if r.report == nil {
				t.Fatalf("no report; exit %d\n%s", r.code, r.stderr)
			}
			other := "Debian 12"
			if tt.image == "Debian 12" {
				other = "Ubuntu 24.04"
			}
			if byImage(r.report)[other] == nil {
				t.Fatalf("%s was not updated: %+v\n%s", other, r.report, r.stderr)
			}
			if tt.want == "" {
				if r.code != ExitOK || len(r.report.Failures) != 0 || byImage(r.report)[tt.image] == nil {
					t.Fatalf("a recoverable fault was not recovered: exit %d, %+v\n%s", r.code, r.report, r.stderr)
				}
				if n := w.mirror.CountPath("GET", tt.retried); n != 2 {
					t.Fatalf("%s was asked %d times, want 2 (the fault, then the retry)", tt.retried, n)
				}
				return
			}
			if r.code != 3 {
				t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
			}
			if len(r.report.Failures) != 1 || r.report.Failures[0].Image != tt.image {
				t.Fatalf("failures %+v, want one for %s", r.report.Failures, tt.image)
			}
			if msg := r.report.Failures[0].Error; !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q\nwant it to contain %q", msg, tt.want)
			}
			if !strings.Contains(r.stderr, tt.image) {
				t.Fatalf("stderr does not name the failed image:\n%s", r.stderr)
			}
			// Zero bytes lost: the failed image's catalog file is what it was
			// (ubuntu.yml holds only Ubuntu 24.04 of the crawled images;
			// debian.yml did not exist and must not now).
			after := snapshot(t, w)
			failedFile := map[string]string{"Ubuntu 24.04": "ubuntu.yml", "Debian 12": "debian.yml"}[tt.image]
			if !bytes.Equal(before[failedFile], after[failedFile]) {
				t.Fatalf("%s changed although its image failed:\n%s", failedFile, after[failedFile])
			}
			if !bytes.Equal(before["cirros.yml"], after["cirros.yml"]) {
				t.Fatal("an unmanaged file changed")
			}
			for f, b := range after {
				if bytes.Contains(b, []byte(faultCanary)) {
					t.Fatalf("the token was written into %s", f)
				}
			}
		})
	}
}

// A run over the whole matrix's worst case, the deadline: the run stops,
// says so, and writes nothing half-done.
func TestRunDeadline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := snapshot(t, w)
	// The deadline counts from the start, loading included: it must leave
	// loading time to spare on a loaded machine under -race, so that it is
	// the hanging crawl that it cuts short.
	args := []string{"run", "--catalog", w.catalog, "--only", "Ubuntu 24.04", "--only", "Debian 12", "--add", "Debian 12",
		"--timeout", "4s", "--http-timeout", "1h", "--retries", "0",
		"--mirror", "https://cloud-images.ubuntu.com/=" + hangingServer(t) + "/ubuntu/",
		"--mirror", "https://cloud.debian.org/=" + hangingServer(t) + "/debian/"}
	r := runRaw(t, w, map[string]string{"GITHUB_TOKEN": faultCanary}, args...)
	if r.code != ExitError {
		t.Fatalf("a run past its deadline exited %d, want %d (docs/operations.md):\n%s", r.code, ExitError, r.stdout)
	}
	if !strings.Contains(r.stderr, "interrupted while crawling (timeout)") || !strings.Contains(string(r.reportRaw), `"reason": "timeout"`) {
		t.Fatalf("the deadline is not named:\n%s\n%s", r.stderr, r.reportRaw)
	}
	after := snapshot(t, w)
	for f := range after {
		if !bytes.Equal(before[f], after[f]) {
			t.Fatalf("%s changed in a run that ran out of time", f)
		}
	}
	if strings.Contains(r.stdout+r.stderr, faultCanary) {
		t.Fatal("the token leaked")
	}
}

type rawResult struct {
	result
	reportRaw []byte
}

// runRaw is world.run keeping the report's bytes, to search them for the
// token.
func runRaw(t *testing.T, w *world, env map[string]string, args ...string) rawResult {
	t.Helper()
	reportPath := filepath.Join(t.TempDir(), "report.json")
	ios, _, out, errOut := iostreams.Test()
	code := Main(context.Background(), append(args, "--report", reportPath), ios, mapEnv(env))
	r := rawResult{result: result{code: code, stdout: out.String(), stderr: errOut.String()}}
	r.reportRaw, _ = os.ReadFile(reportPath)
	checkOffline(t, r.stdout, r.stderr, string(r.reportRaw))
	if len(r.reportRaw) > 0 {
		r.report = &report.Report{}
		if err := json.Unmarshal(r.reportRaw, r.report); err != nil {
			t.Fatalf("report is not JSON: %v\n%s", err, r.reportRaw)
		}
	}
	return r
}

// snapshot reads every catalog file.
func snapshot(t *testing.T, w *world) map[string][]byte {
	t.Helper()
	dir := filepath.Join(w.catalog, "etc/images")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// closedAddr is a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// hangingServer accepts requests and never answers them.
func hangingServer(t *testing.T) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

func get(t *testing.T, m *mirror.Server, p string) []byte {
	t.Helper()
	resp, err := http.Get(m.URL + p)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func dropLine(t *testing.T, body []byte, suffix string) []byte {
	t.Helper()
	var out []string
	dropped := false
	for _, l := range strings.SplitAfter(string(body), "\n") {
		if strings.HasSuffix(l, suffix) {
			dropped = true
			continue
		}
		out = append(out, l)
	}
	if !dropped {
		t.Fatalf("no line ends in %q", suffix)
	}
	return []byte(strings.Join(out, ""))
}

// The deadline covers loading too: a run whose time is up before its first
// request makes none, changes nothing and says it ran out of time.
func TestDeadlineCountsLoading(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := snapshot(t, w)
	for _, cmd := range []string{"run", "crawl"} {
		r := runRaw(t, w, nil, append([]string{cmd, "--timeout", "1ns"}, w.args()...)...)
		if r.code != ExitError || !strings.Contains(r.stderr, "(timeout)") {
			t.Fatalf("%s: exit %d, want %d naming the timeout:\n%s", cmd, r.code, ExitError, r.stderr)
		}
	}
	if n := w.mirror.Count(); n != 0 {
		t.Fatalf("%d requests after the deadline: %v", n, w.mirror.Requests())
	}
	after := snapshot(t, w)
	for f := range after {
		if !bytes.Equal(before[f], after[f]) {
			t.Fatalf("%s changed", f)
		}
	}
}
