// Package checksum reads the checksum files distributions publish (GNU, BSD
// tagged, sectioned, clear-signed) and holds the "algo:hex" digest the
// catalog records. It knows nothing of distributions or of HTTP.
package checksum

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/osism/image-crawler/internal/redact"
)

// Algorithm names a digest algorithm of a checksum file.
type Algorithm string

// The algorithms upstream checksum files use.
const (
	MD5    Algorithm = "md5"
	SHA1   Algorithm = "sha1"
	SHA256 Algorithm = "sha256"
	SHA512 Algorithm = "sha512"
)

// ParseAlgorithm returns the Algorithm s names. It ignores case and accepts the
// spellings found in checksum files and tools: "md5"; "sha1", "sha-1";
// "sha256", "sha-256", "sha2-256"; "sha512", "sha-512", "sha2-512". SHA-3
// ("sha3-256") and truncated variants ("sha512-256") are other algorithms and
// are rejected.
func ParseAlgorithm(s string) (Algorithm, error) {
	if a, ok := lookupAlgorithm(s); ok {
		return a, nil
	}
	return "", fmt.Errorf("unknown checksum algorithm %s: want md5, sha1, sha256 or sha512", redact.Quote(s))
}

var algorithmSpellings = []struct {
	spelling string
	alg      Algorithm
}{
	{"md5", MD5},
	{"sha1", SHA1}, {"sha-1", SHA1},
	{"sha256", SHA256}, {"sha-256", SHA256}, {"sha2-256", SHA256},
	{"sha512", SHA512}, {"sha-512", SHA512}, {"sha2-512", SHA512},
}

// lookupAlgorithm is ParseAlgorithm without building an error, for the
// per-line path of the parser.
func lookupAlgorithm(s string) (Algorithm, bool) {
	for _, a := range algorithmSpellings {
		if strings.EqualFold(s, a.spelling) {
			return a.alg, true
		}
	}
	return "", false
}

// HexLen returns the number of hex digits of a digest of a, or 0 for an
// unknown algorithm.
func (a Algorithm) HexLen() int {
	switch a {
	case MD5:
		return 32
	case SHA1:
		return 40
	case SHA256:
		return 64
	case SHA512:
		return 128
	}
	return 0
}

// algorithmForHexLen infers the algorithm of an untagged (GNU style) digest.
func algorithmForHexLen(n int) Algorithm {
	switch n {
	case 32:
		return MD5
	case 40:
		return SHA1
	case 64:
		return SHA256
	case 128:
		return SHA512
	}
	return ""
}

// Sum is one digest of a checksum file.
type Sum struct {
	Name      string // file name as written (binary-mode '*' and a leading "./" removed); "" for a bare digest
	Algorithm Algorithm
	Hex       string // lowercase
	Line      int    // 1-based line in the file
}

// Sums is the content of a checksum file.
type Sums struct {
	Entries     []Sum // in file order
	ClearSigned bool  // the content was inside a PGP clear-signed wrapper (verification is done elsewhere)
}

// ErrNotListed is wrapped by Find when the file has no digest for a name.
var ErrNotListed = errors.New("not listed in checksum file")

// maxChecksumLine caps the length of one line. Real lines are a few hundred
// bytes; the cap keeps a huge single-line body (a minified HTML page, a binary
// served by mistake) from being buffered whole.
const maxChecksumLine = 64 << 10

// Parse reads a checksum file as a stream (bufio with a line-length cap), never holding more than the entries.
//
// It is tolerant in form and strict in content. Accepted: GNU lines
// ("hex  name", "hex *name", "hex name", and "\hex  name" with escaped names),
// BSD tagged lines ("SHA256 (name) = hex"), Flatcar-style sections ("# SHA512
// HASH" followed by GNU lines), a bare digest (one hex string, the whole file),
// "#" comments, blank lines, CRLF, a UTF-8 byte order mark and a PGP
// clear-signed wrapper around all of it. The algorithm of a GNU line is that of
// its section, else inferred from its length (32 md5, 40 sha1, 64 sha256, 128
// sha512). Lines of other algorithms (a "# BLAKE2B HASH" section, "SHA384 (..)
// = ..") are skipped. A digest of the wrong length or with a non-hex digit, a
// line of no known shape, text outside the signed part of a clear-signed file,
// and a file with no digests are errors that name the line.
func Parse(r io.Reader) (*Sums, error) {
	p := checksumParser{sums: &Sums{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxChecksumLine)
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("not a checksum file: line %d is longer than %d bytes", p.line+1, maxChecksumLine)
		}
		return nil, fmt.Errorf("read checksum file: %w", err)
	}
	sums, err := p.finish()
	if err != nil {
		return nil, err
	}
	if err := sums.ambiguous(); err != nil {
		return nil, err
	}
	return sums, nil
}

