package fakegithub

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GitHub's documentation links, as its error bodies carry them. go-github
// recognises a secondary rate limit by the suffix of documentation_url.
const (
	docsBase      = "https://docs.github.com/rest"
	docsPrimary   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"
	docsSecondary = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docsRepo      = "https://docs.github.com/rest/repos/repos#get-a-repository"
	docsPulls     = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
	docsUpdatePR  = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request"
	docsComments  = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
	docsLabels    = "https://docs.github.com/rest/issues/labels#create-a-label"
	docsGetLabel  = "https://docs.github.com/rest/issues/labels#get-a-label"
	docsAddLabels = "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue"
	docsRefs      = "https://docs.github.com/rest/git/refs#delete-a-reference"
	rateLimit     = 5000
)

// apiError is GitHub's error body.
type apiError struct {
	Message          string     `json:"message"`
	Errors           []errEntry `json:"errors,omitempty"`
	DocumentationURL string     `json:"documentation_url,omitempty"`
}

type errEntry struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message,omitempty"`
}

// request carries what the handlers need besides the HTTP request.
type request struct {
	*http.Request
	token Token
	login string
	base  string // API base URL as the client used it, e.g. http://host/api/v3
}

type handler func(w http.ResponseWriter, r *request)

func (s *Server) routes() {
	s.handle("GET /repos/{owner}/{repo}", s.getRepo)
	s.handle("GET /repos/{owner}/{repo}/pulls", s.listPulls)
	s.handle("POST /repos/{owner}/{repo}/pulls", s.createPull)
	s.handle("GET /repos/{owner}/{repo}/pulls/{number}", s.getPull)
	s.handle("PATCH /repos/{owner}/{repo}/pulls/{number}", s.updatePull)
	s.handle("GET /repos/{owner}/{repo}/issues/{number}/comments", s.listComments)
	s.handle("POST /repos/{owner}/{repo}/issues/{number}/comments", s.createComment)
	s.handle("GET /repos/{owner}/{repo}/issues/{number}/labels", s.listIssueLabels)
	s.handle("POST /repos/{owner}/{repo}/issues/{number}/labels", s.addIssueLabels)
	s.handle("GET /repos/{owner}/{repo}/labels", s.listLabels)
	s.handle("POST /repos/{owner}/{repo}/labels", s.createLabel)
	s.handle("GET /repos/{owner}/{repo}/labels/{name}", s.getLabel)
	s.handle("DELETE /repos/{owner}/{repo}/git/refs/heads/{branch...}", s.deleteRef)
	s.gitRoutes()
	s.issueRoutes()
}

// handle registers h; the handler runs with the server's lock held, so every
// request sees and leaves a consistent state (two racing creates of the same
// pull request get one 201 and one 422, as on GitHub).
func (s *Server) handle(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		req := r.Context().Value(reqKey{}).(*request)
		req.Request = r
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.writes++
		}
		h(w, req)
	})
}

type reqKey struct{}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	w = rec

	base := "http://" + r.Host
	received := r.URL.Path
	if p, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok && (p == "" || strings.HasPrefix(p, "/")) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = p
		r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, "/api/v3")
		r = r2
		base += "/api/v3"
	}
	defer func() {
		s.calls = append(s.calls, Call{Method: r.Method, Path: received, Query: r.URL.RawQuery, Status: rec.status})
	}()

	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("FAKE:%d", s.requests))

	tok, ok := s.authenticate(r)
	if !ok {
		s.rateHeaders(w, false)
		writeJSON(w, http.StatusUnauthorized, apiError{Message: "Bad credentials", DocumentationURL: docsBase})
		return
	}
	if s.refuseRateLimited(w) {
		return
	}
	s.rateHeaders(w, true)

	login := tok.Login
	if login == "" {
		login = "image-crawler-bot"
		if tok.Actions {
			login = "github-actions[bot]"
		}
	}
	req := &request{token: tok, login: login, base: base}
	r = r.WithContext(context.WithValue(r.Context(), reqKey{}, req))
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docsBase})
		return
	}
	s.mux.ServeHTTP(w, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *Server) authenticate(r *http.Request) (Token, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || (!strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token")) {
		return Token{}, false
	}
	t, ok := s.tokens[strings.TrimSpace(tok)]
	return t, ok
}

