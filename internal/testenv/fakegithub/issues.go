package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"sort"

	"strings"
	"time"
)

const (
	docsIssues      = "https://docs.github.com/rest/issues/issues#list-repository-issues"
	docsCreateIssue = "https://docs.github.com/rest/issues/issues#create-an-issue"
	docsUpdateIssue = "https://docs.github.com/rest/issues/issues#update-an-issue"
	docsReviewers   = "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request"
)

// Issue is the fake's record of a plain issue (not a pull request).
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string // "open" or "closed"
	StateReason string // "completed", "not_planned", "reopened" or ""
	Labels      []string
	Author      string
	Assignees   []string
	Milestone   int
}

func (s *Server) issueRoutes() {
	s.handle("GET /repos/{owner}/{repo}/issues", s.listIssues)
	s.handle("POST /repos/{owner}/{repo}/issues", s.createIssue)
	s.handle("GET /repos/{owner}/{repo}/issues/{number}", s.getIssue)
	s.handle("PATCH /repos/{owner}/{repo}/issues/{number}", s.updateIssue)
	s.handle("POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.requestReviewers)
	s.handle("POST /repos/{owner}/{repo}/issues/{number}/assignees", s.addAssignees)
}

// AddCollaborator lets login be requested as a reviewer and assigned; on
// GitHub anyone else gets a 422.
func (s *Server) AddCollaborator(owner, name, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo(owner, name)
	rp.collaborators = append(rp.collaborators, login)
}

// AddTeam lets the team slug be requested as a reviewer.
func (s *Server) AddTeam(owner, name, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo(owner, name)
	rp.teams = append(rp.teams, slug)
}

// AddMilestone creates milestone number with title.
func (s *Server) AddMilestone(owner, name string, number int, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo(owner, name)
	if rp.milestones == nil {
		rp.milestones = map[int]string{}
	}
	rp.milestones[number] = title
}

// AddIssue records an issue directly, e.g. one a person opened. It returns
// the issue's number.
func (s *Server) AddIssue(owner, name string, is Issue) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepo(owner, name)
	if is.State == "" {
		is.State = "open"
	}
	if is.Author == "" {
		is.Author = "someone"
	}
	for _, l := range is.Labels {
		rp.ensureLabel(l)
	}
	return s.addIssue(rp, is).Number
}

func (s *Server) mustRepo(owner, name string) *repo {
	rp := s.repos[key(owner, name)]
	if rp == nil {
		s.tb.Fatalf("fakegithub: unknown repository %s/%s; call AddRepo first", owner, name)
	}
	return rp
}

func (s *Server) addIssue(rp *repo, is Issue) *pull {
	now := time.Now().UTC().Truncate(time.Second)
	p := &pull{id: s.newID(), createdAt: now, updatedAt: now, isIssue: true, stateReason: is.StateReason}
	p.Number = rp.nextNumber
	rp.nextNumber++
	p.Title, p.Body, p.State, p.Author = is.Title, is.Body, is.State, is.Author
	p.Labels, p.Assignees, p.Milestone = slices.Clone(is.Labels), slices.Clone(is.Assignees), is.Milestone
	rp.issues[p.Number] = p
	return p
}

// Issues returns the repository's plain issues, lowest number first.
func (s *Server) Issues(owner, name string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		return nil
	}
	var out []Issue
	for _, p := range rp.sortedIssues() {
		out = append(out, Issue{Number: p.Number, Title: p.Title, Body: p.Body, State: p.State, StateReason: p.stateReason,
			Labels: slices.Clone(p.Labels), Author: p.Author, Assignees: slices.Clone(p.Assignees), Milestone: p.Milestone})
	}
	return out
}

func (rp *repo) sortedIssues() []*pull {
	ps := make([]*pull, 0, len(rp.issues))
	for _, p := range rp.issues {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Number < ps[j].Number })
	return ps
}

// issueFromPath finds the issue or pull request named in the path: the
// issues endpoints (comments, labels) take either, as on GitHub.
func (s *Server) issueFromPath(w http.ResponseWriter, r *request, doc string) (*repo, *pull) {
	rp := s.repo(w, r, doc)
	if rp == nil {
		return nil, nil
	}
	n, ok := issueNumber(w, r, rp, doc)
	if !ok {
		return nil, nil
	}
	if p := rp.pulls[n]; p != nil {
		return rp, p
	}
	if p := rp.issues[n]; p != nil {
		return rp, p
	}
	notFound(w, doc)
	return nil, nil
}

