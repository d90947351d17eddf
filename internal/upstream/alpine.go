package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/redact"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
)

// alpineBranch crawls the cloud images of one Alpine branch
// (dl-cdn.alpinelinux.org/alpine/v3.23/releases/cloud/, nginx): every point
// release and revision stays there under its own name,
// nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2, with a bare-digest
// sidecar (.sha512) and a metadata sidecar (.yaml). There is no alias, so the
// newest name in the listing is the build; the listing is shared by every
// image of the branch and fetched once per run.
type alpineBranch struct{ f Fetcher }

func alpine(f Fetcher) Strategy { return &alpineBranch{f: f} }

func (s *alpineBranch) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	build, err := buildPattern(u.Pinned, map[string]string{"version": `[0-9]+\.[0-9]+\.[0-9]+`, "revision": `[0-9]+`})
	if err != nil {
		return Result{}, err
	}
	dir := dirURL(u.URL)
	entries, err := fetchListing(ctx, s.f, dir)
	if err != nil {
		return Result{}, fmt.Errorf("list builds: %w", err)
	}
	listed := map[string]bool{}
	var version, pinned string
	for _, e := range entries {
		if e.Dir {
			continue
		}
		listed[e.Name] = true
		m := build.FindStringSubmatch(e.Name)
		if m == nil {
			continue
		}
		v := group(build, m, "version") + "-r" + group(build, m, "revision")
		if version == "" || CompareVersions(v, version) > 0 {
			version, pinned = v, e.Name
		}
	}
	if version == "" {
		return Result{}, fmt.Errorf("list builds: no file named like %s in %s", u.Pinned, dir)
	}

	// The image's own sidecar is both the latest and the pinned checksum
	// file: one request when nothing changed, and read again (from the
	// client's cache) through checksums when something did, so that a
	// signature setting applies to it.
	sumsURL := join(dir, pinned+"."+string(algo))
	sums, err := latestChecksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %w", version, err)
	}
	hex, err := sums.Find(pinned, algo)
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %s: %w", version, sumsURL, err)
	}
	digest := checksum.Digest{Algorithm: algo, Hex: hex}
	if r, ok := known.unchanged(digest); ok {
		return r, nil
	}
	sums, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %w", version, err)
	}
	if h, err := sums.Find(pinned, algo); err != nil || h != hex {
		return Result{}, fmt.Errorf("build %s: the verified text of %s does not hold the digest %s: not guessing", version, sumsURL, digest.Short())
	}

	pinnedURL := join(dir, pinned)
	date, err := s.buildDate(ctx, dir, pinned, listed)
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %w", version, err)
	}
	return Result{
		Version:     version,
		Checksum:    digest.String(),
		URL:         pinnedURL,
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}

// buildDate prefers the build time Alpine's image builder writes into the
// image's metadata sidecar ("built"), and falls back to Last-Modified of the
// image when there is no sidecar or it names no build time. The sidecar is
// <name>.yaml or <name without extension>.yaml, whichever the listing has.
func (s *alpineBranch) buildDate(ctx context.Context, dir, pinned string, listed map[string]bool) (string, error) {
	for _, name := range []string{strings.TrimSuffix(pinned, path.Ext(pinned)) + ".yaml", pinned + ".yaml"} {
		if !listed[name] {
			continue
		}
		u := join(dir, name)
		resp, err := s.f.Get(ctx, u)
		var herr *httpclient.HTTPError
		if errors.As(err, &herr) && herr.Status == http.StatusNotFound {
			break
		}
		if err != nil {
			return "", fmt.Errorf("metadata: %w", err)
		}
		date, ok, err := alpineBuilt(resp.Body)
		if err != nil {
			return "", fmt.Errorf("metadata %s: %w", u, err)
		}
		if ok {
			return date, nil
		}
		break
	}
	return lastModifiedDate(ctx, s.f, join(dir, pinned))
}

// alpineDate is the date at the start of a "built" timestamp:
// "2026-05-02T06:12:44", "2026-05-02 06:12:44.123456", "2026-05-02".
var alpineDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]|$)`) })

// alpineBuilt reads the "built" time of an image metadata sidecar; ok is
// false when the document has no such key.
func alpineBuilt(body []byte) (date string, ok bool, err error) {
	var meta struct {
		Built string `yaml:"built"`
	}
	err = yaml.NewDecoder(bytes.NewReader(body)).Decode(&meta)
	if errors.Is(err, io.EOF) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("not a YAML mapping: %w", err)
	}
	if meta.Built == "" {
		return "", false, nil
	}
	m := alpineDate().FindStringSubmatch(strings.TrimSpace(meta.Built))
	if m == nil {
		return "", false, fmt.Errorf("built %s is not a timestamp", redact.Quote(meta.Built))
	}
	t, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return "", false, fmt.Errorf("built %s: %w", redact.Quote(meta.Built), err)
	}
	return t.Format(time.DateOnly), true, nil
}
