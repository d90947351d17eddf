package source

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Limits on merge keys (<<). yaml.v3 expands a merge every time the mapping
// holding it is decoded, so nested merges of merges cost exponential time: a
// file of a few hundred bytes with duplicate << keys took minutes. Real
// sources files merge a shared block or two, one level deep
// (docs/sources.md).
const (
	// MaxMergeDepth is the longest chain of merges: a mapping merging one
	// that merges another, and so on.
	MaxMergeDepth = 8
	// MaxMergeWork bounds the entries that expanding the file's merges and
	// aliases adds to what decoding it visits, counted the way the decoder
	// pays for them. The entries written out in the file do not count: a
	// file's size is bounded where it is read, and a sources file of
	// thousands of plain images is no attack.
	MaxMergeWork = 100_000
)

// intKeys are the keys whose values the bot reads as integers. yaml.v3
// truncates a float into an int field without a word (min_disk: 8.5 became
// 8), so a float there is refused instead.
var intKeys = map[string]bool{"limit": true, "releases": true, "min_disk": true, "min_ram": true}

// checkDocument refuses what the decoder would silently get wrong or spend
// unbounded time on: a mapping with two << keys, a merge of the same block
// twice, merge chains deeper than MaxMergeDepth or costlier than
// MaxMergeWork, and a float where an integer belongs. Every error names the
// line.
func checkDocument(path string, root *yaml.Node) Errors {
	c := &docChecker{path: path, memo: map[*yaml.Node]mergeInfo{}, open: map[*yaml.Node]bool{}}
	c.walk(root)
	if len(c.errs) > 0 {
		return c.errs
	}
	info := c.info(root)
	if c.cycleLine != 0 {
		c.add(c.cycleLine, "an alias refers to the block that contains it")
		return c.errs
	}
	if info.depth > MaxMergeDepth {
		c.add(c.depthLine, "merge keys (<<) nest %d levels deep, more than %d", info.depth, MaxMergeDepth)
	}
	if info.extra > MaxMergeWork {
		c.add(c.workLine, "merge keys (<<) and aliases expand to more than %d entries: simplify the anchors", MaxMergeWork)
	}
	return c.errs
}

type docChecker struct {
	path string
	// memo and open hold anchored nodes only: an alias can name no
	// other, so every other node is measured once, from its parent, and
	// a sources file of thousands of images needs no map entry for each
	// of its nodes.
	memo map[*yaml.Node]mergeInfo
	open map[*yaml.Node]bool // being measured: met again, it is a cycle
	errs Errors
	// cycleLine is where a block that refers to itself starts.
	cycleLine int
	// depthLine and workLine are where a merge first went past a limit.
	depthLine, workLine int
}

func (c *docChecker) add(line int, format string, a ...any) {
	c.errs = append(c.errs, &Error{Path: c.path, Line: line, Msg: fmt.Sprintf(format, a...)})
}

// walk visits every node once (aliases are not followed: their targets are
// visited where they are defined).
func (c *docChecker) walk(n *yaml.Node) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if n.Kind == yaml.MappingNode {
		c.checkMapping(n)
	}
	for _, ch := range n.Content {
		c.walk(ch)
	}
}

func (c *docChecker) checkMapping(n *yaml.Node) {
	mergeLine := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			if mergeLine != 0 {
				c.add(k.Line, "duplicate merge key << (first at line %d): merge several blocks with one << and a list", mergeLine)
			}
			mergeLine = k.Line
			if v.Kind == yaml.SequenceNode {
				targets := map[*yaml.Node]int{}
				for _, item := range v.Content {
					t := item
					if t.Kind == yaml.AliasNode {
						t = t.Alias
					}
					if prev, ok := targets[t]; ok {
						c.add(item.Line, "merge key << names the same block twice (first at line %d)", prev)
					}
					targets[t] = item.Line
				}
			}
			continue
		}
		if k.Kind == yaml.ScalarNode && intKeys[k.Value] && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" {
			c.add(v.Line, "%s: %s is not a whole number", k.Value, v.Value)
		}
	}
}

type mergeInfo struct {
	cost  int // mapping and sequence entries decoding visits, merges and aliases expanded
	extra int // what of cost merges and aliases add to the entries as written
	depth int // the longest chain of merges below the node
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag != "!!str"
}

