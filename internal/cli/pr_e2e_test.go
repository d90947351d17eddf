package cli

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

// canary is the token of the pull request tests: it must appear in no output.
const canary = "ghs_CANARYtokenNEVERprinted0123456789"

// forgeWorld adds a real git server (git http-backend) and a fake GitHub
// API to the laid-out mirror.
type forgeWorld struct {
	*world
	git *gitserver.Server
	gh  *fakegithub.Server
}

func newForgeWorld(t *testing.T) *forgeWorld {
	t.Helper()
	gitserver.Require(t)
	w := &forgeWorld{world: newWorld(t), git: gitserver.New(t, canary), gh: fakegithub.New(t, canary)}
	files := map[string]string{}
	for _, name := range []string{"ubuntu.yml", "cirros.yml"} {
		files["etc/images/"+name] = w.read(name)
	}
	files["README.md"] = "catalog\n"
	w.git.CreateRepo("catalog", "main", files)
	w.gh.AddRepo("osism", "catalog", "main")
	w.gh.UseBranches(gitBranches{w.git})
	return w
}

func (w *forgeWorld) runBot(extra ...string) result {
	w.t.Helper()
	args := append([]string{"run",
		"--catalog", w.git.HTTPURL("catalog"),
		"--repo", "osism/catalog",
		"--github-api-url", w.gh.URL + "/",
		"--label", "images",
		"--only", "Ubuntu 24.04", "--only", "Debian 12", "--add", "Debian 12",
		"--mirror", "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/",
		"--mirror", "https://cloud.debian.org/=" + w.mirror.URL + "/debian/",
		"--signatures", "optional", // no signatures by the real keys on the test mirror
	}, extra...)
	r := w.run(map[string]string{"GITHUB_TOKEN": canary}, args...)
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, canary) {
			w.t.Fatalf("the token leaked into the output:\n%s", s)
		}
	}
	return r
}

func (w *forgeWorld) openPRs() []fakegithub.PullRequest {
	var open []fakegithub.PullRequest
	for _, pr := range w.gh.PullRequests("osism", "catalog") {
		if pr.State == "open" {
			open = append(open, pr)
		}
	}
	return open
}

// checkBranch asserts the bot's branch is exactly one bot commit on main.
func (w *forgeWorld) checkBranch() gitserver.CommitInfo {
	w.t.Helper()
	log := w.git.Log("catalog", "image-crawler/updates")
	if len(log) < 2 {
		w.t.Fatalf("branch log %+v", log)
	}
	tip := log[0]
	if len(tip.Parents) != 1 || tip.Parents[0] != w.git.Head("catalog", "main") {
		w.t.Fatalf("bot commit %s is not one commit on main (%s): parents %v", tip.Hash, w.git.Head("catalog", "main"), tip.Parents)
	}
	if !strings.Contains(tip.Message, "Image-Crawler-Managed: true") || !strings.Contains(tip.Author, "image-crawler") {
		w.t.Fatalf("bot commit: author %q message %q", tip.Author, tip.Message)
	}
	return tip
}

