package upstream

import (
	"strings"
)

// CompareVersions orders build identifiers the way people read them:
// runs of digits compare as numbers, everything else byte-wise, so
// "20260705.1" sorts after "20260705" and "9.10" after "9.9". Listing order
// is never trusted; builds are always sorted with this.
func CompareVersions(a, b string) int {
	for a != "" && b != "" {
		ad, bd := isDigit(a[0]), isDigit(b[0])
		switch {
		case ad && bd:
			an, arest := digitRun(a)
			bn, brest := digitRun(b)
			if c := compareNumeric(an, bn); c != 0 {
				return c
			}
			a, b = arest, brest
		case ad != bd:
			// A number sorts after a separator: "1.1" > "1-rc".
			if ad {
				return 1
			}
			return -1
		default:
			if a[0] != b[0] {
				if a[0] < b[0] {
					return -1
				}
				return 1
			}
			a, b = a[1:], b[1:]
		}
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	default:
		return 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func compareNumeric(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
