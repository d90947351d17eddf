package source

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/lifecycle"
)

// checkEndOfLife validates the end_of_life block: a distribution the
// release tables cover, and an http(s) URL of its table, for each entry.
func checkEndOfLife(path string, doc *yaml.Node, eol map[string]string) Errors {
	var errs Errors
	block := mapValue(doc, "end_of_life")
	for _, d := range slices.Sorted(mapKeys(eol)) {
		line := 0
		if block != nil {
			line = block.Line
			if v := mapValue(block, d); v != nil {
				line = v.Line
			}
		}
		add := func(format string, a ...any) {
			errs = append(errs, &Error{Path: path, Line: line, Msg: fmt.Sprintf("end_of_life.%s: ", d) + fmt.Sprintf(format, a...)})
		}
		if !slices.Contains(lifecycle.Distros, d) {
			add("no release table for %q (want one of %s)", d, strings.Join(lifecycle.Distros, ", "))
			continue
		}
		if err := checkURL(eol[d]); err != nil {
			add("%v", err)
		}
	}
	return errs
}
