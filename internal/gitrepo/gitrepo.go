// Package gitrepo is the bot's side of git: a shallow clone of the catalog's
// base branch, one commit on the bot's branch, and pushes that never overwrite
// work the bot has not seen.
//
// The bot's branch is regenerated from the base head on every run: one commit
// on top of base, no rebase, no merge. A push replaces the remote branch only
// under a lease, the remote hash the bot read before it decided to push, so a
// commit someone else pushed in between survives.
//
// The token travels in HTTP basic auth only, never in a URL, and every error
// leaving the package has passed through redact.Error, so the token cannot
// show up in a message even when git or the server echo what they were sent.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/osism/image-crawler/internal/redact"
)

// TokenUser is the basic-auth user name sent with the token. GitHub accepts
// any non-empty name with a token; this is the one it documents for app and
// Actions tokens.
const TokenUser = "x-access-token"

// Trailer marks the bot's commits, so a later run can tell its own commit
// from someone else's.
const Trailer = "Image-Crawler-Managed: true"

var (
	// ErrLeaseFailed means the remote branch no longer pointed where the
	// caller last saw it, so nothing was overwritten.
	ErrLeaseFailed = errors.New("lease failed")
	// ErrAuth means the server refused the token, or the missing token.
	ErrAuth = errors.New("authentication failed")
	// ErrNothingToCommit means the staged files equal the base tree.
	ErrNothingToCommit = errors.New("nothing to commit")
)

const remoteName = git.DefaultRemoteName

// Identity is a commit author or committer.
type Identity struct{ Name, Email string }

func (id Identity) validate(role string) error {
	if strings.TrimSpace(id.Name) == "" || strings.TrimSpace(id.Email) == "" {
		return fmt.Errorf("%s identity needs a name and an email, got %q <%s>", role, id.Name, id.Email)
	}
	// go-git silently drops these characters; a mangled identity would make
	// the bot fail to recognise its own commits later.
	if strings.ContainsAny(id.Name+id.Email, "<>\n") {
		return fmt.Errorf("%s identity %q <%s> contains '<', '>' or a newline", role, id.Name, id.Email)
	}
	return nil
}

// CloneOptions says what to clone and where.
type CloneOptions struct {
	// URL is an https:// (or http://) or file:// URL without credentials.
	URL string
	// Base is the branch to clone; "" means the remote's default branch.
	Base string
	// Dir receives the work tree. It must be absent or empty. "" means a new
	// temporary directory, removed by Close.
	Dir string
	// Token, if set, is sent as the password of HTTP basic auth.
	Token string
	// Proxy is the HTTP proxy for every request to URL (clone, ls-remote,
	// push); nil for none.
	Proxy *url.URL
}

// Repo is a shallow clone of one base branch. Its methods are not safe for
// concurrent use.
type Repo struct {
	url      string
	token    string
	dir      string
	tempDir  bool
	repo     *git.Repository
	base     string
	baseHead plumbing.Hash
	proxy    transport.ProxyOptions
}

// Clone clones the base branch only, at depth 1, into a directory on disk
// (the caller reads and writes catalog files there). A shallow clone is
// enough to regenerate a branch from the base head, and it is never fetched
// into again: go-git's fetches into shallow repositories are unreliable, so
// each run clones afresh.
func Clone(ctx context.Context, o CloneOptions) (*Repo, error) {
	r := &Repo{url: o.URL, token: o.Token, base: o.Base, proxy: proxyOptions(o.Proxy)}
	op := "clone " + redact.String(o.URL, o.Token)
	if o.Base != "" {
		op += " (branch " + o.Base + ")"
	}
	if err := checkURL(o.URL); err != nil {
		return nil, r.scrub(fmt.Errorf("%s: %w", op, err))
	}
	if o.Base != "" {
		if err := plumbing.NewBranchReferenceName(o.Base).Validate(); err != nil {
			return nil, r.scrub(fmt.Errorf("%s: invalid base branch name: %w", op, err))
		}
	}
	dir, cleanup, err := prepareDir(o.Dir)
	if err != nil {
		return nil, r.scrub(fmt.Errorf("%s: %w", op, err))
	}
	r.dir, r.tempDir = dir, o.Dir == ""

	opts := &git.CloneOptions{
		URL:          o.URL,
		Auth:         r.auth(),
		SingleBranch: true,
		Depth:        1,
		Tags:         git.NoTags,
		ProxyOptions: r.proxy,
	}
	if o.Base != "" {
		opts.ReferenceName = plumbing.NewBranchReferenceName(o.Base)
	}
	repo, err := git.PlainCloneContext(ctx, dir, false, opts)
	if err != nil {
		cleanup()
		return nil, r.scrub(r.describe(op, err, false))
	}
	head, err := repo.Head()
	if err != nil {
		cleanup()
		return nil, r.scrub(fmt.Errorf("%s: read HEAD: %w", op, err))
	}
	if !head.Name().IsBranch() {
		cleanup()
		return nil, r.scrub(fmt.Errorf("%s: the remote's HEAD is not a branch; name the base branch", op))
	}
	r.repo, r.base, r.baseHead = repo, head.Name().Short(), head.Hash()
	return r, nil
}