// rateHeaders sets the headers GitHub puts on every answer. The counts only
// ever approach zero through an injected limit, so that a test never trips
// over the fake's own bookkeeping.
func (s *Server) rateHeaders(w http.ResponseWriter, counted bool) {
	used := s.requests % (rateLimit - 1)
	if !counted {
		used = 0
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rateLimit-used))
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.window.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

// refuseRateLimited answers the request with the injected rate limit, if one
// is active, exactly as GitHub does: a primary limit carries Remaining 0 and a
// Reset time, a secondary one a Retry-After header and a documentation_url
// ending in "secondary-rate-limits".
func (s *Server) refuseRateLimited(w http.ResponseWriter) bool {
	rl := s.limit
	if rl.Requests == 0 {
		return false
	}
	if rl.Requests > 0 {
		s.limit.Requests--
	}
	status := rl.Status
	if status == 0 {
		status = http.StatusForbidden
	}
	h := w.Header()
	if rl.Secondary {
		s.rateHeaders(w, true)
		retry := rl.RetryAfter
		if retry == 0 {
			retry = 1
		}
		if retry > 0 {
			h.Set("Retry-After", strconv.Itoa(retry))
		}
		writeJSON(w, status, apiError{
			Message:          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID " + h.Get("X-GitHub-Request-Id") + ".",
			DocumentationURL: docsSecondary,
		})
		return true
	}
	d := rl.Reset
	if d <= 0 {
		d = time.Second
	}
	// Round up so that the reset lies in the future however the second is cut.
	reset := time.Now().Add(d).Truncate(time.Second).Add(time.Second)
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Used", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	writeJSON(w, status, apiError{
		Message:          "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID " + h.Get("X-GitHub-Request-Id") + ".",
		DocumentationURL: docsPrimary,
	})
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func validationFailed(w http.ResponseWriter, doc string, errs ...errEntry) {
	writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Validation Failed", Errors: errs, DocumentationURL: doc})
}

func notFound(w http.ResponseWriter, doc string) {
	writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: doc})
}

// denyWrite answers a write by a read-only token the way GitHub answers an
// installation token that lacks the permission.
func denyWrite(w http.ResponseWriter, r *request, doc string) bool {
	if !r.token.ReadOnly {
		return false
	}
	writeJSON(w, http.StatusForbidden, apiError{Message: "Resource not accessible by integration", DocumentationURL: doc})
	return true
}

func decode(w http.ResponseWriter, r *request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Message: "Problems parsing JSON", DocumentationURL: docsBase})
		return false
	}
	return true
}

// repo looks up the repository named in the path, answering 404 when absent.
func (s *Server) repo(w http.ResponseWriter, r *request, doc string) *repo {
	rp := s.repos[key(r.PathValue("owner"), r.PathValue("repo"))]
	if rp == nil {
		notFound(w, doc)
	}
	return rp
}

// issueNumber parses the number in the path; GitHub answers 404 for a
// number that names nothing.
func issueNumber(w http.ResponseWriter, r *request, rp *repo, doc string) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 || n >= rp.nextNumber {
		notFound(w, doc)
		return 0, false
	}
	return n, true
}

func (s *Server) getRepo(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsRepo)
	if rp == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.repoJSON(r, rp.owner, rp.name, rp.defaultBranch))
}

