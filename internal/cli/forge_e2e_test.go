package cli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

// newVerifiedWorld is a forge world whose fake GitHub serves the git data
// API from the repository the git server serves.
func newVerifiedWorld(t *testing.T) *forgeWorld {
	t.Helper()
	w := newForgeWorld(t)
	w.gh.UseGitRepo("osism", "catalog", w.git.Dir("catalog"))
	return w
}

// rawCommit is the commit object as git stores it.
func (w *forgeWorld) rawCommit(rev string) string {
	w.t.Helper()
	return w.git.Git("catalog", "cat-file", "commit", rev)
}

func TestSignCommitsLifecycle(t *testing.T) {
	w := newVerifiedWorld(t)
	const br = "image-crawler/updates"

	// 1. The commit is made through the API: GitHub commits and signs it,
	// nothing is pushed over git.
	r := w.runBot("--sign-commits")
	if r.code != ExitOK || r.report.PullRequest == nil || r.report.PullRequest.Operation != "created" {
		t.Fatalf("first run: exit %d %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	if w.git.Pushes() != 0 {
		t.Fatalf("%d git pushes, want none", w.git.Pushes())
	}
	tip := w.checkBranch()
	if tip.Committer != fakegithub.CommitterName+" <"+fakegithub.CommitterEmail+">" || !strings.Contains(tip.Author, "image-crawler <image-crawler@users.noreply.github.com>") {
		t.Fatalf("author %q committer %q", tip.Author, tip.Committer)
	}
	if r.report.PullRequest.HeadSHA != tip.Hash {
		t.Fatalf("head_sha %q, want %s", r.report.PullRequest.HeadSHA, tip.Hash)
	}
	if raw := w.rawCommit(tip.Hash); !strings.Contains(raw, "\ngpgsig ") {
		t.Fatalf("the commit is not signed:\n%s", raw)
	}
	if !strings.HasPrefix(tip.Message, "Update images: Ubuntu 24.04 20260705") || !strings.HasSuffix(tip.Message, "\n\nImage-Crawler-Managed: true\n") {
		t.Fatalf("message %q", tip.Message)
	}
	ub, err := w.git.ReadFile("catalog", br, "etc/images/ubuntu.yml")
	if err != nil || !strings.Contains(ub, "20260705") {
		t.Fatalf("ubuntu.yml on the branch: %v\n%s", err, ub)
	}

	// 2. A rerun recognises the GitHub-committed commit as its own: no
	// write at all.
	writes := w.gh.Writes()
	r = w.runBot("--sign-commits")
	if r.code != ExitOK || r.report.PullRequest.Operation != "none" || w.gh.Writes() != writes {
		t.Fatalf("rerun: exit %d %+v, %d writes\n%s", r.code, r.report.PullRequest, w.gh.Writes()-writes, r.stderr)
	}

	// 3. A new build: the branch is regenerated under the lease, still one
	// signed commit on main.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705", "20260712"}, "")
	r = w.runBot("--sign-commits")
	if r.code != ExitOK || r.report.PullRequest.Operation != "updated" {
		t.Fatalf("update: exit %d %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	tip2 := w.checkBranch()
	if tip2.Hash == tip.Hash || !strings.Contains(w.rawCommit(tip2.Hash), "\ngpgsig ") {
		t.Fatalf("branch not moved to a new signed commit: %s", tip2.Hash)
	}

	// 4. A person's commit on the branch is never overwritten.
	human := w.git.Commit("catalog", br, map[string]string{"NOTES.md": "reviewed\n"}, gitserver.DefaultAuthor, "Review notes")
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705", "20260712", "20260719"}, "")
	writes = w.gh.Writes()
	r = w.runBot("--sign-commits")
	if r.code != ExitOK || w.git.Head("catalog", br) != human || w.gh.Writes() != writes {
		t.Fatalf("the bot touched a branch a person committed to: exit %d\n%s", r.code, r.stderr)
	}
	if len(r.report.Warnings) == 0 || !strings.Contains(r.report.Warnings[0], "did not make") {
		t.Fatalf("warnings %v", r.report.Warnings)
	}
	if w.git.Contains("catalog", canary) {
		t.Fatal("the token reached the repository")
	}
}

// A person who edits the bot's branch in GitHub's web editor makes a commit
// that GitHub commits and signs too; it is still theirs.
func TestSignCommitsLeavesWebEditsAlone(t *testing.T) {
	w := newVerifiedWorld(t)
	if r := w.runBot("--sign-commits"); r.code != ExitOK {
		t.Fatalf("first run %d %s", r.code, r.stderr)
	}
	const br = "image-crawler/updates"
	tip := w.git.Head("catalog", br)
	tree := w.git.Git("catalog", "rev-parse", tip+"^{tree}")
	// The web editor's commit: GitHub commits and signs, the person is the
	// author, no trailer.
	raw := "tree " + tree + "\nparent " + tip + "\nauthor Jane Doe <jane@example.org> 1782961445 +0000\ncommitter GitHub <noreply@github.com> 1782961445 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n =x\n -----END PGP SIGNATURE-----\n\nFix a typo\n"
	web := w.git.GitStdin("catalog", raw, "hash-object", "-t", "commit", "-w", "--stdin")
	w.git.Git("catalog", "update-ref", "refs/heads/"+br, web, tip)
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705", "20260712"}, "")
	r := w.runBot("--sign-commits")
	if r.code != ExitOK || w.git.Head("catalog", br) != web {
		t.Fatalf("the bot replaced a web edit: exit %d\n%s", r.code, r.stderr)
	}
}

// dashboard returns the dashboard issues.
func (w *forgeWorld) dashboards() []fakegithub.Issue {
	var out []fakegithub.Issue
	for _, is := range w.gh.Issues("osism", "catalog") {
		for _, l := range is.Labels {
			if l == "image-crawler" {
				out = append(out, is)
			}
		}
	}
	return out
}

func TestDashboardLifecycle(t *testing.T) {
	w := newForgeWorld(t)

	// 1. Debian's mirror is gone: the dashboard opens, lists it, and the
	// run stays green (one image of two, for less than --fail-after).
	w.mirror.Remove("/debian/images/cloud/bookworm/")
	r := w.runBot("--add", "Debian 12", "--dashboard")
	if r.code != ExitOK {
		t.Fatalf("first failure: exit %d, want 0 with the dashboard\n%s", r.code, r.stderr)
	}
	ds := w.dashboards()
	if len(ds) != 1 || ds[0].State != "open" || !strings.Contains(ds[0].Body, "| Debian 12 |") || !strings.Contains(ds[0].Body, "## Pull request") {
		t.Fatalf("dashboards %+v", ds)
	}
	d := r.report.Dashboard
	if d == nil || d.Operation != "created" || d.Number != ds[0].Number || len(d.Failing) != 1 || d.Failing[0].Image != "Debian 12" {
		t.Fatalf("report dashboard %+v", d)
	}
	since := d.Failing[0].Since
	if !strings.Contains(ds[0].Body, "#"+strconv.Itoa(r.report.PullRequest.Number)) {
		t.Fatalf("the dashboard does not name the pull request:\n%s", ds[0].Body)
	}
	// Without the dashboard the same run is red, as before.
	if r := w.runBot("--add", "Debian 12"); r.code != ExitFailures {
		t.Fatalf("without --dashboard: exit %d, want %d", r.code, ExitFailures)
	}

	// 2. Still failing: the same issue, the first failure time kept.
	r = w.runBot("--add", "Debian 12", "--dashboard")
	if r.code != ExitOK || len(w.dashboards()) != 1 {
		t.Fatalf("second run: exit %d, %d dashboards", r.code, len(w.dashboards()))
	}
	if d := r.report.Dashboard; d.Number != ds[0].Number || !d.Failing[0].Since.Equal(since) {
		t.Fatalf("failing since %v, want %v kept", d.Failing, since)
	}

	// (An image failing for longer than --fail-after: see
	// TestDashboardFailingSinceFromIssue.)

	// 3. Ubuntu fails too: every image failed, red at once.
	w.mirror.Remove("/ubuntu/releases/noble/")
	if r := w.runBot("--add", "Debian 12", "--dashboard"); r.code != ExitFailures || !strings.Contains(w.dashboards()[0].Body, "| Ubuntu 24.04 |") {
		t.Fatalf("all failed: exit %d, want %d\n%s", r.code, ExitFailures, w.dashboards()[0].Body)
	}

	// 4. Both mirrors are back: the dashboard closes.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705"}, "")
	layout.Debian(w.mirror, "/debian/images/cloud/bookworm/", debianName, []string{"20250115-1990", "20250210-2019"}, "")
	r = w.runBot("--add", "Debian 12", "--dashboard")
	if r.code != ExitOK || r.report.Dashboard.Operation != "closed" {
		t.Fatalf("recovered: exit %d %+v\n%s", r.code, r.report.Dashboard, r.stderr)
	}
	ds = w.dashboards()
	if len(ds) != 1 || ds[0].State != "closed" || ds[0].StateReason != "completed" {
		t.Fatalf("dashboards %+v", ds)
	}
	if c := w.gh.Comments("osism", "catalog", ds[0].Number); len(c) != 1 || !strings.Contains(c[0], "closed this issue") {
		t.Fatalf("close comment %q", c)
	}
	// A later failure opens a new issue, with a new start.
	w.mirror.Remove("/debian/images/cloud/bookworm/")
	if r := w.runBot("--add", "Debian 12", "--dashboard"); r.code != ExitOK || r.report.Dashboard.Operation != "created" || r.report.Dashboard.Number == ds[0].Number {
		t.Fatalf("failing again: exit %d %+v", r.code, r.report.Dashboard)
	}
}

// The failure time lives in the issue: one an earlier run recorded eight
// days ago turns the run red under the default --fail-after of 7 days.
func TestDashboardFailingSinceFromIssue(t *testing.T) {
	w := newForgeWorld(t)
	old := time.Now().Add(-8 * 24 * time.Hour).UTC().Truncate(time.Second)
	n := w.gh.AddIssue("osism", "catalog", fakegithub.Issue{
		Title: "image-crawler: image status", Labels: []string{"image-crawler"}, Author: "image-crawler-bot",
		Body: "<!-- image-crawler:dashboard -->\nold\n<!-- image-crawler:failing-since {\"Debian 12\":\"" + old.Format(time.RFC3339) + "\"} -->\n",
	})
	// A person's issue with the same label but without the marker is not
	// the dashboard.
	w.gh.AddIssue("osism", "catalog", fakegithub.Issue{Title: "question", Labels: []string{"image-crawler"}, Body: "hello"})
	w.mirror.Remove("/debian/images/cloud/bookworm/")
	r := w.runBot("--add", "Debian 12", "--dashboard")
	if r.code != ExitFailures {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitFailures, r.stderr)
	}
	d := r.report.Dashboard
	if d.Number != n || d.Operation != "updated" || !d.Failing[0].Since.Equal(old) {
		t.Fatalf("dashboard %+v", d)
	}
	if body := w.gh.Issues("osism", "catalog")[n-1].Body; !strings.Contains(body, "8 days") {
		t.Fatalf("body:\n%s", body)
	}
}

func TestDashboardDryRunWritesNothing(t *testing.T) {
	w := newForgeWorld(t)
	w.mirror.Remove("/debian/images/cloud/bookworm/")
	r := w.runBot("--add", "Debian 12", "--dashboard", "--dry-run")
	if w.gh.Writes() != 0 || !strings.Contains(r.stdout, "would open the dashboard issue") {
		t.Fatalf("dry run: %d writes\n%s", w.gh.Writes(), r.stdout)
	}
}

func TestDashboardNeedsGitCatalog(t *testing.T) {
	w := newWorld(t)
	if r := w.run(nil, w.args("run", "--dashboard")...); r.code != ExitUsage {
		t.Fatalf("exit %d, want %d", r.code, ExitUsage)
	}
}

func TestReviewersAssigneesMilestone(t *testing.T) {
	w := newForgeWorld(t)
	w.gh.AddCollaborator("osism", "catalog", "alice")
	w.gh.AddTeam("osism", "catalog", "images")
	w.gh.AddMilestone("osism", "catalog", 2, "next")
	r := w.runBot("--reviewer", "alice", "--team-reviewer", "images", "--assignee", "alice", "--milestone", "2")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	pr := w.openPRs()[0]
	if strings.Join(pr.Reviewers, ",") != "alice" || strings.Join(pr.TeamReviewers, ",") != "images" ||
		strings.Join(pr.Assignees, ",") != "alice" || pr.Milestone != 2 {
		t.Fatalf("pull request %+v", pr)
	}
	// An unchanged rerun asks nobody again.
	writes := w.gh.Writes()
	if r := w.runBot("--reviewer", "alice", "--assignee", "alice", "--milestone", "2"); r.code != ExitOK || w.gh.Writes() != writes {
		t.Fatalf("rerun: exit %d, %d writes", r.code, w.gh.Writes()-writes)
	}
}

func TestUnknownReviewerIsAWarning(t *testing.T) {
	w := newForgeWorld(t)
	r := w.runBot("--reviewer", "nobody", "--milestone", "9")
	if r.code != ExitOK || r.report.PullRequest.Operation != "created" {
		t.Fatalf("exit %d %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
	warn := strings.Join(r.report.Warnings, "\n")
	if !strings.Contains(warn, "could not request reviews") || !strings.Contains(warn, "could not set milestone 9") {
		t.Fatalf("warnings %q", r.report.Warnings)
	}
}

func TestTitleAndCommitMessageTemplates(t *testing.T) {
	w := newForgeWorld(t)
	r := w.runBot("--title", "chore: update images", "--commit-message", "chore: update {{ updates | length }} images\n\n{{ default }}", "--signoff")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if pr := w.openPRs()[0]; pr.Title != "chore: update images" {
		t.Fatalf("title %q", pr.Title)
	}
	tip := w.checkBranch()
	if r.report.PullRequest.HeadSHA != tip.Hash {
		t.Fatalf("head_sha %q, want %s", r.report.PullRequest.HeadSHA, tip.Hash)
	}
	if !strings.HasPrefix(tip.Message, "chore: update 2 images\n\nUpdate images: Ubuntu 24.04 20260705") ||
		!strings.HasSuffix(tip.Message, "\n\nSigned-off-by: image-crawler <image-crawler@users.noreply.github.com>\nImage-Crawler-Managed: true\n") {
		t.Fatalf("message %q", tip.Message)
	}
	// The same templates on a rerun: the bot still knows its commit.
	pushes := w.git.Pushes()
	if r := w.runBot("--title", "chore: update images", "--commit-message", "chore: update {{ updates | length }} images\n\n{{ default }}", "--signoff"); r.code != ExitOK || w.git.Pushes() != pushes {
		t.Fatalf("rerun: exit %d, %d pushes", r.code, w.git.Pushes()-pushes)
	}
	// A bad template is a usage error before anything is written.
	if r := w.runBot("--title", "{{ nope"); r.code != ExitUsage {
		t.Fatalf("bad template: exit %d", r.code)
	}
}

func TestGHTokenIsAccepted(t *testing.T) {
	w := newForgeWorld(t)
	r := w.run(map[string]string{"GH_TOKEN": canary}, "run",
		"--catalog", w.git.HTTPURL("catalog"), "--repo", "osism/catalog", "--github-api-url", w.gh.URL+"/",
		"--only", "Ubuntu 24.04", "--signatures", "optional",
		"--mirror", "https://cloud-images.ubuntu.com/="+w.mirror.URL+"/ubuntu/")
	if r.code != ExitOK || r.report.PullRequest.Operation != "created" || strings.Contains(r.stdout+r.stderr, canary) {
		t.Fatalf("exit %d %+v\n%s", r.code, r.report.PullRequest, r.stderr)
	}
}
