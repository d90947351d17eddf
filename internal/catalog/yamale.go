package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// This file reads a yamale schema the way yamale 6 does: the file is read with PyYAML;
// its first document is the schema, every later document maps names to the
// schemas that include('name') refers to. A schema is a mapping, a list or a
// string holding a validator call such as enum('a', 'b', required=False),
// which yamale evaluates as a Python expression of constants and validator
// calls.
//
// ParseSchema accepts what yamale accepts and ignores what yamale ignores
// (unknown keywords, constants among any()'s validators), so that a schema
// judges catalog files as the image manager does. It refuses, naming file
// and line, what yamale refuses; what image-crawler does not implement (the
// validators ip, mac, semver and subset, min and max of day and timestamp,
// Python patterns that Go's RE2 cannot run); and mistakes yamale meets only
// while validating (an include of a name defined nowhere, includes that
// lead back to themselves, enum() of validators).

// LoadSchema returns the catalog repository's own yamale schema: the file
// schema.yaml in the parent folder of catalogDir (the image manager's layout:
// catalog files in etc/images, the schema in etc/schema.yaml). repo is the
// repository's work tree; catalogDir is a slash path inside it. Without such a
// file (or when catalogDir is the repository's top folder) it returns
// BuiltinSchema. A schema that is present but does not parse is an error
// naming its file and line.
//
// LoadSchema reads only through repo; pass an os.Root's FS so that a
// symbolic link cannot lead it outside the repository.
func LoadSchema(repo fs.FS, catalogDir string) (*Schema, error) {
	dir := path.Clean(catalogDir)
	if !fs.ValidPath(dir) {
		return nil, fmt.Errorf("catalog directory %q: not a path inside the repository", catalogDir)
	}
	if dir == "." {
		return BuiltinSchema(), nil
	}
	name := path.Join(path.Dir(dir), "schema.yaml")
	data, err := readCapped(repo, name)
	if errors.Is(err, fs.ErrNotExist) {
		return BuiltinSchema(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the catalog's schema %s: %w", name, err)
	}
	return ParseSchema(name, data)
}

// ParseSchema reads a yamale schema file; path names it in errors. Every
// problem is a *FileError with the line of the schema node at fault; several
// are joined with errors.Join.
func ParseSchema(path string, data []byte) (*Schema, error) {
	docs, err := decodeDocuments(data)
	if err != nil {
		return nil, yamlError(path, err, data)
	}
	if len(docs) == 0 {
		return nil, &FileError{Path: path, Err: errors.New("the schema file is empty")}
	}
	b := &schemaBuilder{path: path, built: map[*pyValue]rule{}, defs: map[string]*includeDef{}}
	values := make([]*pyValue, len(docs))
	for i, doc := range docs {
		v, err := loadPython(doc)
		if err != nil {
			line := doc.Line
			var pe *pyError
			if errors.As(err, &pe) {
				line = pe.line
			}
			return nil, &FileError{Path: path, Line: line, Err: fmt.Errorf("PyYAML cannot load this: %w", err)}
		}
		if v.kind == pyNull {
			v.line = doc.Line
		}
		values[i] = v
	}
	root := b.node(values[0], "")
	for _, v := range values[1:] {
		if v.kind != pyMap {
			b.fail(v.line, "", "a document after the first must map include names to schemas, found "+show(v))
			continue
		}
		for i, k := range v.keys {
			if k.kind != pyStr {
				continue // include() cannot name it
			}
			// A name defined again replaces the earlier schema, as in yamale.
			d := b.def(k.text)
			d.line = k.line
			d.rule = b.node(v.vals[i], k.text)
		}
	}
	for _, ref := range b.refs {
		if ref.def.rule == nil {
			b.fail(ref.line, ref.path, fmt.Sprintf("include(%q): no document of the schema file defines %q", ref.def.name, ref.def.name))
		}
	}
	if len(b.errs) == 0 {
		b.checkCycles()
	}
	if len(b.errs) > 0 {
		slices.SortStableFunc(b.errs, func(x, y *FileError) int { return cmp.Compare(x.Line, y.Line) })
		errs := make([]error, len(b.errs))
		for i, e := range b.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return &Schema{source: path, root: root}, nil
}

type schemaBuilder struct {
	path  string
	built map[*pyValue]rule
	defs  map[string]*includeDef
	refs  []includeRef
	errs  []*FileError
}

type includeRef struct {
	def  *includeDef
	line int
	path string
}

// maxSchemaErrors bounds the errors of one schema file.
const maxSchemaErrors = 50

func (b *schemaBuilder) fail(line int, where, msg string) {
	if len(b.errs) >= maxSchemaErrors {
		return
	}
	if where == "" {
		where = "top level"
	}
	b.errs = append(b.errs, &FileError{Path: b.path, Line: line, Err: fmt.Errorf("%s: %s", where, msg)})
}

func (b *schemaBuilder) def(name string) *includeDef {
	d, ok := b.defs[name]
	if !ok {
		d = &includeDef{name: name}
		b.defs[name] = d
	}
	return d
}

// node is the rule for one node of the schema: yamale's
// Schema._process_schema. A node reached again through a YAML alias gets the
// rule built the first time: aliases could otherwise make the work
// exponential.
func (b *schemaBuilder) node(v *pyValue, where string) rule {
	if r, ok := b.built[v]; ok {
		return r
	}
	r := b.build1(v, where)
	b.built[v] = r
	return r
}

func (b *schemaBuilder) build1(v *pyValue, where string) rule {
	switch v.kind {
	case pyMap:
		s := make(schema, 0, len(v.keys))
		for i, k := range v.keys {
			s = append(s, field{key: k, id: hashKey(k), rule: b.node(v.vals[i], join(where, k.text))})
		}
		return s
	case pyList:
		s := make(staticList, 0, len(v.items))
		for i, it := range v.items {
			s = append(s, b.node(it, fmt.Sprintf("%s[%d]", where, i)))
		}
		return s
	case pyStr:
		r, err := b.expression(v.text, v.line, where)
		if err != nil {
			b.fail(v.line, where, err.Error())
			return anyRule{}
		}
		return r
	}
	b.fail(v.line, where, fmt.Sprintf("expected a validator such as str(), found %s%s", show(v), quoteHint(v)))
	return anyRule{}
}

// checkCycles refuses includes that lead back to themselves without
// descending into the data (a: include('a'), or through any()), on which
// yamale would recurse until Python gives up.
func (b *schemaBuilder) checkCycles() {
	state := map[*includeDef]int{} // 1: being visited, 2: done
	var visit func(r rule) *includeDef
	visit = func(r rule) *includeDef {
		switch r := r.(type) {
		case includeRule:
			switch state[r.def] {
			case 1:
				return r.def
			case 2:
				return nil
			}
			state[r.def] = 1
			defer func() { state[r.def] = 2 }()
			return visit(r.def.rule)
		case anyRule:
			for _, sub := range r.anyOf {
				if d := visit(sub); d != nil {
					return d
				}
			}
		}
		return nil
	}
	names := make([]string, 0, len(b.defs))
	for name := range b.defs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		d := b.defs[name]
		if state[d] != 0 {
			continue
		}
		if bad := visit(includeRule{def: d}); bad != nil {
			b.fail(bad.line, bad.name, fmt.Sprintf("include(%q) leads back to itself without a mapping or list in between", bad.name))
			return
		}
	}
}

// A pyArg is one argument of a validator call: a constant (val) or a call.
type pyArg struct {
	kw     string // keyword, or "" for a positional argument
	val    *pyValue
	call   *pyCall
	class  string // a validator named but not called, as in list(str)
	signed bool   // val has a sign already; Python's ast has no room for two
}

type pyCall struct {
	name string
	args []pyArg // positional
	kws  []pyArg
}

func (c *pyCall) kw(name string) (pyArg, bool) {
	for _, a := range c.kws {
		if a.kw == name {
			return a, true
		}
	}
	return pyArg{}, false
}

// expression parses and evaluates one validator expression.
func (b *schemaBuilder) expression(src string, line int, where string) (rule, error) {
	p := &exprParser{src: src}
	p.next()
	if p.err != nil {
		return nil, p.err
	}
	if p.tok.kind == tokName && !p.peekIs('(') {
		return nil, fmt.Errorf("%q: a schema expression must be a validator call such as str()", src)
	}
	arg := p.value()
	if p.err == nil && p.tok.kind != tokEOF {
		p.errorf("unexpected %s after the validator call", p.tok)
	}
	if p.err != nil {
		return nil, fmt.Errorf("%q: %w", src, p.err)
	}
	if arg.call == nil {
		return nil, fmt.Errorf("%q: a schema expression must be a validator call such as str()", src)
	}
	r, err := b.build(arg.call, line, where)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", src, err)
	}
	return r, nil
}