func (s *Server) repoJSON(r *request, owner, name, defaultBranch string) map[string]any {
	m := map[string]any{
		"id":        repoID(owner, name),
		"name":      name,
		"full_name": owner + "/" + name,
		"owner":     map[string]any{"login": owner, "type": "Organization"},
		"private":   false,
		"html_url":  "https://github.com/" + owner + "/" + name,
		"url":       r.base + "/repos/" + owner + "/" + name,
		"clone_url": "https://github.com/" + owner + "/" + name + ".git",
	}
	if defaultBranch != "" {
		m["default_branch"] = defaultBranch
	}
	return m
}

// repoID gives each repository a stable number.
func repoID(owner, name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(key(owner, name)))
	return h.Sum32()
}

func (s *Server) pullJSON(r *request, rp *repo, p *pull) map[string]any {
	ts := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Format(time.RFC3339)
	}
	labels := make([]any, 0, len(p.Labels))
	for _, name := range p.Labels {
		l, _ := rp.label(name)
		labels = append(labels, labelJSON(r, rp, l))
	}
	headRepo := s.repoJSON(r, p.HeadOwner, rp.name, "")
	if strings.EqualFold(p.HeadOwner, rp.owner) {
		headRepo = s.repoJSON(r, rp.owner, rp.name, rp.defaultBranch)
	}
	api := r.base + "/repos/" + rp.owner + "/" + rp.name
	return map[string]any{
		"id":         p.id,
		"number":     p.Number,
		"state":      p.State,
		"locked":     false,
		"title":      p.Title,
		"body":       p.Body,
		"draft":      p.Draft,
		"merged":     false,
		"user":       map[string]any{"login": p.Author},
		"url":        fmt.Sprintf("%s/pulls/%d", api, p.Number),
		"issue_url":  fmt.Sprintf("%s/issues/%d", api, p.Number),
		"html_url":   fmt.Sprintf("https://github.com/%s/%s/pull/%d", rp.owner, rp.name, p.Number),
		"labels":     labels,
		"created_at": ts(p.createdAt),
		"updated_at": ts(p.updatedAt),
		"closed_at":  ts(p.closedAt),
		"head": map[string]any{
			"label": p.HeadOwner + ":" + p.Head,
			"ref":   p.Head,
			"sha":   s.sha(p.HeadOwner, rp.name, p.Head),
			"repo":  headRepo,
			"user":  map[string]any{"login": p.HeadOwner},
		},
		"base": map[string]any{
			"label": rp.owner + ":" + p.Base,
			"ref":   p.Base,
			"sha":   s.sha(rp.owner, rp.name, p.Base),
			"repo":  s.repoJSON(r, rp.owner, rp.name, rp.defaultBranch),
			"user":  map[string]any{"login": rp.owner},
		},
	}
}

func labelJSON(r *request, rp *repo, l Label) map[string]any {
	var desc any
	if l.Description != "" {
		desc = l.Description
	}
	return map[string]any{
		"name":        l.Name,
		"color":       l.Color,
		"description": desc,
		"default":     false,
		"url":         r.base + "/repos/" + rp.owner + "/" + rp.name + "/labels/" + url.PathEscape(l.Name),
	}
}

