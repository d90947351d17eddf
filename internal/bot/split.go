package bot

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/osism/image-crawler/internal/report"
)

// With --split-by file every catalog file has a branch and a pull request
// of its own, BRANCH/STEM (image-crawler/updates/ubuntu for ubuntu.yml),
// each kept, updated and closed by the same rules as the single one.

// fileStem is the name of a catalog file without folder and extension.
func fileStem(p string) string {
	b := path.Base(filepath.ToSlash(p))
	return strings.TrimSuffix(strings.TrimSuffix(b, ".yml"), ".yaml")
}

// catalogStems lists the catalog files of the clone, and any file the run
// creates, by stem: every one may have a branch to update or close.
func (g *gitWorkspace) catalogStems(o *Options, files []FileChange) ([]string, error) {
	seen := map[string]bool{}
	entries, err := os.ReadDir(filepath.Join(g.repo.Dir(), filepath.FromSlash(o.CatalogDir)))
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("list catalog files: %w", err)
	}
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")) {
			seen[fileStem(n)] = true
		}
	}
	for _, f := range files {
		seen[fileStem(f.Path)] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// subReport is the part of rep that concerns the file stem: its updates,
// pruned and repinned versions and entries left alone. Every failure is
// kept, because a failed image's file is not known, and a failure must
// keep any pull request from being closed as moot.
func subReport(rep *report.Report, stem string) *report.Report {
	in := func(file string) bool { return fileStem(file) == stem }
	sub := &report.Report{Schema: rep.Schema, Updates: []report.Update{}, Unchanged: rep.Unchanged, Failures: rep.Failures,
		Files: []string{}, Pruned: []report.Pruned{}, Repinned: []report.Repinned{}, NotUpdated: []report.NotUpdated{},
		Available: []string{}, DryRun: rep.DryRun}
	for _, u := range rep.Updates {
		if in(u.File) {
			sub.Updates = append(sub.Updates, u)
		}
	}
	for _, f := range rep.Files {
		if in(f) {
			sub.Files = append(sub.Files, f)
		}
	}
	for _, p := range rep.Pruned {
		if in(p.File) {
			sub.Pruned = append(sub.Pruned, p)
		}
	}
	for _, r := range rep.Repinned {
		if in(r.File) {
			sub.Repinned = append(sub.Repinned, r)
		}
	}
	for _, n := range rep.NotUpdated {
		if in(n.File) {
			sub.NotUpdated = append(sub.NotUpdated, n)
		}
	}
	return sub
}

// publishSplit publishes one branch and pull request per catalog file. It
// returns the pull requests for the dashboard.
func (g *gitWorkspace) publishSplit(ctx context.Context, o *Options, out *Outcome) ([]report.PullRequest, error) {
	stems, err := g.catalogStems(o, out.Files)
	if err != nil {
		return nil, err
	}
	var prs []report.PullRequest
	for _, stem := range stems {
		so := *o
		so.Branch = o.Branch + "/" + stem
		sub := &Outcome{Report: subReport(out.Report, stem)}
		for _, f := range out.Files {
			if fileStem(f.Path) == stem {
				sub.Files = append(sub.Files, f)
			}
		}
		sub.Title = report.Title(sub.Report.Updates)
		if o.TitleTemplate != nil && len(sub.Report.Updates) > 0 {
			title, err := o.TitleTemplate.Render(sub.Report, sub.Title)
			if err != nil {
				return prs, &UsageError{err}
			}
			sub.Title = strings.Join(strings.Fields(title), " ")
		}
		sub.Body = report.Body(sub.Report, report.BodyOptions{SignaturesOff: o.Signatures.Off()})
		p := g.newPublish(&so, sub)
		err := p.run(ctx)
		out.Intent = append(out.Intent, sub.Intent...)
		// The sub-report shares the run's failures; only its own
		// warnings are new.
		out.Report.Warnings = append(out.Report.Warnings, sub.Report.Warnings...)
		if err != nil {
			return prs, fmt.Errorf("%s: %w", so.Branch, err)
		}
		if r := p.result; r != nil && (r.Number != 0 || r.Operation != OpNone || r.HeadSHA != "") {
			prs = append(prs, *r)
		}
	}
	if !o.DryRun {
		out.Report.PullRequests = prs
		out.Report.PullRequest = nil
		for i := range prs {
			if out.Report.PullRequest == nil || (out.Report.PullRequest.Operation == OpNone && prs[i].Operation != OpNone) {
				out.Report.PullRequest = &prs[i]
			}
		}
	}
	return prs, nil
}
