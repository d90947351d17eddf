package render

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/templates"
)

// Template bombs end with an error naming the template, stopped by the
// renderer's own bounds (not by a timer): self-include, recursive macros,
// huge ranges, string multiplication, huge filter widths, nested loops and
// oversized output (docs/security.md).
func TestTemplateBombs(t *testing.T) {
	img := sampleImage(t, "Debian 12")
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
		limit   bool // the error wraps ErrLimit
	}{
		{"self-include", map[string]string{"image.yml.j2": `{% include "image.yml.j2" %}`}, "nests deeper than 32 levels", true},
		{"mutual include", map[string]string{"image.yml.j2": `{% include "a.j2" %}`, "a.j2": `{% include "b.j2" %}`, "b.j2": `x{% include "a.j2" %}`}, "nests deeper than 32 levels", true},
		{"extends itself", map[string]string{"image.yml.j2": `{% extends "a.j2" %}`, "a.j2": `{% extends "image.yml.j2" %}`}, "while parsing", true},
		{"recursive macro", map[string]string{"image.yml.j2": `{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}`}, "nests deeper than 32 levels", true},
		{"recursive macro imported with from", map[string]string{"m.j2": `{% macro f() %}{{ f() }}{% endmacro %}`, "image.yml.j2": `{% from "m.j2" import f %}{{ f() }}`}, "nests deeper than 32 levels", true},
		{"range", map[string]string{"image.yml.j2": `{% for i in range(300000000) %}{% endfor %}`}, "range() yields more than 100000", true},
		{"nested ranges", map[string]string{"image.yml.j2": `{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}`}, "range() yields more than 100000", true},
		{"nested literal loops", map[string]string{"image.yml.j2": `{% set l = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32] %}{% for a in l %}{% for b in l %}{% for c in l %}{% for d in l %}{% for e in l %}{% if e %}{% endif %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}`}, "more than 100000 steps", true},
		{"string times a number", map[string]string{"image.yml.j2": "- name: x\n{{ \"x\" * 2e9 }}"}, "image.yml.j2:2: the operator * is not allowed", false},
		{"power", map[string]string{"image.yml.j2": "{{ 10 ** 10 }}"}, "the operator ** is not allowed", false},
		{"multiplication in an include", map[string]string{"image.yml.j2": `{% include "m.inc" %}`, "m.inc": `{{ "x" * 2000000000 }}`}, "m.inc:1: the operator * is not allowed", false},
		{"center width", map[string]string{"image.yml.j2": `{{ "x" | center(2000000000) }}`}, "argument 2000000000 is larger than 10000", true},
		{"output size", map[string]string{"image.yml.j2": `{% for i in range(60000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}`}, "output larger than 1048576 bytes", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range tt.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			r, err := Load(fsys, "tpl")
			if err == nil {
				_, err = r.Entry(img, sampleVersions)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v\nwant it to contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "tpl/image.yml.j2") && !strings.Contains(err.Error(), "template") {
				t.Fatalf("error does not name the template: %v", err)
			}
			if tt.limit && !errors.Is(err, ErrLimit) {
				t.Fatalf("error does not wrap ErrLimit: %v", err)
			}
		})
	}
}

// The bounds leave Jinja2's structure alone: extends and blocks, imports,
// from-imports and call blocks render as before.
func TestBoundedStructuresStillWork(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"extends", map[string]string{"base.j2": "A{% block b %}base{% endblock %}Z", "image.yml.j2": `{% extends "base.j2" %}{% block b %}child{% endblock %}`}, "AchildZ"},
		{"from", map[string]string{"m.j2": `{% macro hi(x) %}hi {{ x }}{% endmacro %}`, "image.yml.j2": `{% from "m.j2" import hi %}{{ hi("a") }}`}, "hi a"},
		{"import", map[string]string{"m.j2": `{% macro hi(x) %}hi {{ x }}{% endmacro %}`, "image.yml.j2": `{% import "m.j2" as m %}{{ m.hi("a") }}`}, "hi a"},
		{"call", map[string]string{"image.yml.j2": `{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}in{% endcall %}`}, "[in]"},
		{"loops and ranges", map[string]string{"image.yml.j2": `{% for i in range(3) %}{{ i }}{% endfor %}{{ "x" | center(5) }}`}, "012  x  "},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range tt.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			r, err := Load(fsys, "tpl")
			if err != nil {
				t.Fatal(err)
			}
			w := &limitWriter{b: r.budget}
			r.budget.reset(w)
			if err := r.templates["image.yml.j2"].Execute(w, nil); err != nil {
				t.Fatal(err)
			}
			if string(w.buf) != tt.want {
				t.Fatalf("got %q, want %q", w.buf, tt.want)
			}
		})
	}
}

// A renderer stays usable after a bomb: the budget is per rendering.
func TestBudgetPerRendering(t *testing.T) {
	img := sampleImage(t, "Debian 12")
	r, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := r.Entry(img, sampleVersions); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzTemplates: loading and rendering any template ends, with an entry or
// an error, within the renderer's bounds; it never panics or exhausts the
// machine (go test -fuzz=FuzzTemplates ./internal/render).
func FuzzTemplates(f *testing.F) {
	def, err := templates.FS.ReadFile(templates.Default)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(def), "")
	f.Add(`{% include "inc.j2" %}`, `{% include "image.yml.j2" %}`)
	f.Add(`{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}`, "")
	f.Add(`{% for i in range(10) %}{{ i }}{% endfor %}`, `{{ "x" | center(5) }}`)
	f.Add(`{% import "inc.j2" as m %}{{ m.g() }}`, `{% macro g() %}{{ g() }}{% endmacro %}`)
	f.Add(`{% extends "inc.j2" %}`, `{% extends "image.yml.j2" %}`)
	img := source.Image{Name: "Fuzz 1", Shortname: "fuzz-1", Arch: "x86_64", Meta: source.Meta{Format: "qcow2", Login: "root"}}
	f.Fuzz(func(t *testing.T, main, inc string) {
		if len(main)+len(inc) > 4<<10 {
			return
		}
		fsys := fstest.MapFS{"image.yml.j2": {Data: []byte(main)}, "inc.j2": {Data: []byte(inc)}}
		r, err := Load(fsys, "tpl")
		if err != nil {
			return
		}
		out, err := r.Entry(img, sampleVersions)
		if err == nil && len(out) > MaxOutput+1 {
			t.Fatalf("%d bytes of output", len(out))
		}
	})
}
