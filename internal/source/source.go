// Package source holds the image sources file: which catalog images
// image-crawler manages, where their upstream builds are published, how to
// crawl them (an explicit strategy type), and the metadata their catalog
// entries carry.
//
// The package knows nothing of HTTP or git: it only loads and validates.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/problem"
	"github.com/osism/image-crawler/internal/yamlline"
)

// DefaultLimit is how many versions of an image the catalog keeps when a
// source does not say.
const DefaultLimit = 3

// File is a parsed sources file.
type File struct {
	Path   string
	Images []Image
	// EndOfLife names, per distribution the release tables cover
	// (lifecycle.Distros), the URL of its distro-info-data table, fetched
	// at run time in place of the built-in snapshot (docs/lifecycle.md).
	EndOfLife map[string]string
}

// Image is one catalog image and how to crawl it.
type Image struct {
	Name      string `yaml:"name"`
	Shortname string `yaml:"shortname"`
	File      string `yaml:"file"` // catalog file, relative to --catalog-dir
	Type      string `yaml:"type"` // crawl strategy, see Types
	Arch      string `yaml:"arch"` // x86_64 or aarch64, as the catalog's meta.architecture writes it
	Limit     int    `yaml:"limit"`
	Template  string `yaml:"template"` // template file name; "" = the default template
	// Regenerate makes the bot own the whole catalog entry: it is rendered
	// from the template on every update, as for a new entry. By default the
	// bot changes only the versions of an entry the catalog already holds
	// (docs/catalog.md, "Who owns what").
	Regenerate bool     `yaml:"regenerate"`
	Upstream   Upstream `yaml:"upstream"`
	Meta       Meta     `yaml:"image"`

	Line int `yaml:"-"` // where the entry starts in the sources file
	// Release is the release of an image made from a per-release source
	// by ForRelease ("44" of "Fedora {release}"), else "".
	Release string `yaml:"-"`
	// Codename is the series name of such an image when its source lists
	// releases by codename ("noble"), else "".
	Codename string `yaml:"-"`
	// Followed is set once the image's upstream was rebuilt from the stream
	// its catalog entry follows (its latest_url), rather than the source's.
	Followed bool `yaml:"-"`
}

