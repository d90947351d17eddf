package catalog

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Validate checks a catalog file as the image manager does, against the
// built-in schema (BuiltinSchema): ValidateWith(BuiltinSchema(), path, data).
func Validate(path string, data []byte) []error {
	return ValidateWith(BuiltinSchema(), path, data)
}

// ValidateWith checks a catalog file as the image manager does: it loads the
// file with PyYAML's SafeLoader (YAML 1.1 typing, see pyyaml.go) and applies
// the yamale schema s in strict mode, as yamale.validate does by default.
//
// Every error is a *FileError whose text reads
// `ubuntu.yml:14: images[2].meta.os_distro: "foo" is not one of arch, centos, ...`.
// A file PyYAML cannot load at all gives one error. A nil s is
// BuiltinSchema.
func ValidateWith(s *Schema, path string, data []byte) []error {
	if s == nil {
		s = BuiltinSchema()
	}
	docs, err := decodeDocuments(data)
	if err != nil {
		return []error{yamlError(path, err, data)}
	}
	if len(docs) > 1 {
		return []error{&FileError{Path: path, Line: docs[1].Line,
			Err: errors.New("a second YAML document starts here; the image manager reads a single document")}}
	}
	// yamale reads an empty file as an empty mapping.
	v := &pyValue{kind: pyMap}
	if len(docs) == 1 {
		v, err = loadPython(docs[0])
		if err == nil && v.kind == pyNull {
			v.line = docs[0].Line // an empty document has no line of its own
		}
		if err != nil {
			var pe *pyError
			if errors.As(err, &pe) && pe.unsupported {
				return []error{&FileError{Path: path, Line: pe.line, Err: err}}
			}
			line := 0
			if pe != nil {
				line = pe.line
			}
			return []error{&FileError{Path: path, Line: line, Err: fmt.Errorf("the image manager (PyYAML) cannot load this: %w", err)}}
		}
	}
	budget := maxPyNodes
	p := &problems{budget: &budget, strict: true}
	validate(s.root, v, "", p)
	slices.SortStableFunc(p.list, func(a, b finding) int { return cmp.Compare(a.line, b.line) })
	var errs []error
	for _, pr := range p.list {
		where := pr.path
		if where == "" {
			where = "top level"
		}
		errs = append(errs, &FileError{Path: path, Line: pr.line, Err: fmt.Errorf("%s: %s", where, pr.msg)})
	}
	return errs
}

// Schema is a yamale schema, ready to validate catalog files with
// ValidateWith. Make one with ParseSchema, LoadSchema or BuiltinSchema.
type Schema struct {
	source string // the file it was parsed from, for messages
	root   rule
}

// Source names the file the schema was read from.
func (s *Schema) Source() string { return s.source }

// builtinSchemaYAML is etc/schema.yaml of osism/openstack-image-manager, with
// one change described at its top.
//
//go:embed schema.yaml
var builtinSchemaYAML []byte

const builtinSource = "built-in schema.yaml"

// BuiltinSchema is the image manager's own etc/schema.yaml, as shipped with
// image-crawler; a catalog repository without its own schema is validated
// against it.
func BuiltinSchema() *Schema { return builtinSchema() }

var builtinSchema = sync.OnceValue(func() *Schema {
	s, err := ParseSchema(builtinSource, builtinSchemaYAML)
	if err != nil {
		panic(fmt.Sprintf("catalog: the built-in schema does not parse: %v", err))
	}
	return s
})

type finding struct {
	line      int
	path, msg string
}

type problems struct {
	list   []finding
	budget *int // shared by nested checks; aliases can make a document huge
	// strict refuses mapping keys the schema does not name (yamale's strict
	// mode); include(..., strict=False) turns it off below the include.
	strict bool
}

func (p *problems) add(line int, path, msg string) { p.list = append(p.list, finding{line, path, msg}) }

// sub is a fresh list of problems for a trial check (any, list and map
// alternatives), sharing the budget.
func (p *problems) sub() *problems { return &problems{budget: p.budget, strict: p.strict} }

// step counts one check and reports whether to go on.
func (p *problems) step(v *pyValue, path string) bool {
	*p.budget--
	if *p.budget == -1 {
		p.add(v.line, path, "document too large to validate (alias expansion)")
	}
	return *p.budget >= 0
}

