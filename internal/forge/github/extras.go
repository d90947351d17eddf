package github

import (
	"context"
	"fmt"
	"net/http"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/forge"
)

// ApplyExtras requests the reviewers, adds the assignees and sets the
// milestone of pull request number. GitHub refuses a reviewer who is not a
// collaborator, and a milestone that does not exist, with a 422: those come
// back as warnings, so that a typo in a workflow does not fail the run that
// already opened the pull request. Any other error is returned.
func (c *Client) ApplyExtras(ctx context.Context, r forge.Repo, number int, x forge.Extras) (warnings []string, err error) {
	if len(x.Reviewers) > 0 || len(x.TeamReviewers) > 0 {
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.PullRequests.RequestReviewers(ctx, r.Owner, r.Name, number, gogithub.ReviewersRequest{
				Reviewers: x.Reviewers, TeamReviewers: x.TeamReviewers,
			})
			return resp, err
		})
		switch {
		case status(err) == http.StatusUnprocessableEntity:
			warnings = append(warnings, fmt.Sprintf("could not request reviews on pull request #%d from %v (teams %v): %v", number, x.Reviewers, x.TeamReviewers, c.fail("request reviewers", r, "", true, err)))
		case err != nil:
			return warnings, c.failPR("request reviewers", r, number, permPullsWrite, true, err)
		}
	}
	if len(x.Assignees) > 0 {
		// Adding keeps the assignees people chose; GitHub silently skips
		// users who cannot be assigned.
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.Issues.AddAssignees(ctx, r.Owner, r.Name, number, x.Assignees)
			return resp, err
		})
		switch {
		case status(err) == http.StatusUnprocessableEntity:
			warnings = append(warnings, fmt.Sprintf("could not assign pull request #%d to %v: %v", number, x.Assignees, c.fail("assign", r, "", true, err)))
		case err != nil:
			return warnings, c.failPR("assign", r, number, permIssues, true, err)
		}
	}
	if x.Milestone > 0 {
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.Issues.Edit(ctx, r.Owner, r.Name, number, &gogithub.IssueRequest{Milestone: gogithub.Int(x.Milestone)})
			return resp, err
		})
		switch {
		case status(err) == http.StatusUnprocessableEntity:
			warnings = append(warnings, fmt.Sprintf("could not set milestone %d on pull request #%d: %v", x.Milestone, number, c.fail("set milestone", r, "", true, err)))
		case err != nil:
			return warnings, c.failPR("set milestone", r, number, permIssues, true, err)
		}
	}
	return warnings, nil
}