// ErrAmbiguous is wrapped when a checksum file gives one file two different
// digests of the same algorithm: which one upstream meant cannot be known,
// so neither is taken (docs/security.md).
var ErrAmbiguous = errors.New("ambiguous checksum file")

// ambiguous refuses a file that lists a name twice, in one algorithm, with
// different digests. The same digest twice is harmless and allowed.
func (s *Sums) ambiguous() error {
	type key struct {
		name string
		algo Algorithm
	}
	first := make(map[key]int, len(s.Entries))
	for i, e := range s.Entries {
		k := key{e.Name, e.Algorithm}
		j, ok := first[k]
		if !ok {
			first[k] = i
			continue
		}
		if f := s.Entries[j]; f.Hex != e.Hex {
			return fmt.Errorf("%w: %s is listed with two different %s digests, on line %d and line %d",
				ErrAmbiguous, redact.Quote(e.Name), e.Algorithm, f.Line, e.Line)
		}
	}
	return nil
}

// pgpState tracks where the parser is in a PGP clear-signed message.
type pgpState int

const (
	stateStart     pgpState = iota // nothing but blank lines seen yet
	statePlain                     // an unsigned file
	stateHeaders                   // armor headers ("Hash: SHA256") after BEGIN PGP SIGNED MESSAGE
	stateSigned                    // the signed text
	stateSignature                 // inside the signature block
	stateDone                      // after END PGP SIGNATURE
)

const (
	pgpBeginMessage   = "-----BEGIN PGP SIGNED MESSAGE-----"
	pgpBeginSignature = "-----BEGIN PGP SIGNATURE-----"
	pgpEndSignature   = "-----END PGP SIGNATURE-----"
)

type checksumParser struct {
	sums  *Sums
	line  int
	state pgpState

	// section is the algorithm of the current "# <ALG> HASH" section;
	// skipSection is set inside a section of an algorithm we do not take.
	section     Algorithm
	skipSection bool

	bareLine int // line of a bare digest, 0 if none
}

func (p *checksumParser) parseLine(raw []byte) error {
	// One allocation per line: Hex and Name are substrings of s.
	s := string(raw)
	if p.line == 1 {
		s = strings.TrimPrefix(s, "\uFEFF")
	}
	// Trailing whitespace (and the CR of CRLF) never matters: clear-signing
	// ignores it too, so the parsed text matches what the signature covers.
	s = strings.TrimRight(s, " \t\r")

	switch p.state {
	case stateStart:
		if strings.TrimLeft(s, " \t") == pgpBeginMessage {
			p.state = stateHeaders
			p.sums.ClearSigned = true
			return nil
		}
		if strings.TrimLeft(s, " \t") != "" {
			p.state = statePlain
		}
	case stateHeaders:
		if s == "" {
			p.state = stateSigned
			return nil
		}
		if !isArmorHeader(s) {
			return fmt.Errorf("line %d: malformed PGP armor header %s", p.line, redact.Quote(s))
		}
		return nil
	case stateSigned:
		if s == pgpBeginSignature {
			p.state = stateSignature
			return nil
		}
		// Reverse dash-escaping (RFC 4880, section 7.1).
		s = strings.TrimPrefix(s, "- ")
	case stateSignature:
		if s == pgpEndSignature {
			p.state = stateDone
		}
		return nil
	case stateDone:
		if strings.TrimLeft(s, " \t") != "" {
			// Nothing outside the signed text is covered by the signature.
			return fmt.Errorf("line %d: text after the PGP signature %s", p.line, redact.Quote(s))
		}
		return nil
	}
	return p.parseContent(strings.TrimLeft(s, " \t"))
}