// rule is one node of a yamale schema: a validator such as str() or a
// mapping or list written out in the schema.
type rule interface {
	check(v *pyValue, path string, p *problems)
	wants() string // for messages, e.g. "a date (YYYY-MM-DD, unquoted)"
	flags() opts
}

// opts are the keywords every yamale validator takes. The zero value is
// yamale's default: required=True, none=True.
type opts struct {
	optional bool // required=False: the key may be missing
	noNone   bool // none=False: an optional key's null value is checked too
}

func (o opts) flags() opts { return o }

// validate is yamale's Schema._validate: an optional validator that allows
// None passes a null value without looking at it.
func validate(r rule, v *pyValue, path string, p *problems) {
	if o := r.flags(); v.kind == pyNull && o.optional && !o.noNone {
		return
	}
	r.check(v, path, p)
}

// field is one key of a yamale schema mapping.
type field struct {
	key  *pyValue // a scalar; a string in all real schemas
	id   string   // hashKey(key)
	rule rule
}

// schema is a mapping written out in a yamale schema. yamale requires every
// key whose validator is not required=False and, in strict mode, refuses
// keys the schema does not name.
type schema []field

func (s schema) wants() string { return "a mapping" }
func (s schema) flags() opts   { return opts{} }

func (s schema) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyMap {
		p.add(v.line, path, "expected a mapping, found "+show(v))
		return
	}
	ids := make([]string, len(v.keys))
	for i, k := range v.keys {
		ids[i] = hashKey(k)
		if p.strict && !slices.ContainsFunc(s, func(f field) bool { return f.id == ids[i] }) {
			p.add(k.line, join(path, k.text), "unexpected key (the schema does not allow it)")
		}
	}
	for _, f := range s {
		i := slices.Index(ids, f.id)
		switch {
		case i < 0 && f.rule.flags().optional:
		case i < 0:
			p.add(v.line, join(path, f.key.text), "required key is missing")
		default:
			validate(f.rule, v.vals[i], join(path, f.key.text), p)
		}
	}
}

// staticList is a list written out in a yamale schema: item i of the data
// must match rule i.
type staticList []rule

func (s staticList) wants() string { return "a list" }
func (s staticList) flags() opts   { return opts{} }