// checkURL accepts the schemes go-git can reach without credentials in the
// URL. Credentials in the URL are refused outright: go-git keeps the URL in
// .git/config and repeats it in errors.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	switch u.Scheme {
	case "https", "http", "file":
	default:
		return fmt.Errorf("unsupported URL scheme %q: want https:// or file://", u.Scheme)
	}
	if u.User != nil {
		return errors.New("the URL carries credentials: pass the token separately")
	}
	if u.Scheme != "file" && u.Host == "" {
		return errors.New("the URL has no host")
	}
	return nil
}

// prepareDir returns an empty directory for the clone and a function that
// removes what a failed clone left behind.
func prepareDir(dir string) (string, func(), error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "image-crawler-catalog-")
		if err != nil {
			return "", nil, err
		}
		return tmp, func() { os.RemoveAll(tmp) }, nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, err
		}
		return dir, func() { os.RemoveAll(dir) }, nil
	case err != nil:
		return "", nil, err
	case len(entries) > 0:
		return "", nil, fmt.Errorf("directory %s is not empty", dir)
	}
	return dir, func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}, nil
}

// Dir is the work tree of the clone.
func (r *Repo) Dir() string { return r.dir }

// Base is the base branch actually cloned.
func (r *Repo) Base() string { return r.base }

// BaseHead is the hash of the base branch's head as cloned.
func (r *Repo) BaseHead() string { return r.baseHead.String() }

// Close removes the work tree if Clone created it as a temporary directory.
func (r *Repo) Close() error {
	if !r.tempDir {
		return nil
	}
	return os.RemoveAll(r.dir)
}

// BranchState is what the remote holds on a branch.
type BranchState struct {
	Exists bool
	// Head is the remote tip, "" when the branch does not exist: the lease
	// to pass to Push and DeleteBranch.
	Head string
	// Owned means the tip is the bot's own commit: it carries Trailer, the
	// bot committed it (or GitHub did, signed, with the bot as author), and
	// it has a single parent. Anyone who amends,
	// rebases or adds to it becomes the committer of the tip, so Owned turns
	// false and the caller leaves the branch alone.
	Owned bool
	// Parent is the tip's first parent, Tree its tree.
	Parent string
	Tree   string
}

// UpToDate reports whether pushing a commit with tree on top of baseHead
// would change nothing: the remote already holds the bot's commit on that
// base with that tree.
func (s BranchState) UpToDate(baseHead, tree string) bool {
	return s.Exists && s.Owned && s.Parent == baseHead && s.Tree == tree
}

// RemoteBranch reads the remote branch: its tip from ls-remote, then the tip
// commit itself from a separate depth-1 clone of that branch into memory.
// The commit object alone names its parent and tree, so depth 1 is enough,
// and the shallow clone on disk is never fetched into. bot is the committer
// identity the bot commits with.
func (r *Repo) RemoteBranch(ctx context.Context, branch string, bot Identity) (BranchState, error) {
	op := fmt.Sprintf("inspect branch %s of %s", branch, r.url)
	ref := plumbing.NewBranchReferenceName(branch)
	if err := ref.Validate(); err != nil {
		return BranchState{}, r.scrub(fmt.Errorf("%s: invalid branch name: %w", op, err))
	}
	head, err := r.remoteHead(ctx, ref)
	if err != nil {
		return BranchState{}, r.scrub(r.describe(op, err, false))
	}
	if head == "" {
		return BranchState{}, nil
	}
	mem, err := git.CloneContext(ctx, memory.NewStorage(), nil, &git.CloneOptions{
		URL:           r.url,
		Auth:          r.auth(),
		ReferenceName: ref,
		SingleBranch:  true,
		Depth:         1,
		NoCheckout:    true,
		Tags:          git.NoTags,
		ProxyOptions:  r.proxy,
	})
	if err != nil {
		return BranchState{}, r.scrub(r.describe(op, err, false))
	}
	// The branch may have moved since ls-remote; describe the commit that was
	// actually inspected, so the lease matches what the decision rests on.
	tipRef, err := mem.Reference(ref, true)
	if err != nil {
		return BranchState{}, r.scrub(fmt.Errorf("%s: %w", op, err))
	}
	tip, err := mem.CommitObject(tipRef.Hash())
	if err != nil {
		return BranchState{}, r.scrub(fmt.Errorf("%s: read tip %s: %w", op, short(tipRef.Hash().String()), err))
	}
	st := BranchState{
		Exists: true,
		Head:   tip.Hash.String(),
		Tree:   tip.TreeHash.String(),
	}
	if len(tip.ParentHashes) > 0 {
		st.Parent = tip.ParentHashes[0].String()
	}
	// Only the committer counts: the author may be configured to be whoever
	// the bot works for, but whoever rewrites the commit becomes committer.
	st.Owned = len(tip.ParentHashes) == 1 &&
		hasTrailer(tip.Message) &&
		committedBy(tip, bot)
	return st, nil
}

