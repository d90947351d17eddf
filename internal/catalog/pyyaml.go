package catalog

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// This file reads a YAML tree the way the image manager does: PyYAML's
// SafeLoader, which implements YAML 1.1. yaml.v3 parses the syntax (both are
// ports of libyaml); what differs is how a plain (unquoted) scalar is typed.
// Under YAML 1.1 "yes" is a bool, 0755 an octal int and 2026-07-05 a date.
// The regular expressions and constructors below follow PyYAML's
// resolver.py and constructor.py.

type pyKind uint8

const (
	pyNull pyKind = iota
	pyBool
	pyInt
	pyFloat
	pyStr
	pyDate     // datetime.date
	pyDateTime // datetime.datetime (a subclass of date)
	pyList
	pyMap
)

// pyValue is one Python value as PyYAML would construct it.
type pyValue struct {
	kind  pyKind
	text  string   // the string, or a scalar's source text
	num   *big.Int // pyInt
	truth bool     // pyBool
	items []*pyValue
	keys  []*pyValue // pyMap, in insertion order, each key once
	vals  []*pyValue
	line  int
}

// get is the value under the string key k.
func (v *pyValue) get(k string) (*pyValue, bool) {
	for i, key := range v.keys {
		if key.kind == pyStr && key.text == k {
			return v.vals[i], true
		}
	}
	return nil, false
}

// pyError is a document PyYAML refuses to load.
type pyError struct {
	line int
	msg  string
	// unsupported: PyYAML would load it, but into a type (set, bytes, ...)
	// that this package does not model and no schema rule accepts.
	unsupported bool
}

func (e *pyError) Error() string { return e.msg }

