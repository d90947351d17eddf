package natsort

import (
	"sort"
	"unicode"
)

// decimalZeros are the code points of the digit zero of every block of
// Unicode decimal digits (category Nd). Unicode encodes decimal digits in
// contiguous runs from 0 to 9, so a digit's value is its distance from the
// zero of its run; Python's int() reads them so.
var decimalZeros = func() []rune {
	var zeros []rune
	add := func(lo, hi, stride rune) {
		for r := lo; r <= hi; r += stride {
			if len(zeros) == 0 || r-zeros[len(zeros)-1] >= 10 {
				zeros = append(zeros, r)
			}
		}
	}
	for _, r := range unicode.Nd.R16 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	return zeros
}()

// decimalValue is the value of a decimal digit (Python's \d).
func decimalValue(r rune) (byte, bool) {
	if r >= '0' && r <= '9' {
		return byte(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	i := sort.Search(len(decimalZeros), func(i int) bool { return decimalZeros[i] > r }) - 1
	return byte(r - decimalZeros[i]), true
}

// digitRanges are the characters that are digits but not decimal digits
// (Unicode Numeric_Type=Digit): superscripts, subscripts, circled digits and
// the like. natsort's default algorithm reads each of them as a number of its
// own, with the value Python's unicodedata.digit gives it. The table is the
// Unicode data as of natsort 8.4 on Python's Unicode 14.
var digitRanges = []struct {
	lo, hi rune
	first  byte // the value of lo
}{
	{0x00b2, 0x00b3, 2},   // SUPERSCRIPT TWO, THREE
	{0x00b9, 0x00b9, 1},   // SUPERSCRIPT ONE
	{0x1369, 0x1371, 1},   // ETHIOPIC DIGIT ONE..NINE
	{0x19da, 0x19da, 1},   // NEW TAI LUE THAM DIGIT ONE
	{0x2070, 0x2070, 0},   // SUPERSCRIPT ZERO
	{0x2074, 0x2079, 4},   // SUPERSCRIPT FOUR..NINE
	{0x2080, 0x2089, 0},   // SUBSCRIPT ZERO..NINE
	{0x2460, 0x2468, 1},   // CIRCLED DIGIT ONE..NINE
	{0x2474, 0x247c, 1},   // PARENTHESIZED DIGIT ONE..NINE
	{0x2488, 0x2490, 1},   // DIGIT ONE..NINE FULL STOP
	{0x24ea, 0x24ea, 0},   // CIRCLED DIGIT ZERO
	{0x24f5, 0x24fd, 1},   // DOUBLE CIRCLED DIGIT ONE..NINE
	{0x24ff, 0x24ff, 0},   // NEGATIVE CIRCLED DIGIT ZERO
	{0x2776, 0x277e, 1},   // DINGBAT NEGATIVE CIRCLED DIGIT ONE..NINE
	{0x2780, 0x2788, 1},   // DINGBAT CIRCLED SANS-SERIF DIGIT ONE..NINE
	{0x278a, 0x2792, 1},   // DINGBAT NEGATIVE CIRCLED SANS-SERIF DIGIT ONE..NINE
	{0x10a40, 0x10a43, 1}, // KHAROSHTHI DIGIT ONE..FOUR
	{0x10e60, 0x10e68, 1}, // RUMI DIGIT ONE..NINE
	{0x11052, 0x1105a, 1}, // BRAHMI NUMBER ONE..NINE
	{0x1f100, 0x1f100, 0}, // DIGIT ZERO FULL STOP
	{0x1f101, 0x1f10a, 0}, // DIGIT ZERO..NINE COMMA
}

// digitValue is the value of a digit that is not a decimal digit.
func digitValue(r rune) (byte, bool) {
	if r < 0xb2 {
		return 0, false
	}
	i := sort.Search(len(digitRanges), func(i int) bool { return digitRanges[i].hi >= r })
	if i == len(digitRanges) || r < digitRanges[i].lo {
		return 0, false
	}
	return digitRanges[i].first + byte(r-digitRanges[i].lo), true
}