// GitHubCommitterEmail is the committer of the commits GitHub makes and signs
// through its API, as the bot's commits are with --sign-commits.
const GitHubCommitterEmail = "noreply@github.com"

// committedBy reports whether bot made c: bot is its committer, or GitHub
// committed and signed it through the API with bot as the author. A person
// who edits the branch in GitHub's web editor also gets GitHub as the
// committer, but is the author, and their message lacks the trailer.
func committedBy(c *object.Commit, bot Identity) bool {
	if strings.EqualFold(c.Committer.Email, bot.Email) {
		return true
	}
	return strings.EqualFold(c.Committer.Email, GitHubCommitterEmail) &&
		c.PGPSignature != "" &&
		strings.EqualFold(c.Author.Email, bot.Email)
}

// Commit makes one commit on the local branch, whose parent is BaseHead
// whatever the branch held before, staging exactly paths (relative to Dir,
// written or deleted on disk by the caller; directories are staged whole).
// The message is committed as given, with Trailer appended to its trailer
// block. A zero when means now. It returns the commit and its tree;
// ErrNothingToCommit when the result equals the base tree.
func (r *Repo) Commit(ctx context.Context, branch string, paths []string, msg string, author, committer Identity, when time.Time) (commit, tree string, err error) {
	return r.commit(ctx, branch, paths, msg, author, committer, when, func(wt *git.Worktree, p string) error {
		return stage(wt, r.dir, p)
	})
}

func (r *Repo) commit(ctx context.Context, branch string, paths []string, msg string, author, committer Identity, when time.Time, stage func(*git.Worktree, string) error) (commit, tree string, err error) {
	op := "commit to branch " + branch
	defer func() { err = r.scrub(err) }()
	if err := ctx.Err(); err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	ref := plumbing.NewBranchReferenceName(branch)
	if err := ref.Validate(); err != nil {
		return "", "", fmt.Errorf("%s: invalid branch name: %w", op, err)
	}
	if branch == r.base {
		return "", "", fmt.Errorf("%s: the bot's branch must differ from the base branch", op)
	}
	if err := author.validate("author"); err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	if err := committer.validate("committer"); err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	if strings.TrimSpace(msg) == "" {
		return "", "", fmt.Errorf("%s: empty commit message", op)
	}
	if len(paths) == 0 {
		return "", "", fmt.Errorf("%s: no paths to stage", op)
	}
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return "", "", fmt.Errorf("%s: %w", op, err)
		}
	}
	if when.IsZero() {
		when = time.Now()
	}

	wt, err := r.repo.Worktree()
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	// Start the branch at the base head and reset the index to the base
	// tree, so a second Commit in the same clone does not build on the first.
	for _, x := range []*plumbing.Reference{
		plumbing.NewHashReference(ref, r.baseHead),
		plumbing.NewSymbolicReference(plumbing.HEAD, ref),
	} {
		if err := r.repo.Storer.SetReference(x); err != nil {
			return "", "", fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := wt.Reset(&git.ResetOptions{Commit: r.baseHead, Mode: git.MixedReset}); err != nil {
		return "", "", fmt.Errorf("%s: reset index to base %s: %w", op, short(r.BaseHead()), err)
	}
	for _, p := range paths {
		if err := stage(wt, filepath.ToSlash(filepath.Clean(p))); err != nil {
			return "", "", fmt.Errorf("%s: stage %s: %w", op, p, err)
		}
	}
	h, err := wt.Commit(withTrailer(msg), &git.CommitOptions{
		Author:    &object.Signature{Name: author.Name, Email: author.Email, When: when},
		Committer: &object.Signature{Name: committer.Name, Email: committer.Email, When: when},
		Parents:   []plumbing.Hash{r.baseHead},
	})
	if errors.Is(err, git.ErrEmptyCommit) {
		// Drop the branch so a Push after this error has nothing to send.
		r.dropBranch(ref)
		return "", "", fmt.Errorf("%s: %w: the files equal base %s", op, ErrNothingToCommit, short(r.BaseHead()))
	}
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", op, err)
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return "", "", fmt.Errorf("%s: read back %s: %w", op, short(h.String()), err)
	}
	return h.String(), c.TreeHash.String(), nil
}

