// Package listing reads the directory listings mirrors serve (Apache,
// nginx, MirrorCache JSON), keeping only links to direct children of the
// listed directory. It knows nothing of distributions or of HTTP.
package listing

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Entry is one link of a directory listing.
type Entry struct {
	Name string   // URL-decoded last path segment without trailing slash: "release-20260705", "SHA256SUMS"
	Dir  bool     // the href ended in "/"
	URL  *url.URL // the href resolved against the listing's URL (absolute)
}

// maxListingToken bounds the memory one HTML token may take. Listing lines are
// short; a single token this large means the body is not a directory listing.
const maxListingToken = 1 << 20

// Parse reads an HTML directory listing (Apache FancyIndexing, Apache
// HTMLTable, nginx autoindex) or a MirrorCache `?jsontable` JSON document
// ({"data":[{"name":..,"mtime":..,"size":..}]}, names of dirs end in "/")
// from r, where base is the URL the listing was fetched from (a directory URL
// ending in "/"; a query such as "?jsontable" is ignored).
//
// Only hrefs are read, never link text, because nginx truncates long names in
// the text. An entry is kept only if its href resolves to a direct child of
// base: same scheme, host and user info, base's path plus exactly one segment
// (and an optional trailing "/"), no query, no fragment. Everything else (sort
// links, the parent, other hosts, deeper paths, "..", javascript: and mailto:
// links) is dropped without an error, so an upstream page can never point the
// crawler outside its source's URL prefix. Names that decode to ".", "..", or
// that contain "/", "\", a control character or invalid UTF-8 are dropped too.
//
// Entries keep listing order; a name seen twice keeps its first entry. A body
// with no such links (an error page, a checksum file) yields no entries and no
// error; a JSON body that is not well-formed is an error.
func Parse(r io.Reader, base *url.URL) ([]Entry, error) {
	return ParseFunc(r, base, nil)
}

// MaxEntries is the most entries one listing may yield (after keep):
// real listings hold tens to a few thousand. More is a hostile or broken
// mirror, refused rather than held in memory.
const MaxEntries = 20_000

// ParseFunc is Parse keeping only the entries keep accepts (nil
// keeps all). Entries are filtered as the listing streams by, before any is
// stored, so a listing of 300,000 links costs the memory of the few a
// strategy can use (docs/security.md). More than MaxEntries kept
// entries is an error.
func ParseFunc(r io.Reader, base *url.URL, keep func(name string, dir bool) bool) ([]Entry, error) {
	dir, err := listingDir(base)
	if err != nil {
		return nil, err
	}
	c := newCollector(dir)
	c.keep = keep

	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read listing: %w", err)
	}
	if first == '{' {
		err = c.parseJSONTable(br)
	} else {
		err = c.parseHTML(br)
	}
	if err == nil {
		err = c.err
	}
	if err != nil {
		return nil, err
	}
	return c.entries, nil
}

// listingDir checks base and returns the directory URL hrefs are resolved
// against: base without query and fragment.
func listingDir(base *url.URL) (*url.URL, error) {
	if base == nil {
		return nil, errors.New("parse listing: no base URL")
	}
	if !base.IsAbs() || base.Host == "" || base.Opaque != "" {
		return nil, fmt.Errorf("parse listing: base URL %q is not an absolute http(s) URL", base.Redacted())
	}
	if !strings.HasSuffix(base.Path, "/") {
		return nil, fmt.Errorf("parse listing: base URL %q is not a directory (its path does not end in \"/\")", base.Redacted())
	}
	// Resolving the empty reference removes dot segments ("/a/./b/"), so
	// that base's path is spelled the way resolved hrefs will be.
	dir := base.ResolveReference(&url.URL{})
	dir.RawQuery, dir.ForceQuery, dir.Fragment, dir.RawFragment = "", false, "", ""
	return dir, nil
}

// firstByte skips a UTF-8 byte order mark and leading whitespace and returns
// the first byte that follows, without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\uFEFF")) {
		_, _ = br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n', '\f':
			continue
		}
		return b, br.UnreadByte()
	}
}

type collector struct {
	dir     *url.URL
	dirPath string // dir.EscapedPath(), always ending in "/"
	seen    map[string]struct{}
	entries []Entry

	// plainOK is set when appending a plain segment to dir's path gives the
	// same URL as resolving it, so plain hrefs can skip url.Parse and
	// ResolveReference (most of the cost of a large listing).
	plainOK bool

	keep func(name string, dir bool) bool // nil keeps every entry
	err  error                            // set once too many entries were kept
}

func newCollector(dir *url.URL) *collector {
	c := &collector{dir: dir, dirPath: dir.EscapedPath(), seen: make(map[string]struct{})}
	const probe = "probe"
	u := dir.ResolveReference(&url.URL{Path: probe})
	c.plainOK = dir.RawPath == "" && u.Path == dir.Path+probe && u.RawPath == ""
	return c
}