func (p *checksumParser) finish() (*Sums, error) {
	switch p.state {
	case stateHeaders, stateSigned:
		return nil, fmt.Errorf("PGP clear-signed message ends at line %d without %q", p.line, pgpBeginSignature)
	case stateSignature:
		return nil, fmt.Errorf("PGP signature ends at line %d without %q", p.line, pgpEndSignature)
	}
	if len(p.sums.Entries) == 0 {
		return nil, errors.New("not a checksum file: it lists no digests")
	}
	return p.sums, nil
}

// isArmorHeader reports whether s has the shape "Key: value".
func isArmorHeader(s string) bool {
	key, _, ok := strings.Cut(s, ": ")
	return ok && isWord(key)
}

// parseContent parses one line of checksum text, without surrounding whitespace.
func (p *checksumParser) parseContent(s string) error {
	if s == "" {
		return nil
	}
	if s[0] == '#' {
		p.comment(s)
		return nil
	}
	// GNU tools start a line with "\" when the name holds a "\" or a newline.
	escaped := s[0] == '\\'
	if escaped {
		s = s[1:]
	}
	n := hexPrefixLen(s)
	if n > 0 && (n == len(s) || s[n] == ' ' || s[n] == '\t') {
		return p.gnuLine(s[:n], strings.TrimLeft(s[n:], " \t"), escaped)
	}
	if tag, name, digest, ok := splitBSD(s); ok {
		return p.bsdLine(tag, name, digest, escaped)
	}
	// A digest-sized first field with a stray character gets a precise error
	// rather than "no known shape".
	if field, rest, ok := strings.Cut(s, " "); ok && rest != "" && algorithmForHexLen(len(field)) != "" {
		return fmt.Errorf("line %d: %s digest %s is not hexadecimal", p.line, algorithmForHexLen(len(field)), redact.Quote(field))
	}
	return fmt.Errorf("not a checksum file: line %d: %s", p.line, redact.Quote(s))
}

// comment handles a "#" line: a Flatcar section header ("# SHA512 HASH")
// switches the algorithm of the GNU lines that follow; anything else ("#
// name: 123 bytes") is ignored.
func (p *checksumParser) comment(s string) {
	tag, rest, ok := strings.Cut(strings.TrimSpace(s[1:]), " ")
	if !ok || !strings.EqualFold(strings.TrimSpace(rest), "HASH") || !isWord(tag) {
		return
	}
	if alg, ok := lookupAlgorithm(tag); ok {
		p.section, p.skipSection = alg, false
	} else {
		p.section, p.skipSection = "", true
	}
}

func (p *checksumParser) gnuLine(digest, name string, escaped bool) error {
	if p.skipSection {
		return nil
	}
	alg := p.section
	if alg == "" {
		alg = algorithmForHexLen(len(digest))
		if alg == "" {
			return fmt.Errorf("line %d: digest has %d hex digits, want 32 (md5), 40 (sha1), 64 (sha256) or 128 (sha512)", p.line, len(digest))
		}
	} else if len(digest) != alg.HexLen() {
		return fmt.Errorf("line %d: %s digest has %d hex digits, want %d", p.line, alg, len(digest), alg.HexLen())
	}

	if name == "" {
		if escaped {
			return fmt.Errorf("line %d: escaped line has no file name", p.line)
		}
		return p.add(Sum{Algorithm: alg, Hex: strings.ToLower(digest)}, true)
	}
	// The mode character: '*' binary, ' ' text (already trimmed away).
	name = strings.TrimPrefix(name, "*")
	return p.addNamed(alg, digest, name, escaped)
}

func (p *checksumParser) bsdLine(tag, name, digest string, escaped bool) error {
	alg, known := lookupAlgorithm(tag)
	if hexPrefixLen(digest) != len(digest) {
		return fmt.Errorf("line %d: %s digest %s is not hexadecimal", p.line, strings.ToLower(tag), redact.Quote(digest))
	}
	if !known {
		// A well-formed line of an algorithm we do not use (SHA384, BLAKE2b).
		return nil
	}
	if len(digest) != alg.HexLen() {
		return fmt.Errorf("line %d: %s digest has %d hex digits, want %d", p.line, alg, len(digest), alg.HexLen())
	}
	return p.addNamed(alg, digest, name, escaped)
}