// dropBranch points HEAD back at the base branch and deletes ref. Failures
// only leave a stray local ref behind, which Push refuses to send anyway.
func (r *Repo) dropBranch(ref plumbing.ReferenceName) {
	_ = r.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(r.base)))
	_ = r.repo.Storer.RemoveReference(ref)
}

// checkPath refuses paths that would stage something outside the work tree
// or inside .git.
func checkPath(p string) error {
	if !filepath.IsLocal(p) {
		return fmt.Errorf("path %q is not inside the work tree", p)
	}
	first, _, _ := strings.Cut(filepath.ToSlash(filepath.Clean(p)), "/")
	if strings.EqualFold(first, ".git") {
		return fmt.Errorf("path %q is inside .git", p)
	}
	return nil
}

// stage adds p to the index, or removes it when the caller deleted it.
func stage(wt *git.Worktree, dir, p string) error {
	if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); errors.Is(err, os.ErrNotExist) {
		if _, err := wt.Remove(p); err != nil {
			return fmt.Errorf("not on disk and not in the base tree: %w", err)
		}
		return nil
	} else if err != nil {
		return err
	}
	// SkipStatus avoids a status walk of the whole work tree per file.
	return wt.AddWithOptions(&git.AddOptions{Path: p, SkipStatus: true})
}

// Push force-pushes the local branch made by Commit, but only if the remote
// branch is still at expect, the hash from RemoteBranch ("" means it must
// not exist). A moved branch gives ErrLeaseFailed and is left as it is.
//
// go-git's PushOptions.ForceWithLease is not used: it always resolves the
// local remote-tracking ref refs/remotes/origin/<branch> first and fails
// when that is missing, as it is in a single-branch clone of base, and it
// cannot say "the branch must not exist". RequireRemoteRefs compares the
// remote ref with an exact hash instead, against the ref advertisement of
// the same push. That push then sends the advertised hash as the command's
// old value, and git receive-pack (git's and GitHub's) updates the ref only
// if it still holds that value, atomically: a push that lands between the
// advertisement and the update is not overwritten either.
//
// With expect "" the refspec is not forced: go-git refuses to replace an
// existing branch unless the replacement fast-forwards it, and receive-pack
// refuses to create a ref that appeared after the advertisement. The one
// push that passes is onto a branch someone created at an ancestor of the
// new commit (say at the base head), which loses nothing.
func (r *Repo) Push(ctx context.Context, branch, expect string) error {
	op := fmt.Sprintf("push %s to %s", branch, r.url)
	ref := plumbing.NewBranchReferenceName(branch)
	if err := ref.Validate(); err != nil {
		return r.scrub(fmt.Errorf("%s: invalid branch name: %w", op, err))
	}
	if expect != "" && !plumbing.IsHash(expect) {
		return r.scrub(fmt.Errorf("%s: lease %q is not a commit hash", op, expect))
	}
	local, err := r.repo.Reference(ref, true)
	if err != nil || local.Hash() == r.baseHead {
		return r.scrub(fmt.Errorf("%s: no commit on local branch %s: call Commit first", op, branch))
	}
	spec := config.RefSpec(fmt.Sprintf("%s:%s", ref, ref))
	opts := &git.PushOptions{RemoteName: remoteName, Auth: r.auth(), ProxyOptions: r.proxy}
	if expect == "" {
		opts.RefSpecs = []config.RefSpec{spec}
	} else {
		opts.RefSpecs = []config.RefSpec{"+" + spec}
		opts.RequireRemoteRefs = []config.RefSpec{config.RefSpec(expect + ":" + ref.String())}
	}
	err = r.repo.PushContext(ctx, opts)
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return r.scrub(r.pushFailed(ctx, op, ref, expect, err, false))
}

