// Package yamlline finds the line of a YAML syntax error. yaml.v3 reports
// a parser error at the line where the enclosing block begins (libyaml's
// context mark), not where the mistake is: a bad indent on line 80 of a
// catalog comes back as "line 2", the line of "images:".
package yamlline

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// Problem returns the line (1-based) of the syntax error in data, given the
// line yaml.v3 reported (reported; 0 when it named none). It looks for the
// shortest run of whole lines from the top that fails to parse: YAML cut
// after any line before the mistake still parses (a block collection may
// end anywhere), so that run ends on the faulty line. A cut inside a
// multi-line flow collection or quoted scalar fails early too, so a
// result before reported is not trusted and reported stands.
func Problem(data []byte, reported int) int {
	ends := lineEnds(data)
	if len(ends) == 0 || parses(data) {
		return reported
	}
	lo, hi := 1, len(ends) // fails(hi) holds
	for lo < hi {
		mid := (lo + hi) / 2
		if parses(data[:ends[mid-1]]) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < reported {
		return reported
	}
	return lo
}

// lineEnds are the offsets just past each line of data.
func lineEnds(data []byte) []int {
	var ends []int
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	return ends
}

// parses reports whether every document of data parses as YAML.
func parses(data []byte) (ok bool) {
	defer func() {
		if recover() != nil { // yaml.v3 has panicked on bad input before
			ok = false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}