// Validators of yamale that image-crawler does not implement. Schema
// expressions may name a validator by its tag or its class name.
var unsupportedValidators = map[string]string{
	"subset": "subset", "Subset": "subset", "ip": "ip", "Ip": "ip",
	"mac": "mac", "Mac": "mac", "semver": "semver", "SemVer": "semver",
}

var validatorAliases = map[string]string{
	"String": "str", "Integer": "int", "Number": "num", "Boolean": "bool", "Enum": "enum",
	"Day": "day", "Timestamp": "timestamp", "Map": "map", "List": "list", "Include": "include",
	"Any": "any", "Null": "null", "Regex": "regex",
}

// The validators image-crawler implements, by yamale's tags.
var supportedValidators = map[string]bool{
	"str": true, "int": true, "num": true, "bool": true, "enum": true, "day": true, "timestamp": true,
	"map": true, "list": true, "include": true, "any": true, "null": true, "regex": true,
}

func isValidatorName(name string) bool {
	ok := supportedValidators[name]
	_, alias := validatorAliases[name]
	_, unsupported := unsupportedValidators[name]
	return ok || alias || unsupported
}

// build evaluates a validator call, as yamale's validator classes read their
// arguments. Like yamale, it ignores what a validator does not read (other
// keywords, positional arguments of str() and the like): such a schema
// judges files as the image manager does.
func (b *schemaBuilder) build(c *pyCall, line int, where string) (rule, error) {
	name := c.name
	if n, ok := validatorAliases[name]; ok {
		name = n
	}
	if n, ok := unsupportedValidators[name]; ok {
		return nil, fmt.Errorf("yamale's %s() validator is not supported by image-crawler", n)
	}
	if !supportedValidators[name] {
		return nil, fmt.Errorf("unknown validator %s()", c.name)
	}
	for _, k := range []string{"min", "max"} {
		if _, ok := c.kw(k); ok && (name == "day" || name == "timestamp") {
			return nil, fmt.Errorf("%s(%s=...) is not supported by image-crawler", c.name, k)
		}
	}
	// Arguments yamale evaluates but then ignores can still fail.
	if !slices.Contains([]string{"any", "list", "map"}, name) {
		for _, a := range c.args {
			if a.call != nil {
				if _, err := b.build(a.call, line, where); err != nil {
					return nil, err
				}
			}
		}
	}
	var o opts
	if a, ok := c.kw("required"); ok {
		o.optional = !a.truth()
	}
	if a, ok := c.kw("none"); ok {
		o.noNone = !a.truth()
	}
	switch name {
	case "str":
		return b.str(c, o)
	case "int":
		r := intRule{opts: o}
		for _, k := range []string{"min", "max"} {
			a, ok := c.kw(k)
			if !ok {
				continue
			}
			n, err := a.integer(k)
			if err != nil {
				return nil, err
			}
			if k == "min" {
				r.min = n
			} else {
				r.max = n
			}
		}
		return r, nil
	case "num":
		r := numRule{opts: o}
		for _, k := range []string{"min", "max"} {
			a, ok := c.kw(k)
			if !ok {
				continue
			}
			f, err := a.float(k)
			if err != nil {
				return nil, err
			}
			if k == "min" {
				r.min = &f
			} else {
				r.max = &f
			}
		}
		return r, nil
	case "bool":
		return boolRule{o}, nil
	case "day":
		return dayRule{o}, nil
	case "timestamp":
		return timestampRule{o}, nil
	case "null":
		return nullRule{o}, nil
	case "enum":
		r := enumRule{opts: o}
		for _, a := range c.args {
			switch {
			case a.call != nil:
				// yamale would compare values with a validator object and fail.
				return nil, errors.New("enum() takes constants, not validators")
			case a.val != nil:
				r.values = append(r.values, a.val)
			}
			// A validator named but not called equals no value.
		}
		return r, nil
	case "any":
		subs, err := b.rules(c, line, where)
		return anyRule{opts: o, anyOf: subs}, err
	case "list":
		subs, err := b.rules(c, line, where)
		if err != nil {
			return nil, err
		}
		r := listRule{opts: o, items: subs}
		r.min, r.max, err = lengths(c)
		return r, err
	case "map":
		subs, err := b.rules(c, line, where)
		if err != nil {
			return nil, err
		}
		r := mapRule{opts: o, values: subs}
		if r.min, r.max, err = lengths(c); err != nil {
			return nil, err
		}
		if a, ok := c.kw("key"); ok {
			if a.call == nil {
				return nil, errors.New("key= takes a validator such as str()")
			}
			k, err := b.build(a.call, line, where)
			if err != nil {
				return nil, err
			}
			switch k.(type) {
			case strRule, intRule, numRule, boolRule, enumRule, regexRule, dayRule, timestampRule, nullRule:
			default:
				return nil, fmt.Errorf("key=%s() is not supported: keys are checked with a validator of scalars", a.call.name)
			}
			r.key = k
		}
		return r, nil
	case "include":
		if len(c.args) == 0 || c.args[0].val == nil || c.args[0].val.kind != pyStr {
			return nil, errors.New("include() takes the name of a schema in quotes, as in include('meta')")
		}
		r := includeRule{opts: o, def: b.def(c.args[0].val.text)}
		if a, ok := c.kw("strict"); ok && !(a.val != nil && a.val.kind == pyNull) {
			s := a.truth()
			r.strict = &s
		}
		b.refs = append(b.refs, includeRef{def: r.def, line: line, path: where})
		return r, nil
	case "regex":
		return b.regex(c, o)
	}
	return nil, fmt.Errorf("unknown validator %s()", c.name)
}