func (p *checksumParser) addNamed(alg Algorithm, digest, name string, escaped bool) error {
	// Tools escape newlines and carriage returns in names, so a raw control
	// character means the line is not what it seems (a file with CR-only line
	// ends would otherwise become one entry with a garbage name).
	if strings.IndexFunc(name, isControl) >= 0 {
		return fmt.Errorf("line %d: file name %s contains a control character", p.line, redact.Quote(name))
	}
	if escaped {
		var err error
		if name, err = unescapeName(name); err != nil {
			return fmt.Errorf("line %d: %w", p.line, err)
		}
	}
	name = strings.TrimPrefix(name, "./")
	if name == "" {
		return fmt.Errorf("line %d: %s digest has an empty file name", p.line, alg)
	}
	return p.add(Sum{Name: name, Algorithm: alg, Hex: strings.ToLower(digest)}, false)
}

func (p *checksumParser) add(sum Sum, bare bool) error {
	// A bare digest names no file, so it is only unambiguous as the whole file.
	if p.bareLine != 0 || (bare && len(p.sums.Entries) > 0) {
		return fmt.Errorf("line %d: a digest without a file name must be the only line of the file", p.line)
	}
	if bare {
		p.bareLine = p.line
	}
	sum.Line = p.line
	p.sums.Entries = append(p.sums.Entries, sum)
	return nil
}

// splitBSD splits a BSD tagged line "TAG (name) = hex". Spaces around "(" and
// "=" are optional, as OpenSSL writes "SHA2-256(name)= hex". The name runs to
// the last ")", so names may themselves contain parentheses.
func splitBSD(s string) (tag, name, digest string, ok bool) {
	open := strings.IndexByte(s, '(')
	closing := strings.LastIndexByte(s, ')')
	if open <= 0 || closing < open {
		return "", "", "", false
	}
	tag = strings.TrimRight(s[:open], " \t")
	if !isWord(tag) {
		return "", "", "", false
	}
	after, found := strings.CutPrefix(strings.TrimLeft(s[closing+1:], " \t"), "=")
	if !found {
		return "", "", "", false
	}
	digest = strings.TrimLeft(after, " \t")
	if digest == "" || strings.ContainsAny(digest, " \t") {
		return "", "", "", false
	}
	return tag, s[open+1 : closing], digest, true
}

// unescapeName reverses GNU coreutils' escaping of file names.
func unescapeName(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", errors.New(`file name ends in a lone "\"`)
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf(`file name has an unknown escape "\%c"`, s[i])
		}
	}
	return b.String(), nil
}

// isControl reports C0 control characters other than tab, and DEL.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' || r == 0x7f
}

// hexPrefixLen returns the number of hex digits s starts with.
func hexPrefixLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return i
		}
	}
	return len(s)
}

// isWord reports whether s is a short token of letters, digits and "-", the
// shape of an algorithm tag or an armor header key.
func isWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// Find returns the lowercase hex of the entry whose name equals name exactly (whole-name match, never a substring:
// "x.img" must not match "x.img.manifest") and whose algorithm is algo. A bare-digest file (one hex string) matches any
// name if its length fits algo. Not found: an error wrapping ErrNotListed that names the file name and algorithm.
func (s *Sums) Find(name string, algo Algorithm) (string, error) {
	if algo.HexLen() == 0 {
		return "", fmt.Errorf("find %q in checksum file: unknown checksum algorithm %s", name, redact.Quote(string(algo)))
	}
	var others []string
	if s != nil {
		for _, e := range s.Entries {
			if e.Name != name && e.Name != "" {
				continue
			}
			if e.Algorithm == algo {
				return e.Hex, nil
			}
			others = appendOnce(others, string(e.Algorithm))
		}
	}
	if len(others) > 0 {
		return "", fmt.Errorf("%s digest of %q: %w (it has %s only)", algo, name, ErrNotListed, strings.Join(others, ", "))
	}
	return "", fmt.Errorf("%s digest of %q: %w", algo, name, ErrNotListed)
}

func appendOnce(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
