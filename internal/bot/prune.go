package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/upstream"
)

// pruneStep keeps the catalog downloadable (docs/catalog.md, "Versions the
// image manager gets right"): the image manager HEADs the url of every
// version it has not imported yet, and anything but 200 aborts that image and
// the cleanup of the whole run. So when an entry gets a new build, each of
// its older versions without a mirror_url is checked with a HEAD; one whose
// file is gone (404 or 410) is moved to upstream's archive when upstream
// keeps one (Rocky's vault, checked with a HEAD too), else pruned in the same
// pull request. Versions with a mirror_url are the operator's mirror and
// stay. Any other answer keeps the version and says so in the log: a mirror
// having a bad minute must not remove anything.
func pruneStep(ctx context.Context, o *Options, c *Crawled) {
	type job struct {
		ch *plan.Change
		v  catalog.Version
	}
	var jobs []job
	for _, ch := range c.Changes {
		if ch.Add == nil || ch.Update.NewImage != "" {
			continue
		}
		_, ci, ok := c.Catalog.Lookup(ch.Image.Name)
		if !ok {
			continue
		}
		for _, v := range ci.Versions {
			if v.URL == "" || hasMirror(v) {
				continue
			}
			jobs = append(jobs, job{ch, v})
		}
	}
	if len(jobs) == 0 {
		return
	}
	// Each job answers in its own slot, so the results keep the catalog's
	// order of versions whatever order the checks end in.
	repin := make([]string, len(jobs)) // the archive URL, or ""
	pruned := make([]bool, len(jobs))
	urls := make([]string, 0, len(jobs))
	for _, j := range jobs {
		urls = append(urls, j.v.URL)
	}
	var g errgroup.Group
	g.SetLimit(o.limitFor(urls))
	for i, j := range jobs {
		g.Go(func() error {
			gone, err := isGone(ctx, o.Fetcher, j.v.URL)
			if err != nil {
				o.Logger.Warn("could not check an older version; it stays", "image", j.ch.Image.Name, "version", j.v.Version, "error", err)
				return nil
			}
			if !gone {
				return nil
			}
			if to, ok := upstream.ArchiveURL(j.v.URL); ok {
				if archived, err := isGone(ctx, o.Fetcher, to); err == nil && !archived {
					repin[i] = to
					return nil
				}
			}
			pruned[i] = true
			return nil
		})
	}
	_ = g.Wait()
	for i, j := range jobs {
		ch := j.ch
		switch {
		case repin[i] != "":
			ch.Repin = append(ch.Repin, plan.Repinned{Version: j.v.Version, From: j.v.URL, To: repin[i]})
			// An entry rendered from a template gets the same list.
			for k := range ch.Versions {
				if ch.Versions[k].Version == j.v.Version {
					ch.Versions[k].URL = repin[i]
				}
			}
		case pruned[i]:
			ch.Prune = append(ch.Prune, plan.Pruned{Version: j.v.Version, URL: j.v.URL,
				Reason: "its file is no longer published upstream and no mirror_url keeps it"})
			ch.Versions = slices.DeleteFunc(ch.Versions, func(v catalog.Version) bool { return v.Version == j.v.Version })
		}
	}
}

func hasMirror(v catalog.Version) bool {
	return slices.ContainsFunc(v.Extra, func(f catalog.Field) bool { return f.Key == "mirror_url" })
}

// isGone HEADs u: true for 404 and 410, false for a 200, and an error for
// anything else.
func isGone(ctx context.Context, f upstream.Fetcher, u string) (bool, error) {
	resp, err := f.Head(ctx, u)
	var he *httpclient.HTTPError
	switch {
	case errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone):
		return true, nil
	case err != nil:
		return false, err
	case resp.Status == http.StatusOK:
		return false, nil
	default:
		return false, fmt.Errorf("HEAD %s: %d", u, resp.Status)
	}
}