// rules evaluates the positional arguments of list(), map() and any().
// yamale ignores those that are not validator calls, and so does this:
// versions of the image manager's schema of November 2022 have
// any('none', 'forever', 'notice', str(starts_with='last-'), day()), which
// therefore refuses the value none.
func (b *schemaBuilder) rules(c *pyCall, line int, where string) ([]rule, error) {
	var rs []rule
	for _, a := range c.args {
		if a.call == nil {
			continue
		}
		r, err := b.build(a.call, line, where)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// lengths reads min= and max= of str(), list() and map(): lengths, which
// yamale converts with int().
func lengths(c *pyCall) (lo, hi int, err error) {
	lo, hi = math.MinInt, math.MaxInt
	for _, k := range []string{"min", "max"} {
		a, ok := c.kw(k)
		if !ok {
			continue
		}
		n, err := a.integer(k)
		if err != nil {
			return 0, 0, err
		}
		v := math.MaxInt
		if n.IsInt64() && n.Int64() < math.MaxInt && n.Int64() > math.MinInt {
			v = int(n.Int64())
		} else if n.Sign() < 0 {
			v = math.MinInt
		}
		if k == "min" {
			lo = v
		} else {
			hi = v
		}
	}
	return lo, hi, nil
}

func (b *schemaBuilder) str(c *pyCall, o opts) (rule, error) {
	r := strRule{opts: o}
	var err error
	if r.min, r.max, err = lengths(c); err != nil {
		return nil, err
	}
	var fl reFlags
	for _, a := range c.kws {
		switch a.kw {
		case "ignore_case":
			r.ignoreCase, fl.ignoreCase = a.truth(), a.truth()
		case "multiline":
			fl.multiline = a.truth()
		case "dotall":
			fl.dotAll = a.truth()
		}
	}
	for _, a := range c.kws {
		var target **string
		switch a.kw {
		case "equals":
			target = &r.equals
		case "starts_with":
			target = &r.prefix
		case "ends_with":
			target = &r.suffix
		case "exclude", "matches":
		default:
			continue
		}
		s, err := a.str()
		if err != nil {
			return nil, err
		}
		switch a.kw {
		case "exclude":
			r.exclude = s
		case "matches":
			re, err := compilePython(s, fl)
			if err != nil {
				return nil, fmt.Errorf("matches=: %w", err)
			}
			r.matches, r.pattern = re, s
		default:
			*target = &s
		}
	}
	return r, nil
}

func (b *schemaBuilder) regex(c *pyCall, o opts) (rule, error) {
	var fl reFlags
	r := regexRule{opts: o}
	for _, a := range c.kws {
		switch a.kw {
		case "ignore_case":
			fl.ignoreCase = a.truth()
		case "multiline":
			fl.multiline = a.truth()
		case "dotall":
			fl.dotAll = a.truth()
		case "name":
			if a.truth() {
				s, err := a.str()
				if err != nil {
					return nil, err
				}
				r.name = s
			}
		}
	}
	var patterns []string
	for _, a := range c.args {
		if a.val == nil || a.val.kind != pyStr {
			continue // yamale ignores what is not a string
		}
		re, err := compilePython(a.val.text, fl)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", a.val.text, err)
		}
		r.res = append(r.res, re)
		patterns = append(patterns, a.val.text)
	}
	switch {
	case r.name != "":
	case len(patterns) == 0:
		r.name = "regex match" // and nothing is one
	default:
		// yamale says "regex match"; the pattern tells more.
		r.name = "match for " + strings.Join(patterns, " or ")
	}
	return r, nil
}

// truth is Python's bool() of a constant argument.
func (a pyArg) truth() bool {
	if a.val == nil {
		return true // a validator object
	}
	switch a.val.kind {
	case pyNull:
		return false
	case pyBool:
		return a.val.truth
	case pyInt:
		return a.val.num.Sign() != 0
	case pyFloat:
		return pyFloatValue(a.val.text) != 0
	}
	return a.val.text != ""
}

// str is Python's str() of a constant argument, as yamale converts the
// string keywords.
func (a pyArg) str() (string, error) {
	if a.val == nil {
		return "", fmt.Errorf("%s= takes a string in quotes, not a validator", a.kw)
	}
	switch a.val.kind {
	case pyInt:
		return a.val.num.String(), nil
	case pyFloat:
		return pyFloatRepr(pyFloatValue(a.val.text)), nil
	}
	return a.val.text, nil // a string, or True, False, None
}

// integer is Python's int() of a constant: a float is truncated, a string
// read as a whole number.
func (a pyArg) integer(k string) (*big.Int, error) {
	if a.val != nil {
		switch a.val.kind {
		case pyInt, pyBool:
			return pyIntValue(a.val), nil
		case pyFloat:
			f := pyFloatValue(a.val.text)
			if !math.IsInf(f, 0) && !math.IsNaN(f) {
				n, _ := big.NewFloat(f).Int(nil)
				return n, nil
			}
		case pyStr:
			t := strings.TrimFunc(a.val.text, unicode.IsSpace)
			if pyIntString().MatchString(t) {
				n, _ := new(big.Int).SetString(strings.ReplaceAll(strings.TrimPrefix(t, "+"), "_", ""), 10)
				return n, nil
			}
		}
	}
	return nil, fmt.Errorf("%s= takes a whole number", k)
}

// float is Python's float() of a constant.
func (a pyArg) float(k string) (float64, error) {
	if a.val != nil {
		switch a.val.kind {
		case pyInt, pyBool, pyFloat:
			return pyNumber(a.val), nil
		case pyStr:
			t := strings.TrimFunc(a.val.text, unicode.IsSpace)
			if pyFloatString().MatchString(t) {
				f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
				if err == nil || errors.Is(err, strconv.ErrRange) {
					return f, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("%s= takes a number", k)
}

// What Python's int() and float() read from a string, trimmed.
var (
	pyIntString   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-+]?[0-9](?:_?[0-9])*$`) })
	pyFloatString = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[-+]?(?:(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][-+]?[0-9](?:_?[0-9])*)?|(?i:inf|infinity|nan))$`)
	})
)

// exprParser reads the part of Python's expression syntax that yamale
// allows in a schema: validator calls whose arguments are constants
// (strings, numbers, True, False, None, each with an optional sign) and
// other validator calls.
type exprParser struct {
	src string
	pos int
	tok token
	err error
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokName
	tokString
	tokNumber
	tokPunct
)

type token struct {
	kind tokKind
	text string   // name, punctuation, or source text
	val  *pyValue // tokString, tokNumber
}

func (t token) String() string {
	if t.kind == tokEOF {
		return "end of expression"
	}
	return strconv.Quote(t.text)
}

// maxExprDepth bounds the nesting of calls and parentheses.
const maxExprDepth = 50

func (p *exprParser) errorf(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

var (
	pyNameRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_]*`) })
	pyNumberRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:0[xXoObB][0-9a-zA-Z_]*|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9_]*)?[jJ]?)`)
	})
	// The literals Python accepts, without the sign.
	pyDecIntRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[1-9](?:_?[0-9])*|0(?:_?0)*)$`) })
	pyHexIntRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)$`)
	})
	pyFloatLit = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.)(?:[eE][-+]?[0-9](?:_?[0-9])*)?` +
			`|[0-9](?:_?[0-9])*[eE][-+]?[0-9](?:_?[0-9])*)$`)
	})
	pyStrStart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i:rb|br|fr|rf|[rubf])?['"]`) })
)

