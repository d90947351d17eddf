package github

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/forge"
)

// Commits made through GitHub's git data API (blobs, a tree, a commit, then
// the branch reference) have GitHub as their committer, and GitHub signs
// them, so they show as Verified. See docs/pull-requests.md.

// CommitFiles creates one commit whose parent is parent and whose tree is
// parent's tree with files applied. GitHub is its committer and signs it.
// It returns the commit and its tree. Nothing points at the commit yet:
// MoveBranch does that.
func (c *Client) CommitFiles(ctx context.Context, r forge.Repo, parent string, files []forge.File, msg string, author forge.Author, when time.Time) (commit, tree string, err error) {
	op := fmt.Sprintf("create a commit on %s in %s", short(parent), r)
	if parent == "" || len(files) == 0 || msg == "" {
		return "", "", c.fail(op, r, "", true, errors.New("a parent, files and a message are needed"))
	}
	var base *gogithub.Commit
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		base, resp, err = gh.Git.GetCommit(ctx, r.Owner, r.Name, parent)
		return resp, err
	})
	if err != nil {
		return "", "", c.fail(op+": read the parent", r, permContents, false, err)
	}
	entries := make([]*gogithub.TreeEntry, 0, len(files))
	for _, f := range files {
		e := &gogithub.TreeEntry{Path: gogithub.String(f.Path), Mode: gogithub.String("100644"), Type: gogithub.String("blob")}
		if !f.Delete {
			var blob *gogithub.Blob
			err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
				blob, resp, err = gh.Git.CreateBlob(ctx, r.Owner, r.Name, &gogithub.Blob{
					Content:  gogithub.String(base64.StdEncoding.EncodeToString(f.Content)),
					Encoding: gogithub.String("base64"),
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
	var t *gogithub.Tree
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		t, resp, err = gh.Git.CreateTree(ctx, r.Owner, r.Name, base.GetTree().GetSHA(), entries)
		return resp, err
	})
	if err != nil {
		return "", "", c.fail(op+": create the tree", r, permContents, true, err)
	}
	when = when.UTC().Truncate(time.Second)
	var made *gogithub.Commit
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		// No committer: GitHub signs only the commits it commits itself.
		made, resp, err = gh.Git.CreateCommit(ctx, r.Owner, r.Name, &gogithub.Commit{
			Message: gogithub.String(msg),
			Tree:    &gogithub.Tree{SHA: t.SHA},
			Parents: []*gogithub.Commit{{SHA: gogithub.String(parent)}},
			Author:  &gogithub.CommitAuthor{Name: gogithub.String(author.Name), Email: gogithub.String(author.Email), Date: &gogithub.Timestamp{Time: when}},
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
// and is created). A branch elsewhere gives forge.ErrRefMoved.
//
// GitHub's API has no compare-and-swap on a reference: the tip is read and
// then replaced with force, so a push that lands between the two is lost.
// The window is one round trip, where git's push lease has none; a
// person's commit that lands in it is overwritten with the bot's, the one
// case --sign-commits weakens (docs/pull-requests.md).
func (c *Client) MoveBranch(ctx context.Context, r forge.Repo, branch, expect, sha string) error {
	op := fmt.Sprintf("move branch %s of %s to %s", branch, r, short(sha))
	ref := "refs/heads/" + branch
	if expect == "" {
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.Git.CreateRef(ctx, r.Owner, r.Name, &gogithub.Reference{Ref: gogithub.String(ref), Object: &gogithub.GitObject{SHA: gogithub.String(sha)}})
			return resp, err
		})
		if validation(err, "Reference already exists") {
			return fmt.Errorf("%s: %w: it was created by someone else", op, forge.ErrRefMoved)
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
		return fmt.Errorf("%s: %w from %s to %s", op, forge.ErrRefMoved, short(expect), describeSHA(now))
	}
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.Git.UpdateRef(ctx, r.Owner, r.Name, &gogithub.Reference{Ref: gogithub.String(ref), Object: &gogithub.GitObject{SHA: gogithub.String(sha)}}, true)
		return resp, err
	})
	if validation(err, "Reference does not exist") {
		return fmt.Errorf("%s: %w: it was deleted", op, forge.ErrRefMoved)
	}
	if err != nil {
		return c.fail(op, r, permContents, true, err)
	}
	return nil
}

// BranchHead returns the commit branch points at, or "" when it does not
// exist.
func (c *Client) BranchHead(ctx context.Context, r forge.Repo, branch string) (string, error) {
	var ref *gogithub.Reference
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		ref, resp, err = gh.Git.GetRef(ctx, r.Owner, r.Name, "heads/"+branch)
		return resp, err
	})
	if status(err) == http.StatusNotFound {
		var er *gogithub.ErrorResponse
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