func (s staticList) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyList {
		p.add(v.line, path, "expected a list, found "+show(v))
		return
	}
	if p.strict {
		for i := len(s); i < len(v.items); i++ {
			p.add(v.items[i].line, fmt.Sprintf("%s[%d]", path, i), "unexpected item (the schema does not allow it)")
		}
	}
	for i, r := range s {
		switch {
		case i < len(v.items):
			validate(r, v.items[i], fmt.Sprintf("%s[%d]", path, i), p)
		case !r.flags().optional:
			p.add(v.line, fmt.Sprintf("%s[%d]", path, i), "required item is missing")
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// show describes a value for a message.
func show(v *pyValue) string {
	switch v.kind {
	case pyNull:
		return "null"
	case pyStr:
		return strconv.Quote(v.text)
	case pyBool:
		return "bool " + v.text
	case pyInt:
		return "int " + v.text
	case pyFloat:
		return "float " + v.text
	case pyDate:
		return "date " + v.text
	case pyDateTime:
		return "timestamp " + v.text
	case pyList:
		return "a list"
	}
	return "a mapping"
}

// quoteHint suggests quoting a scalar that YAML 1.1 reads as something other
// than a string.
func quoteHint(v *pyValue) string {
	switch v.kind {
	case pyBool, pyInt, pyFloat, pyDate, pyDateTime:
		return fmt.Sprintf(" (quote it: '%s')", v.text)
	}
	return ""
}

// includeDef is a schema defined in a later document of the schema file,
// for include('name'). Its rule is set once the whole file is read, since
// includes may refer to each other in any order.
type includeDef struct {
	name string
	line int
	rule rule
}

// includeRule is yamale's include('name'): the value must match the named
// schema. strict, when set, switches strict mode for everything below.
type includeRule struct {
	opts
	def    *includeDef
	strict *bool
}

func (r includeRule) check(v *pyValue, path string, p *problems) {
	if r.strict != nil {
		defer func(old bool) { p.strict = old }(p.strict)
		p.strict = *r.strict
	}
	validate(r.def.rule, v, path, p)
}

func (r includeRule) wants() string {
	// Not the included rule's wants: includes may be recursive.
	switch r.def.rule.(type) {
	case schema:
		return "a mapping (" + r.def.name + ")"
	case staticList:
		return "a list (" + r.def.name + ")"
	}
	return "a value matching " + r.def.name
}

// listRule is yamale's list(validators..., min=, max=): a list whose every
// item matches one of the validators (any item, if there are none).
type listRule struct {
	opts
	items    []rule
	min, max int // max is math.MaxInt when there is none
}

func (r listRule) wants() string { return "a list" }

func (r listRule) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyList {
		p.add(v.line, path, "expected a list, found "+show(v))
		return
	}
	bad := false
	if len(v.items) < r.min {
		p.add(v.line, path, fmt.Sprintf("needs at least %d item(s), found %d", r.min, len(v.items)))
		bad = true
	}
	if len(v.items) > r.max {
		p.add(v.line, path, fmt.Sprintf("allows at most %d item(s), found %d", r.max, len(v.items)))
		bad = true
	}
	if bad {
		return // yamale looks at the items only when the list itself passes
	}
	for i, it := range v.items {
		checkOneOf(r.items, it, fmt.Sprintf("%s[%d]", path, i), p)
	}
}

// checkOneOf checks that v matches one of rules (anything, if there are
// none), as yamale checks a list's items and a map's values.
func checkOneOf(rules []rule, v *pyValue, path string, p *problems) {
	switch len(rules) {
	case 0:
	case 1:
		validate(rules[0], v, path, p)
	default:
		anyRule{anyOf: rules}.check(v, path, p)
	}
}

// mapRule is yamale's map(validators..., key=, min=, max=): a mapping whose
// every value matches one of the validators, and every key the key
// validator.
type mapRule struct {
	opts
	values   []rule
	key      rule // a scalar rule, or nil
	min, max int  // max is math.MaxInt when there is none
}

func (r mapRule) wants() string { return "a mapping" }

func (r mapRule) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyMap {
		p.add(v.line, path, "expected a mapping, found "+show(v))
		return
	}
	n := len(p.list)
	if len(v.keys) < r.min {
		p.add(v.line, path, fmt.Sprintf("needs at least %d key(s), found %d", r.min, len(v.keys)))
	}
	if len(v.keys) > r.max {
		p.add(v.line, path, fmt.Sprintf("allows at most %d key(s), found %d", r.max, len(v.keys)))
	}
	if r.key != nil {
		for _, k := range v.keys {
			// yamale checks a key with the validator alone: required and
			// none do not apply.
			q := p.sub()
			r.key.check(k, "", q)
			for _, pr := range q.list {
				p.add(k.line, join(path, k.text), "key "+pr.msg)
			}
		}
	}
	if len(p.list) > n {
		return
	}
	for i, k := range v.keys {
		checkOneOf(r.values, v.vals[i], join(path, k.text), p)
	}
}

// strRule is yamale's str() with its constraints.
type strRule struct {
	opts
	min, max   int // length in characters; max is math.MaxInt when there is none
	exclude    string
	equals     *string
	prefix     *string // starts_with
	suffix     *string // ends_with
	matches    *regexp.Regexp
	pattern    string // of matches, for messages
	ignoreCase bool
}

func (r strRule) wants() string {
	s := "a string"
	if r.prefix != nil {
		s += fmt.Sprintf(" starting with %q", *r.prefix)
	}
	if r.suffix != nil {
		s += fmt.Sprintf(" ending with %q", *r.suffix)
	}
	if r.equals != nil {
		s = fmt.Sprintf("the string %q", *r.equals)
	}
	return s
}