func TestPullRequestLifecycle(t *testing.T) {
	w := newForgeWorld(t)

	// 1. First run: branch and pull request created.
	r := w.runBot()
	if r.code != ExitOK {
		t.Fatalf("first run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	pr := r.report.PullRequest
	if pr == nil || pr.Operation != "created" || pr.Number == 0 || pr.Branch != "image-crawler/updates" {
		t.Fatalf("pull request %+v", pr)
	}
	tip := w.checkBranch()
	if !strings.HasPrefix(tip.Message, "Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019") {
		t.Fatalf("commit message %q", tip.Message)
	}
	open := w.openPRs()
	if len(open) != 1 || open[0].Title != "Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019" ||
		!strings.Contains(open[0].Body, report.Marker) || strings.Join(open[0].Labels, ",") != "images" || open[0].Base != "main" {
		t.Fatalf("open pull requests %+v", open)
	}
	deb, err := w.git.ReadFile("catalog", "image-crawler/updates", "etc/images/debian.yml")
	if err != nil || !strings.Contains(deb, "20250210-2019") {
		t.Fatalf("debian.yml on the branch: %v\n%s", err, deb)
	}
	if main, _ := w.git.ReadFile("catalog", "main", "etc/images/ubuntu.yml"); main != w.read("ubuntu.yml") {
		t.Fatal("the bot wrote to main")
	}

	// 2. A rerun with no upstream change makes no push and no API write.
	writes, pushes := w.gh.Writes(), w.git.Pushes()
	r = w.runBot()
	if r.code != ExitOK || r.report.PullRequest == nil || r.report.PullRequest.Operation != "none" {
		t.Fatalf("rerun: exit %d, pr %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	if w.gh.Writes() != writes || w.git.Pushes() != pushes {
		t.Fatalf("rerun wrote: %d API writes, %d pushes", w.gh.Writes()-writes, w.git.Pushes()-pushes)
	}

	// 3. Upstream publishes a new build: the same pull request and branch
	// are updated.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705", "20260712"}, "")
	r = w.runBot()
	if r.code != ExitOK || r.report.PullRequest.Operation != "updated" || r.report.PullRequest.Number != pr.Number {
		t.Fatalf("update: exit %d, pr %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	w.checkBranch()
	if open := w.openPRs(); len(open) != 1 || !strings.Contains(open[0].Title, "Ubuntu 24.04 20260712") {
		t.Fatalf("after update: %+v", open)
	}

	// 4. Base moves (someone merged something else): the branch is
	// regenerated on the new base, still one commit.
	w.git.Commit("catalog", "main", map[string]string{"README.md": "catalog, edited\n"}, gitserver.DefaultAuthor, "Edit README")
	if r = w.runBot(); r.code != ExitOK {
		t.Fatalf("after base moved: %d %s", r.code, r.stderr)
	}
	w.checkBranch()

	// 5. The pull request is merged: base holds everything, nothing is left
	// to propose.
	merged, _ := w.git.ReadFile("catalog", "image-crawler/updates", "etc/images/ubuntu.yml")
	mergedDeb, _ := w.git.ReadFile("catalog", "image-crawler/updates", "etc/images/debian.yml")
	w.git.Commit("catalog", "main", map[string]string{"etc/images/ubuntu.yml": merged, "etc/images/debian.yml": mergedDeb}, gitserver.DefaultAuthor, "Merge image updates")
	r = w.runBot()
	if r.code != ExitOK || r.report.PullRequest.Operation != "closed" {
		t.Fatalf("moot: exit %d, pr %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	if len(w.openPRs()) != 0 || w.git.Head("catalog", "image-crawler/updates") != "" {
		t.Fatalf("moot pull request still open or branch still there: %+v", w.openPRs())
	}
	comments := w.gh.Comments("osism", "catalog", pr.Number)
	if len(comments) != 1 || !strings.Contains(comments[0], "already holds every image") {
		t.Fatalf("close comment %q", comments)
	}

	// Nothing anywhere holds the token.
	if w.git.Contains("catalog", canary) {
		t.Fatal("the token reached the repository")
	}
	for _, p := range w.gh.PullRequests("osism", "catalog") {
		if strings.Contains(p.Body+p.Title, canary) {
			t.Fatal("the token reached a pull request")
		}
	}
}

func TestHumanCommitOnBranchIsLeftAlone(t *testing.T) {
	w := newForgeWorld(t)
	if r := w.runBot(); r.code != ExitOK {
		t.Fatalf("first run %d %s", r.code, r.stderr)
	}
	human := w.git.Commit("catalog", "image-crawler/updates", map[string]string{"NOTES.md": "reviewed\n"}, gitserver.DefaultAuthor, "Review notes")
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705", "20260712"}, "")
	writes := w.gh.Writes()
	r := w.runBot()
	if r.code != ExitOK {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if w.git.Head("catalog", "image-crawler/updates") != human || w.gh.Writes() != writes {
		t.Fatal("the bot touched a branch a person committed to")
	}
	if r.report.PullRequest.Operation != "none" || len(r.report.Warnings) == 0 || !strings.Contains(r.report.Warnings[0], "did not make") {
		t.Fatalf("report %+v %v", r.report.PullRequest, r.report.Warnings)
	}
	if !strings.Contains(r.stderr, "did not make") {
		t.Fatalf("the output does not say the branch was left alone:\n%s", r.stderr)
	}
}

func TestConcurrentRunsEndWithOnePullRequest(t *testing.T) {
	w := newForgeWorld(t)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = w.runBot().code
		}()
	}
	wg.Wait()
	if codes[0] != ExitOK || codes[1] != ExitOK {
		t.Fatalf("exit codes %v", codes)
	}
	if open := w.openPRs(); len(open) != 1 {
		t.Fatalf("%d open pull requests, want 1", len(open))
	}
	w.checkBranch()
}

func TestDryRunAgainstGitMakesNoWrites(t *testing.T) {
	w := newForgeWorld(t)
	r := w.runBot("--dry-run")
	if r.code != ExitOK || w.gh.Writes() != 0 || w.git.Pushes() != 0 {
		t.Fatalf("dry run: exit %d, %d writes, %d pushes\n%s", r.code, w.gh.Writes(), w.git.Pushes(), r.stderr)
	}
	for _, want := range []string{"would push branch image-crawler/updates", "would open a pull request"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run does not say %q:\n%s", want, r.stdout)
		}
	}
	if r.report.PullRequest != nil {
		t.Fatal("pull_request must be null in a dry run")
	}
}

func TestWrongTokenFailsWithoutLeaking(t *testing.T) {
	w := newForgeWorld(t)
	r := w.run(map[string]string{"GITHUB_TOKEN": canary + "x"}, "run",
		"--catalog", w.git.HTTPURL("catalog"), "--repo", "osism/catalog", "--github-api-url", w.gh.URL+"/")
	if r.code != ExitError || strings.Contains(r.stderr, canary) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "token") {
		t.Fatalf("error does not say the token was rejected:\n%s", r.stderr)
	}
}

// gitBranches lets the fake GitHub see the real git server's branches.
type gitBranches struct{ s *gitserver.Server }

func (g gitBranches) Exists(_, _, branch string) (bool, error) {
	return g.s.Head("catalog", branch) != "", nil
}

func (g gitBranches) Ahead(_, _, base, head string) (bool, error) {
	out := g.s.Git("catalog", "rev-list", "--count", base+".."+head)
	return strings.TrimSpace(out) != "0", nil
}

func (g gitBranches) Delete(_, _, branch string) (bool, error) {
	if g.s.Head("catalog", branch) == "" {
		return false, nil
	}
	g.s.Git("catalog", "update-ref", "-d", "refs/heads/"+branch)
	return true, nil
}

var _ = os.Getenv
var _ = filepath.Join

func TestAuthorAndCommitterAreConfigurable(t *testing.T) {
	w := newForgeWorld(t)
	ids := []string{"--author-name", "Image Team", "--author-email", "images@example.org",
		"--committer-name", "CI Robot", "--committer-email", "ci@example.org", "--signoff"}
	if r := w.runBot(ids...); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	tip := w.git.Log("catalog", "image-crawler/updates")[0]
	if !strings.Contains(tip.Author, "Image Team <images@example.org>") || !strings.Contains(tip.Committer, "CI Robot <ci@example.org>") {
		t.Fatalf("author %q committer %q", tip.Author, tip.Committer)
	}
	if !strings.Contains(tip.Message, "Signed-off-by: Image Team <images@example.org>") {
		t.Fatalf("no sign-off:\n%s", tip.Message)
	}
	// The bot knows its own commit by the committer: a rerun pushes nothing.
	pushes := w.git.Pushes()
	if r := w.runBot(ids...); r.code != ExitOK || r.report.PullRequest.Operation != "none" || w.git.Pushes() != pushes {
		t.Fatalf("rerun: exit %d, %+v, %d pushes", r.code, r.report.PullRequest, w.git.Pushes()-pushes)
	}
}