// next reads the next token.
func (p *exprParser) next() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			p.pos++
			continue
		case c == '\\' && strings.HasPrefix(p.src[p.pos+1:], "\n"):
			p.pos += 2
			continue
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
			continue
		}
		break
	}
	if p.pos >= len(p.src) {
		p.tok = token{kind: tokEOF}
		return
	}
	rest := p.src[p.pos:]
	if m := pyStrStart().FindString(rest); m != "" {
		p.tok = p.stringLit(m)
		return
	}
	if m := pyNameRE().FindString(rest); m != "" {
		p.pos += len(m)
		p.tok = token{kind: tokName, text: m}
		return
	}
	if m := pyNumberRE().FindString(rest); m != "" && m != "." {
		p.pos += len(m)
		p.tok = token{kind: tokNumber, text: m, val: numberLit(m)}
		if p.tok.val == nil {
			p.errorf("%q is not a number Python can read, or not a supported one", m)
		}
		return
	}
	r, size := utf8.DecodeRuneInString(rest)
	if strings.ContainsRune("(),=+-", r) {
		p.pos += size
		p.tok = token{kind: tokPunct, text: string(r)}
		return
	}
	p.errorf("unexpected %q", r)
	p.tok = token{kind: tokEOF}
}

// numberLit is the value of a Python number literal, or nil if it is not
// one or is imaginary.
func numberLit(s string) *pyValue {
	switch {
	case pyDecIntRE().MatchString(s):
		n, _ := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 10)
		return &pyValue{kind: pyInt, num: n, text: n.String()}
	case pyHexIntRE().MatchString(s):
		n, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 0)
		if !ok {
			return nil
		}
		return &pyValue{kind: pyInt, num: n, text: n.String()}
	case pyFloatLit().MatchString(s):
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil
		}
		return &pyValue{kind: pyFloat, text: pyFloatRepr(f)}
	}
	return nil
}