// page cuts items to the requested page and sets GitHub's Link header.
func page[T any](w http.ResponseWriter, r *request, items []T) []T {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n <= 0 {
		n = 1
	}
	last := max(1, (len(items)+per-1)/per)
	var links []string
	if n < last {
		links = append(links, linkTo(r, q, n+1, per, "next"), linkTo(r, q, last, per, "last"))
	}
	if n > 1 {
		links = append(links, linkTo(r, q, 1, per, "first"), linkTo(r, q, n-1, per, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	if n > last {
		return items[:0]
	}
	lo := (n - 1) * per
	return items[lo:min(lo+per, len(items))]
}

func linkTo(r *request, q url.Values, p, per int, rel string) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("page", strconv.Itoa(p))
	q2.Set("per_page", strconv.Itoa(per))
	return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, r.base, r.URL.Path, q2.Encode(), rel)
}

func (s *Server) listPulls(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsBase)
	if rp == nil {
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	// GitHub filters by head only in the form owner:branch; a bare branch
	// name is silently ignored, and callers that rely on it get every pull
	// request. The fake keeps that trap.
	headOwner, headRef, headFilter := strings.Cut(q.Get("head"), ":")
	base := q.Get("base")
	var out []map[string]any
	ps := rp.sortedPulls()
	// GitHub's default order: newest first.
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		if state != "all" && p.State != state {
			continue
		}
		if headFilter && (!strings.EqualFold(p.HeadOwner, headOwner) || p.Head != headRef) {
			continue
		}
		if base != "" && p.Base != base {
			continue
		}
		out = append(out, s.pullJSON(r, rp, p))
	}
	writeJSON(w, http.StatusOK, nonNil(page(w, r, out)))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) createPull(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsPulls)
	if rp == nil || denyWrite(w, r, docsPulls) {
		return
	}
	if r.token.Actions && !s.actionsPRs {
		writeJSON(w, http.StatusForbidden, apiError{Message: "GitHub Actions is not permitted to create or approve pull requests.", DocumentationURL: docsPulls})
		return
	}
	var in struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Title == "" {
		validationFailed(w, docsPulls, errEntry{Resource: "PullRequest", Code: "missing_field", Field: "title"})
		return
	}
	if tooLong(w, in.Body, docsPulls) {
		return
	}
	headOwner, head, forked := strings.Cut(in.Head, ":")
	if !forked {
		headOwner, head = rp.owner, in.Head
	}
	if ok, err := s.branches.Exists(rp.owner, rp.name, in.Base); err != nil {
		s.internal(w, err)
		return
	} else if !ok {
		validationFailed(w, docsPulls, errEntry{Resource: "PullRequest", Code: "invalid", Field: "base"})
		return
	}
	// The fake knows no forks: a head in another owner's repository is a
	// branch it cannot find.
	ok, err := s.branches.Exists(rp.owner, rp.name, head)
	if err != nil {
		s.internal(w, err)
		return
	}
	if !ok || !strings.EqualFold(headOwner, rp.owner) {
		validationFailed(w, docsPulls, errEntry{Resource: "PullRequest", Code: "invalid", Field: "head"})
		return
	}
	for _, p := range rp.pulls {
		if p.State == "open" && p.Head == head && p.Base == in.Base && strings.EqualFold(p.HeadOwner, rp.owner) {
			validationFailed(w, docsPulls, errEntry{Resource: "PullRequest", Code: "custom",
				Message: "A pull request already exists for " + rp.owner + ":" + head + "."})
			return
		}
	}
	ahead, err := s.branches.Ahead(rp.owner, rp.name, in.Base, head)
	if err != nil {
		s.internal(w, err)
		return
	}
	if !ahead {
		validationFailed(w, docsPulls, errEntry{Resource: "PullRequest", Code: "custom",
			Message: "No commits between " + in.Base + " and " + head})
		return
	}
	p := s.addPull(rp, PullRequest{
		Title: in.Title, Body: in.Body, Head: head, HeadOwner: rp.owner, Base: in.Base,
		State: "open", Draft: in.Draft, Author: r.login,
	})
	w.Header().Set("Location", fmt.Sprintf("%s/repos/%s/%s/pulls/%d", r.base, rp.owner, rp.name, p.Number))
	writeJSON(w, http.StatusCreated, s.pullJSON(r, rp, p))
}

// maxBody is GitHub's limit on the body of an issue or pull request, in characters.
const maxBody = 65536

func tooLong(w http.ResponseWriter, body, doc string) bool {
	if utf8.RuneCountInString(body) <= maxBody {
		return false
	}
	validationFailed(w, doc, errEntry{Resource: "Issue", Code: "custom", Field: "body",
		Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBody)})
	return true
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusInternalServerError, apiError{Message: "fakegithub: " + err.Error()})
}