func (s *Server) issueJSON(r *request, rp *repo, p *pull) map[string]any {
	ts := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Format(time.RFC3339)
	}
	api := r.base + "/repos/" + rp.owner + "/" + rp.name
	kind := "issues"
	if !p.isIssue {
		kind = "pull"
	}
	assignees := []any{}
	for _, a := range p.Assignees {
		assignees = append(assignees, map[string]any{"login": a})
	}
	m := map[string]any{
		"id":         p.id,
		"number":     p.Number,
		"state":      p.State,
		"title":      p.Title,
		"body":       p.Body,
		"user":       map[string]any{"login": p.Author},
		"labels":     s.issueLabels(r, rp, p),
		"assignees":  assignees,
		"url":        fmt.Sprintf("%s/issues/%d", api, p.Number),
		"html_url":   fmt.Sprintf("https://github.com/%s/%s/%s/%d", rp.owner, rp.name, kind, p.Number),
		"created_at": ts(p.createdAt),
		"updated_at": ts(p.updatedAt),
		"closed_at":  ts(p.closedAt),
		"milestone":  nil,
	}
	if p.isIssue {
		var reason any
		if p.stateReason != "" {
			reason = p.stateReason
		}
		m["state_reason"] = reason
	} else {
		// GitHub lists pull requests among issues, marked by this key.
		m["pull_request"] = map[string]any{"url": fmt.Sprintf("%s/pulls/%d", api, p.Number),
			"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", rp.owner, rp.name, p.Number)}
	}
	if p.Milestone != 0 {
		m["milestone"] = map[string]any{"number": p.Milestone, "title": rp.milestones[p.Milestone]}
	}
	return m
}

// listIssues lists issues and pull requests, newest first, filtered by
// state (default open), labels (all of them, comma-separated) and creator.
func (s *Server) listIssues(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsIssues)
	if rp == nil {
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	switch state {
	case "":
		state = "open"
	case "open", "closed", "all":
	default:
		validationFailed(w, docsIssues, errEntry{Resource: "Issue", Code: "invalid", Field: "state"})
		return
	}
	var labels []string
	if l := q.Get("labels"); l != "" {
		labels = strings.Split(l, ",")
	}
	creator := q.Get("creator")
	var all []*pull
	all = append(all, rp.sortedPulls()...)
	all = append(all, rp.sortedIssues()...)
	sort.Slice(all, func(i, j int) bool { return all[i].Number > all[j].Number })
	out := []map[string]any{}
	for _, p := range all {
		if state != "all" && p.State != state {
			continue
		}
		if creator != "" && !strings.EqualFold(p.Author, creator) {
			continue
		}
		if !hasAll(p.Labels, labels) {
			continue
		}
		out = append(out, s.issueJSON(r, rp, p))
	}
	writeJSON(w, http.StatusOK, page(w, r, out))
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		w = strings.TrimSpace(w)
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			return false
		}
	}
	return true
}

func (s *Server) getIssue(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsBase)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.issueJSON(r, rp, p))
}

type issueIn struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
	Assignees   *[]string `json:"assignees"`
	Milestone   *int      `json:"milestone"`
}

// checkIssueIn answers GitHub's 422s for assignees who are not
// collaborators and milestones that do not exist.
func checkIssueIn(w http.ResponseWriter, rp *repo, in issueIn, doc string) bool {
	if in.Assignees != nil {
		for _, a := range *in.Assignees {
			if !slices.ContainsFunc(rp.collaborators, func(c string) bool { return strings.EqualFold(c, a) }) {
				validationFailed(w, doc, errEntry{Resource: "Issue", Code: "invalid", Field: "assignees", Message: fmt.Sprintf("%q is not a valid assignee", a)})
				return false
			}
		}
	}
	if in.Milestone != nil && *in.Milestone != 0 {
		if _, ok := rp.milestones[*in.Milestone]; !ok {
			validationFailed(w, doc, errEntry{Resource: "Issue", Code: "invalid", Field: "milestone", Message: fmt.Sprintf("%d is not a valid milestone", *in.Milestone)})
			return false
		}
	}
	return true
}

func (s *Server) createIssue(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsCreateIssue)
	if rp == nil || denyWrite(w, r, docsCreateIssue) {
		return
	}
	var in issueIn
	if !decode(w, r, &in) {
		return
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		validationFailed(w, docsCreateIssue, errEntry{Resource: "Issue", Code: "missing_field", Field: "title"})
		return
	}
	body := ""
	if in.Body != nil {
		body = *in.Body
	}
	if tooLong(w, body, docsCreateIssue) || !checkIssueIn(w, rp, in, docsCreateIssue) {
		return
	}
	is := Issue{Title: *in.Title, Body: body, State: "open", Author: r.login}
	if in.Labels != nil {
		for _, l := range *in.Labels {
			is.Labels = append(is.Labels, rp.ensureLabel(l).Name)
		}
	}
	if in.Assignees != nil {
		is.Assignees = *in.Assignees
	}
	if in.Milestone != nil {
		is.Milestone = *in.Milestone
	}
	p := s.addIssue(rp, is)
	writeJSON(w, http.StatusCreated, s.issueJSON(r, rp, p))
}