// stringLit reads a string literal whose prefix and opening quote are
// start; adjacent literals are joined later, as Python joins them.
func (p *exprParser) stringLit(start string) token {
	prefix := strings.ToLower(start[:len(start)-1])
	quote := start[len(start)-1:]
	begin := p.pos
	p.pos += len(start)
	if strings.HasPrefix(p.src[p.pos:], quote+quote) {
		quote += quote + quote
		p.pos += 2
	}
	raw := strings.Contains(prefix, "r")
	switch {
	case strings.Contains(prefix, "f"):
		p.errorf("f-strings are not constants")
	case strings.Contains(prefix, "b"):
		p.errorf("bytes literals are not supported")
	}
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			p.errorf("unterminated string")
			return token{kind: tokEOF}
		}
		if strings.HasPrefix(p.src[p.pos:], quote) {
			p.pos += len(quote)
			break
		}
		c := p.src[p.pos]
		if c == '\n' && len(quote) == 1 {
			p.errorf("unterminated string")
			return token{kind: tokEOF}
		}
		if c != '\\' || p.pos+1 >= len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteRune(r)
			p.pos += size
			continue
		}
		e, size := utf8.DecodeRuneInString(p.src[p.pos+1:])
		if raw {
			// A raw string keeps the backslash, but it still escapes the quote.
			b.WriteByte('\\')
			b.WriteRune(e)
			p.pos += 1 + size
			continue
		}
		p.pos += 1 + size
		switch e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteRune(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			n := map[rune]int{'x': 2, 'u': 4, 'U': 8}[e]
			if p.pos+n > len(p.src) {
				p.errorf("truncated \\%c escape", e)
				return token{kind: tokEOF}
			}
			x, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
			if err != nil || x > unicode.MaxRune || (x >= 0xD800 && x < 0xE000) {
				p.errorf("invalid \\%c escape", e)
				return token{kind: tokEOF}
			}
			b.WriteRune(rune(x))
			p.pos += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			x := int(e - '0')
			for i := 0; i < 2 && p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '7'; i++ {
				x = x*8 + int(p.src[p.pos]-'0')
				p.pos++
			}
			b.WriteRune(rune(x))
		case 'N':
			p.errorf("\\N{...} escapes are not supported")
			return token{kind: tokEOF}
		default:
			// Python keeps an unknown escape as it is.
			b.WriteByte('\\')
			b.WriteRune(e)
		}
	}
	return token{kind: tokString, text: p.src[begin:p.pos], val: &pyValue{kind: pyStr, text: b.String()}}
}

