package problem

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// located is an error that knows its place, as catalog.FileError does.
type located struct{ p Problem }

func (l located) Error() string    { return l.p.String() }
func (l located) Problem() Problem { return l.p }

// listed holds several problems, as source.Errors does.
type listed []Problem

func (l listed) Error() string       { return fmt.Sprint([]Problem(l)) }
func (l listed) Problems() []Problem { return l }

func TestString(t *testing.T) {
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "etc/images/ubuntu.yml", Line: 14, Message: "images[2].meta: bad"}, "etc/images/ubuntu.yml:14: images[2].meta: bad"},
		{Problem{File: "schema.yaml", Message: "the schema file is empty"}, "schema.yaml: the schema file is empty"},
		{Problem{Message: "no catalog file"}, "no catalog file"},
		// A message with colons stays whole: nothing parses it back.
		{Problem{File: "a.yml", Line: 3, Message: "x.yml:9: quoted"}, "a.yml:3: x.yml:9: quoted"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%+v: Error %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestOfAndAll(t *testing.T) {
	at3 := Problem{File: "a.yml", Line: 3, Message: "bad key"}
	at9 := Problem{File: "b.yml", Line: 9, Message: "bad value"}
	for _, tt := range []struct {
		name string
		err  error
		of   Problem
		all  []Problem
	}{
		{"located", located{at3}, at3, []Problem{at3}},
		{"a problem as error", at9, at9, []Problem{at9}},
		{"plain", errors.New("a.yml:3: looks located"), Problem{Message: "a.yml:3: looks located"}, []Problem{{Message: "a.yml:3: looks located"}}},
		// Text around a located error would be lost: it stays text.
		{"wrapped", fmt.Errorf("--catalog-dir: %w", located{at3}), Problem{Message: "--catalog-dir: a.yml:3: bad key"}, []Problem{{Message: "--catalog-dir: a.yml:3: bad key"}}},
		{"list", listed{at3, at9}, Problem{Message: listed{at3, at9}.Error()}, []Problem{at3, at9}},
		{"joined", errors.Join(located{at3}, errors.New("other")), Problem{Message: "a.yml:3: bad key\nother"}, []Problem{at3, {Message: "other"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.err); got != tt.of {
				t.Errorf("Of = %+v, want %+v", got, tt.of)
			}
			if got := All(tt.err); !reflect.DeepEqual(got, tt.all) {
				t.Errorf("All = %+v, want %+v", got, tt.all)
			}
		})
	}
}

func TestUnder(t *testing.T) {
	for _, tt := range []struct {
		p    Problem
		dir  string
		want string
	}{
		{Problem{File: "ubuntu.yml", Line: 2, Message: "m"}, "etc/images", "etc/images/ubuntu.yml"},
		{Problem{File: "ubuntu.yml", Message: "m"}, "", "ubuntu.yml"},
		{Problem{Message: "m"}, "etc/images", ""},
	} {
		if got := tt.p.Under(tt.dir); got.File != tt.want || got.Line != tt.p.Line || got.Message != tt.p.Message {
			t.Errorf("%+v.Under(%q) = %+v, want file %q", tt.p, tt.dir, got, tt.want)
		}
	}
}