// DeleteBranch deletes the remote branch if it is still at expect, under the
// same lease as Push. A branch that is already gone is not an error: the
// caller wanted it gone.
func (r *Repo) DeleteBranch(ctx context.Context, branch, expect string) error {
	op := fmt.Sprintf("delete branch %s of %s", branch, r.url)
	ref := plumbing.NewBranchReferenceName(branch)
	if err := ref.Validate(); err != nil {
		return r.scrub(fmt.Errorf("%s: invalid branch name: %w", op, err))
	}
	if branch == r.base {
		return r.scrub(fmt.Errorf("%s: refusing to delete the base branch", op))
	}
	if !plumbing.IsHash(expect) {
		return r.scrub(fmt.Errorf("%s: lease %q is not a commit hash", op, expect))
	}
	err := r.repo.PushContext(ctx, &git.PushOptions{
		RemoteName:        remoteName,
		Auth:              r.auth(),
		RefSpecs:          []config.RefSpec{config.RefSpec(":" + ref.String())},
		RequireRemoteRefs: []config.RefSpec{config.RefSpec(expect + ":" + ref.String())},
		ProxyOptions:      r.proxy,
	})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return r.scrub(r.pushFailed(ctx, op, ref, expect, err, true))
}

// pushFailed explains a failed push. Rather than parse go-git's and the
// server's messages, it asks the remote where the branch is now: if that is
// not expect, the lease failed, whatever the wording.
func (r *Repo) pushFailed(ctx context.Context, op string, ref plumbing.ReferenceName, expect string, err error, deleting bool) error {
	if isAuth(err) {
		return r.describe(op, err, true)
	}
	err = tidy(err)
	now, lsErr := r.remoteHead(ctx, ref)
	if lsErr != nil {
		return fmt.Errorf("%s: %w (and reading the branch back failed: %v)", op, err, tidy(lsErr))
	}
	if deleting && now == "" {
		return nil
	}
	if now != expect {
		return fmt.Errorf("%s: %w: remote moved from %s to %s", op, ErrLeaseFailed, describeHash(expect), describeHash(now))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// remoteHead is ls-remote for one branch: its hash, or "" if absent.
func (r *Repo) remoteHead(ctx context.Context, ref plumbing.ReferenceName) (string, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: remoteName, URLs: []string{r.url}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: r.auth(), ProxyOptions: r.proxy})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, x := range refs {
		if x.Name() == ref && x.Type() == plumbing.HashReference {
			return x.Hash().String(), nil
		}
	}
	return "", nil
}

// proxyOptions turns a proxy URL into go-git's form, the credentials apart.
func proxyOptions(u *url.URL) transport.ProxyOptions {
	if u == nil {
		return transport.ProxyOptions{}
	}
	c := *u
	var o transport.ProxyOptions
	if c.User != nil {
		o.Username = c.User.Username()
		o.Password, _ = c.User.Password()
		c.User = nil
	}
	o.URL = c.String()
	return o
}

func (r *Repo) auth() transport.AuthMethod {
	if r.token == "" {
		return nil
	}
	return &githttp.BasicAuth{Username: TokenUser, Password: r.token}
}

func isAuth(err error) bool {
	return errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed)
}

// describe turns transport errors into what the user has to do about them.
func (r *Repo) describe(op string, err error, writing bool) error {
	err = tidy(err)
	var noRef git.NoMatchingRefSpecError
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired) && r.token == "":
		return fmt.Errorf("%s: %w: the repository needs a token (set GITHUB_TOKEN): %w", op, ErrAuth, err)
	case errors.Is(err, transport.ErrAuthenticationRequired):
		return fmt.Errorf("%s: %w: the token was rejected; it is invalid or expired: %w", op, ErrAuth, err)
	case errors.Is(err, transport.ErrAuthorizationFailed) && writing:
		return fmt.Errorf("%s: %w: the token may not push; it needs contents: write: %w", op, ErrAuth, err)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%s: %w: the token may not read the repository; it needs contents: read: %w", op, ErrAuth, err)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%s: %w (a token without access to a private repository sees this too)", op, err)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return fmt.Errorf("%s: %w: there is no base branch to start from", op, err)
	case errors.As(err, &noRef), errors.Is(err, plumbing.ErrReferenceNotFound):
		return fmt.Errorf("%s: branch not found on the remote: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// tidyErr keeps a library error's chain but prints it on one line: go-git
// appends the server's response body verbatim, trailing newline and all, and
// ": " with nothing after it when the body is empty.
type tidyErr struct{ err error }

func tidy(err error) error { return &tidyErr{err} }

func (e *tidyErr) Error() string {
	s := strings.Join(strings.Fields(e.err.Error()), " ")
	return strings.TrimSuffix(s, ":")
}

func (e *tidyErr) Unwrap() error { return e.err }

// scrub is the last step of every error this package returns.
func (r *Repo) scrub(err error) error {
	if err == nil {
		return nil
	}
	return redact.Error(err, r.token)
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

func describeHash(h string) string {
	if h == "" {
		return "(no branch)"
	}
	return short(h)
}
