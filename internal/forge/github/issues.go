package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/forge"
)

// FindIssue returns the open issue labelled label whose body contains
// marker, the oldest if there are several, or nil when there is none. Pull
// requests, which GitHub lists among issues, never match.
func (c *Client) FindIssue(ctx context.Context, r forge.Repo, label, marker string) (*forge.Issue, error) {
	op := fmt.Sprintf("find the issue labelled %q in %s", label, r)
	if label == "" || marker == "" {
		return nil, c.fail(op, r, "", false, errors.New("a label and a marker are needed"))
	}
	opts := &gogithub.IssueListByRepoOptions{State: "open", Labels: []string{label}, ListOptions: gogithub.ListOptions{PerPage: 100}}
	var found *gogithub.Issue
	for {
		var page []*gogithub.Issue
		var resp *gogithub.Response
		err := c.call(ctx, func(gh *gogithub.Client) (_ *gogithub.Response, err error) {
			page, resp, err = gh.Issues.ListByRepo(ctx, r.Owner, r.Name, opts)
			return resp, err
		})
		if err != nil {
			return nil, c.fail(op, r, "issues: read", false, err)
		}
		for _, is := range page {
			if is.IsPullRequest() || is.GetState() != "open" || !strings.Contains(is.GetBody(), marker) {
				continue
			}
			if found == nil || is.GetNumber() < found.GetNumber() {
				found = is
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if found == nil {
		return nil, nil
	}
	return toIssue(found), nil
}

func toIssue(is *gogithub.Issue) *forge.Issue {
	out := &forge.Issue{Number: is.GetNumber(), URL: is.GetHTMLURL(), Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState()}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// CreateIssue opens an issue with labels, creating the labels the
// repository lacks first (in image-crawler's colour).
func (c *Client) CreateIssue(ctx context.Context, r forge.Repo, title, body string, labels []string) (*forge.Issue, error) {
	op := "create an issue in " + r.String()
	if title == "" {
		return nil, c.fail(op, r, "", true, errors.New("no title"))
	}
	for _, l := range labels {
		if err := c.ensureLabel(ctx, r, l); err != nil {
			return nil, err
		}
	}
	var is *gogithub.Issue
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		is, resp, err = gh.Issues.Create(ctx, r.Owner, r.Name, &gogithub.IssueRequest{
			Title: gogithub.String(title), Body: gogithub.String(body), Labels: &labels,
		})
		return resp, err
	})
	if err != nil {
		return nil, c.fail(op, r, permIssues, true, err)
	}
	return toIssue(is), nil
}

// EditIssue sets the title and body of issue, writing only what differs
// from the issue as given; it reports whether it wrote.
func (c *Client) EditIssue(ctx context.Context, r forge.Repo, is *forge.Issue, title, body string) (changed bool, err error) {
	edit := &gogithub.IssueRequest{}
	if is.Title != title {
		edit.Title = gogithub.String(title)
	}
	if strings.ReplaceAll(is.Body, "\r\n", "\n") != strings.ReplaceAll(body, "\r\n", "\n") {
		edit.Body = gogithub.String(body)
	}
	if edit.Title == nil && edit.Body == nil {
		return false, nil
	}
	if err := c.editIssue(ctx, r, is.Number, edit); err != nil {
		return false, err
	}
	is.Title, is.Body = title, body
	return true, nil
}

// CloseIssue comments on issue number (unless comment is empty), then
// closes it as completed.
func (c *Client) CloseIssue(ctx context.Context, r forge.Repo, number int, body, comment string) error {
	if comment != "" {
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.Issues.CreateComment(ctx, r.Owner, r.Name, number, &gogithub.IssueComment{Body: gogithub.String(comment)})
			return resp, err
		})
		if err != nil {
			return c.fail(fmt.Sprintf("comment on issue #%d in %s", number, r), r, permIssues, true, err)
		}
	}
	edit := &gogithub.IssueRequest{State: gogithub.String("closed"), StateReason: gogithub.String("completed")}
	if body != "" {
		edit.Body = gogithub.String(body)
	}
	return c.editIssue(ctx, r, number, edit)
}

func (c *Client) editIssue(ctx context.Context, r forge.Repo, number int, edit *gogithub.IssueRequest) error {
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.Issues.Edit(ctx, r.Owner, r.Name, number, edit)
		return resp, err
	})
	if err != nil {
		return c.fail(fmt.Sprintf("edit issue #%d in %s", number, r), r, permIssues, true, err)
	}
	return nil
}
