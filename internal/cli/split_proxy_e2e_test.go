package cli

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

func TestSplitByFileEndToEnd(t *testing.T) {
	w := newForgeWorld(t)
	args := []string{"--split-by", "file", "--add", "Debian 12"}

	// 1. One branch and pull request per catalog file that changes.
	r := w.runBot(args...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	prs := r.report.PullRequests
	if len(prs) != 2 || prs[0].Branch != "image-crawler/updates/debian" || prs[1].Branch != "image-crawler/updates/ubuntu" ||
		prs[0].Operation != "created" || prs[1].Operation != "created" {
		t.Fatalf("pull requests %+v", prs)
	}
	if r.report.PullRequest == nil || r.report.PullRequest.Operation != "created" {
		t.Fatalf("pull_request %+v", r.report.PullRequest)
	}
	main := w.git.Head("catalog", "main")
	for _, c := range []struct{ stem, file, title string }{
		{"debian", "etc/images/debian.yml", "Update images: Debian 12 20250210-2019"},
		{"ubuntu", "etc/images/ubuntu.yml", "Update images: Ubuntu 24.04 20260705"},
	} {
		br := "image-crawler/updates/" + c.stem
		log := w.git.Log("catalog", br)
		if len(log) < 2 || len(log[0].Parents) != 1 || log[0].Parents[0] != main {
			t.Fatalf("%s is not one commit on main: %+v", br, log)
		}
		if files := w.git.Git("catalog", "diff", "--name-only", main, br); files != c.file {
			t.Fatalf("%s changes %q, want only %s", br, files, c.file)
		}
		if !strings.HasPrefix(log[0].Message, c.title+"\n") {
			t.Fatalf("%s message %q", br, log[0].Message)
		}
	}
	if w.git.Head("catalog", "image-crawler/updates/cirros") != "" || w.git.Head("catalog", "image-crawler/updates") != "" {
		t.Fatal("a branch for a file without change, or the unsplit branch")
	}
	open := w.openPRs()
	if len(open) != 2 || open[0].Title == open[1].Title {
		t.Fatalf("open pull requests %+v", open)
	}

	// 2. A rerun changes nothing.
	writes, pushes := w.gh.Writes(), w.git.Pushes()
	if r := w.runBot(args...); r.code != ExitOK || w.gh.Writes() != writes || w.git.Pushes() != pushes {
		t.Fatalf("rerun: exit %d, %d writes, %d pushes", r.code, w.gh.Writes()-writes, w.git.Pushes()-pushes)
	}

	// 3. Ubuntu's pull request is merged: it alone is closed and its
	// branch deleted; Debian's stays.
	merged, _ := w.git.ReadFile("catalog", "image-crawler/updates/ubuntu", "etc/images/ubuntu.yml")
	w.git.Commit("catalog", "main", map[string]string{"etc/images/ubuntu.yml": merged}, gitserver.DefaultAuthor, "Merge Ubuntu")
	r = w.runBot(args...)
	if r.code != ExitOK {
		t.Fatalf("after merge: exit %d\n%s", r.code, r.stderr)
	}
	ops := map[string]string{}
	for _, pr := range r.report.PullRequests {
		ops[pr.Branch] = pr.Operation
	}
	if ops["image-crawler/updates/ubuntu"] != "closed" || ops["image-crawler/updates/debian"] != "updated" {
		// Debian's branch is regenerated on the new main.
		t.Fatalf("operations %v", ops)
	}
	if w.git.Head("catalog", "image-crawler/updates/ubuntu") != "" || len(w.openPRs()) != 1 {
		t.Fatalf("ubuntu's branch or pull request left: %+v", w.openPRs())
	}
}

// forwardProxy is an HTTP proxy on loopback. Test hosts are named NAME.test
// and reach 127.0.0.1 only through it, so a request that bypasses the proxy
// cannot resolve its host and fails.
type forwardProxy struct {
	*httptest.Server
	mu    sync.Mutex
	hosts map[string]int
}

func newForwardProxy(t *testing.T) *forwardProxy {
	p := &forwardProxy{hosts: map[string]int{}}
	direct := &http.Transport{Proxy: nil}
	t.Cleanup(direct.CloseIdleConnections)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect || !r.URL.IsAbs() {
			http.Error(w, "this test proxy forwards plain http only", http.StatusMethodNotAllowed)
			return
		}
		host, port, err := net.SplitHostPort(r.URL.Host)
		if err != nil || !strings.HasSuffix(host, ".test") {
			http.Error(w, "unknown host "+r.URL.Host, http.StatusBadGateway)
			return
		}
		p.mu.Lock()
		p.hosts[host]++
		p.mu.Unlock()
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Host = net.JoinHostPort("127.0.0.1", port)
		out.Host = r.Host // the servers build their links from it
		out.Header.Del("Proxy-Connection")
		resp, err := direct.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Server.Close)
	return p
}

