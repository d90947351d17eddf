package publish

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/forge/github"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

// The pull request state machine of Git.Publish, driven against a real git
// server (git http-backend) and the fake GitHub through the real go-github
// client. Each case sets up the state a run finds (a branch, a pull request,
// a base that moved), publishes one proposal, and checks the report, the
// pull requests, the branch and what the run said.

const (
	token       = "ghp_PUBLISHtest0123456789publishTEST"
	catalogFile = "etc/images/ubuntu.yml"
	person      = "Jane Doe <jane@example.org>"
)

var now = time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC)

const baseCatalog = "---\nimages:\n  - name: Ubuntu 24.04\n    versions:\n      - version: '20260615'\n"

// catalogAt is the catalog file once version v was added.
func catalogAt(v string) string { return baseCatalog + "      - version: '" + v + "'\n" }

type world struct {
	git  *gitserver.Server
	gh   *fakegithub.Server
	repo forge.Repo
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{git: gitserver.New(t, token), gh: fakegithub.New(t, token), repo: forge.Repo{Owner: "osism", Name: "catalog"}}
	w.git.CreateRepo("catalog", "main", map[string]string{catalogFile: baseCatalog})
	w.gh.AddRepo("osism", "catalog", "main")
	w.gh.UseGitRepo("osism", "catalog", w.git.Dir("catalog"))
	return w
}

// proposal is what a run proposes when upstream has version v: the catalog
// file with v added, or, for v "", nothing to change. failed names images
// that failed.
func proposal(v string, failed ...string) *Proposal {
	rep := &report.Report{Schema: report.Schema, Updates: []report.Update{}, Unchanged: []report.Unchanged{},
		Failures: []report.Failure{}, Files: []string{}}
	for _, f := range failed {
		rep.Failures = append(rep.Failures, report.Failure{Image: f, Error: "GET https://example.org/: 503"})
	}
	p := &Proposal{Report: rep}
	if v != "" {
		rep.Updates = append(rep.Updates, report.Update{Image: "Ubuntu 24.04", File: catalogFile, Version: v, Kind: "new",
			Checksum: "sha256:" + strings.Repeat("ab", 32), URL: "https://cloud-images.ubuntu.com/" + v + ".img"})
		rep.Files = append(rep.Files, catalogFile)
		p.Files = []File{{Path: catalogFile, Rel: "ubuntu.yml", Old: []byte(baseCatalog), New: []byte(catalogAt(v))}}
	}
	p.Title = report.Title(rep.Updates)
	p.Body = report.Body(rep, report.BodyOptions{})
	return p
}

// run publishes p as one run would, with the forge wrapped by wrap (nil:
// the real client).
func (w *world) run(t *testing.T, p *Proposal, o GitOptions, dryRun bool, wrap func(forge.Forge) forge.Forge) error {
	t.Helper()
	ctx := context.Background()
	o.Repo, o.APIURL = w.repo.String(), w.gh.URL+"/"
	g, err := OpenGit(ctx, w.git.HTTPURL("catalog"), o, Env{DryRun: dryRun, Token: token, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("OpenGit: %v", err)
	}
	defer g.Close()
	if wrap != nil {
		fg, err := g.client()
		if err != nil {
			t.Fatal(err)
		}
		g.fg = wrap(fg)
	}
	return g.Publish(ctx, p)
}

// Steps that make the state a run finds.
func published(v string) func(*testing.T, *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		if err := w.run(t, proposal(v), GitOptions{}, false, nil); err != nil {
			t.Fatalf("the earlier run: %v", err)
		}
	}
}