func (r strRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyStr {
		p.add(v.line, path, "expected a string, found "+show(v)+quoteHint(v))
		return
	}
	fail := func(format string, args ...any) {
		p.add(v.line, path, show(v)+" "+fmt.Sprintf(format, args...))
	}
	n := utf8.RuneCountInString(v.text) // Python's len
	if n < r.min {
		fail("is shorter than %d character(s)", r.min)
	}
	if n > r.max {
		fail("is longer than %d character(s)", r.max)
	}
	for _, c := range r.exclude {
		if r.contains(v.text, string(c)) {
			fail("contains the excluded character %q", c)
			break
		}
	}
	if r.equals != nil && !r.same(v.text, *r.equals) {
		fail("is not %q", *r.equals)
	}
	if r.prefix != nil && !r.hasPrefix(v.text, *r.prefix) {
		fail("does not start with %q", *r.prefix)
	}
	if r.suffix != nil && !r.hasSuffix(v.text, *r.suffix) {
		fail("does not end with %q", *r.suffix)
	}
	if r.matches != nil && !r.matches.MatchString(v.text) {
		fail("does not match the pattern %s", r.pattern)
	}
}

// ignore_case: Python's casefold, approximated by Unicode simple folding.
func (r strRule) same(a, b string) bool {
	return a == b || r.ignoreCase && strings.EqualFold(a, b)
}

func (r strRule) contains(s, c string) bool {
	return strings.Contains(s, c) || r.ignoreCase && strings.Contains(strings.ToLower(s), strings.ToLower(c))
}

func (r strRule) hasPrefix(s, prefix string) bool {
	n := utf8.RuneCountInString(prefix)
	rs := []rune(s)
	return strings.HasPrefix(s, prefix) || r.ignoreCase && len(rs) >= n && strings.EqualFold(string(rs[:n]), prefix)
}

func (r strRule) hasSuffix(s, suffix string) bool {
	n := utf8.RuneCountInString(suffix)
	rs := []rune(s)
	return strings.HasSuffix(s, suffix) || r.ignoreCase && len(rs) >= n && strings.EqualFold(string(rs[len(rs)-n:]), suffix)
}

// boolRule is yamale's bool().
type boolRule struct{ opts }

func (boolRule) wants() string { return "a bool" }

func (boolRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyBool {
		p.add(v.line, path, "expected a bool (true or false), found "+show(v))
	}
}

// nullRule is yamale's null().
type nullRule struct{ opts }

func (nullRule) wants() string { return "null" }

func (nullRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyNull {
		p.add(v.line, path, "expected null, found "+show(v))
	}
}

// intRule is yamale's int(min=, max=): an int, and not a bool, although a
// Python bool is an int.
type intRule struct {
	opts
	min, max *big.Int // nil: no bound
}

func (r intRule) wants() string {
	switch {
	case r.min != nil && r.max != nil:
		return fmt.Sprintf("an int from %s to %s", r.min, r.max)
	case r.min != nil:
		return fmt.Sprintf("an int of at least %s", r.min)
	case r.max != nil:
		return fmt.Sprintf("an int of at most %s", r.max)
	}
	return "an int"
}

func (r intRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyInt {
		p.add(v.line, path, "expected an int, found "+show(v))
		return
	}
	if r.min != nil && v.num.Cmp(r.min) < 0 {
		p.add(v.line, path, fmt.Sprintf("%s is less than %s", v.num, r.min))
	}
	if r.max != nil && v.num.Cmp(r.max) > 0 {
		p.add(v.line, path, fmt.Sprintf("%s is greater than %s", v.num, r.max))
	}
}

// numRule is yamale's num(min=, max=): an int or a float, not a bool.
type numRule struct {
	opts
	min, max *float64 // nil: no bound
}

func (r numRule) wants() string {
	switch {
	case r.min != nil && r.max != nil:
		return fmt.Sprintf("a number from %s to %s", pyFloatRepr(*r.min), pyFloatRepr(*r.max))
	case r.min != nil:
		return fmt.Sprintf("a number of at least %s", pyFloatRepr(*r.min))
	case r.max != nil:
		return fmt.Sprintf("a number of at most %s", pyFloatRepr(*r.max))
	}
	return "a number"
}

