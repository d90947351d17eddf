package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// pythonRegexp is compilePython for a pattern known to compile.
func pythonRegexp(pattern string) *regexp.Regexp {
	re, err := compilePython(pattern, reFlags{})
	if err != nil {
		panic(err)
	}
	return re
}

// realSchema is the image manager's etc/schema.yaml, unchanged.
func realSchema(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t testing.TB, path string, data []byte) *Schema {
	t.Helper()
	s, err := ParseSchema(path, data)
	if err != nil {
		t.Fatalf("ParseSchema: %v", err)
	}
	return s
}

func errStrings(errs []error) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

// The embedded schema is the image manager's, but for the comment on top
// and the name of the id regex.
func TestBuiltinSchemaIsTheImageManagers(t *testing.T) {
	t.Parallel()
	lines := strings.SplitAfter(string(builtinSchemaYAML), "\n")
	for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
		lines = lines[1:]
	}
	got := strings.Replace(strings.Join(lines, ""), ", name='UUID', required=False)", ", required=False)", 1)
	if got != string(realSchema(t)) {
		t.Error("internal/catalog/schema.yaml is out of step with testdata/schema.yaml")
	}
	if first, again := BuiltinSchema(), BuiltinSchema(); first != again {
		t.Error("the built-in schema is parsed more than once")
	}
	data := []byte(doc("meta.os_distro=foo"))
	if got, want := fmt.Sprint(ValidateWith(nil, "f.yml", data)), fmt.Sprint(Validate("f.yml", data)); got != want || !strings.Contains(got, "os_distro") {
		t.Errorf("a nil schema: %s, want %s", got, want)
	}
	if got := BuiltinSchema().Source(); got != builtinSource {
		t.Errorf("Source() = %q", got)
	}
}

var uuidPattern = regexp.MustCompile(`is not a match for \^\[0-9a-f\]\{8\}-\S+`)

// The real schema.yaml judges catalog files as the built-in schema does,
// real files and broken ones.
func TestRealSchemaAgreesWithBuiltin(t *testing.T) {
	t.Parallel()
	real := mustParse(t, "etc/schema.yaml", realSchema(t))
	paths, err := filepath.Glob("testdata/*/*.yml")
	if err != nil || len(paths) < 20 {
		t.Fatal("too few files", paths, err)
	}
	inputs := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = data
	}
	for i, set := range [][]string{
		{"meta.os_distro=foo", "version.version=20230402"},
		{"image.tags=[a, 1]", "image.min_disk=-1", "meta.hw_disk_bus="},
		{"meta.uuid_validity=lost-3", "meta.provided_until='2030-04-01'"},
		{"version.build_date=20260705", "version.checksum=sha256:abc", "version.meta={}"},
		{"image.meta=-", "image.versions=~", "image.extra=1"},
	} {
		inputs[fmt.Sprint("doc", i)] = []byte(doc(set...))
	}
	failing := 0
	for name, data := range inputs {
		want := errStrings(Validate(name, data))
		got := errStrings(ValidateWith(real, name, data))
		for i, g := range got {
			// The real file's id regex has no name; the built-in copy
			// names it, so its message says what the pattern means.
			got[i] = uuidPattern.ReplaceAllString(g, "is not a UUID")
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\nreal schema: %q\nbuilt-in:    %q", name, got, want)
		}
		if strings.HasPrefix(name, "testdata/osism/") && len(got) > 0 {
			t.Errorf("%s: the image manager's own file fails: %q", name, got)
		}
		if len(want) > 0 {
			failing++
		}
	}
	if failing < 10 {
		t.Errorf("only %d inputs fail; the comparison shows little", failing)
	}
	// The one difference: the id regex has no name in the real schema.
	data := []byte(doc("version.id=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"))
	got := fmt.Sprint(ValidateWith(real, "f.yml", data))
	if !strings.Contains(got, `id: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9" is not a match for ^[0-9a-f]{8}-`) {
		t.Errorf("unnamed regex: %s", got)
	}
}