// pullFromPath finds the pull request named in the path; issues that are not
// pull requests do not exist in the fake, so every number is a pull request.
func (s *Server) pullFromPath(w http.ResponseWriter, r *request, doc string) (*repo, *pull) {
	rp := s.repo(w, r, doc)
	if rp == nil {
		return nil, nil
	}
	n, ok := issueNumber(w, r, rp, doc)
	if !ok {
		return nil, nil
	}
	p := rp.pulls[n]
	if p == nil {
		notFound(w, doc)
		return nil, nil
	}
	return rp, p
}

func (s *Server) getPull(w http.ResponseWriter, r *request) {
	rp, p := s.pullFromPath(w, r, docsBase)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.pullJSON(r, rp, p))
}

func (s *Server) updatePull(w http.ResponseWriter, r *request) {
	rp, p := s.pullFromPath(w, r, docsUpdatePR)
	if p == nil || denyWrite(w, r, docsUpdatePR) {
		return
	}
	var in struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
		Base  *string `json:"base"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Body != nil && tooLong(w, *in.Body, docsUpdatePR) {
		return
	}
	if in.State != nil && *in.State != "open" && *in.State != "closed" {
		validationFailed(w, docsUpdatePR, errEntry{Resource: "PullRequest", Code: "invalid", Field: "state"})
		return
	}
	if in.State != nil && *in.State == "open" && p.State == "closed" {
		for _, o := range rp.pulls {
			if o.State == "open" && o.Head == p.Head && o.Base == p.Base && strings.EqualFold(o.HeadOwner, p.HeadOwner) {
				validationFailed(w, docsUpdatePR, errEntry{Resource: "PullRequest", Code: "custom",
					Message: "A pull request already exists for " + p.HeadOwner + ":" + p.Head + "."})
				return
			}
		}
	}
	if in.Base != nil && *in.Base != p.Base {
		if ok, err := s.branches.Exists(rp.owner, rp.name, *in.Base); err != nil || !ok {
			validationFailed(w, docsUpdatePR, errEntry{Resource: "PullRequest", Code: "invalid", Field: "base"})
			return
		}
		p.Base = *in.Base
	}
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Body != nil {
		p.Body = *in.Body
	}
	now := time.Now().UTC().Truncate(time.Second)
	if in.State != nil && *in.State != p.State {
		p.State = *in.State
		p.closedAt = time.Time{}
		if p.State == "closed" {
			p.closedAt = now
		}
	}
	p.updatedAt = now
	writeJSON(w, http.StatusOK, s.pullJSON(r, rp, p))
}

func (s *Server) listComments(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsBase)
	if p == nil {
		return
	}
	out := []map[string]any{}
	for _, c := range rp.comments[p.Number] {
		out = append(out, commentJSON(rp, p.Number, c))
	}
	writeJSON(w, http.StatusOK, page(w, r, out))
}

func commentJSON(rp *repo, n int, c comment) map[string]any {
	return map[string]any{
		"id":       c.id,
		"body":     c.body,
		"user":     map[string]any{"login": c.user},
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d#issuecomment-%d", rp.owner, rp.name, n, c.id),
	}
}

func (s *Server) createComment(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsComments)
	if p == nil || denyWrite(w, r, docsComments) {
		return
	}
	var in struct {
		Body string `json:"body"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Body == "" {
		validationFailed(w, docsComments, errEntry{Resource: "IssueComment", Code: "missing_field", Field: "body"})
		return
	}
	c := comment{id: s.newID(), body: in.Body, user: r.login}
	rp.comments[p.Number] = append(rp.comments[p.Number], c)
	writeJSON(w, http.StatusCreated, commentJSON(rp, p.Number, c))
}

func (s *Server) listIssueLabels(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsBase)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.issueLabels(r, rp, p))
}

func (s *Server) issueLabels(r *request, rp *repo, p *pull) []map[string]any {
	out := []map[string]any{}
	for _, name := range p.Labels {
		l, _ := rp.label(name)
		out = append(out, labelJSON(r, rp, l))
	}
	return out
}