// value reads an argument: a call, a constant, or a signed number.
func (p *exprParser) value() pyArg {
	return p.valueDepth(0)
}

func (p *exprParser) valueDepth(depth int) pyArg {
	if depth > maxExprDepth {
		p.errorf("expression nested too deeply")
		return pyArg{}
	}
	if p.err != nil {
		return pyArg{}
	}
	t := p.tok
	switch {
	case t.kind == tokPunct && t.text == "(":
		p.next()
		a := p.valueDepth(depth + 1)
		p.expect(")")
		return a
	case t.kind == tokPunct && (t.text == "-" || t.text == "+"):
		p.next()
		// yamale allows one sign before a number, in parentheses or not:
		// -(1) but not --1 or -(-1).
		a := p.valueDepth(depth + 1)
		if p.err != nil {
			return pyArg{}
		}
		if a.val == nil || !slices.Contains([]pyKind{pyInt, pyFloat, pyBool}, a.val.kind) || a.signed {
			p.errorf("a sign must stand directly before a number")
			return pyArg{}
		}
		a.signed = true
		if t.text == "-" {
			a.val = negate(a.val)
		} else if a.val.kind == pyBool {
			n := pyIntValue(a.val)
			a.val = &pyValue{kind: pyInt, num: n, text: n.String()}
		}
		return a
	case t.kind == tokString:
		s := t.val.text
		for p.next(); p.err == nil && p.tok.kind == tokString; p.next() {
			s += p.tok.val.text
		}
		return pyArg{val: &pyValue{kind: pyStr, text: s}}
	case t.kind == tokNumber:
		p.next()
		return pyArg{val: t.val}
	case t.kind == tokName:
		p.next()
		switch t.text {
		case "True", "False":
			return pyArg{val: &pyValue{kind: pyBool, truth: t.text == "True", text: t.text}}
		case "None":
			return pyArg{val: &pyValue{kind: pyNull, text: "None"}}
		}
		if p.tok.kind == tokPunct && p.tok.text == "(" {
			p.next()
			return pyArg{call: p.call(t.text, depth+1)}
		}
		if isValidatorName(t.text) {
			// The class, not a validator: yamale ignores it in list(),
			// map(), any() and enum().
			return pyArg{class: t.text}
		}
		p.errorf("unknown name %s", t.text)
		return pyArg{}
	}
	p.errorf("unexpected %s", t)
	return pyArg{}
}