// extendedSchema is the real schema with more distributions, purposes and a
// new meta key, as an operator's catalog repository might have it.
func extendedSchema(t testing.TB) []byte {
	t.Helper()
	s := string(realSchema(t))
	for _, r := range [][2]string{
		{"'rocky', 'sled'", "'rocky', 'almalinux', 'sled'"},
		{"'network', 'custom')", "'network', 'custom', 'oldgeneric')"},
		{"  hypervisor_type:", "  hw_qemu_guest_agent: bool(required=False)\n  hypervisor_type:"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("the schema has no %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return []byte(s)
}

func TestSchemaThatPermitsMore(t *testing.T) {
	t.Parallel()
	ext := mustParse(t, "etc/schema.yaml", extendedSchema(t))
	alma, err := os.ReadFile("testdata/osism/almalinux.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, builtinSays string
	}{
		{"almalinux", doc("meta.os_distro=almalinux"), `os_distro: "almalinux" is not one of`},
		{"oldgeneric", doc("meta.os_purpose=oldgeneric"), `os_purpose: "oldgeneric" is not one of`},
		{"new meta key", doc("meta.hw_qemu_guest_agent=yes"), "hw_qemu_guest_agent: unexpected key"},
		{"version meta", doc("version.meta={architecture: x86_64, hw_disk_bus: ~, hypervisor_type: qemu, os_distro: almalinux, os_purpose: oldgeneric, replace_frequency: never, uuid_validity: none, provided_until: none}"), `os_distro: "almalinux" is not one of`},
		{"real file", strings.ReplaceAll(string(alma), "os_distro: centos", "os_distro: almalinux"), `os_distro: "almalinux" is not one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := ValidateWith(ext, "f.yml", []byte(tc.data)); len(errs) > 0 {
				t.Errorf("the extended schema refuses it: %v", errs)
			}
			if got := fmt.Sprint(Validate("f.yml", []byte(tc.data))); !strings.Contains(got, tc.builtinSays) {
				t.Errorf("built-in schema: %s\nwant %q", got, tc.builtinSays)
			}
		})
	}
	// What the extension does not allow is still refused.
	if errs := ValidateWith(ext, "f.yml", []byte(doc("meta.os_distro=alpine"))); len(errs) != 1 ||
		!strings.Contains(errs[0].Error(), `"alpine" is not one of arch, centos, cirros, debian, fedora, freebsd, gentoo, mandrake, mandriva, mes, msdos, netbsd, netware, openbsd, opensolaris, opensuse, rhel, rocky, almalinux, sled,`) {
		t.Errorf("alpine: %v", errs)
	}
	if errs := ValidateWith(ext, "f.yml", []byte(doc("meta.hw_qemu_guest_agent='yes'"))); len(errs) != 1 {
		t.Errorf("quoted yes: %v", errs)
	}
}

// TestYamaleValidators checks each validator on values typed as PyYAML
// (YAML 1.1) types them. The schema is `v: <schema>` with include t; the
// data is `v: <value>`, or no v at all for "<missing>".
func TestYamaleValidators(t *testing.T) {
	t.Parallel()
	for _, tc := range validatorCases {
		t.Run(tc.schema+" "+tc.value, func(t *testing.T) {
			t.Parallel()
			s := mustParse(t, "s.yaml", []byte(validatorSchema(tc.schema)))
			errs := ValidateWith(s, "f.yml", []byte(validatorData(tc.value)))
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("refused: %v", errs)
			case tc.want != "" && len(errs) != 1:
				t.Errorf("got %d errors %v, want one containing %q", len(errs), errs, tc.want)
			case tc.want != "" && !strings.Contains(errs[0].Error(), tc.want):
				t.Errorf("got %q, want it to contain %q", errs[0], tc.want)
			case tc.want != "" && !strings.HasPrefix(errs[0].Error(), "f.yml:1: v"):
				t.Errorf("%q does not name file, line and key", errs[0])
			}
		})
	}
}

// validatorSchema is the schema of a validatorCases case.
func validatorSchema(expr string) string {
	v := "v: " + expr + "\n"
	if strings.ContainsAny(expr, "#:\n") && !strings.HasPrefix(expr, "{") {
		v = "v: " + strconv.Quote(expr) + "\n" // YAML reads Go's escapes
	}
	return v + "---\nt:\n  x: int()\n---\ntree:\n  v: int()\n  kids: list(include('tree'), required=False)\n" +
		"u: any(int(), include('t-list'))\nt-list: [int()]\n"
}

// validatorData is the data of a validatorCases case.
func validatorData(value string) string {
	if value == "<missing>" {
		return "{}\n"
	}
	return "v: " + value + "\n"
}

var validatorCases = []struct {
	schema, value string
	want          string // "" if valid, else part of the one error
}{
	// str
	{"str()", "ubuntu", ""},
	{"str()", "'14.04'", ""},
	{"str()", "14.04", "v: expected a string, found float 14.04 (quote it: '14.04')"},
	{"str()", "2024-06-03", "expected a string, found date 2024-06-03"},
	{"str()", "yes", "expected a string, found bool yes"},
	{"str()", "y", ""}, // not a bool in YAML 1.1 as PyYAML reads it
	{"str()", "0o17", ""},
	{"str()", "~", "expected a string, found null"},
	{"str()", "[a]", "expected a string, found a list"},
	{"str()", "<missing>", "v: required key is missing"},
	{"str(min=2, max=3)", "ab", ""},
	{"str(min=2, max=3)", "äöü", ""}, // characters, not bytes
	{"str(min=2, max=3)", "a", `"a" is shorter than 2 character(s)`},
	{"str(min=2, max=3)", "abcd", `"abcd" is longer than 3 character(s)`},
	{"str(starts_with='last-')", "last-3", ""},
	{"str(starts_with='last-')", "lost-3", `"lost-3" does not start with "last-"`},
	{"str(starts_with='LAST-', ignore_case=True)", "last-3", ""},
	{"str(ends_with='.img')", "a.img", ""},
	{"str(ends_with='.img')", "a.qcow2", `does not end with ".img"`},
	{"str(equals='x')", "x", ""},
	{"str(equals='x')", "X", `"X" is not "x"`},
	{"str(equals='x', ignore_case=True)", "X", ""},
	{"str(exclude='/ ')", "a-b", ""},
	{"str(exclude='/ ')", "a/b", `"a/b" contains the excluded character '/'`},
	{"str(matches=r'\\d+$')", "'2024'", ""},
	{"str(matches=r'\\d+$')", "v2024", `"v2024" does not match the pattern \d+$`},
	// int
	{"int()", "5", ""},
	{"int()", "0x10", ""},
	{"int()", "010", ""},
	{"int()", "1_000", ""},
	{"int()", "1:30", ""}, // base 60
	{"int()", "yes", "expected an int, found bool yes"},
	{"int()", "5.0", "expected an int, found float 5.0"},
	{"int()", "'5'", `expected an int, found "5"`},
	{"int(min=1, max=3)", "3", ""},
	{"int(min=1, max=3)", "0", "0 is less than 1"},
	{"int(min=1, max=3)", "4", "4 is greater than 3"},
	{"int(min=1.9)", "1", ""}, // int(1.9) is 1
	{"int(max=-1)", "-0x1", ""},
	{"int(min=-(2), max=+(2))", "-2", ""},
	{"int(min=-(2), max=+(2))", "3", "3 is greater than 2"},
	// num
	{"num()", "5", ""},
	{"num()", "14.04", ""},
	{"num()", "-.inf", ""},
	{"num()", "yes", "expected a number, found bool yes"},
	{"num()", "'1.5'", `expected a number, found "1.5"`},
	{"num(min=0.5)", "0.4", "0.4 is less than 0.5"},
	{"num(min=0.5)", "1", ""},
	{"num(max=60)", "1:30", "1:30 is greater than 60.0"},
	{"num(max=100)", "1:30.5", ""}, // 90.5
	{"num(min=0)", ".nan", "is less than 0.0"},
	// bool
	{"bool()", "true", ""},
	{"bool()", "yes", ""},
	{"bool()", "On", ""},
	{"bool()", "NO", ""},
	{"bool()", "'yes'", `expected a bool (true or false), found "yes"`},
	{"bool()", "y", `found "y"`},
	{"bool()", "1", "found int 1"},
	// day, timestamp
	{"day()", "2024-06-03", ""},
	{"day()", "2024-06-03 10:00:00", ""}, // a datetime is a date to Python
	{"day()", "'2024-06-03'", `found "2024-06-03" (a quoted date is a string: remove the quotes)`},
	{"day()", "2024-6-3", `found "2024-6-3"`},
	{"day()", "20240603", "found int 20240603"},
	{"timestamp()", "2024-06-03T10:00:00Z", ""},
	{"timestamp()", "2024-06-03", "expected a timestamp (YYYY-MM-DD HH:MM:SS, unquoted), found date 2024-06-03"},
	// enum: Python's ==
	{"enum('a', 1, 1.5, None)", "a", ""},
	{"enum('a', 1, 1.5, None)", "1", ""},
	{"enum('a', 1, 1.5, None)", "1.0", ""},
	{"enum('a', 1, 1.5, None)", "true", ""}, // True == 1
	{"enum('a', 1, 1.5, None)", "1.5", ""},
	{"enum('a', 1, 1.5, None)", "~", ""},
	{"enum('a', 1, 1.5, None)", "'1'", `"1" is not one of a, 1, 1.5, null`},
	{"enum('a', 1, 1.5, None)", "'None'", `"None" is not one of`},
	{"enum('a', 1, 1.5, None)", "<missing>", "required key is missing"},
	{"enum('none')", "~", "null is not one of none"},
	{"enum('none')", "none", ""},
	{"enum(True)", "yes", ""},
	{"enum(False)", "0", ""},
	{"enum(-1, +2, 0x10, 1_000, 1e3)", "-1", ""},
	{"enum(-1, +2, 0x10, 1_000, 1e3)", "2", ""},
	{"enum(-1, +2, 0x10, 1_000, 1e3)", "16", ""},
	{"enum(-1, +2, 0x10, 1_000, 1e3)", "1000", ""},
	{"enum(-1, +2, 0x10, 1_000, 1e3)", "3", "int 3 is not one of -1, 2, 16, 1000, 1000.0"},
	{`enum('a' "b", '\x41\n', r'\n', """c'd""")`, "ab", ""},
	{`enum('a' "b", '\x41\n', r'\n', """c'd""")`, `"A\n"`, ""},
	{`enum('a' "b", '\x41\n', r'\n', """c'd""")`, `'\n'`, ""},
	{`enum('a' "b", '\x41\n', r'\n', """c'd""")`, `c'd`, ""},
	{`enum('a' "b", '\x41\n', r'\n', """c'd""")`, "a", `"a" is not one of`},
	// regex
	{"regex(r'^a+$', r'^b+$', name='run')", "aaa", ""},
	{"regex(r'^a+$', r'^b+$', name='run')", "bb", ""},
	{"regex(r'^a+$', r'^b+$', name='run')", "ab", `"ab" is not a run`},
	{"regex(r'^a+$', r'^b+$', name='run')", "5", "expected a string (a run), found int 5 (quote it: '5')"},
	{"regex(r'^a+$')", "b", `"b" is not a match for ^a+$`},
	{"regex(r'^A', ignore_case=True)", "abc", ""},
	{"regex(r'^b$', multiline=True)", `"a\nb"`, `is not a match`}, // re.match anchors at the start
	{"regex(r'a$', multiline=True)", `"a\nb"`, ""},
	{"regex(r'a.b', dotall=True)", `"a\nb"`, ""},
	{"regex(r'a.b')", `"a\nb"`, "is not a match"},
	{"regex(r'\\w+$')", "ñandú", ""},
	// list
	{"list()", "[1, a, ~]", ""},
	{"list()", "a", `expected a list, found "a"`},
	{"list(str())", "[a, 1]", "v[1]: expected a string, found int 1"},
	{"list(str(), int())", "[a, 1]", ""},
	{"list(str(), int())", "[a, 1.5]", "v[1]: expected a string, or an int; found float 1.5"},
	{"list(min=1, max=2)", "[]", "needs at least 1 item(s), found 0"},
	{"list(min=1, max=2)", "[1, 2, 3]", "allows at most 2 item(s), found 3"},
	{"list(str(required=False))", "[~, a]", ""},
	{"list('x', int())", "[1, a]", `v[1]: expected an int, found "a"`}, // yamale ignores constants here
	{"list(str)", "[1, a]", ""},                                        // and validators not called
	// what validators do not read is ignored, as in yamale
	{"str('x')", "1", "expected a string, found int 1"},
	{"str(requried=False)", "<missing>", "v: required key is missing"},
	{"str(min='2')", "a", `"a" is shorter than 2 character(s)`},
	{"num(min=' 1_0.5 ')", "10", "10 is less than 10.5"},
	{"int(min=True)", "0", "0 is less than 1"},
	{"str(starts_with=1)", "'1a'", ""},
	{"str(starts_with=1)", "a", `"a" does not start with "1"`},
	{"enum()", "a", `"a" is not one of (enum() without values)`},
	{"enum(str, 'a')", "a", ""},
	{"enum(str, 'a')", "b", `"b" is not one of a`},
	{"regex()", "a", `"a" is not a regex match`},
	{"regex(5, r'^a')", "a", ""},
	{"regex(r'^a', name=5)", "b", `"b" is not a 5`},
	{"regex(r'^a', name='')", "b", `"b" is not a match for ^a`},
	{"include('t', 'y')", "{x: 1}", ""},
	{"any('x')", "[1, a]", ""},
	// the image manager's schema of 2022 (any() ignores the constants)
	{"any('none', 'forever', str(starts_with='last-'), day(), required=False)", "last-3", ""},
	{"any('none', 'forever', str(starts_with='last-'), day(), required=False)", "2024-01-01", ""},
	{"any('none', 'forever', str(starts_with='last-'), day(), required=False)", "~", ""},
	{"any('none', 'forever', str(starts_with='last-'), day(), required=False)", "none",
		`v: expected a string starting with "last-", or a date (YYYY-MM-DD, unquoted); found "none"`},
	{"list(include('t'))", "[{x: 1}, {x: a}]", "v[1].x: expected an int, found \"a\""},
	// map
	{"map()", "{a: 1}", ""},
	{"map()", "[]", "expected a mapping, found a list"},
	{"map(int())", "{a: 1, b: x}", `v.b: expected an int, found "x"`},
	{"map(int(), key=regex(r'^[a-z]+$', name='lower-case name'))", "{ab: 1}", ""},
	{"map(int(), key=regex(r'^[a-z]+$', name='lower-case name'))", "{Ab: 1}", `v.Ab: key "Ab" is not a lower-case name`},
	{"map(key=int())", "{1: a, b: c}", `v.b: key expected an int, found "b"`},
	{"map(min=1)", "{}", "needs at least 1 key(s), found 0"},
	{"map(max=1)", "{a: 1, b: 2}", "allows at most 1 key(s), found 2"},
	// include, strict mode
	{"include('t')", "{x: 1}", ""},
	{"include('t')", "{x: a}", `v.x: expected an int, found "a"`},
	{"include('t')", "{x: 1, y: 2}", "v.y: unexpected key (the schema does not allow it)"},
	{"include('t', strict=False)", "{x: 1, y: 2}", ""},
	{"include('t')", "{}", "v.x: required key is missing"},
	{"include('t')", "~", "v: expected a mapping, found null"},
	{"include('t', required=False)", "~", ""},
	{"include('tree')", "{v: 1, kids: [{v: 2, kids: []}, {v: 3}]}", ""},
	{"include('tree')", "{v: 1, kids: [{v: 2, kids: [{v: x}]}]}", `v.kids[0].kids[0].v: expected an int, found "x"`},
	{"include('u')", "5", ""},
	{"include('u')", "a", `expected an int, or a list (t-list); found "a"`},
	// any
	{"any()", "~", ""},
	{"any()", "[1]", ""},
	{"any(int(), str())", "1", ""},
	{"any(int(), str())", "a", ""},
	{"any(int(), str())", "1.5", "v: expected an int, or a string; found float 1.5"},
	{"any(int(), str(required=False))", "~", ""},
	// null
	{"null()", "~", ""},
	{"null()", "", ""},
	{"null()", "''", `expected null, found ""`},
	{"null()", "0", "expected null, found int 0"},
	// required, none
	{"str(required=False)", "<missing>", ""},
	{"str(required=False)", "~", ""},
	{"str(required=False, none=False)", "~", "expected a string, found null"},
	{"str(none=False)", "~", "expected a string, found null"},
	{"int(required=0)", "<missing>", ""},
	{"Integer(required=False)", "<missing>", ""},
	{"str(required=False)  # a comment", "<missing>", ""},
	{"(str(required=False))", "<missing>", ""},
	{"str(\n  required=False,\n)", "<missing>", ""},
	// a schema written out as a list or a mapping
	{"[int(), str(required=False)]", "[1, a]", ""},
	{"[int(), str(required=False)]", "[1]", ""},
	{"[int(), str(required=False)]", "[]", "v[0]: required item is missing"},
	{"[int(), str(required=False)]", "[1, a, 2]", "v[2]: unexpected item (the schema does not allow it)"},
	{"{yes: int()}", "{on: 1}", ""}, // both keys are True in YAML 1.1
	{"{1: int()}", "{1: 1, '1': 1}", "v.1: unexpected key"},
}

func TestParseSchemaErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range parseErrorCases {
		t.Run(tc.schema, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSchema("s.yaml", []byte(tc.schema))
			if err == nil {
				t.Fatalf("parsed: %v", s)
			}
			if s != nil {
				t.Error("a schema as well as an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got  %q\nwant %q", err, tc.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != "s.yaml" {
				t.Errorf("%v is not a *FileError for s.yaml", err)
			}
		})
	}
}

// parseErrorCases are broken schemas and what ParseSchema says about them.
var parseErrorCases = []struct{ schema, want string }{
	{"", "s.yaml: the schema file is empty"},
	{"# only a comment\n", "s.yaml: the schema file is empty"},
	{"a: [\n", "s.yaml:2: did not find expected node content"},
	{"a: !!binary eA==\n", "s.yaml:1: PyYAML cannot load this: tag !!binary is not supported"},
	{"---\n", "s.yaml:1: top level: expected a validator such as str(), found null"},
	{"a: 5\n", "s.yaml:1: a: expected a validator such as str(), found int 5 (quote it: '5')"},
	{"a:\n  b:\n    c: bogus\n", `s.yaml:3: a.b.c: "bogus": a schema expression must be a validator call`},
	{"a:\n  - str()\n  - foo()\n", `s.yaml:3: a[1]: "foo()": unknown validator foo()`},
	{"a: str(\n", `s.yaml:1: a: "str(": unexpected end of expression`},
	{"a: str(min=1\n", `s.yaml:1: a: "str(min=1": expected "," or ")", found end of expression`},
	{"a: enum(1.)\n---\nb: enum(.5e-3, 1e5, 1_0.0_1, 00)\nc: x\n", `s.yaml:4: c: "x": a schema expression must be a validator call`},
	{"a: str() str()\n", `unexpected "str" after the validator call`},
	{"a: (5)\n", `"(5)": a schema expression must be a validator call`},
	{"a: '-str()'\n", "a sign must stand directly before a number"},
	{"a: 'str('x')'\n", "s.yaml:1: did not find expected key"},
	{"a: str(min=1, min=2)\n", "keyword argument min= repeated"},
	{"a: str(min=1, 'x')\n", "positional argument follows keyword argument"},
	{"a: num(min=None)\n", "min= takes a number"},
	{"a: str(min=--1)\n", "a sign must stand directly before a number"},
	{"a: str(min=-(-1))\n", "a sign must stand directly before a number"},
	{"a: str(min=-str())\n", "a sign must stand directly before a number"},
	{"a: list(foo)\n", "unknown name foo"},
	{"a: enum(str())\n", "enum() takes constants, not validators"},
	{"a: enum(f'x')\n", "f-strings are not constants"},
	{"a: enum(b'x')\n", "bytes literals are not supported"},
	{"a: enum('x\n", "unterminated string"},
	{"a: enum(1j)\n", `"1j" is not a number Python can read`},
	{"a: enum(01)\n", `"01" is not a number Python can read`},
	{"a: enum(1__0)\n", `"1__0" is not a number`},
	{"a: enum(1; 2)\n", `unexpected ';'`},
	{"a: regex(r'(?<=a)b')\n", `pattern "(?<=a)b": error parsing regexp`},
	{"a: regex(r'(a)\\1')\n", "invalid escape sequence"},
	{"a: str(matches='[')\n", "matches=: error parsing regexp"},
	{"a: ip()\n", "yamale's ip() validator is not supported by image-crawler"},
	{"a: SemVer()\n", "yamale's semver() validator is not supported"},
	{"a: subset(str())\n", "yamale's subset() validator is not supported"},
	{"a: day(min='2020-01-01')\n", "day(min=...) is not supported by image-crawler"},
	{"a: map(key=include('x'))\n---\nx: str()\n", "key=include() is not supported"},
	{"a: include('x')\n", `s.yaml:1: a: include("x"): no document of the schema file defines "x"`},
	{"a: include(x)\n", "unknown name x"},
	{"a: include()\n", "include() takes the name of a schema in quotes"},
	{"a: include(str)\n", "include() takes the name of a schema in quotes"},
	{"a: str(min='x')\n", "min= takes a whole number"},
	{"a: str(min='1.5')\n", "min= takes a whole number"},
	{"a: num(max='x')\n", "max= takes a number"},
	{"a: str(starts_with=str())\n", "starts_with= takes a string in quotes, not a validator"},
	{"a: str(int(min='x'))\n", "min= takes a whole number"},
	{"a: map(key=str)\n", "key= takes a validator such as str()"},
	{"a: str()\n---\n- x: str()\n", "s.yaml:3: top level: a document after the first must map include names to schemas, found a list"},
	{"a: str()\n---\n", "s.yaml:2: top level: a document after the first must map include names to schemas, found null"},
	{"a: include('x')\n---\nx: include('x')\n", `s.yaml:3: x: include("x") leads back to itself`},
	{"a: include('x')\n---\nx: any(str(), include('y'))\ny: include('x')\n", "leads back to itself"},
	{"a: " + strings.Repeat("list(", 60) + strings.Repeat(")", 60) + "\n", "expression nested too deeply"},
}

// Aliases in a schema are followed once: a billion laughs is quick.
func TestParseSchemaAliases(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a: &a0 {x: int(), y: 'str(required=False)'}\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	s := mustParse(t, "s.yaml", []byte(b.String()))
	if errs := ValidateWith(s, "f.yml", []byte("a: {x: 1}\na1: [{x: 1}, {x: 2, y: b}]\n")); len(errs) != 38 {
		t.Errorf("%d errors (want 38 missing keys): %v", len(errs), errs)
	}
	_, err := ParseSchema("s.yaml", []byte("a: &a {x: bad()}\nb: *a\nc: [*a, *a]\n"))
	if err == nil || strings.Count(err.Error(), "unknown validator bad()") != 1 {
		t.Errorf("a shared mistake is reported once: %v", err)
	}
}

// A schema with several mistakes reports each of them, in line order.
func TestParseSchemaReportsEveryMistake(t *testing.T) {
	t.Parallel()
	_, err := ParseSchema("s.yaml", []byte("a: foo()\nb: str()\nc: int(min='x')\n---\nd: 5\n"))
	want := `s.yaml:1: a: "foo()": unknown validator foo()` + "\n" +
		`s.yaml:3: c: "int(min='x')": min= takes a whole number` + "\n" +
		"s.yaml:5: d: expected a validator such as str(), found int 5 (quote it: '5')"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestLoadSchema(t *testing.T) {
	t.Parallel()
	ext := extendedSchema(t)
	almalinux := []byte(doc("meta.os_distro=almalinux"))
	for _, tc := range []struct {
		name       string
		files      fstest.MapFS
		catalogDir string
		want       string // "builtin", "extended", or part of the error
	}{
		{"no schema", fstest.MapFS{"etc/images/a.yml": {Data: almalinux}}, "etc/images", "builtin"},
		{"no repository files at all", fstest.MapFS{}, "etc/images", "builtin"},
		{"own schema", fstest.MapFS{"etc/schema.yaml": {Data: ext}}, "etc/images", "extended"},
		{"unclean catalog dir", fstest.MapFS{"etc/schema.yaml": {Data: ext}}, "./etc//images/", "extended"},
		{"other catalog dir", fstest.MapFS{"catalog/schema.yaml": {Data: ext}, "etc/schema.yaml": {Data: []byte("bad: x\n")}}, "catalog/images", "extended"},
		{"schema elsewhere is not used", fstest.MapFS{"etc/images/schema.yaml": {Data: ext}, "schema.yaml": {Data: ext}}, "etc/images", "builtin"},
		{"catalog at the top", fstest.MapFS{"schema.yaml": {Data: ext}}, ".", "builtin"},
		{"broken schema", fstest.MapFS{"etc/schema.yaml": {Data: []byte("images: list(include('image'))\n")}}, "etc/images",
			`etc/schema.yaml:1: images: include("image"): no document of the schema file defines "image"`},
		{"schema is a folder", fstest.MapFS{"etc/schema.yaml/x": {Data: ext}}, "etc/images", "read the catalog's schema etc/schema.yaml"},
		{"outside the repository", fstest.MapFS{}, "../etc/images", "not a path inside the repository"},
		{"absolute", fstest.MapFS{}, "/etc/images", "not a path inside the repository"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := LoadSchema(tc.files, tc.catalogDir)
			switch tc.want {
			case "builtin":
				if err != nil || s != BuiltinSchema() {
					t.Errorf("got %v, %v; want the built-in schema", s, err)
				}
			case "extended":
				if err != nil {
					t.Fatal(err)
				}
				if errs := ValidateWith(s, "a.yml", almalinux); len(errs) > 0 {
					t.Errorf("not the repository's schema: %v", errs)
				}
				if !strings.HasSuffix(s.Source(), "/schema.yaml") {
					t.Errorf("Source() = %q", s.Source())
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, %v; want an error containing %q", s, err, tc.want)
				}
			}
		})
	}
}

// Through an os.Root, a symbolic link out of the repository is an error, not
// a schema read from elsewhere, and not the built-in one either.
func TestLoadSchemaSymlinkOutside(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "schema.yaml")
	if err := os.WriteFile(outside, extendedSchema(t), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "etc", "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(repo, "etc", "schema.yaml")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(repo)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	s, err := LoadSchema(root.FS(), "etc/images")
	if err == nil {
		t.Fatalf("read %s through a link", s.Source())
	}
	// A link inside the repository is followed.
	if err := os.WriteFile(filepath.Join(repo, "etc", "real.yaml"), extendedSchema(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(repo, "etc", "schema.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yaml", filepath.Join(repo, "etc", "schema.yaml")); err != nil {
		t.Fatal(err)
	}
	s, err = LoadSchema(root.FS(), "etc/images")
	if err != nil || s == BuiltinSchema() {
		t.Fatalf("got %v, %v", s, err)
	}
}

// FuzzParseSchema: any bytes give a schema or an error, never both, never
// a panic; a schema validates catalog files without panicking.
func FuzzParseSchema(f *testing.F) {
	f.Add(realSchema(f))
	f.Add(extendedSchema(f))
	f.Add(builtinSchemaYAML)
	for _, s := range []string{
		"v: str()\n---\nt:\n  x: int()\n",
		"v: include('tree')\n---\ntree:\n  kids: list(include('tree'), required=False)\n",
		"v: [int(), str(required=False)]\n",
		"v: map(int(), key=regex(r'^[a-z]+$', name='x'), min=1)\n",
		"v: enum('a' \"b\", '\\x41', r'\\n', 0x10, -1.5e3, True, None)\n",
		"v: any(str(starts_with='x', ignore_case=True), num(min=0.5), day(), timestamp(), null(), bool())\n",
		"a: include('x')\n---\nx: any(str(), include('y'))\ny: include('x')\n",
		"v: str(matches=r'^\\w+\\s\\Z', multiline=True)\n",
	} {
		f.Add([]byte(s))
	}
	// A small catalog file keeps each run quick.
	data := []byte(doc("meta.os_distro=almalinux"))
	f.Fuzz(func(t *testing.T, schema []byte) {
		s, err := ParseSchema("s.yaml", schema)
		if (s == nil) == (err == nil) {
			t.Fatalf("schema %v, error %v", s, err)
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != "s.yaml" {
				t.Fatalf("%v is not a *FileError for s.yaml", err)
			}
			return
		}
		ValidateWith(s, "f.yml", data)
		ValidateWith(s, "f.yml", []byte("v: [1, a, {x: 1}, ~, 2024-06-03]\n"))
	})
}

// TestAgreesWithYamale replays cases recorded from yamale 6.1.0 itself
// (testdata/yamale/gen.py writes them): random validator expressions, values
// typed by PyYAML, and whether yamale accepted the value.
func TestAgreesWithYamale(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/yamale/differential.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Schema string
		Value  *string
		Valid  bool
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, c := range cases {
		schema := `v: "` + strings.ReplaceAll(c.Schema, `\`, `\\`) + "\"\n---\nt:\n  x: int()\n"
		doc := "{}\n"
		if c.Value != nil {
			doc = "v: " + *c.Value + "\n"
		}
		s, err := ParseSchema("s.yaml", []byte(schema))
		if err != nil {
			t.Errorf("%s: %v", c.Schema, err)
			continue
		}
		errs := ValidateWith(s, "f.yml", []byte(doc))
		if got := len(errs) == 0; got != c.Valid {
			t.Errorf("schema %s, data %q: valid %v, yamale says %v (%v)", c.Schema, doc, got, c.Valid, errs)
		}
		if c.Valid {
			valid++
		}
	}
	if len(cases) < 1000 || valid < 100 || len(cases)-valid < 100 {
		t.Errorf("%d cases, %d valid: too few to show much", len(cases), valid)
	}
}

// TestImageManagerSchemaHistory: every version the image manager's
// etc/schema.yaml has had (an operator's repository may carry any of them)
// parses, and judges the test catalog files as yamale 6.1.0 did
// (testdata/yamale/history.py records that).
func TestImageManagerSchemaHistory(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/yamale/history.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Schema, Data string
		Valid        bool
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*Schema{}
	valid := 0
	for _, c := range cases {
		s, ok := schemas[c.Schema]
		if !ok {
			text, err := os.ReadFile(filepath.Join("testdata/yamale", c.Schema))
			if err != nil {
				t.Fatal(err)
			}
			s = mustParse(t, c.Schema, text)
			schemas[c.Schema] = s
		}
		file, err := os.ReadFile(filepath.Join("testdata/yamale", c.Data))
		if err != nil {
			t.Fatal(err)
		}
		errs := ValidateWith(s, filepath.Base(c.Data), file)
		if got := len(errs) == 0; got != c.Valid {
			t.Errorf("%s with %s: valid %v, yamale says %v %v", c.Data, c.Schema, got, c.Valid, errs)
		}
		if c.Valid {
			valid++
		}
	}
	if len(schemas) < 25 || valid < 20 || len(cases)-valid < 20 {
		t.Errorf("%d schemas, %d cases, %d valid: too few to show much", len(schemas), len(cases), valid)
	}
}