// Upstream says where an image's builds are published. Which fields a
// strategy needs is in Types.
type Upstream struct {
	// URL is the directory the strategy starts from: the one holding the
	// "latest" alias and the dated build directories (Ubuntu, Debian), or
	// the directory holding the images themselves (AlmaLinux, Rocky...).
	URL string `yaml:"url"`
	// Latest is the alias directory below URL that always holds the newest
	// build ("release/" for Ubuntu, "latest/" for Debian).
	Latest string `yaml:"latest"`
	// Checksums is the checksum file name (SHA256SUMS, CHECKSUM, ...).
	Checksums string `yaml:"checksums"`
	// Algorithm of the checksums used: sha256 or sha512.
	Algorithm string `yaml:"algorithm"`
	// Filename is the image file name as the latest alias publishes it.
	Filename string `yaml:"filename"`
	// Pinned is the file name of one build, with {version} where the build
	// identifier goes. Empty means the same as Filename.
	Pinned string `yaml:"pinned"`
	// VersionURL is a file that names the newest version (CirrOS
	// version/released, Flatcar version.txt).
	VersionURL string `yaml:"version_url"`
	// Releases, when set, makes the entry a per-release source: it stands
	// for one image for each of the newest Releases releases listed in the
	// directory above {release} in URL (see ReleasePlaceholder).
	Releases int `yaml:"releases"`
	// ReleasesOnly, instead of Releases, names the releases the entry
	// stands for, each once upstream lists it (docs/sources.md).
	ReleasesOnly []string `yaml:"releases_only"`
	// ReleasePattern is what a release directory's {release} or
	// {codename} may be (a regular expression; default a dotted number for
	// {release}, lower-case letters for {codename}). Majors only: "[0-9]+".
	ReleasePattern string `yaml:"release_pattern"`
	// Interim lets codename discovery offer Ubuntu's interim releases too,
	// not only LTS releases.
	Interim bool `yaml:"interim"`
	// EOL is the end of free support of the release (YYYY-MM-DD), for
	// distributions the built-in tables do not cover (docs/lifecycle.md).
	EOL string `yaml:"eol"`
	// ReleaseNotes is the link to the release notes of a build, with
	// {version}, {release}, {build}, {major} and {minor} placeholders
	// (docs/sources.md).
	ReleaseNotes string `yaml:"release_notes"`
	// PerRelease holds, keyed by release, the settings of a per-release
	// source's releases that differ from its own (ReleaseSettings).
	PerRelease map[string]ReleaseSettings `yaml:"per_release"`
	// Signature is required, optional or off: whether the checksum file's
	// upstream signature must verify. Empty means required when Keys names
	// a key and off when it does not. See SignatureMode.
	Signature string `yaml:"signature"`
	// SignatureFile is the signature of the checksum file, named relative
	// to the checksum file's directory; {checksums} stands for the checksum
	// file's name: "{checksums}.gpg" (Ubuntu, detached), "CHECKSUM.asc"
	// (AlmaLinux, clear-signed copy). Empty means the checksum file is
	// itself clear-signed (Fedora).
	SignatureFile string `yaml:"signature_file"`
	// Keys are the public key files (armored or binary) trusted for the
	// signature, as paths relative to the sources file's directory
	// ("keys/ubuntu-cloud-image-signing-key.asc"). A name not found there is
	// looked up among the keys built into the binary (sources/keys/), so a
	// user's sources file can name the shipped keys.
	Keys []string `yaml:"keys"`
	// KeyData holds the contents of Keys, in order, read when the sources
	// file was loaded and parsed only by CheckKeys (keycheck.go).
	KeyData [][]byte `yaml:"-"`

	keyPath  string // the sources file, for CheckKeys's errors
	keyLines []int  // the line of each KeyData item
}

// Signature modes.
const (
	SignatureRequired = "required"
	SignatureOptional = "optional"
	SignatureOff      = "off"
)

// SignatureMode is the effective signature setting: Signature, or, when that
// is empty, required if keys are named and off if not.
func (u Upstream) SignatureMode() string {
	switch {
	case u.Signature != "":
		return u.Signature
	case len(u.Keys) > 0:
		return SignatureRequired
	default:
		return SignatureOff
	}
}

// SignatureName is the signature file's name for the checksum file named
// checksums, or "" when the checksum file is itself clear-signed.
func (u Upstream) SignatureName(checksums string) string {
	return strings.ReplaceAll(u.SignatureFile, "{checksums}", checksums)
}

// Meta is the catalog metadata of an image, passed to the template as is.
type Meta struct {
	Format     string   `yaml:"format"`
	Login      string   `yaml:"login"`
	Password   string   `yaml:"password"`
	MinDisk    int      `yaml:"min_disk"`
	MinRAM     int      `yaml:"min_ram"`
	Status     string   `yaml:"status"`
	Visibility string   `yaml:"visibility"`
	Multi      *bool    `yaml:"multi"`
	Enable     *bool    `yaml:"enable"`
	Tags       []string `yaml:"tags"`
	Properties Fields   `yaml:"meta"`
}

// Field is one key of an ordered mapping. Value is a string, int, bool or nil.
type Field struct {
	Key   string
	Value any
}

// Fields is a mapping that keeps the order it was written in, so the rendered
// catalog entry keeps it too.
type Fields []Field