func negate(v *pyValue) *pyValue {
	switch v.kind {
	case pyFloat:
		return &pyValue{kind: pyFloat, text: pyFloatRepr(-pyFloatValue(v.text))}
	}
	n := new(big.Int).Neg(pyIntValue(v))
	return &pyValue{kind: pyInt, num: n, text: n.String()}
}

func (p *exprParser) expect(punct string) {
	if p.err != nil {
		return
	}
	if p.tok.kind != tokPunct || p.tok.text != punct {
		p.errorf("expected %q, found %s", punct, p.tok)
		return
	}
	p.next()
}

// call reads the arguments of a call, after its "(".
func (p *exprParser) call(name string, depth int) *pyCall {
	if !isValidatorName(name) {
		p.errorf("unknown validator %s()", name)
		return nil
	}
	c := &pyCall{name: name}
	for p.err == nil && !(p.tok.kind == tokPunct && p.tok.text == ")") {
		var a pyArg
		if p.tok.kind == tokName && p.peekIs('=') {
			kw := p.tok.text
			p.next()
			p.next() // =
			a = p.valueDepth(depth)
			a.kw = kw
			if _, dup := c.kw(kw); dup {
				p.errorf("keyword argument %s= repeated", kw)
			}
			c.kws = append(c.kws, a)
		} else {
			a = p.valueDepth(depth)
			if len(c.kws) > 0 {
				p.errorf("positional argument follows keyword argument")
			}
			c.args = append(c.args, a)
		}
		if p.err != nil {
			return nil
		}
		if p.tok.kind == tokPunct && p.tok.text == "," {
			p.next()
			continue
		}
		if !(p.tok.kind == tokPunct && p.tok.text == ")") {
			p.errorf("expected \",\" or \")\", found %s", p.tok)
		}
	}
	p.expect(")")
	return c
}

// peekIs reports whether the next non-blank character after the current
// token is c (and, for =, not ==).
func (p *exprParser) peekIs(c byte) bool {
	rest := strings.TrimLeft(p.src[p.pos:], " \t\r\n\f")
	return strings.HasPrefix(rest, string(c)) && (c != '=' || !strings.HasPrefix(rest, "=="))
}