// The implicit resolvers of PyYAML's Resolver, in Go syntax. Go's $ matches
// only at the end of the text, Python's also before a final newline, which a
// plain scalar never has.
var (
	pyBoolRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	})
	pyFloatRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?` +
			`|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` +
			`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` +
			`|[-+]?\.(?:inf|Inf|INF)` +
			`|\.(?:nan|NaN|NAN))$`)
	})
	pyIntRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[-+]?0b[0-1_]+` +
			`|[-+]?0[0-7_]+` +
			`|[-+]?(?:0|[1-9][0-9_]*)` +
			`|[-+]?0x[0-9a-fA-F_]+` +
			`|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	})
	pyNullRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:~|null|Null|NULL|)$`) })
	pyTimestampRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]` +
			`|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)
	})
	// SafeConstructor.timestamp_regexp; (?:\n)? stands for Python's $.
	pyTimestampParts = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)` +
			`(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?` +
			`(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?\n?$`)
	})
)

// resolve11 is the tag PyYAML gives a plain scalar.
func resolve11(s string) string {
	switch {
	case pyBoolRE().MatchString(s):
		return "!!bool"
	case pyFloatRE().MatchString(s):
		return "!!float"
	case pyIntRE().MatchString(s):
		return "!!int"
	case s == "<<":
		return "!!merge"
	case pyNullRE().MatchString(s):
		return "!!null"
	case pyTimestampRE().MatchString(s):
		return "!!timestamp"
	case s == "=":
		return "!!value"
	}
	return "!!str"
}

// maxPyNodes bounds the work of loading and validating one document, which
// aliases could otherwise make exponential.
const maxPyNodes = 1 << 20

type pyLoader struct {
	done   map[*yaml.Node]*pyValue
	busy   map[*yaml.Node]bool
	budget int
}

// loadPython converts a yaml.v3 document to the values PyYAML would load.
func loadPython(doc *yaml.Node) (*pyValue, error) {
	l := &pyLoader{done: map[*yaml.Node]*pyValue{}, busy: map[*yaml.Node]bool{}, budget: maxPyNodes}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return &pyValue{kind: pyNull, line: doc.Line}, nil
		}
		doc = doc.Content[0]
	}
	return l.load(doc, false)
}

func (l *pyLoader) load(n *yaml.Node, isKey bool) (*pyValue, error) {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, &pyError{line: n.Line, msg: "alias to an unknown anchor"}
		}
		n = n.Alias
	}
	if v, ok := l.done[n]; ok {
		return v, nil
	}
	if l.busy[n] {
		return nil, &pyError{line: n.Line, msg: "recursive alias"}
	}
	if l.budget--; l.budget < 0 {
		return nil, &pyError{line: n.Line, msg: "document too large (alias expansion)"}
	}
	l.busy[n] = true
	defer delete(l.busy, n)
	var v *pyValue
	var err error
	switch n.Kind {
	case yaml.ScalarNode:
		v, err = pyScalar(n, isKey)
	case yaml.SequenceNode:
		v, err = l.sequence(n)
	case yaml.MappingNode:
		v, err = l.mapping(n)
	default:
		err = &pyError{line: n.Line, msg: fmt.Sprintf("unexpected YAML node kind %v", n.Kind)}
	}
	if err != nil {
		return nil, err
	}
	l.done[n] = v
	return v, nil
}

func explicitTag(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle != 0 {
		return n.Tag
	}
	return ""
}

func (l *pyLoader) sequence(n *yaml.Node) (*pyValue, error) {
	if t := explicitTag(n); t != "" && t != "!!seq" {
		return nil, tagError(n, t)
	}
	v := &pyValue{kind: pyList, line: n.Line}
	for _, c := range n.Content {
		cv, err := l.load(c, false)
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, cv)
	}
	return v, nil
}

func isMergeKey(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || k.Value != "<<" {
		return false
	}
	if t := explicitTag(k); t != "" {
		return t == "!!merge"
	}
	return k.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// flatten is PyYAML's SafeConstructor.flatten_mapping: the pairs of merged
// mappings ("<<: *base") come first, so the mapping's own keys override them.
func flatten(n *yaml.Node, depth int) ([][2]*yaml.Node, error) {
	if depth > 100 {
		return nil, &pyError{line: n.Line, msg: "merge keys nested too deeply"}
	}
	var merge, own [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMergeKey(k) {
			own = append(own, [2]*yaml.Node{k, v})
			continue
		}
		v = deref(v)
		switch v.Kind {
		case yaml.MappingNode:
			sub, err := flatten(v, depth+1)
			if err != nil {
				return nil, err
			}
			merge = append(merge, sub...)
		case yaml.SequenceNode:
			var subs [][][2]*yaml.Node
			for _, s := range v.Content {
				s = deref(s)
				if s.Kind != yaml.MappingNode {
					return nil, &pyError{line: s.Line, msg: "expected a mapping for merging"}
				}
				sub, err := flatten(s, depth+1)
				if err != nil {
					return nil, err
				}
				subs = append(subs, sub)
			}
			slices.Reverse(subs)
			for _, sub := range subs {
				merge = append(merge, sub...)
			}
		default:
			return nil, &pyError{line: v.Line, msg: "expected a mapping or list of mappings for merging"}
		}
	}
	return append(merge, own...), nil
}

func (l *pyLoader) mapping(n *yaml.Node) (*pyValue, error) {
	if t := explicitTag(n); t != "" && t != "!!map" {
		return nil, tagError(n, t)
	}
	pairs, err := flatten(n, 0)
	if err != nil {
		return nil, err
	}
	v := &pyValue{kind: pyMap, line: n.Line}
	index := map[string]int{}
	for _, p := range pairs {
		k, err := l.load(p[0], true)
		if err != nil {
			return nil, err
		}
		if k.kind == pyList || k.kind == pyMap {
			return nil, &pyError{line: p[0].Line, msg: "found unhashable key"}
		}
		val, err := l.load(p[1], false)
		if err != nil {
			return nil, err
		}
		// A Python dict keeps a key's first position and its last value.
		id := hashKey(k)
		if i, ok := index[id]; ok {
			v.vals[i] = val
			continue
		}
		index[id] = len(v.keys)
		v.keys = append(v.keys, k)
		v.vals = append(v.vals, val)
	}
	return v, nil
}

// hashKey identifies a dict key as Python's == does (closely enough: True
// equals 1, 1.0 equals 1).
func hashKey(k *pyValue) string {
	switch k.kind {
	case pyNull:
		return "None"
	case pyStr:
		return "s" + k.text
	case pyInt:
		return "n" + k.num.String()
	case pyBool:
		if k.truth {
			return "n1"
		}
		return "n0"
	case pyFloat:
		if f, err := strconv.ParseFloat(strings.ReplaceAll(k.text, "_", ""), 64); err == nil && f == float64(int64(f)) {
			return "n" + strconv.FormatInt(int64(f), 10)
		}
	}
	return fmt.Sprintf("%d:%s", k.kind, k.text)
}

// pyScalar constructs a scalar as PyYAML's SafeConstructor does.
func pyScalar(n *yaml.Node, isKey bool) (*pyValue, error) {
	v := &pyValue{line: n.Line, text: n.Value}
	tag := explicitTag(n)
	switch {
	case tag == "!":
		tag = resolve11(n.Value)
	case tag != "":
	case n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		tag = "!!str"
	default:
		tag = resolve11(n.Value)
	}
	fail := func(msg string) (*pyValue, error) { return nil, &pyError{line: n.Line, msg: msg} }
	switch tag {
	case "!!str":
		v.kind = pyStr
	case "!!null":
		v.kind = pyNull
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "yes", "true", "on":
			v.kind, v.truth = pyBool, true
		case "no", "false", "off":
			v.kind = pyBool
		default:
			return fail(fmt.Sprintf("%q is not a bool", n.Value))
		}
	case "!!int":
		num, err := constructInt(n.Value)
		if err != nil {
			return fail(err.Error())
		}
		v.kind, v.num = pyInt, num
	case "!!float":
		if err := checkFloat(n.Value); err != nil {
			return fail(err.Error())
		}
		v.kind = pyFloat
	case "!!timestamp":
		kind, err := constructTimestamp(n.Value)
		if err != nil {
			return fail(err.Error())
		}
		v.kind = kind
	case "!!value":
		if !isKey {
			return fail(`could not determine a constructor for the tag 'tag:yaml.org,2002:value' (quote the "=")`)
		}
		v.kind = pyStr
	case "!!merge":
		return fail(`could not determine a constructor for the tag 'tag:yaml.org,2002:merge' (quote the "<<")`)
	default:
		return nil, tagError(n, tag)
	}
	return v, nil
}

// tagError is the error for an explicit tag other than the plain types.
func tagError(n *yaml.Node, tag string) error {
	switch tag {
	case "!!binary", "!!set", "!!omap", "!!pairs":
		return &pyError{line: n.Line, msg: fmt.Sprintf("tag %s is not supported in a catalog file", tag), unsupported: true}
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp":
		return &pyError{line: n.Line, msg: fmt.Sprintf("expected a scalar for tag %s", tag)}
	}
	return &pyError{line: n.Line, msg: fmt.Sprintf("could not determine a constructor for the tag %s", tag)}
}

// constructInt is SafeConstructor.construct_yaml_int.
func constructInt(s string) (*big.Int, error) {
	v := strings.ReplaceAll(s, "_", "")
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg, v = v[0] == '-', v[1:]
	}
	n := new(big.Int)
	ok := true
	switch {
	case v == "":
		ok = false
	case v == "0":
	case strings.HasPrefix(v, "0b"):
		_, ok = n.SetString(v[2:], 2)
	case strings.HasPrefix(v, "0x"):
		_, ok = n.SetString(v[2:], 16)
	case v[0] == '0':
		_, ok = n.SetString(v, 8)
	case strings.Contains(v, ":"):
		// Base 60: 1:30 is 90.
		for _, part := range strings.Split(v, ":") {
			d, okd := new(big.Int).SetString(part, 10)
			if !okd {
				ok = false
				break
			}
			n.Mul(n, big.NewInt(60)).Add(n, d)
		}
	default:
		_, ok = n.SetString(v, 10)
	}
	if !ok {
		return nil, fmt.Errorf("%q is not an int", s)
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

// checkFloat checks a value SafeConstructor.construct_yaml_float can read.
func checkFloat(s string) error {
	v := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	if v != "" && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	if v == ".inf" || v == ".nan" {
		return nil
	}
	for _, part := range strings.Split(v, ":") {
		if _, err := strconv.ParseFloat(strings.TrimSpace(part), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%q is not a float", s)
		}
	}
	return nil
}

// constructTimestamp is SafeConstructor.construct_yaml_timestamp: a date, or a
// datetime when there is a time. Python refuses impossible dates and times.
func constructTimestamp(s string) (pyKind, error) {
	m := pyTimestampParts().FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a timestamp", s)
	}
	num := func(i int) int { n, _ := strconv.Atoi(m[i]); return n }
	year, month, day := num(1), num(2), num(3)
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) {
		return 0, fmt.Errorf("%q is not a valid date", s)
	}
	if m[4] == "" {
		return pyDate, nil
	}
	if num(4) > 23 || num(5) > 59 || num(6) > 59 {
		return 0, fmt.Errorf("%q is not a valid time", s)
	}
	if m[9] != "" && num(10)*60+num(11) >= 24*60 {
		return 0, fmt.Errorf("%q has a time zone offset of a day or more", s)
	}
	return pyDateTime, nil
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