func closedByPerson(n int) func(*testing.T, *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		c, err := github.New(github.Options{APIURL: w.gh.URL + "/", Token: token})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Close(context.Background(), w.repo, n, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// mergedIntoBase puts version v into the base branch, as merging the bot's
// pull request (or a person's own edit) does.
func mergedIntoBase(v string) func(*testing.T, *world) {
	return func(t *testing.T, w *world) {
		w.git.Commit("catalog", "main", map[string]string{catalogFile: catalogAt(v)}, person, "Merge the image update\n")
	}
}

func personPushed(t *testing.T, w *world) {
	w.git.Commit("catalog", DefaultBranch, map[string]string{catalogFile: "a person's edit\n"}, person, "Fix by hand\n")
}

// hideOpen is a forge that does not see the open pull request at first, as
// when a racing run opens it between our look and our create.
type hideOpen struct{ forge.Forge }

func (hideOpen) FindOpen(context.Context, forge.Repo, string, string) (*forge.PullRequest, error) {
	return nil, nil
}

// refuseCreate is a forge that answers a create as GitHub does a branch
// without commits ahead of base.
type refuseCreate struct{ forge.Forge }

func (refuseCreate) Create(context.Context, forge.Repo, forge.NewPR) (*forge.PullRequest, bool, error) {
	return nil, false, forge.ErrNoCommits
}

// pr is a pull request as the fake holds it.
type pr struct {
	Number int
	State  string
	Title  string
}

func titleOf(v string) string { return "Update images: Ubuntu 24.04 " + v }

func TestPullRequestStateMachine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before []func(*testing.T, *world)
		p      *Proposal
		opts   GitOptions
		dryRun bool
		wrap   func(forge.Forge) forge.Forge

		wantErr    error          // errors.Is; nil for success
		wantOp     string         // the report's operation; "" for no pull request in the report
		wantPushed bool           // the run pushed the branch
		wantPRs    []pr           // the repository's pull requests afterwards
		wantBranch string         // the bot's branch afterwards: a version, "person", or "" for none
		wantSaid   []string       // in the intents or warnings
		wantWrites map[string]int // HTTP method: writes to the API during the run, when checked
	}{
		{
			name: "no pull request yet", p: proposal("20260705"),
			wantOp: OpCreated, wantPushed: true, wantBranch: "20260705",
			wantPRs: []pr{{1, "open", titleOf("20260705")}},
		},
		{
			name: "open pull request, same content", before: []func(*testing.T, *world){published("20260705")}, p: proposal("20260705"),
			wantOp: OpNone, wantBranch: "20260705", wantPRs: []pr{{1, "open", titleOf("20260705")}},
			wantSaid:   []string{"already holds this change: no push"},
			wantWrites: map[string]int{"POST": 0, "PATCH": 0, "PUT": 0, "DELETE": 0},
		},
		{
			name: "open pull request, new content", before: []func(*testing.T, *world){published("20260705")}, p: proposal("20260712"),
			wantOp: OpUpdated, wantPushed: true, wantBranch: "20260712", wantPRs: []pr{{1, "open", titleOf("20260712")}},
		},
		{
			name: "pull request closed by a person", before: []func(*testing.T, *world){published("20260705"), closedByPerson(1)}, p: proposal("20260705"),
			wantOp: OpCreated, wantBranch: "20260705",
			wantPRs: []pr{{1, "closed", titleOf("20260705")}, {2, "open", titleOf("20260705")}},
		},
		{
			name:   "pull request merged",
			before: []func(*testing.T, *world){published("20260705"), closedByPerson(1), mergedIntoBase("20260705")}, p: proposal(""),
			wantOp: OpNone, wantBranch: "", wantPRs: []pr{{1, "closed", titleOf("20260705")}},
		},
		{
			name: "branch has a person's commit", before: []func(*testing.T, *world){published("20260705"), personPushed}, p: proposal("20260712"),
			wantOp: OpNone, wantBranch: "person", wantPRs: []pr{{1, "open", titleOf("20260705")}},
			wantSaid: []string{"has commits that image-crawler did not make: leaving the branch and its pull request alone"},
		},
		{
			name: "nothing to propose, pull request open", before: []func(*testing.T, *world){published("20260705"), mergedIntoBase("20260705")}, p: proposal(""),
			wantOp: OpClosed, wantBranch: "", wantPRs: []pr{{1, "closed", titleOf("20260705")}},
		},
		{
			name:   "nothing to propose, but images failed",
			before: []func(*testing.T, *world){published("20260705"), mergedIntoBase("20260705")}, p: proposal("", "Debian 12"),
			wantOp: OpNone, wantBranch: "20260705", wantPRs: []pr{{1, "open", titleOf("20260705")}},
		},
		{
			name: "nothing to propose, nothing there", p: proposal(""),
			wantOp: OpNone, wantBranch: "", wantPRs: []pr{},
		},
		{
			name: "a racing run opened it (422 already exists)", before: []func(*testing.T, *world){published("20260705")}, p: proposal("20260712"),
			wrap:   func(f forge.Forge) forge.Forge { return hideOpen{f} },
			wantOp: OpUpdated, wantPushed: true, wantBranch: "20260712", wantPRs: []pr{{1, "open", titleOf("20260712")}},
		},
		{
			name: "reviewer refused (422) is a warning", p: proposal("20260705"), opts: GitOptions{Reviewers: []string{"nobody"}},
			wantOp: OpCreated, wantPushed: true, wantBranch: "20260705", wantPRs: []pr{{1, "open", titleOf("20260705")}},
			wantSaid: []string{"could not request reviews on pull request #1"},
		},
		{
			name: "create refused: no commits between (422)", p: proposal("20260705"),
			wrap:    func(f forge.Forge) forge.Forge { return refuseCreate{f} },
			wantErr: forge.ErrNoCommits, wantOp: OpNone, wantPushed: true, wantBranch: "20260705", wantPRs: []pr{},
		},
		{
			name: "dry run, no pull request yet", p: proposal("20260705"), dryRun: true,
			wantBranch: "", wantPRs: []pr{},
			wantSaid:   []string{"would push branch image-crawler/updates (one commit on main ", "would open a pull request from image-crawler/updates into main"},
			wantWrites: map[string]int{"POST": 0, "PATCH": 0, "PUT": 0, "DELETE": 0},
		},
		{
			name: "dry run, open pull request, new content", before: []func(*testing.T, *world){published("20260705")}, p: proposal("20260712"), dryRun: true,
			wantBranch: "20260705", wantPRs: []pr{{1, "open", titleOf("20260705")}},
			wantSaid:   []string{"would push branch", "would update pull request #1"},
			wantWrites: map[string]int{"POST": 0, "PATCH": 0, "PUT": 0, "DELETE": 0},
		},
		{
			name:   "dry run, nothing to propose, pull request open",
			before: []func(*testing.T, *world){published("20260705"), mergedIntoBase("20260705")}, p: proposal(""), dryRun: true,
			wantBranch: "20260705", wantPRs: []pr{{1, "open", titleOf("20260705")}},
			wantSaid: []string{"would close pull request #1: base already holds everything", "would delete branch image-crawler/updates"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			for _, step := range tt.before {
				step(t, w)
			}
			before := w.gh.Calls()
			err := w.run(t, tt.p, tt.opts, tt.dryRun, tt.wrap)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Publish: %v, want %v", err, tt.wantErr)
			}
			rep := tt.p.Report

			switch got := rep.PullRequest; {
			case tt.wantOp == "" && got != nil:
				t.Errorf("report has pull request %+v, want none", *got)
			case tt.wantOp != "" && got == nil:
				t.Errorf("report has no pull request, want operation %s", tt.wantOp)
			case got != nil && got.Operation != tt.wantOp:
				t.Errorf("operation %q, want %q", got.Operation, tt.wantOp)
			case got != nil && got.Branch != DefaultBranch:
				t.Errorf("report names branch %q", got.Branch)
			case got != nil && got.HeadSHA != w.git.Head("catalog", DefaultBranch) && tt.wantBranch != "person":
				t.Errorf("report's head %q, the branch is at %q", got.HeadSHA, w.git.Head("catalog", DefaultBranch))
			}
			if rep.Pushed != tt.wantPushed {
				t.Errorf("pushed %v, want %v", rep.Pushed, tt.wantPushed)
			}

			var prs []pr
			for _, p := range w.gh.PullRequests("osism", "catalog") {
				prs = append(prs, pr{p.Number, p.State, p.Title})
			}
			if !slices.Equal(prs, tt.wantPRs) && (len(prs) != 0 || len(tt.wantPRs) != 0) {
				t.Errorf("pull requests %+v, want %+v", prs, tt.wantPRs)
			}

			content, rerr := w.git.ReadFile("catalog", DefaultBranch, catalogFile)
			switch tt.wantBranch {
			case "":
				if rerr == nil {
					t.Errorf("branch %s exists, want none", DefaultBranch)
				}
			case "person":
				if content != "a person's edit\n" {
					t.Errorf("the person's branch now holds %q", content)
				}
			default:
				if rerr != nil || content != catalogAt(tt.wantBranch) {
					t.Errorf("branch holds %q (%v), want version %s", content, rerr, tt.wantBranch)
				}
			}

			said := strings.Join(append(slices.Clone(tt.p.Intent), rep.Warnings...), "\n")
			for _, s := range tt.wantSaid {
				if !strings.Contains(said, s) {
					t.Errorf("the run did not say %q; it said:\n%s", s, said)
				}
			}
			if tt.wantWrites != nil {
				writes := map[string]int{}
				for _, c := range w.gh.Calls()[len(before):] {
					writes[c.Method]++
				}
				for m, n := range tt.wantWrites {
					if writes[m] != n {
						t.Errorf("%d %s requests to the API, want %d", writes[m], m, n)
					}
				}
			}
			if strings.Contains(said, token) {
				t.Error("the run's words hold the token")
			}
		})
	}
}

// Closing a pull request that became moot says why, before it closes.
func TestMootPullRequestIsExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	published("20260705")(t, w)
	mergedIntoBase("20260705")(t, w)
	if err := w.run(t, proposal(""), GitOptions{}, false, nil); err != nil {
		t.Fatal(err)
	}
	comments := w.gh.Comments("osism", "catalog", 1)
	if len(comments) != 1 || !strings.Contains(comments[0], "no longer needed") || !strings.Contains(comments[0], report.Marker) {
		t.Fatalf("comments on #1: %q", comments)
	}
}