// addIssueLabels adds labels by name. Like GitHub, it creates a label that
// does not exist yet (grey, no description) instead of refusing it.
func (s *Server) addIssueLabels(w http.ResponseWriter, r *request) {
	rp, p := s.issueFromPath(w, r, docsAddLabels)
	if p == nil || denyWrite(w, r, docsAddLabels) {
		return
	}
	// GitHub takes a bare array (what go-github sends) or {"labels": [...]}.
	var raw json.RawMessage
	if !decode(w, r, &raw) {
		return
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		var obj struct {
			Labels []string `json:"labels"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			validationFailed(w, docsAddLabels, errEntry{Resource: "Label", Code: "invalid", Field: "labels"})
			return
		}
		names = obj.Labels
	}
	for _, name := range names {
		if strings.TrimSpace(name) == "" {
			validationFailed(w, docsAddLabels, errEntry{Resource: "Label", Code: "invalid", Field: "name"})
			return
		}
	}
	for _, name := range names {
		l := rp.ensureLabel(name)
		has := false
		for _, have := range p.Labels {
			has = has || strings.EqualFold(have, l.Name)
		}
		if !has {
			p.Labels = append(p.Labels, l.Name)
		}
	}
	writeJSON(w, http.StatusOK, s.issueLabels(r, rp, p))
}

func (s *Server) listLabels(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsBase)
	if rp == nil {
		return
	}
	out := []map[string]any{}
	for _, l := range rp.labels {
		out = append(out, labelJSON(r, rp, l))
	}
	writeJSON(w, http.StatusOK, page(w, r, out))
}

func (s *Server) getLabel(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsGetLabel)
	if rp == nil {
		return
	}
	l, ok := rp.label(r.PathValue("name"))
	if !ok {
		notFound(w, docsGetLabel)
		return
	}
	writeJSON(w, http.StatusOK, labelJSON(r, rp, l))
}

func (s *Server) createLabel(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsLabels)
	if rp == nil || denyWrite(w, r, docsLabels) {
		return
	}
	var in struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		validationFailed(w, docsLabels, errEntry{Resource: "Label", Code: "missing_field", Field: "name"})
		return
	}
	if in.Color == "" {
		in.Color = "ededed"
	}
	if !isHexColor(in.Color) {
		validationFailed(w, docsLabels, errEntry{Resource: "Label", Code: "invalid", Field: "color"})
		return
	}
	if _, ok := rp.label(in.Name); ok {
		validationFailed(w, docsLabels, errEntry{Resource: "Label", Code: "already_exists", Field: "name"})
		return
	}
	l := Label{Name: in.Name, Color: strings.ToLower(in.Color), Description: in.Description}
	rp.labels = append(rp.labels, l)
	writeJSON(w, http.StatusCreated, labelJSON(r, rp, l))
}

func isHexColor(c string) bool {
	if len(c) != 6 {
		return false
	}
	for _, ch := range strings.ToLower(c) {
		if !strings.ContainsRune("0123456789abcdef", ch) {
			return false
		}
	}
	return true
}

// deleteRef deletes a branch. Like GitHub, it closes the open pull requests
// whose head it was.
func (s *Server) deleteRef(w http.ResponseWriter, r *request) {
	rp := s.repo(w, r, docsRefs)
	if rp == nil || denyWrite(w, r, docsRefs) {
		return
	}
	branch := r.PathValue("branch")
	existed, err := s.branches.Delete(rp.owner, rp.name, branch)
	if err != nil {
		s.internal(w, err)
		return
	}
	if !existed {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reference does not exist", DocumentationURL: docsRefs})
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, p := range rp.pulls {
		if p.State == "open" && p.Head == branch && strings.EqualFold(p.HeadOwner, rp.owner) {
			p.State, p.closedAt, p.updatedAt = "closed", now, now
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