func (c *collector) parseHTML(r io.Reader) error {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxListingToken)
	var last []byte
	for {
		switch z.Next() {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				return nil
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				return fmt.Errorf("parse HTML listing: an HTML token is longer than %d bytes", maxListingToken)
			}
			return fmt.Errorf("read listing: %w", err)
		case html.StartTagToken, html.SelfClosingTagToken:
			if c.err != nil {
				return nil
			}
			name, hasAttr := z.TagName()
			if !hasAttr || len(name) != 1 || name[0] != 'a' {
				continue
			}
			for {
				key, val, more := z.TagAttr()
				// HTML takes the first of duplicate attributes.
				if string(key) == "href" {
					// Apache HTMLTable links the icon and the name of a row
					// to the same href: skip the repeat without work.
					if !bytes.Equal(val, last) {
						last = append(last[:0], val...)
						c.add(string(val))
					}
					break
				}
				if !more {
					break
				}
			}
		}
	}
}

func (c *collector) parseJSONTable(r io.Reader) error {
	var doc struct {
		Data []struct {
			Name *string `json:"name"`
		} `json:"data"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("parse MirrorCache JSON listing: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("parse MirrorCache JSON listing: data after the JSON document")
	}
	for i, item := range doc.Data {
		if item.Name == nil {
			return fmt.Errorf("parse MirrorCache JSON listing: data[%d] has no \"name\"", i)
		}
		name, isDir := strings.CutSuffix(*item.Name, "/")
		// The name is plain text, not a URL: escape it so that "?", "#", "%"
		// and ":" stay part of the name, and let the same direct-child check
		// as for HTML hrefs decide.
		href := "./" + url.PathEscape(name)
		if isDir {
			href += "/"
		}
		c.add(href)
	}
	return nil
}

// add records href if it resolves to a direct child of the listing's directory.
func (c *collector) add(href string) {
	// Browsers strip surrounding ASCII whitespace from URLs in attributes.
	href = strings.Trim(href, " \t\n\f\r")
	if href == "" {
		return
	}
	if c.err != nil {
		return
	}
	if name, isDir, ok := plainSegment(href); ok && c.plainOK {
		if c.keep != nil && !c.keep(name, isDir) {
			return
		}
		if _, dup := c.seen[name]; !dup {
			c.seen[name] = struct{}{}
			c.append(Entry{Name: name, Dir: isDir, URL: c.plainURL(href)})
		}
		return
	}
	u, name, isDir, ok := c.resolve(href)
	if !ok || (c.keep != nil && !c.keep(name, isDir)) {
		return
	}
	if _, dup := c.seen[name]; dup {
		return
	}
	c.seen[name] = struct{}{}
	c.append(Entry{Name: name, Dir: isDir, URL: u})
}

func (c *collector) append(e Entry) {
	if len(c.entries) == MaxEntries {
		c.err = fmt.Errorf("listing has more than %d entries: not a listing the crawler reads", MaxEntries)
		return
	}
	c.entries = append(c.entries, e)
}

// resolve is the general path of add: it resolves href against the
// directory and reports whether the result is a direct child.
func (c *collector) resolve(href string) (u *url.URL, name string, isDir, ok bool) {
	ref, err := url.Parse(href)
	if err != nil || ref.Opaque != "" || ref.RawQuery != "" || ref.ForceQuery || ref.Fragment != "" {
		return nil, "", false, false
	}
	u = c.dir.ResolveReference(ref)
	name, isDir, ok = c.child(u)
	return u, name, isDir, ok
}

// plainSegment reports whether href is one relative path segment of
// characters that need no escaping and mean nothing special in a URL,
// optionally followed by "/": the form of nearly every real listing entry.
func plainSegment(href string) (name string, isDir, ok bool) {
	name, isDir = strings.CutSuffix(href, "/")
	if name == "" || name == "." || name == ".." {
		return "", false, false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~' || c == '+') {
			return "", false, false
		}
	}
	return name, isDir, true
}

// plainURL builds what resolve would return for a plain segment.
func (c *collector) plainURL(href string) *url.URL {
	return &url.URL{Scheme: c.dir.Scheme, User: c.dir.User, Host: c.dir.Host, Path: c.dir.Path + href}
}

// child reports whether u names an entry directly inside the listing's
// directory, and returns the entry's decoded name.
func (c *collector) child(u *url.URL) (name string, isDir, ok bool) {
	if u.Scheme != c.dir.Scheme || !strings.EqualFold(u.Host, c.dir.Host) || u.User.String() != c.dir.User.String() {
		return "", false, false
	}
	// Compare escaped paths: "a%2Fb" is one segment to a server, and
	// different spellings of base's own path are not trusted to be the same.
	rest, found := strings.CutPrefix(u.EscapedPath(), c.dirPath)
	if !found {
		return "", false, false
	}
	rest, isDir = strings.CutSuffix(rest, "/")
	if rest == "" || strings.Contains(rest, "/") {
		return "", false, false
	}
	name, err := url.PathUnescape(rest)
	if err != nil || !validName(name) {
		return "", false, false
	}
	return name, isDir, true
}

// validName rejects names that are unsafe to join to a URL or path, or to
// write into a catalog, whatever the server escaped them as.
func validName(name string) bool {
	if name == "" || name == "." || name == ".." || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}
