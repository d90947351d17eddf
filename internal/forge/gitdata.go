package forge

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"
)

// Commits made through GitHub's git data API (blobs, a tree, a commit, then
// the branch reference) have GitHub as their committer, and GitHub signs
// them, so they show as Verified. See docs/pull-requests.md.

// GitHubCommitterEmail is the committer email of the commits GitHub creates
// and signs through the API (its "web-flow" identity).
const GitHubCommitterEmail = "noreply@github.com"

// ErrRefMoved reports that a branch was not where the caller last saw it,
// so MoveBranch left it alone.
var ErrRefMoved = errors.New("branch moved")

// File is one file of a commit made with CommitFiles.
type File struct {
	Path    string // slash-separated, relative to the repository root
	Content []byte
	Delete  bool // remove Path instead of writing it
}

// Author is the author of a commit made with CommitFiles.
type Author struct{ Name, Email string }

// CommitFiles creates one commit whose parent is parent and whose tree is
// parent's tree with files applied. GitHub is its committer and signs it.
// It returns the commit and its tree. Nothing points at the commit yet:
// MoveBranch does that.
func (c *Client) CommitFiles(ctx context.Context, r Repo, parent string, files []File, msg string, author Author, when time.Time) (commit, tree string, err error) {
	op := fmt.Sprintf("create a commit on %s in %s", short(parent), r)
	if parent == "" || len(files) == 0 || msg == "" {
		return "", "", c.fail(op, r, "", true, errors.New("a parent, files and a message are needed"))
	}
	var base *github.Commit
	err = c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
		base, resp, err = gh.Git.GetCommit(ctx, r.Owner, r.Name, parent)
		return resp, err
	})
	if err != nil {
		return "", "", c.fail(op+": read the parent", r, permContents, false, err)
	}
	entries := make([]*github.TreeEntry, 0, len(files))
	for _, f := range files {
		e := &github.TreeEntry{Path: github.String(f.Path), Mode: github.String("100644"), Type: github.String("blob")}
		if !f.Delete {
			var blob *github.Blob
			err = c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
				blob, resp, err = gh.Git.CreateBlob(ctx, r.Owner, r.Name, &github.Blob{
					Content:  github.String(base64.StdEncoding.EncodeToString(f.Content)),
					Encoding: github.String("base64"),
				})
				return resp, err
			})
			if err != nil {
				return "", "", c.fail(op+": upload "+f.Path, r, permContents, true, err)
			}
			e.SHA = blob.SHA
		}
		// A TreeEntry without SHA and Content marshals "sha": null, which
		// deletes the path.
		entries = append(entries, e)
	}
	var t *github.Tree
	err = c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
		t, resp, err = gh.Git.CreateTree(ctx, r.Owner, r.Name, base.GetTree().GetSHA(), entries)
		return resp, err
	})
	if err != nil {
		return "", "", c.fail(op+": create the tree", r, permContents, true, err)
	}
	when = when.UTC().Truncate(time.Second)
	var made *github.Commit
	err = c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
		// No committer: GitHub signs only the commits it commits itself.
		made, resp, err = gh.Git.CreateCommit(ctx, r.Owner, r.Name, &github.Commit{
			Message: github.String(msg),
			Tree:    &github.Tree{SHA: t.SHA},
			Parents: []*github.Commit{{SHA: github.String(parent)}},
			Author:  &github.CommitAuthor{Name: github.String(author.Name), Email: github.String(author.Email), Date: &github.Timestamp{Time: when}},
		}, nil)
		return resp, err
	})
	if err != nil {
		return "", "", c.fail(op, r, permContents, true, err)
	}
	return made.GetSHA(), t.GetSHA(), nil
}

// MoveBranch points branch at sha, but only if it is still at expect, the
// tip the caller read before deciding ("" means the branch must not exist,
// and is created). A branch elsewhere gives ErrRefMoved.
//
// GitHub's API has no compare-and-swap on a reference: the tip is read and
// then replaced with force, so a push that lands between the two is lost.
// The window is one round trip, where git's push lease has none; a
// person's commit that lands in it is overwritten with the bot's, the one
// case --sign-commits weakens (docs/pull-requests.md).
func (c *Client) MoveBranch(ctx context.Context, r Repo, branch, expect, sha string) error {
	op := fmt.Sprintf("move branch %s of %s to %s", branch, r, short(sha))
	ref := "refs/heads/" + branch
	if expect == "" {
		err := c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
			_, resp, err = gh.Git.CreateRef(ctx, r.Owner, r.Name, &github.Reference{Ref: github.String(ref), Object: &github.GitObject{SHA: github.String(sha)}})
			return resp, err
		})
		if validation(err, "Reference already exists") {
			return fmt.Errorf("%s: %w: it was created by someone else", op, ErrRefMoved)
		}
		if err != nil {
			return c.fail(op, r, permContents, true, err)
		}
		return nil
	}
	now, err := c.BranchHead(ctx, r, branch)
	if err != nil {
		return err
	}
	if now != expect {
		return fmt.Errorf("%s: %w from %s to %s", op, ErrRefMoved, short(expect), describeSHA(now))
	}
	err = c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
		_, resp, err = gh.Git.UpdateRef(ctx, r.Owner, r.Name, &github.Reference{Ref: github.String(ref), Object: &github.GitObject{SHA: github.String(sha)}}, true)
		return resp, err
	})
	if validation(err, "Reference does not exist") {
		return fmt.Errorf("%s: %w: it was deleted", op, ErrRefMoved)
	}
	if err != nil {
		return c.fail(op, r, permContents, true, err)
	}
	return nil
}

// BranchHead returns the commit branch points at, or "" when it does not
// exist.
func (c *Client) BranchHead(ctx context.Context, r Repo, branch string) (string, error) {
	var ref *github.Reference
	err := c.call(ctx, func(gh *github.Client) (resp *github.Response, err error) {
		ref, resp, err = gh.Git.GetRef(ctx, r.Owner, r.Name, "heads/"+branch)
		return resp, err
	})
	if status(err) == http.StatusNotFound {
		var er *github.ErrorResponse
		if errors.As(err, &er) && er.Message != "" { // GitHub's JSON 404: no such branch
			return "", nil
		}
	}
	if err != nil {
		return "", c.fail("read branch "+branch+" of "+r.String(), r, permContents, false, err)
	}
	return ref.GetObject().GetSHA(), nil
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

func describeSHA(h string) string {
	if h == "" {
		return "(no branch)"
	}
	return short(h)
}
