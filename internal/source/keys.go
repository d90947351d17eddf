package source

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// yaml.v3 can reject unknown keys only for a whole document decode, and its
// messages name Go types. Checking the node tree against the struct tags
// instead gives "unknown key" errors at the exact line, merge keys included.

var (
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	nodeType        = reflect.TypeOf(yaml.Node{})
)

func reflectKeys(v any) reflect.Type {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func checkKeys(n *yaml.Node, t reflect.Type) error {
	var errs Errors
	walkKeys(n, t, "", &errs)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func walkKeys(n *yaml.Node, t reflect.Type, prefix string, errs *Errors) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map && n.Kind == yaml.MappingNode {
		// A mapping keyed by the user (upstream.per_release): each
		// value is checked against the element type.
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value != "<<" {
				walkKeys(n.Content[i+1], t.Elem(), prefix+n.Content[i].Value+".", errs)
			}
		}
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() != reflect.Struct || t == nodeType {
		return
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			return
		}
		*errs = append(*errs, &Error{Line: n.Line, Msg: strings.TrimSuffix(prefix, ".") + pfxSep(prefix) + "want a mapping"})
		return
	}
	fields := fieldsOf(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" {
			for v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			if v.Kind == yaml.SequenceNode {
				for _, m := range v.Content {
					walkKeys(m, t, prefix, errs)
				}
			} else {
				walkKeys(v, t, prefix, errs)
			}
			continue
		}
		ft, ok := fields[k.Value]
		if !ok {
			*errs = append(*errs, &Error{Line: k.Line, Msg: fmt.Sprintf("unknown key %q (want one of %s)", prefix+k.Value, knownKeys(fields))})
			continue
		}
		walkKeys(v, ft, prefix+k.Value+".", errs)
	}
}

// structFields caches fieldsOf: a sources file checks the same few struct
// types for every image it holds, and reflecting on them each time was a
// sixth of loading the file, on the way to a run's first request.
var structFields sync.Map // reflect.Type -> map[string]reflect.Type

// fieldsOf maps the yaml keys of struct type t to their field types. The
// map is shared: read it, never change it.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := structFields.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f.Type
	}
	m, _ := structFields.LoadOrStore(t, fields)
	return m.(map[string]reflect.Type)
}

func pfxSep(prefix string) string {
	if prefix == "" {
		return ""
	}
	return ": "
}

func knownKeys(fields map[string]reflect.Type) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