func (r numRule) check(v *pyValue, path string, p *problems) {
	var x float64
	switch v.kind {
	case pyInt:
		x, _ = new(big.Float).SetInt(v.num).Float64()
	case pyFloat:
		x = pyFloatValue(v.text)
	default:
		p.add(v.line, path, "expected a number, found "+show(v))
		return
	}
	// Written so that NaN fails both, as in Python.
	if r.min != nil && !(*r.min <= x) {
		p.add(v.line, path, fmt.Sprintf("%s is less than %s", v.text, pyFloatRepr(*r.min)))
	}
	if r.max != nil && !(*r.max >= x) {
		p.add(v.line, path, fmt.Sprintf("%s is greater than %s", v.text, pyFloatRepr(*r.max)))
	}
}

// pyFloatValue is the value of a scalar PyYAML resolved as a float (see
// SafeConstructor.construct_yaml_float: underscores, .inf, .nan, base 60).
func pyFloatValue(text string) float64 {
	s := strings.ToLower(strings.ReplaceAll(text, "_", ""))
	sign := 1.0
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	switch s {
	case ".inf":
		return sign * math.Inf(1)
	case ".nan":
		return math.NaN()
	}
	x, base := 0.0, 1.0
	parts := strings.Split(s, ":")
	for i := len(parts) - 1; i >= 0; i-- {
		d, _ := strconv.ParseFloat(parts[i], 64) // out of range gives ±Inf, as in Python
		x += d * base
		base *= 60
	}
	return sign * x
}

// pyFloatRepr writes a float as Python's repr does, closely enough for
// messages.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// enumRule is yamale's enum(...): the value equals one of the constants, as
// Python's == compares them (1 == 1.0 == True; None only equals None).
type enumRule struct {
	opts
	values []*pyValue
}

func (r enumRule) names() string {
	if len(r.values) == 0 {
		return "(enum() without values)"
	}
	var s []string
	for _, v := range r.values {
		switch v.kind {
		case pyNull:
			s = append(s, "null")
		default:
			s = append(s, v.text)
		}
	}
	return strings.Join(s, ", ")
}

func (r enumRule) wants() string { return "one of " + r.names() }

func (r enumRule) check(v *pyValue, path string, p *problems) {
	if !slices.ContainsFunc(r.values, func(e *pyValue) bool { return pyEqual(e, v) }) {
		p.add(v.line, path, fmt.Sprintf("%s is not one of %s", show(v), r.names()))
	}
}

// pyEqual is Python's == between an enum constant c (None, a str, a bool,
// an int or a float) and a loaded value v.
func pyEqual(c, v *pyValue) bool {
	isNum := func(k pyKind) bool { return k == pyBool || k == pyInt || k == pyFloat }
	switch {
	case c.kind == pyNull || v.kind == pyNull:
		return c.kind == v.kind
	case c.kind == pyStr || v.kind == pyStr:
		return c.kind == v.kind && c.text == v.text
	case !isNum(c.kind) || !isNum(v.kind):
		return false
	case c.kind != pyFloat && v.kind != pyFloat:
		return pyIntValue(c).Cmp(pyIntValue(v)) == 0
	}
	return pyNumber(c) == pyNumber(v) // NaN equals nothing
}

// pyIntValue is the int value of an int or a bool.
func pyIntValue(v *pyValue) *big.Int {
	if v.kind == pyBool {
		if v.truth {
			return big.NewInt(1)
		}
		return big.NewInt(0)
	}
	return v.num
}

func pyNumber(v *pyValue) float64 {
	if v.kind == pyFloat {
		return pyFloatValue(v.text)
	}
	f, _ := new(big.Float).SetInt(pyIntValue(v)).Float64()
	return f
}

// dayRule is yamale's day(): a date, or a datetime, which Python counts as
// a date too.
type dayRule struct{ opts }

func (dayRule) wants() string { return "a date (YYYY-MM-DD, unquoted)" }

func (r dayRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyDate && v.kind != pyDateTime {
		p.add(v.line, path, "expected "+r.wants()+", found "+show(v)+unquoteHint(v))
	}
}

func unquoteHint(v *pyValue) string {
	if v.kind == pyStr && pyTimestampRE().MatchString(v.text) {
		return " (a quoted date is a string: remove the quotes)"
	}
	return ""
}

// timestampRule is yamale's timestamp(): a datetime.
type timestampRule struct{ opts }

func (timestampRule) wants() string { return "a timestamp (YYYY-MM-DD HH:MM:SS, unquoted)" }