// Get returns the value of key.
func (fs Fields) Get(key string) (any, bool) {
	for _, f := range fs {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// UnmarshalYAML keeps the mapping order and rejects anything but scalars,
// because the image manager's meta keys are all scalars.
func (fs *Fields) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if k.Value == "<<" {
			// One block, or a list of them (the earlier wins, as YAML's
			// merge key says).
			blocks := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				blocks = v.Content
			}
			for _, b := range blocks {
				if b.Kind == yaml.AliasNode {
					b = b.Alias
				}
				var merged Fields
				if err := merged.UnmarshalYAML(b); err != nil {
					return err
				}
				for _, f := range merged {
					if !seen[f.Key] {
						seen[f.Key] = true
						*fs = append(*fs, f)
					}
				}
			}
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: meta.%s: want a scalar value", v.Line, k.Value)
		}
		val, err := scalar(v)
		if err != nil {
			return fmt.Errorf("line %d: meta.%s: %w", v.Line, k.Value, err)
		}
		if seen[k.Value] {
			// A key written after a merge overrides the merged value.
			for i := range *fs {
				if (*fs)[i].Key == k.Value {
					(*fs)[i].Value = val
				}
			}
			continue
		}
		seen[k.Value] = true
		*fs = append(*fs, Field{Key: k.Value, Value: val})
	}
	return nil
}

func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i int
		err := n.Decode(&i)
		return i, err
	default:
		return n.Value, nil
	}
}

// TypeSpec says which upstream fields a strategy type needs.
type TypeSpec struct {
	Required []string // yaml names of Upstream fields that must be set
	Doc      string
}

// Types are the crawl strategies. The type is always written explicitly in the
// sources file and never derived from an image's name.
var Types = map[string]TypeSpec{
	"ubuntu": {
		Required: []string{"url", "checksums", "algorithm", "filename"},
		Doc:      "dated build directories release-YYYYMMDD[.N]/ next to a release/ alias (cloud-images.ubuntu.com)",
	},
	"ubuntu-daily": {
		Required: []string{"url", "checksums", "algorithm", "filename"},
		Doc: "dated build directories YYYYMMDD[.N]/ (no release- prefix) next to a current/ alias, the image named " +
			"alike in both: the daily builds of cloud-images.ubuntu.com/<series>/ and minimal/daily/<series>/",
	},
	"debian": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc:      "dated build directories YYYYMMDD-NNNN/ next to a latest/ alias whose names carry no date (cloud.debian.org)",
	},
	"alias-checksum": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc: "one directory holding builds under versioned names (pinned, {version} like 9.8-20260526 or 20260714.1) " +
			"and an alias (filename) of the current one; its checksum file lists both, and the build whose digest " +
			"equals the alias's is taken, the newest by version if several (repo.almalinux.org, cloud.centos.org)",
	},
	"alias-checksum-minor": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc: "alias-checksum in a major-version directory that stands for the current minor-version one: the pinned URL " +
			"puts the version's major.minor (9.6 of 9.6-20250531.0) in place of the major in url (dl.rockylinux.org)",
	},
	"alias-sidecar": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc: "alias-checksum where checksums is the alias's own sidecar (<filename>.CHECKSUM, <filename>.SHA256SUM), " +
			"which names the alias only: it decides whether anything changed, and the directory's CHECKSUM identifies " +
			"and confirms the build (dl.rockylinux.org, cloud.centos.org)",
	},
	"alias-sidecar-minor": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc:      "alias-sidecar in a major-version directory, pinned in the minor-version one as alias-checksum-minor (dl.rockylinux.org)",
	},
	"pattern": {
		Required: []string{"url", "checksums", "algorithm", "pinned"},
		Doc: "one directory whose checksum file lists every build under its own name, with no alias: pinned is a file " +
			"name holding HEREBE<regex>DRAGONS (the image manager's convention), read with the markers removed as a " +
			"regular expression matching whole names; the natsort-newest matching name is the latest build, and the " +
			"version is the first run of digits and dots the markers matched (cloud.centos.org)",
	},
	"fedora": {
		Required: []string{"url", "checksums", "algorithm", "pinned", "releases"},
		Doc: "per-release source: url holds {release}, and the newest `releases` release directories are crawled, one " +
			"image each; one compose per release, whose id (44-1.7) is the {version} in the checksum file and pinned " +
			"names, the architecture before the version up to release 40; build date from Last-Modified (dl.fedoraproject.org)",
	},
	"opensuse": {
		Required: []string{"url", "checksums", "algorithm", "filename", "pinned"},
		Doc: "one directory holding an alias (filename) and the latest build only (pinned, {version} like 19.146 of " +
			"...-Build19.146.qcow2), each image with a checksum sidecar (checksums is the alias's: filename + .sha256); " +
			"the alias's sidecar names the build; build date from Last-Modified (download.opensuse.org)",
	},
	"arch": {
		Required: []string{"url", "latest", "checksums", "algorithm", "filename", "pinned"},
		Doc: "an alias directory (latest/) and one v{version}/ directory per build, {version} like 20260715.556894 " +
			"(YYYYMMDD.<job>), each image with a checksum sidecar (checksums is the alias's: filename + .SHA256); " +
			"build date from the version (geo.mirror.pkgbuild.com)",
	},
	"flatcar": {
		Required: []string{"url", "latest", "checksums", "algorithm", "filename", "version_url"},
		Doc: "a channel: an alias directory (current/) and one <X.Y.Z>/ directory per release, the image with a DIGESTS " +
			"file (checksums, its SHA512 section); version_url is current/version.txt, whose FLATCAR_VERSION is the " +
			"version and FLATCAR_BUILD_ID the build date (<channel>.release.flatcar-linux.net)",
	},
	"alpine": {
		Required: []string{"url", "algorithm", "pinned"},
		Doc: "one directory per branch holding every point release and revision under its own name (pinned, with " +
			"{version} like 3.23.4 and {revision} like 0 of ...-3.23.4-...-r0.qcow2), each with a bare-digest sidecar " +
			"named after algorithm (.sha512); the newest name is the build; build date from the .yaml metadata " +
			"sidecar's built time, else Last-Modified. Usually per-release: url .../v{release}/releases/cloud/ with " +
			"releases: 1 for the current stable branch (dl-cdn.alpinelinux.org)",
	},
	"cirros": {
		Required: []string{"url", "checksums", "algorithm", "pinned", "version_url"},
		Doc: "one directory per release ({version}/, like 0.6.3) holding the images and a checksum file (checksums); " +
			"version_url names the newest release; release directories are never rebuilt, so an unchanged version " +
			"is an unchanged image; build date from Last-Modified (download.cirros-cloud.net)",
	},
}

