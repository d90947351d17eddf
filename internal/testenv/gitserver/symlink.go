package gitserver

import (
	"bytes"
	"fmt"
)

// Symlink adds a commit by author to branch that replaces path (a file or a
// whole directory) with a symbolic link to target, and returns its hash: a
// hostile catalog repository that commits etc/images as a link out of the
// work tree.
func (s *Server) Symlink(name, branch, path, target, author string) string {
	s.tb.Helper()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	dir := s.repoPath(name)
	ref := "refs/heads/" + branch
	parent, err := s.run(dir, "rev-parse", "--verify", "--quiet", ref)
	if err != nil {
		s.tb.Fatalf("Symlink in %s: branch %s does not exist", name, branch)
	}
	var w bytes.Buffer
	msg := "Link " + path + "\n"
	fmt.Fprintf(&w, "commit %s\n", ref)
	fmt.Fprintf(&w, "author %s %d +0000\n", author, s.clock.Add(60))
	fmt.Fprintf(&w, "committer %s %d +0000\n", author, s.clock.Add(60))
	fmt.Fprintf(&w, "data %d\n%s\n", len(msg), msg)
	fmt.Fprintf(&w, "from %s\n", parent)
	fmt.Fprintf(&w, "D %s\n", path)
	fmt.Fprintf(&w, "M 120000 inline %s\ndata %d\n%s\n\n", path, len(target), target)
	s.fastImport(dir, &w)
	return s.git(dir, "rev-parse", ref)
}
