package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Validate checks a catalog file as the image manager does: it loads the
// file with PyYAML's SafeLoader (YAML 1.1 typing, see pyyaml.go) and applies
// the yamale schema etc/schema.yaml in strict mode (imageSchema below).
//
// Every error is a *FileError whose text reads
// `ubuntu.yml:14: images[2].meta.os_distro: "foo" is not one of arch, centos, ...`.
// A file PyYAML cannot load at all gives one error.
func Validate(path string, data []byte) []error {
	docs, err := decodeDocuments(data)
	if err != nil {
		return []error{yamlError(path, err)}
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
	p := &problems{budget: &budget}
	imageSchema.check(v, "", p)
	slices.SortStableFunc(p.list, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
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

// imageSchema is etc/schema.yaml of osism/openstack-image-manager (copied at
// commit 4170bade199deac4ae082108243fbf1e38877f54, validated there by yamale
// 6.1.0), written out in Go. Keep the two in step: each line here stands for
// the line of the same key there, with the same arguments.
var imageSchema = schema{
	req("images", list(include("image", imageRules), 1)),
}

var imageRules = schema{
	req("enable", boolean()),
	req("format", enum("aki", "ari", "ami", "raw", "iso", "vhd", "vdi", "qcow2", "vmdk")),
	opt("latest_checksum_url", regex(`^https?:\/\/\w+.*`, "valid URL")),
	opt("latest_url", regex(`^(http|ftp)s?:\/\/\w+.*`, "valid URL")),
	req("login", str("")),
	req("meta", include("meta", metaRules)),
	req("min_disk", integer(0)),
	req("min_ram", integer(0)),
	req("multi", boolean()),
	opt("keep", boolean()),
	req("name", str("")),
	opt("password", str("")),
	opt("shortname", str("")),
	req("status", enum("active", "deactivated")),
	opt("separator", str("")),
	req("tags", list(str(""), 0)),
	req("versions", list(include("versions", versionRules), 0)),
	req("visibility", enum("public", "private", "community", "shared")),
}

// null stands for Python's None in an enum.
const null = "\x00None"

var metaRules = schema{
	req("architecture", enum("x86_64", "aarch64", "risc-v")),
	opt("hotfix_hours", integer(0)),
	req("hw_disk_bus", enum("virtio", "scsi", null)),
	opt("hw_firmware_type", enum("uefi", null)),
	opt("hw_machine_type", enum("pc", "q35", "virt", null)),
	opt("hw_rng_model", enum("virtio", null)),
	opt("hw_scsi_model", enum("virtio-scsi")),
	opt("hw_vif_multiqueue_enabled", boolean()),
	opt("hw_watchdog_action", enum("disabled", "reset", "poweroff", "pause", "none")),
	req("hypervisor_type", enum("hyperv", "ironic", "lxc", "qemu", "uml", "vmware", "xen")),
	opt("image_description", str("")),
	req("os_distro", enum("arch", "centos", "cirros", "debian", "fedora", "freebsd", "gentoo", "mandrake", "mandriva", "mes", "msdos", "netbsd", "netware", "openbsd", "opensolaris", "opensuse", "rhel", "rocky", "sled", "talos", "ubuntu", "windows")),
	opt("os_version", str("")),
	req("os_purpose", enum("generic", "minimal", "k8snode", "gpu", "network", "custom")),
	opt("patchlevel", str("")),
	req("provided_until", anyOf(enum("none"), day())),
	req("replace_frequency", enum("yearly", "quarterly", "monthly", "weekly", "daily", "critical_bug", "never")),
	req("uuid_validity", anyOf(enum("none", "forever", "notice"), str("last-"), day())),
}

var versionRules = schema{
	req("build_date", anyOf(day(), timestamp())),
	opt("checksum", regex(`\w+:([a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{64}|[a-f0-9]{128})$`, "valid checksum")),
	opt("checksum_url", regex(`^https?:\/\/\w+.*`, "valid URL")),
	opt("checksums_url", regex(`^https?:\/\/\w+.*`, "valid URL")),
	opt("hidden", boolean()),
	opt("image_description", str("")),
	opt("meta", include("meta", metaRules)),
	opt("os_version", str("")),
	opt("source", regex(`^(http|ftp)s?:\/\/\w+.*|^private$`, "valid URL or private")),
	req("url", regex(`^(http|ftp)s?:\/\/\w+.*|^(file:|file:///)\w+.*`, "valid URL")),
	opt("mirror_url", regex(`^(http|ftp)s?:\/\/\w+.*|^(file:|file:///)\w+.*`, "valid URL")),
	req("version", str("")),
	opt("visibility", enum("public", "private", "community", "shared")),
	opt("id", regex(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, "UUID")),
}

type problem struct {
	line      int
	path, msg string
}

type problems struct {
	list   []problem
	budget *int // shared by nested checks; aliases can make a document huge
}

func (p *problems) add(line int, path, msg string) { p.list = append(p.list, problem{line, path, msg}) }

// step counts one check and reports whether to go on.
func (p *problems) step(v *pyValue, path string) bool {
	*p.budget--
	if *p.budget == -1 {
		p.add(v.line, path, "document too large to validate (alias expansion)")
	}
	return *p.budget >= 0
}

// rule is one yamale validator.
type rule interface {
	check(v *pyValue, path string, p *problems)
	wants() string // for messages, e.g. "a date (YYYY-MM-DD, unquoted)"
}

// field is one key of a yamale schema mapping; required=False makes it
// optional, and then (yamale's default none=True) a null value passes too.
type field struct {
	key      string
	rule     rule
	required bool
}

func req(key string, r rule) field { return field{key, r, true} }
func opt(key string, r rule) field { return field{key, r, false} }

// schema is a yamale mapping validated strictly: keys it does not name are
// errors.
type schema []field

func (s schema) wants() string { return "a mapping" }

func (s schema) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyMap {
		p.add(v.line, path, "expected a mapping, found "+show(v))
		return
	}
	for _, k := range v.keys {
		if k.kind != pyStr || !slices.ContainsFunc(s, func(f field) bool { return f.key == k.text }) {
			p.add(k.line, join(path, k.text), "unexpected key (the schema does not allow it)")
		}
	}
	for _, f := range s {
		val, ok := v.get(f.key)
		switch {
		case !ok && f.required:
			p.add(v.line, join(path, f.key), "required key is missing")
		case !ok, val.kind == pyNull && !f.required:
		default:
			f.rule.check(val, join(path, f.key), p)
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

// include is yamale's include('name'): the value must match the named schema.
type includeRule struct {
	name  string
	rules *schema
}

func include(name string, rules schema) includeRule { return includeRule{name, &rules} }

func (r includeRule) check(v *pyValue, path string, p *problems) { r.rules.check(v, path, p) }
func (r includeRule) wants() string                              { return "a mapping (" + r.name + ")" }

// list is yamale's list(item, min=n).
type listRule struct {
	item rule
	min  int
}

func list(item rule, min int) listRule { return listRule{item, min} }

func (r listRule) wants() string { return "a list" }

func (r listRule) check(v *pyValue, path string, p *problems) {
	if !p.step(v, path) {
		return
	}
	if v.kind != pyList {
		p.add(v.line, path, "expected a list, found "+show(v))
		return
	}
	if len(v.items) < r.min {
		p.add(v.line, path, fmt.Sprintf("needs at least %d item(s), found %d", r.min, len(v.items)))
		return
	}
	for i, it := range v.items {
		r.item.check(it, fmt.Sprintf("%s[%d]", path, i), p)
	}
}

// str is yamale's str(), and str(starts_with=prefix) when prefix is set.
type strRule struct{ prefix string }

func str(prefix string) strRule { return strRule{prefix} }

func (r strRule) wants() string {
	if r.prefix != "" {
		return fmt.Sprintf("a string starting with %q", r.prefix)
	}
	return "a string"
}

func (r strRule) check(v *pyValue, path string, p *problems) {
	switch {
	case v.kind != pyStr:
		p.add(v.line, path, "expected a string, found "+show(v)+quoteHint(v))
	case !strings.HasPrefix(v.text, r.prefix):
		p.add(v.line, path, fmt.Sprintf("%s does not start with %q", show(v), r.prefix))
	}
}

// boolean is yamale's bool().
type boolRule struct{}

func boolean() boolRule { return boolRule{} }

func (boolRule) wants() string { return "a bool" }

func (boolRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyBool {
		p.add(v.line, path, "expected a bool (true or false), found "+show(v))
	}
}

// integer is yamale's int(min=min).
type intRule struct{ min int64 }

func integer(min int64) intRule { return intRule{min} }

func (r intRule) wants() string { return fmt.Sprintf("an int of at least %d", r.min) }

func (r intRule) check(v *pyValue, path string, p *problems) {
	switch {
	case v.kind != pyInt:
		p.add(v.line, path, "expected an int, found "+show(v))
	case v.num.Cmp(big.NewInt(r.min)) < 0:
		p.add(v.line, path, fmt.Sprintf("%s is less than %d", v.num, r.min))
	}
}

// enum is yamale's enum(...); the value null stands for None.
type enumRule struct{ values []string }

func enum(values ...string) enumRule { return enumRule{values} }

func (r enumRule) names() string {
	var s []string
	for _, v := range r.values {
		if v == null {
			v = "null"
		}
		s = append(s, v)
	}
	return strings.Join(s, ", ")
}

func (r enumRule) wants() string { return "one of " + r.names() }

func (r enumRule) check(v *pyValue, path string, p *problems) {
	ok := (v.kind == pyStr && v.text != null && slices.Contains(r.values, v.text)) ||
		(v.kind == pyNull && slices.Contains(r.values, null))
	if !ok {
		p.add(v.line, path, fmt.Sprintf("%s is not one of %s", show(v), r.names()))
	}
}

// day is yamale's day(): a date, or a datetime, which Python counts as a date
// too.
type dayRule struct{}

func day() dayRule { return dayRule{} }

func (dayRule) wants() string { return "a date (YYYY-MM-DD, unquoted)" }

func (r dayRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyDate && v.kind != pyDateTime {
		p.add(v.line, path, "expected "+r.wants()+", found "+show(v)+unquoteHint(v))
	}
}

func unquoteHint(v *pyValue) string {
	if v.kind == pyStr && pyTimestampRE.MatchString(v.text) {
		return " (a quoted date is a string: remove the quotes)"
	}
	return ""
}

// timestamp is yamale's timestamp(): a datetime.
type timestampRule struct{}

func timestamp() timestampRule { return timestampRule{} }

func (timestampRule) wants() string { return "a timestamp (YYYY-MM-DD HH:MM:SS, unquoted)" }

func (r timestampRule) check(v *pyValue, path string, p *problems) {
	if v.kind != pyDateTime {
		p.add(v.line, path, "expected "+r.wants()+", found "+show(v)+unquoteHint(v))
	}
}

// anyOf is yamale's any(...): one of the rules must pass.
type anyRule struct{ rules []rule }

func anyOf(rules ...rule) anyRule { return anyRule{rules} }

func (r anyRule) wants() string {
	var s []string
	for _, sub := range r.rules {
		s = append(s, sub.wants())
	}
	return strings.Join(s, ", or ")
}

func (r anyRule) check(v *pyValue, path string, p *problems) {
	for _, sub := range r.rules {
		q := &problems{budget: p.budget}
		sub.check(v, path, q)
		if len(q.list) == 0 {
			return
		}
	}
	p.add(v.line, path, "expected "+r.wants()+"; found "+show(v)+unquoteHint(v))
}

// regex is yamale's regex(pattern, name=name): a string that Python's
// re.match finds the pattern at the start of.
type regexRule struct {
	re   *regexp.Regexp
	name string
}

func regex(pattern, name string) regexRule { return regexRule{pythonRegexp(pattern), name} }

func (r regexRule) wants() string { return "a " + r.name }

func (r regexRule) check(v *pyValue, path string, p *problems) {
	switch {
	case v.kind != pyStr:
		p.add(v.line, path, fmt.Sprintf("expected a string (a %s), found %s%s", r.name, show(v), quoteHint(v)))
	case !r.re.MatchString(v.text):
		p.add(v.line, path, fmt.Sprintf("%s is not a %s", show(v), r.name))
	}
}

// pythonRegexp compiles a Python regular expression, as used by re.match, for
// Go. It covers what the schema's patterns use: Python's \w and \d are
// Unicode-aware (Go's are ASCII), Python's $ also matches before a final
// newline, and re.match anchors at the start only.
func pythonRegexp(pattern string) *regexp.Regexp {
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
				b.WriteString(`\p{L}\p{N}_`)
			case e == 'w':
				b.WriteString(`[\p{L}\p{N}_]`)
			case e == 'd':
				b.WriteString(`\p{Nd}`)
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
		case c == '$' && !inClass:
			b.WriteString(`(?:\n?\z)`)
		default:
			b.WriteRune(c)
		}
	}
	return regexp.MustCompile(`\A(?:` + b.String() + `)`)
}