var (
	archs      = map[string]bool{"x86_64": true, "aarch64": true}
	algorithms = map[string]bool{"sha256": true, "sha512": true}
	signatures = map[string]bool{"": true, "required": true, "optional": true, "off": true}
	// fileName keeps catalog writes inside --catalog-dir: no separators that
	// climb, no hidden files.
	fileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$`)
	// templateName is a file in the templates directory.
	templateName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// Error is a problem in the sources file, located by line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Problem().String() }

// Problem is the error's place and message.
func (e *Error) Problem() problem.Problem {
	return problem.Problem{File: e.Path, Line: e.Line, Message: e.Msg}
}

// Errors is every problem found in one file.
type Errors []*Error

// Problems are the errors' places and messages, one each.
func (es Errors) Problems() []problem.Problem {
	out := make([]problem.Problem, len(es))
	for i, e := range es {
		out[i] = e.Problem()
	}
	return out
}

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// LoadFile reads and validates a sources file from disk.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	return ParseFS(path, data, os.DirFS(filepath.Dir(path)))
}

// document is the top level of a sources file.
type document struct {
	Version int         `yaml:"version"`
	Images  []yaml.Node `yaml:"images"`
	// Anchors holds shared blocks (&meta, &image) that entries merge in
	// with `<<: *name` (docs/sources.md). It is declared so that strict
	// decoding allows the key; its blocks reach images only through those
	// merges, and checkDocument has bounded them like the rest of the file.
	Anchors yaml.Node `yaml:"anchors"`
	// EndOfLife is File.EndOfLife.
	EndOfLife map[string]string `yaml:"end_of_life"`
}

var unmarshalLine = regexp.MustCompile(`^\s*line (\d+): (.*)$`)

// Parse validates data as a sources file. Every error names path:line. Key
// files (upstream.keys) are looked up among the built-in keys only; use
// ParseFS for a sources file that ships its own.
func Parse(path string, data []byte) (*File, error) {
	return ParseFS(path, data, nil)
}

// ParseFS is Parse with the directory the sources file lives in: key files
// are read from dir first and from the built-in keys after. dir may be nil.
func ParseFS(path string, data []byte, dir fs.FS) (*File, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Path: path, Msg: "empty sources file"}}
		}
		es := yamlErrors(path, err)
		for _, e := range es {
			// yaml.v3 names the line the enclosing block begins on.
			e.Line = yamlline.Problem(data, e.Line)
		}
		return nil, es
	}
	if errs := checkDocument(path, &root); len(errs) > 0 {
		return nil, errs
	}
	var doc document
	if err := decodeStrict(root.Content[0], &doc); err != nil {
		return nil, yamlErrors(path, err)
	}
	if doc.Version != 1 {
		return nil, Errors{{Path: path, Line: 1, Msg: fmt.Sprintf("version: want 1, got %d", doc.Version)}}
	}
	// The document's tree is the largest thing a sources file of
	// thousands of images makes: what is decoded no longer needs it, so
	// the top is dropped (once the end_of_life check has read it) and each
	// image's part once it is decoded.
	f := &File{Path: path, EndOfLife: doc.EndOfLife}
	errs := checkEndOfLife(path, root.Content[0], doc.EndOfLife)
	root.Content = nil
	names := map[string]int{}
	shortnames := map[string]int{}
	for i := 0; i < len(doc.Images); doc.Images[i], i = (yaml.Node{}), i+1 {
		n := &doc.Images[i]
		var img Image
		if err := decodeStrict(n, &img); err != nil {
			errs = append(errs, yamlErrors(path, err)...)
			continue
		}
		img.Line = n.Line
		if img.Limit == 0 {
			img.Limit = DefaultLimit
		}
		for _, msg := range img.validate() {
			errs = append(errs, &Error{Path: path, Line: n.Line, Msg: fmt.Sprintf("image %q: %s", img.Name, msg)})
		}
		errs = append(errs, img.loadKeys(path, n, dir)...)
		errs = append(errs, img.loadReleaseKeys(path, n, dir)...)
		if prev, ok := names[img.Name]; ok && img.Name != "" {
			errs = append(errs, &Error{Path: path, Line: n.Line, Msg: fmt.Sprintf("image %q: duplicate name (first at line %d)", img.Name, prev)})
		}
		names[img.Name] = n.Line
		if prev, ok := shortnames[img.Shortname]; ok && img.Shortname != "" {
			errs = append(errs, &Error{Path: path, Line: n.Line, Msg: fmt.Sprintf("image %q: duplicate shortname %q (first at line %d)", img.Name, img.Shortname, prev)})
		}
		shortnames[img.Shortname] = n.Line
		f.Images = append(f.Images, img)
	}
	if len(doc.Images) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{Path: path, Line: 1, Msg: "no images"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// decodeStrict decodes one node rejecting unknown keys. yaml.Node.Decode has
// no KnownFields switch, so the node is re-encoded and decoded strictly; line
// numbers are kept by re-encoding the node in place of the whole document.
func decodeStrict(n *yaml.Node, v any) error {
	// Checking keys on the node itself keeps the original line numbers.
	if err := checkKeys(n, reflectKeys(v)); err != nil {
		return err
	}
	return n.Decode(v)
}

// yamlErrors turns a yaml.v3 error into file:line errors.
func yamlErrors(path string, err error) Errors {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var es Errors
		for _, m := range te.Errors {
			es = append(es, lineError(path, m))
		}
		return es
	}
	var es Errors
	if errors.As(err, &es) {
		for _, e := range es {
			e.Path = path
		}
		return es
	}
	return Errors{lineError(path, strings.TrimPrefix(err.Error(), "yaml: "))}
}

func lineError(path, msg string) *Error {
	if m := unmarshalLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Path: path, Line: line, Msg: m[2]}
	}
	return &Error{Path: path, Msg: msg}
}

func (img *Image) validate() []string {
	var msgs []string
	add := func(format string, a ...any) { msgs = append(msgs, fmt.Sprintf(format, a...)) }
	if img.Name == "" {
		add("name is missing")
	}
	if img.Shortname == "" {
		add("shortname is missing")
	}
	if !fileName.MatchString(img.File) {
		add("file %q: want a plain file name ending in .yml or .yaml", img.File)
	}
	spec, ok := Types[img.Type]
	if !ok {
		add("type %q is not one of %s", img.Type, strings.Join(TypeNames(), ", "))
	}
	if !archs[img.Arch] {
		add("arch %q: want x86_64 or aarch64", img.Arch)
	}
	if img.Limit < 1 {
		add("limit %d: want at least 1", img.Limit)
	}
	if img.Template != "" && !templateName.MatchString(img.Template) {
		add("template %q: want a file name in the templates directory", img.Template)
	}
	u := img.Upstream
	set := map[string]string{
		"url": u.URL, "latest": u.Latest, "checksums": u.Checksums, "algorithm": u.Algorithm,
		"filename": u.Filename, "pinned": u.Pinned, "version_url": u.VersionURL,
		"releases": releasesField(u.Releases, u.ReleasesOnly),
	}
	msgs = append(msgs, img.validateReleases()...)
	msgs = append(msgs, img.validatePerRelease()...)
	for _, k := range spec.Required {
		if set[k] == "" {
			add("upstream.%s is missing (type %s needs it)", k, img.Type)
		}
	}
	for _, k := range []string{"url", "version_url"} {
		if set[k] == "" {
			continue
		}
		if err := checkURL(set[k]); err != nil {
			add("upstream.%s: %v", k, err)
		}
	}
	if u.URL != "" && !strings.HasSuffix(u.URL, "/") {
		add("upstream.url %q: a directory URL must end in /", u.URL)
	}
	if u.Algorithm != "" && !algorithms[u.Algorithm] {
		add("upstream.algorithm %q: want sha256 or sha512", u.Algorithm)
	}
	if !signatures[u.Signature] {
		add("upstream.signature %q: want required, optional or off", u.Signature)
	}
	if (u.Signature == SignatureRequired || u.Signature == SignatureOptional) && len(u.Keys) == 0 {
		add("upstream.signature is %s but upstream.keys names no key", u.Signature)
	}
	if sf := u.SignatureFile; sf != "" {
		if strings.Contains(sf, "..") || strings.ContainsAny(sf, "/\\") || strings.Contains(sf, "://") {
			add("upstream.signature_file %q: want a file name in the checksum file's directory", sf)
		}
		if strings.ReplaceAll(sf, "{checksums}", "") == "" && strings.Contains(sf, "{checksums}") {
			add("upstream.signature_file %q: names the checksum file itself; leave it empty for a clear-signed checksum file", sf)
		}
	}
	for _, k := range []string{"checksums", "filename", "pinned", "latest"} {
		if strings.Contains(set[k], "..") || strings.HasPrefix(set[k], "/") || strings.Contains(set[k], "://") {
			add("upstream.%s %q: want a name relative to upstream.url", k, set[k])
		}
	}
	if u.Pinned != "" && strings.Count(u.Pinned, "{version}") > 1 {
		add("upstream.pinned %q: {version} may appear once", u.Pinned)
	}
	msgs = append(msgs, img.checkText()...)
	m := img.Meta
	if m.Format == "" {
		add("image.format is missing")
	}
	if m.Login == "" {
		add("image.login is missing")
	}
	if m.MinDisk < 0 || m.MinRAM < 0 {
		add("image.min_disk and image.min_ram must not be negative")
	}
	if a, ok := m.Properties.Get("architecture"); ok && a != img.Arch {
		add("image.meta.architecture %v differs from arch %s", a, img.Arch)
	}
	return msgs
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q: want an http or https URL", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	if u.User != nil {
		return fmt.Errorf("%q: credentials do not belong in a sources file", s)
	}
	return nil
}

// TypeNames lists the strategy types, sorted.
func TypeNames() []string {
	names := make([]string, 0, len(Types))
	for n := range Types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Select returns the images named in only, in sources order; an empty only
// selects all. A name that matches nothing is an error, so a typo in --only
// does not pass as "nothing to do".
func (f *File) Select(only []string) ([]Image, error) {
	if len(only) == 0 {
		return f.Images, nil
	}
	want := map[string]bool{}
	for _, n := range only {
		want[n] = true
	}
	var out []Image
	found := map[string]bool{}
	for _, img := range f.Images {
		picked := false
		for n := range want {
			// A per-release image ("Fedora {release}") is picked by the
			// name of any of its releases; which exist is known only once
			// upstream is listed, so narrowing down happens after that.
			if img.MatchesName(n) {
				picked, found[n] = true, true
			}
		}
		if picked {
			out = append(out, img)
		}
	}
	for n := range found {
		delete(want, n)
	}
	if len(want) > 0 {
		var missing, hints []string
		for n := range want {
			missing = append(missing, strconv.Quote(n))
		}
		sort.Strings(missing)
		for _, n := range missing {
			n, _ = strconv.Unquote(n)
			if s := f.Suggest(n); len(s) > 0 {
				hints = append(hints, fmt.Sprintf("for %q did you mean %s?", n, quoteAll(s)))
			}
		}
		msg := fmt.Sprintf("--only %s: no such image in %s", strings.Join(missing, ", "), f.Path)
		if len(hints) > 0 {
			msg += "; " + strings.Join(hints, "; ")
		}
		return nil, fmt.Errorf("%s (image-crawler list shows every name)", msg)
	}
	return out, nil
}

// Suggest returns up to three image names close to name, closest first:
// names that contain it or that it contains, then names a few edits away
// (letter case aside). A per-release image offers its own name, "Fedora
// {release}", which --only takes for all its releases.
func (f *File) Suggest(name string) []string {
	type cand struct {
		name string
		dist int
	}
	want := strings.ToLower(strings.TrimSpace(name))
	var cands []cand
	release := releaseInName.FindString(want)
	for _, img := range f.Images {
		have := strings.ToLower(img.Name)
		if img.PerRelease() && release != "" {
			// "Ubunt 24.04" is compared with "Ubuntu 24.04", not with
			// "Ubuntu {release}", and suggested so.
			concrete := img.ForRelease(release)
			if d := editDistance(want, strings.ToLower(concrete.Name)); d <= max(2, len(want)/4) {
				cands = append(cands, cand{concrete.Name, d})
			}
			continue
		}
		d := editDistance(want, have)
		near := d <= max(2, len(want)/4) || want != "" && (strings.Contains(have, want) || strings.Contains(want, have))
		if before, after, ok := strings.Cut(have, ReleasePlaceholder); ok && release == "" && strings.HasPrefix(want, before) && strings.HasSuffix(want, after) {
			// "Fedora 4x": a per-release name with a bad release.
			d, near = 1, true
		}
		if near {
			cands = append(cands, cand{img.Name, d})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].dist < cands[j].dist })
	var out []string
	for _, c := range cands[:min(3, len(cands))] {
		out = append(out, c.name)
	}
	return out
}

// releaseInName is the release number a name may hold ("24.04").
var releaseInName = regexp.MustCompile(`[0-9]+(\.[0-9]+)*`)

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, " or ")
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// PinnedName is the file name of the build with the given version.
func (u Upstream) PinnedName(version string) string {
	if u.Pinned == "" {
		return u.Filename
	}
	return strings.ReplaceAll(u.Pinned, "{version}", version)
}