func (p *forwardProxy) count(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hosts[host]
}

// viaName replaces 127.0.0.1 in a test server's URL with name.
func viaName(u, name string) string { return strings.Replace(u, "127.0.0.1", name, 1) }

func TestProxyCarriesCrawlGitAndAPI(t *testing.T) {
	w := newForgeWorld(t)
	proxy := newForwardProxy(t)
	mirror := viaName(w.mirror.URL, "mirror.test")
	r := w.run(map[string]string{"GITHUB_TOKEN": canary, "HTTP_PROXY": proxy.URL, "HTTPS_PROXY": proxy.URL, "NO_PROXY": "example.org"}, "run",
		"--catalog", viaName(w.git.HTTPURL("catalog"), "git.test"),
		"--repo", "osism/catalog",
		"--github-api-url", viaName(w.gh.URL, "api.test")+"/",
		"--only", "Ubuntu 24.04",
		"--mirror", "https://cloud-images.ubuntu.com/="+mirror+"/ubuntu/",
		"--signatures", "optional",
	)
	if r.code != ExitOK || r.report.PullRequest == nil || r.report.PullRequest.Operation != "created" {
		t.Fatalf("exit %d, %+v\n%s", r.code, r.report, r.stderr)
	}
	for _, h := range []string{"mirror.test", "git.test", "api.test"} {
		if proxy.count(h) == 0 {
			t.Errorf("no request to %s went through the proxy", h)
		}
	}
	if w.git.Pushes() != 1 || len(w.openPRs()) != 1 {
		t.Fatalf("%d pushes, %d pull requests", w.git.Pushes(), len(w.openPRs()))
	}
}

// Split pull requests with signed commits and the dashboard: each branch
// gets its own signed commit, and the dashboard lists every pull request.
func TestSplitBySignedWithDashboard(t *testing.T) {
	w := newVerifiedWorld(t)
	w.mirror.Remove("/debian/images/cloud/bookworm/")
	r := w.runBot("--split-by", "file", "--sign-commits", "--dashboard")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if len(r.report.PullRequests) != 1 || r.report.PullRequests[0].Branch != "image-crawler/updates/ubuntu" || w.git.Pushes() != 0 {
		t.Fatalf("pull requests %+v, %d pushes", r.report.PullRequests, w.git.Pushes())
	}
	tip := w.git.Log("catalog", "image-crawler/updates/ubuntu")[0]
	if !strings.Contains(tip.Committer, "noreply@github.com") || r.report.PullRequests[0].HeadSHA != tip.Hash {
		t.Fatalf("tip %+v, head_sha %s", tip, r.report.PullRequests[0].HeadSHA)
	}
	ds := w.dashboards()
	if len(ds) != 1 || !strings.Contains(ds[0].Body, "| Debian 12 |") || !strings.Contains(ds[0].Body, "(branch `image-crawler/updates/ubuntu`)") {
		t.Fatalf("dashboards %+v", ds)
	}
}
