// Package forge is what image-crawler needs of a code forge to propose a
// catalog change: find, open, update and close the bot's pull request, ask
// for reviews, keep the dashboard issue, and, for signed commits, commit
// through the forge's API. The types here are the forge-neutral view of
// those; each forge is a package below this one that implements Forge
// (internal/forge/github for GitHub and GitHub Enterprise Server).
//
// Adding a forge is one package that implements Forge and one case where
// internal/publish picks the forge of a catalog URL (docs/development.md).
package forge

import (
	"context"
	"errors"
	"time"
)

// Forge is one forge instance, acting with one token. Every error names the
// operation, says what to change where it can (a token permission, a
// repository setting), and never contains the token.
type Forge interface {
	PullRequests
	Issues
	Commits
}

// PullRequests are the pull request operations of the bot's one branch.
type PullRequests interface {
	// FindOpen returns the open pull request from branch (in r itself, not
	// a fork) into base (any base when ""), or nil when there is none.
	FindOpen(ctx context.Context, r Repo, branch, base string) (*PullRequest, error)
	// Create opens a pull request with its labels. When an open one from the
	// same branch into the same base exists already (a racing run opened
	// it), it returns that one with created false. A branch without new
	// commits fails with ErrNoCommits. If only the labels failed, it returns
	// the pull request together with the error.
	Create(ctx context.Context, r Repo, p NewPR) (pr *PullRequest, created bool, err error)
	// Update sets the title and body of pull request number, writing only
	// when they differ; it reports whether it wrote.
	Update(ctx context.Context, r Repo, number int, title, body string) (changed bool, err error)
	// AddLabels adds to pr the labels it lacks and updates pr.Labels.
	AddLabels(ctx context.Context, r Repo, pr *PullRequest, labels []string) error
	// ApplyExtras requests reviewers, adds assignees and sets the milestone.
	// Names the forge refuses (not a collaborator, no such milestone) are
	// warnings, not errors.
	ApplyExtras(ctx context.Context, r Repo, number int, x Extras) (warnings []string, err error)
	// Close comments (unless comment is empty), then closes the pull request.
	Close(ctx context.Context, r Repo, number int, comment string) error
}

// Issues are the operations of the dashboard issue.
type Issues interface {
	// FindIssue returns the oldest open issue labelled label whose body
	// contains marker, or nil.
	FindIssue(ctx context.Context, r Repo, label, marker string) (*Issue, error)
	// CreateIssue opens an issue with labels.
	CreateIssue(ctx context.Context, r Repo, title, body string, labels []string) (*Issue, error)
	// EditIssue sets the title and body of is, writing only what differs;
	// it reports whether it wrote.
	EditIssue(ctx context.Context, r Repo, is *Issue, title, body string) (changed bool, err error)
	// CloseIssue comments (unless comment is empty), then closes issue
	// number as completed, with body as its last body unless "".
	CloseIssue(ctx context.Context, r Repo, number int, body, comment string) error
}

// Commits make a commit through the forge's API, which the forge signs
// (--sign-commits), and move the bot's branch to it.
type Commits interface {
	// CommitFiles creates one commit on parent with files applied to
	// parent's tree; the forge is its committer and signs it. It returns
	// the commit and its tree; nothing points at the commit yet.
	CommitFiles(ctx context.Context, r Repo, parent string, files []File, msg string, author Author, when time.Time) (commit, tree string, err error)
	// MoveBranch points branch at sha if it is still at expect ("" for a
	// branch that must not exist yet); otherwise it fails with ErrRefMoved.
	MoveBranch(ctx context.Context, r Repo, branch, expect, sha string) error
}

// PullRequest is what image-crawler needs to know of a pull request.
type PullRequest struct {
	Number int
	URL    string // the web address
	Title  string
	Body   string
	Head   string // branch name
	Base   string
	State  string // "open" or "closed"
	Draft  bool
	Labels []string
}

// NewPR describes a pull request to open from Branch into Base.
type NewPR struct {
	Title, Body  string
	Branch, Base string
	Draft        bool
	Labels       []string
}

// Extras are what a pull request gets besides its title, body and labels:
// requested reviewers, assignees and a milestone (a number; 0 for none).
type Extras struct {
	Reviewers     []string
	TeamReviewers []string
	Assignees     []string
	Milestone     int
}

// Empty reports whether x asks for nothing.
func (x Extras) Empty() bool {
	return len(x.Reviewers) == 0 && len(x.TeamReviewers) == 0 && len(x.Assignees) == 0 && x.Milestone == 0
}

// Issue is what image-crawler needs to know of an issue (its dashboard).
type Issue struct {
	Number int
	URL    string
	Title  string
	Body   string
	State  string // "open" or "closed"
	Labels []string
}

// File is one file of a commit made with CommitFiles.
type File struct {
	Path    string // slash-separated, relative to the repository root
	Content []byte
	Delete  bool // remove Path instead of writing it
}

// Author is the author of a commit made with CommitFiles.
type Author struct{ Name, Email string }

var (
	// ErrNoCommits reports that the forge refused a pull request because
	// the branch holds no commits its base lacks.
	ErrNoCommits = errors.New("no commits between base and branch")
	// ErrRefMoved reports that a branch was not where the caller last saw
	// it, so MoveBranch left it alone.
	ErrRefMoved = errors.New("branch moved")
)
