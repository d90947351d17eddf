package publish

import (
	"context"
	"fmt"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/gitrepo"
)

// pushSigned is push for --sign-commits: the same commit the clone holds
// (same parent, same files, same message) is made again through the forge's
// API (GitHub's git data API), which signs it, and the branch is moved to it under the
// lease read at the start. Errors for a moved branch wrap
// forge.ErrRefMoved.
func (p *publish) pushSigned(ctx context.Context) error {
	o := p.o
	if p.fg == nil {
		return &UsageError{fmt.Errorf("--sign-commits needs a GitHub repository (--repo)")}
	}
	files := make([]forge.File, 0, len(p.out.Files))
	for _, f := range p.out.Files {
		// The bytes committed into the clone (CommitFiles), so the API
		// commit's tree equals the one the lease compares with.
		files = append(files, forge.File{Path: f.Path, Content: f.New})
	}
	msg, err := p.message()
	if err != nil {
		return err
	}
	msg = gitrepo.WithTrailer(msg)
	sha, tree, err := p.fg.CommitFiles(ctx, p.g.remote, p.g.repo.BaseHead(), files, msg,
		forge.Author{Name: o.Author.Name, Email: o.Author.Email}, o.Now())
	if err != nil {
		return err
	}
	if tree != p.tree {
		// Both trees come from the same bytes; a difference means the
		// API's view of base differs from the clone's.
		return fmt.Errorf("sign commit: GitHub's tree %s differs from the clone's %s", short(tree), short(p.tree))
	}
	if err := p.fg.MoveBranch(ctx, p.g.remote, o.Branch, p.state.Head, sha); err != nil {
		return err
	}
	p.headSHA = sha
	return nil
}