// expanded is what a child adds to its parent's extra work: all of it when
// the child is an alias (decoding expands it again), else what its own
// merges and aliases add.
func expanded(child *yaml.Node, ci mergeInfo) int {
	if child.Kind == yaml.AliasNode {
		return ci.cost
	}
	return ci.extra
}

// info measures n with every merge expanded, memoised per anchored node so
// that the check itself is linear in the file however the decoder would fare.
func (c *docChecker) info(n *yaml.Node) mergeInfo {
	n = deref(n)
	if n == nil {
		return mergeInfo{}
	}
	anchored := n.Anchor != ""
	if anchored {
		if v, ok := c.memo[n]; ok {
			if c.open[n] && c.cycleLine == 0 {
				// An alias inside the block it names: decoding would never end.
				c.cycleLine = n.Line
			}
			return v
		}
		c.memo[n] = mergeInfo{}
		c.open[n] = true
		defer delete(c.open, n)
	}
	res := mergeInfo{cost: 1}
	for i, ch := range n.Content {
		if n.Kind != yaml.MappingNode || i%2 == 0 || !isMergeKey(n.Content[i-1]) {
			ci := c.info(ch)
			res.cost += ci.cost
			res.extra += expanded(ch, ci)
			res.depth = max(res.depth, ci.depth)
			if ch.Kind == yaml.AliasNode && res.extra > MaxMergeWork && c.workLine == 0 {
				c.workLine = ch.Line
			}
			continue
		}
		targets := []*yaml.Node{ch}
		if t := deref(ch); t.Kind == yaml.SequenceNode {
			targets = t.Content
			if ch.Kind == yaml.AliasNode {
				// The list itself is expanded from its anchor.
				res.extra++
			}
		}
		for _, t := range targets {
			ti := c.info(t)
			res.cost += ti.cost
			res.extra += expanded(t, ti)
			res.depth = max(res.depth, ti.depth+1)
		}
		if res.depth > MaxMergeDepth && c.depthLine == 0 {
			c.depthLine = ch.Line
		}
		if res.extra > MaxMergeWork && c.workLine == 0 {
			c.workLine = ch.Line
		}
	}
	res.cost = min(res.cost, MaxMergeWork+1)
	res.extra = min(res.extra, MaxMergeWork+1)
	if anchored {
		c.memo[n] = res
	}
	return res
}

func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// controlFree refuses text with control or format characters (a newline in
// an image name would break the pull request title and the catalog).
func controlFree(what, s string) string {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Sprintf("%s %q holds a control character", what, s)
		}
	}
	return ""
}

// checkText runs controlFree over every text of an image that reaches the
// catalog, the pull request or a URL.
func (img *Image) checkText() []string {
	var msgs []string
	check := func(what, s string) {
		if m := controlFree(what, s); m != "" {
			msgs = append(msgs, m)
		}
	}
	check("name", img.Name)
	check("shortname", img.Shortname)
	u := img.Upstream
	m := img.Meta
	for _, kv := range [][2]string{
		{"upstream.latest", u.Latest}, {"upstream.checksums", u.Checksums}, {"upstream.filename", u.Filename},
		{"upstream.pinned", u.Pinned}, {"upstream.signature_file", u.SignatureFile},
		{"image.format", m.Format}, {"image.login", m.Login}, {"image.password", m.Password},
		{"image.status", m.Status}, {"image.visibility", m.Visibility},
	} {
		check(kv[0], kv[1])
	}
	for _, t := range m.Tags {
		check("image.tags", t)
	}
	for _, f := range m.Properties {
		check("image.meta key", f.Key)
		if s, ok := f.Value.(string); ok {
			check("image.meta."+strings.TrimSpace(f.Key), s)
		}
	}
	return msgs
}

// Hosts are the upstream URLs the file names (upstream.url and version_url
// of every image, the end_of_life tables), the places a redirect may lead
// to (docs/security.md).
func (f *File) Hosts() []string {
	var out []string
	seen := map[string]bool{}
	for _, img := range f.Images {
		for _, u := range []string{img.Upstream.URL, img.Upstream.VersionURL} {
			if u != "" && !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	for _, d := range slices.Sorted(mapKeys(f.EndOfLife)) {
		if u := f.EndOfLife[d]; !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}
