// Package natsort orders strings as Python's natsort package does with its
// default algorithm, ns.DEFAULT (ns.INT | ns.UNSIGNED), which is what
// osism/openstack-image-manager uses to pick an image's latest version:
// natsorted(version strings)[-1]. A version the bot writes is only ever used
// if it is the last in that order, so the order here has to be natsort's, not
// a nicer one.
//
// natsort's default key, as documented and implemented in natsort 8.4:
//
//   - The string is first put into Unicode normalisation form NFD, so "é"
//     and "e\u0301" are the same text.
//   - It is split into runs of decimal digits (Unicode category Nd, Python's
//     \d, so "٣" is a digit too) and the text between them. A character that
//     is a digit but not a decimal digit (Unicode Numeric_Type=Digit: "²",
//     "①") is a number of its own, one character long.
//   - Each number becomes an unsigned integer, so "007" and "7" are the same
//     number and "10" comes after "9"; there is no sign, no decimal point and
//     no exponent: "9.10" is 9, ".", 10, after "9.9".
//   - The key is a tuple that always starts with text and then alternates:
//     text, number, text, number... A string that starts with a number gets
//     an empty text in front (so "1a" is ("", 1, "a")), and two numbers
//     next to each other ("1²") get an empty text between them. Texts
//     compare by code point, case-sensitively ("B" before "a"); numbers by
//     value. Tuples compare element by element, and a tuple that is a
//     prefix of another comes first.
//
// So every string that starts with a digit comes before every string that
// starts with anything else ("" is less than any text), "" comes first of
// all, "20251118" comes after "9.8-20260526" (20251118 > 9), and
// "20260612.1" after "20260612" (a longer tuple with the same prefix).
//
// Strings whose keys are equal ("007" and "7", "é" and "e\u0301") tie; natsort
// sorts with Python's stable sort, so ties keep their input order, and
// natsorted(...)[-1] is the last of the tied strings in input order. Sort and
// Latest do the same.
//
// Two corners of natsort are not reproduced: Python refuses to turn a run of
// more than 4300 digits into an int (natsort then keeps the run as text and
// Python's comparison fails), and Unicode tables differ between Python and Go
// versions for recently added scripts. Neither concerns a version string.
package natsort

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Compare returns -1, 0 or +1 as a sorts before, ties with, or sorts after b
// in natsort's default order (see the package comment). It is a total
// preorder on all strings, including ones that are not valid UTF-8.
func Compare(a, b string) int {
	return compareKeys(keyOf(a), keyOf(b))
}

// Sort sorts s in natsort's default order, as natsorted(s) does: stably, so
// strings that tie keep their order.
func Sort(s []string) {
	keys := make([]key, len(s))
	for i, v := range s {
		keys[i] = keyOf(v)
	}
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return compareKeys(keys[i], keys[j]) })
	sorted := make([]string, len(s))
	for i, j := range idx {
		sorted[i] = s[j]
	}
	copy(s, sorted)
}

// Latest returns natsorted(s)[-1], the version the image manager takes as
// the latest: the greatest string in natsort's order and, of strings that tie
// with it, the last in s. It returns false when s is empty.
func Latest(s []string) (string, bool) {
	if len(s) == 0 {
		return "", false
	}
	best, bestKey := s[0], keyOf(s[0])
	for _, v := range s[1:] {
		k := keyOf(v)
		if compareKeys(k, bestKey) >= 0 {
			best, bestKey = v, k
		}
	}
	return best, true
}

// key is natsort's tuple: even positions are text, odd positions numbers,
// written as decimal ASCII digits without leading zeros ("" is 0).
type key []string

func compareKeys(a, b key) int {
	for i := range min(len(a), len(b)) {
		var c int
		if i%2 == 0 {
			c = strings.Compare(a[i], b[i])
		} else {
			c = compareNumbers(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// compareNumbers compares two unsigned integers of any size written without
// leading zeros: the longer is the greater, else the digits decide.
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func keyOf(s string) key {
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	var k key
	// addNumber appends a number, first inserting the "" natsort puts
	// before a leading number and between two numbers.
	addNumber := func(digits []byte) {
		if len(k)%2 == 0 {
			k = append(k, "")
		}
		for len(digits) > 0 && digits[0] == '0' {
			digits = digits[1:]
		}
		k = append(k, string(digits))
	}
	var run []byte // the digits of a run of decimals being read
	text := -1     // where the text being read starts, or -1
	endText := func(end int) {
		if text >= 0 {
			k = append(k, s[text:end])
			text = -1
		}
	}
	endRun := func() {
		if len(run) > 0 {
			addNumber(run)
			run = run[:0]
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d, ok := decimalValue(r); ok {
			endText(i)
			run = append(run, '0'+d)
		} else if d, ok := digitValue(r); ok {
			// A digit that is not a decimal is a number of its own;
			// it never joins a run of decimals.
			endText(i)
			endRun()
			addNumber([]byte{'0' + d})
		} else {
			endRun()
			if text < 0 {
				text = i
			}
		}
		i += size
	}
	endText(len(s))
	endRun()
	return k
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