// updateIssue edits an issue, or the issue side of a pull request (its
// assignees, milestone, labels), as PATCH /issues/{number} does on GitHub.
func (s *Server) updateIssue(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsUpdateIssue)
	if p == nil || denyWrite(w, r, docsUpdateIssue) {
		return
	}
	var in issueIn
	if !decode(w, r, &in) {
		return
	}
	if in.State != nil && *in.State != "open" && *in.State != "closed" {
		validationFailed(w, docsUpdateIssue, errEntry{Resource: "Issue", Code: "invalid", Field: "state"})
		return
	}
	if in.Body != nil && tooLong(w, *in.Body, docsUpdateIssue) || !checkIssueIn(w, rp, in, docsUpdateIssue) {
		return
	}
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Body != nil {
		p.Body = *in.Body
	}
	if in.Labels != nil {
		p.Labels = nil
		for _, l := range *in.Labels {
			p.Labels = append(p.Labels, rp.ensureLabel(l).Name)
		}
	}
	if in.Assignees != nil {
		p.Assignees = slices.Clone(*in.Assignees)
	}
	if in.Milestone != nil {
		p.Milestone = *in.Milestone
	}
	now := time.Now().UTC().Truncate(time.Second)
	if in.State != nil && *in.State != p.State {
		p.State = *in.State
		p.closedAt = time.Time{}
		if p.State == "closed" {
			p.closedAt = now
			p.stateReason = "completed"
		} else {
			p.stateReason = "reopened"
		}
	}
	if in.StateReason != nil && p.isIssue {
		p.stateReason = *in.StateReason
	}
	p.updatedAt = now
	writeJSON(w, http.StatusOK, s.issueJSON(r, rp, p))
}

// requestReviewers adds requested reviewers. Like GitHub it refuses the
// whole request with a 422 when one of them is not a collaborator (or not a
// team of the repository), and refuses the pull request's author.
func (s *Server) requestReviewers(w http.ResponseWriter, r *request) {
	rp, p := s.pullFromPath(w, r, docsReviewers)
	if p == nil || denyWrite(w, r, docsReviewers) {
		return
	}
	var in struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	if !decode(w, r, &in) {
		return
	}
	for _, u := range in.Reviewers {
		if strings.EqualFold(u, p.Author) {
			validationFailed(w, docsReviewers, errEntry{Resource: "PullRequest", Code: "custom", Field: "reviewers",
				Message: "Review cannot be requested from pull request author."})
			return
		}
	}
	known := func(list []string, x string) bool {
		return slices.ContainsFunc(list, func(c string) bool { return strings.EqualFold(c, x) })
	}
	for _, u := range in.Reviewers {
		if !known(rp.collaborators, u) {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " + rp.owner + "/" + rp.name + " repository.", DocumentationURL: docsReviewers})
			return
		}
	}
	for _, t := range in.TeamReviewers {
		if !known(rp.teams, t) {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " + rp.owner + "/" + rp.name + " repository.", DocumentationURL: docsReviewers})
			return
		}
	}
	for _, u := range in.Reviewers {
		if !known(p.Reviewers, u) {
			p.Reviewers = append(p.Reviewers, u)
		}
	}
	for _, t := range in.TeamReviewers {
		if !known(p.TeamReviewers, t) {
			p.TeamReviewers = append(p.TeamReviewers, t)
		}
	}
	writeJSON(w, http.StatusCreated, s.pullJSON(r, rp, p))
}

// addAssignees adds assignees. Like GitHub it skips, silently, users who
// cannot be assigned (not collaborators).
func (s *Server) addAssignees(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsUpdateIssue)
	if p == nil || denyWrite(w, r, docsUpdateIssue) {
		return
	}
	var in struct {
		Assignees []string `json:"assignees"`
	}
	if !decode(w, r, &in) {
		return
	}
	for _, a := range in.Assignees {
		if slices.ContainsFunc(rp.collaborators, func(c string) bool { return strings.EqualFold(c, a) }) &&
			!slices.ContainsFunc(p.Assignees, func(c string) bool { return strings.EqualFold(c, a) }) {
			p.Assignees = append(p.Assignees, a)
		}
	}
	writeJSON(w, http.StatusCreated, s.issueJSON(r, rp, p))
}