func (r timestampRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyDateTime {
		p.add(v.line, path, "expected "+r.wants()+", found "+show(v)+unquoteHint(v))
	}
}

// anyRule is yamale's any(...): one of the rules must pass; with none, any
// value passes.
type anyRule struct {
	opts
	anyOf []rule
}

func (r anyRule) wants() string {
	var s []string
	for _, sub := range r.anyOf {
		s = append(s, sub.wants())
	}
	return strings.Join(s, ", or ")
}

func (r anyRule) check(v *pyValue, path string, p *problems) {
	if len(r.anyOf) == 0 {
		return
	}
	for _, sub := range r.anyOf {
		q := p.sub()
		validate(sub, v, path, q)
		if len(q.list) == 0 {
			return
		}
	}
	p.add(v.line, path, "expected "+r.wants()+"; found "+show(v)+unquoteHint(v))
}

// regexRule is yamale's regex(patterns..., name=): a string that Python's
// re.match finds one of the patterns at the start of.
type regexRule struct {
	opts
	res  []*regexp.Regexp
	name string
}

func (r regexRule) wants() string { return "a " + r.name }

func (r regexRule) check(v *pyValue, path string, p *problems) {
	switch {
	case v.kind != pyStr:
		p.add(v.line, path, fmt.Sprintf("expected a string (a %s), found %s%s", r.name, show(v), quoteHint(v)))
	case !slices.ContainsFunc(r.res, func(re *regexp.Regexp) bool { return re.MatchString(v.text) }):
		p.add(v.line, path, fmt.Sprintf("%s is not a %s", show(v), r.name))
	}
}

// Python's re flags, as yamale's regex() and str(matches=) take them.
type reFlags struct{ ignoreCase, multiline, dotAll bool }

// compilePython compiles a Python regular expression, as used by re.match, for
// Go. Python's \w, \d and \s are Unicode-aware (Go's are ASCII), Python's $
// also matches before a final newline (with multiline, before any newline,
// as Go's (?m)$ does), \Z is Go's \z, and re.match anchors at the start
// only. What RE2 cannot do (backreferences, lookaround) is an error.
func compilePython(pattern string, fl reFlags) (*regexp.Regexp, error) {
	const (
		word  = `\p{L}\p{N}_`
		space = `\s\v\x{1c}-\x{1f}\x{85}\p{Z}` // str.isspace
	)
	var b strings.Builder
	inClass := false
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && i+1 < len(rs):
			i++
			switch e := rs[i]; {
			case e == 'w' && inClass:
				b.WriteString(word)
			case e == 'w':
				b.WriteString(`[` + word + `]`)
			case e == 'W' && !inClass:
				b.WriteString(`[^` + word + `]`)
			case e == 's' && inClass:
				b.WriteString(space)
			case e == 's':
				b.WriteString(`[` + space + `]`)
			case e == 'S' && !inClass:
				b.WriteString(`[^` + space + `]`)
			case (e == 'W' || e == 'S') && inClass:
				return nil, fmt.Errorf("\\%c inside [...] is not supported", e)
			case e == 'd':
				b.WriteString(`\p{Nd}`)
			case e == 'D':
				b.WriteString(`\P{Nd}`)
			case e == 'Z':
				b.WriteString(`\z`)
			case e == '/':
				b.WriteRune('/')
			default:
				b.WriteRune('\\')
				b.WriteRune(e)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteRune(c)
			if i+1 < len(rs) && rs[i+1] == '^' {
				i++
				b.WriteRune('^')
			}
			if i+1 < len(rs) && rs[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteRune(c)
		case c == '$' && !inClass && fl.multiline:
			b.WriteString(`(?:$)`)
		case c == '$' && !inClass:
			b.WriteString(`(?:\n?\z)`)
		default:
			b.WriteRune(c)
		}
	}
	var prefix string
	if fl.ignoreCase {
		prefix += "i"
	}
	if fl.multiline {
		prefix += "m"
	}
	if fl.dotAll {
		prefix += "s"
	}
	if prefix != "" {
		prefix = "(?" + prefix + ")"
	}
	return regexp.Compile(prefix + `\A(?:` + b.String() + `)`)
}
