package fakegithub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

func gitSetup(t *testing.T) (*fakegithub.Server, *github.Client, *gitserver.Server) {
	t.Helper()
	git := gitserver.New(t, "")
	git.CreateRepo("images", "main", map[string]string{"a.txt": "a\n"})
	s := fakegithub.New(t, token)
	s.AddRepo("osism", "images", "main")
	s.UseGitRepo("osism", "images", git.Dir("images"))
	return s, clientFor(t, s, s.URL+"/", token), git
}

func TestGitDataStatusCodes(t *testing.T) {
	t.Parallel()
	_, gh, git := gitSetup(t)
	ctx := context.Background()
	main := git.Head("images", "main")
	zero := strings.Repeat("0", 40)

	blob, _, err := gh.Git.CreateBlob(ctx, "osism", "images", &github.Blob{Content: github.String("b\n"), Encoding: github.String("utf-8")})
	if err != nil || git.Git("images", "cat-file", "blob", blob.GetSHA()) != "b" {
		t.Fatalf("blob %v %v", blob, err)
	}
	base, _, err := gh.Git.GetCommit(ctx, "osism", "images", main)
	if err != nil || base.GetTree().GetSHA() == "" || base.GetVerification().GetVerified() {
		t.Fatalf("get commit %+v %v", base, err)
	}
	_, _, err = gh.Git.GetCommit(ctx, "osism", "images", zero)
	errorResponse(t, err, http.StatusNotFound)

	tree, _, err := gh.Git.CreateTree(ctx, "osism", "images", base.GetTree().GetSHA(),
		[]*github.TreeEntry{{Path: github.String("dir/b.txt"), Mode: github.String("100644"), Type: github.String("blob"), SHA: blob.SHA}})
	if err != nil || !strings.Contains(git.Git("images", "ls-tree", "-r", "--name-only", tree.GetSHA()), "dir/b.txt") {
		t.Fatalf("tree %v %v", tree, err)
	}
	_, _, err = gh.Git.CreateTree(ctx, "osism", "images", zero, nil)
	errorResponse(t, err, http.StatusUnprocessableEntity)
	_, _, err = gh.Git.CreateTree(ctx, "osism", "images", "", []*github.TreeEntry{{Path: github.String("x"), Mode: github.String("100644"), Type: github.String("blob"), SHA: github.String(zero)}})
	errorResponse(t, err, http.StatusUnprocessableEntity)

	c, _, err := gh.Git.CreateCommit(ctx, "osism", "images", &github.Commit{Message: github.String("m\n"), Tree: tree, Parents: []*github.Commit{{SHA: github.String(main)}}}, nil)
	if err != nil || !c.GetVerification().GetVerified() || c.GetCommitter().GetEmail() != fakegithub.CommitterEmail {
		t.Fatalf("commit %+v %v", c, err)
	}
	_, _, err = gh.Git.CreateCommit(ctx, "osism", "images", &github.Commit{Message: github.String("m"), Tree: &github.Tree{SHA: github.String(zero)}}, nil)
	errorResponse(t, err, http.StatusUnprocessableEntity)
	_, _, err = gh.Git.CreateCommit(ctx, "osism", "images", &github.Commit{Message: github.String("m"), Tree: tree, Parents: []*github.Commit{{SHA: github.String(zero)}}}, nil)
	errorResponse(t, err, http.StatusUnprocessableEntity)
	// A committer given: GitHub does not sign.
	unsigned, _, err := gh.Git.CreateCommit(ctx, "osism", "images", &github.Commit{Message: github.String("m"), Tree: tree,
		Committer: &github.CommitAuthor{Name: github.String("Me"), Email: github.String("me@example.org")}}, nil)
	if err != nil || unsigned.GetVerification().GetVerified() {
		t.Fatalf("commit with a committer %+v %v", unsigned, err)
	}

	ref := func(sha string) *github.Reference {
		return &github.Reference{Ref: github.String("refs/heads/topic"), Object: &github.GitObject{SHA: github.String(sha)}}
	}
	_, _, err = gh.Git.GetRef(ctx, "osism", "images", "heads/topic")
	errorResponse(t, err, http.StatusNotFound)
	_, _, err = gh.Git.UpdateRef(ctx, "osism", "images", ref(c.GetSHA()), true)
	if er := errorResponse(t, err, http.StatusUnprocessableEntity); er.Message != "Reference does not exist" {
		t.Fatalf("message %q", er.Message)
	}
	if _, _, err := gh.Git.CreateRef(ctx, "osism", "images", ref(main)); err != nil {
		t.Fatal(err)
	}
	_, _, err = gh.Git.CreateRef(ctx, "osism", "images", ref(main))
	if er := errorResponse(t, err, http.StatusUnprocessableEntity); er.Message != "Reference already exists" {
		t.Fatalf("message %q", er.Message)
	}
	_, _, err = gh.Git.CreateRef(ctx, "osism", "images", &github.Reference{Ref: github.String("refs/heads/x"), Object: &github.GitObject{SHA: github.String(zero)}})
	errorResponse(t, err, http.StatusUnprocessableEntity)
	// c is a child of main: a fast forward.
	if _, _, err := gh.Git.UpdateRef(ctx, "osism", "images", ref(c.GetSHA()), false); err != nil {
		t.Fatal(err)
	}
	// Back to main is not, without force.
	_, _, err = gh.Git.UpdateRef(ctx, "osism", "images", ref(main), false)
	if er := errorResponse(t, err, http.StatusUnprocessableEntity); er.Message != "Update is not a fast forward" {
		t.Fatalf("message %q", er.Message)
	}
	if _, _, err := gh.Git.UpdateRef(ctx, "osism", "images", ref(main), true); err != nil {
		t.Fatal(err)
	}
	got, _, err := gh.Git.GetRef(ctx, "osism", "images", "heads/topic")
	if err != nil || got.GetObject().GetSHA() != main || git.Head("images", "topic") != main {
		t.Fatalf("ref %+v %v", got, err)
	}
}

