package catalog

import (
	"regexp"
)

// pythonRegexp is compilePython for a pattern known to compile.
func pythonRegexp(pattern string) *regexp.Regexp {
	re, err := compilePython(pattern, reFlags{})
	if err != nil {
		panic(err)
	}
	return re
}