func TestGitDataEmptyRepositoryAndReadOnly(t *testing.T) {
	t.Parallel()
	git := gitserver.New(t, "")
	git.CreateRepo("images", "main", map[string]string{"a": "a"})
	git.Git("images", "update-ref", "-d", "refs/heads/main")
	s := fakegithub.New(t, token)
	s.AddRepo("osism", "images", "main")
	s.UseGitRepo("osism", "images", git.Dir("images"))
	ctx := context.Background()
	gh := clientFor(t, s, s.URL+"/", token)
	_, _, err := gh.Git.CreateBlob(ctx, "osism", "images", &github.Blob{Content: github.String("x")})
	if er := errorResponse(t, err, http.StatusConflict); er.Message != "Git Repository is empty." {
		t.Fatalf("message %q", er.Message)
	}
	_, _, err = gh.Git.GetRef(ctx, "osism", "images", "heads/main")
	errorResponse(t, err, http.StatusConflict)

	s2, _, _ := gitSetup(t)
	s2.AddToken("ro", fakegithub.Token{ReadOnly: true})
	ro := clientFor(t, s2, s2.URL+"/", "ro")
	_, _, err = ro.Git.CreateBlob(ctx, "osism", "images", &github.Blob{Content: github.String("x")})
	errorResponse(t, err, http.StatusForbidden)
	_, _, err = ro.Git.GetRef(ctx, "Nobody", "nothing", "heads/main")
	errorResponse(t, err, http.StatusNotFound)
}

func TestIssues(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	s.AddCollaborator("osism", "images", "alice")
	s.AddMilestone("osism", "images", 3, "v1")
	pr, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{"image-crawler"}
	is, _, err := gh.Issues.Create(ctx, "osism", "images", &github.IssueRequest{Title: github.String("dash"), Body: github.String("b"), Labels: &labels})
	if err != nil || is.GetNumber() != pr.GetNumber()+1 || is.IsPullRequest() {
		t.Fatalf("create %+v %v", is, err)
	}
	_, _, err = gh.Issues.Create(ctx, "osism", "images", &github.IssueRequest{Title: github.String("")})
	errorResponse(t, err, http.StatusUnprocessableEntity)
	// Pull requests are listed among issues, marked.
	all, _, err := gh.Issues.ListByRepo(ctx, "osism", "images", nil)
	if err != nil || len(all) != 2 || !all[1].IsPullRequest() || all[0].GetNumber() != is.GetNumber() {
		t.Fatalf("list %v %v", all, err)
	}
	for _, tt := range []struct {
		opts *github.IssueListByRepoOptions
		n    int
	}{
		{&github.IssueListByRepoOptions{Labels: []string{"image-crawler"}}, 1},
		{&github.IssueListByRepoOptions{Labels: []string{"image-crawler", "other"}}, 0},
		{&github.IssueListByRepoOptions{Creator: "image-crawler-bot"}, 2},
		{&github.IssueListByRepoOptions{Creator: "someone"}, 0},
		{&github.IssueListByRepoOptions{State: "closed"}, 0},
	} {
		got, _, err := gh.Issues.ListByRepo(ctx, "osism", "images", tt.opts)
		if err != nil || len(got) != tt.n {
			t.Errorf("list %+v: %d, %v; want %d", tt.opts, len(got), err, tt.n)
		}
	}
	_, _, err = gh.Issues.Edit(ctx, "osism", "images", is.GetNumber(), &github.IssueRequest{Milestone: github.Int(9)})
	errorResponse(t, err, http.StatusUnprocessableEntity)
	closed, _, err := gh.Issues.Edit(ctx, "osism", "images", is.GetNumber(), &github.IssueRequest{State: github.String("closed"), Body: github.String("done"), Milestone: github.Int(3)})
	if err != nil || closed.GetState() != "closed" || closed.GetStateReason() != "completed" || closed.GetBody() != "done" || closed.GetMilestone().GetNumber() != 3 {
		t.Fatalf("close %+v %v", closed, err)
	}
	if _, _, err := gh.Issues.CreateComment(ctx, "osism", "images", is.GetNumber(), &github.IssueComment{Body: github.String("c")}); err != nil {
		t.Fatal(err)
	}
	if c := s.Comments("osism", "images", is.GetNumber()); len(c) != 1 {
		t.Fatalf("comments %v", c)
	}
	_, _, err = gh.Issues.Get(ctx, "osism", "images", 99)
	errorResponse(t, err, http.StatusNotFound)

	// Reviewers: a collaborator, or a 422 for the whole request.
	_, _, err = gh.PullRequests.RequestReviewers(ctx, "osism", "images", pr.GetNumber(), github.ReviewersRequest{Reviewers: []string{"alice", "mallory"}})
	errorResponse(t, err, http.StatusUnprocessableEntity)
	if _, _, err := gh.PullRequests.RequestReviewers(ctx, "osism", "images", pr.GetNumber(), github.ReviewersRequest{Reviewers: []string{"alice"}}); err != nil {
		t.Fatal(err)
	}
	// Assignees who cannot be assigned are skipped silently.
	if _, _, err := gh.Issues.AddAssignees(ctx, "osism", "images", pr.GetNumber(), []string{"alice", "mallory"}); err != nil {
		t.Fatal(err)
	}
	got := s.PullRequests("osism", "images")[0]
	if strings.Join(got.Reviewers, ",") != "alice" || strings.Join(got.Assignees, ",") != "alice" {
		t.Fatalf("pull request %+v", got)
	}
}
