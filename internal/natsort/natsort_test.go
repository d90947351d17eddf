package natsort

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The expected orders below are natsorted(in) worked out by natsort's
// default key (see the package comment), element by element.
func TestSort(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"a date after an identifier whose first number is smaller",
			[]string{"20251118", "9.8-20260526"},
			[]string{"9.8-20260526", "20251118"}},
		{"identifier, old date, new date",
			[]string{"20251118", "9.8-20260526", "20260526"},
			[]string{"9.8-20260526", "20251118", "20260526"}},
		{"a same-day suffix after the bare date",
			[]string{"20260612.1", "20260612"},
			[]string{"20260612", "20260612.1"}},
		{"suffixes compare as numbers",
			[]string{"20260526.1", "20260526", "20260526.10", "20260526.2", "20260527"},
			[]string{"20260526", "20260526.1", "20260526.2", "20260526.10", "20260527"}},
		{"Debian daily build identifiers",
			[]string{"20250210-2019", "20250210", "20250209-2359", "20250210-0001"},
			[]string{"20250209-2359", "20250210", "20250210-0001", "20250210-2019"}},
		{"Fedora",
			[]string{"44-1.7", "44-1.10", "44-1.6", "45-1.1"},
			[]string{"44-1.6", "44-1.7", "44-1.10", "45-1.1"}},
		{"AlmaLinux 10, whose minor 10 follows 2",
			[]string{"10.2-20260526.0", "10.2-20260526", "10.10-20250101.0", "10.2-20260526.1"},
			[]string{"10.2-20260526", "10.2-20260526.0", "10.2-20260526.1", "10.10-20250101.0"}},
		{"Rocky identifiers all sort before a date",
			[]string{"9.5-20241118.0", "20241118", "9.5-20241118.1"},
			[]string{"9.5-20241118.0", "9.5-20241118.1", "20241118"}},
		{"Flatcar",
			[]string{"3510.2.6", "3510.2.10", "4230.2.4", "3510.10.0"},
			[]string{"3510.2.6", "3510.2.10", "3510.10.0", "4230.2.4"}},
		{"CirrOS, where a pre-release suffix sorts after the release",
			[]string{"0.6.3", "0.6.2", "0.10.0", "0.6.10", "0.6.3a", "0.6.3-rc1"},
			[]string{"0.6.2", "0.6.3", "0.6.3-rc1", "0.6.3a", "0.6.10", "0.10.0"}},
		{"openSUSE build names sort after every date and case matters",
			[]string{"Build16.2", "Build16.10", "Build9.9", "20240603", "build1"},
			[]string{"20240603", "Build9.9", "Build16.2", "Build16.10", "build1"}},
		{"leading zeros tie and keep their order",
			[]string{"007", "7", "07"},
			[]string{"007", "7", "07"}},
		{"text compares by code point, upper case first",
			[]string{"a10", "a9", "A10", "b1", "a"},
			[]string{"A10", "a", "a9", "a10", "b1"}},
		{"no sign and no decimal point; empty first; a leading digit before any text",
			[]string{"", "0", "a", "-1", ".5", "1"},
			[]string{"", "0", "1", "-1", ".5", "a"}},
		{"a shorter key first",
			[]string{"v1.0", "v1.0.0", "v1.0-1", "v1.0a", "v1"},
			[]string{"v1", "v1.0", "v1.0-1", "v1.0.0", "v1.0a"}},
		{"trailing text and a trailing number",
			[]string{"1.2.3", "1.2.3 ", "1.2.3.0", "1.2.03"},
			[]string{"1.2.3", "1.2.03", "1.2.3 ", "1.2.3.0"}},
		{"a superscript is a number of its own",
			[]string{"x²", "x1", "x3", "x2"},
			[]string{"x1", "x²", "x2", "x3"}},
		{"Arabic-Indic digits are decimal digits",
			[]string{"v١٠", "v9", "v11"},
			[]string{"v9", "v١٠", "v11"}},
		{"NFD: a composed and a decomposed é tie, and é sorts before f",
			[]string{"f", "e\u0301", "é", "e"},
			[]string{"e", "e\u0301", "é", "f"}},
		{"numbers longer than 64 bits",
			[]string{"100000000000000000000000", "99999999999999999999999", "18446744073709551616"},
			[]string{"18446744073709551616", "99999999999999999999999", "100000000000000000000000"}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sort(%q) = %q, want %q", tt.in, got, tt.want)
			}
			latest, ok := Latest(tt.in)
			if ok != (len(tt.want) > 0) {
				t.Fatalf("Latest(%q) ok = %v", tt.in, ok)
			}
			if ok && latest != tt.want[len(tt.want)-1] {
				t.Errorf("Latest(%q) = %q, want %q", tt.in, latest, tt.want[len(tt.want)-1])
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"20251118", "9.8-20260526", 1},
		{"20260612.1", "20260612", 1},
		{"007", "7", 0},
		{"x007y", "x7y", 0},
		{"é", "e\u0301", 0},
		{"", "", 0},
		{"", "0", -1},
		{"1", "a", -1},
		{"1²", "12", -1}, // ("", 1, "", 2) against ("", 12)
		{"1²", "1", 1},
		{"a", "B", 1},
		{"0", "00", 0},
		{"9", "10", -1},
		{"1.10", "1.9", 1},
		{"\xff", "\xfe", 1}, // not UTF-8: still ordered
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestLatestTies(t *testing.T) {
	// natsorted is stable, so of tied versions the last one listed wins.
	for _, tt := range []struct {
		in   []string
		want string
	}{
		{[]string{"7", "007", "1"}, "007"},
		{[]string{"007", "7", "1"}, "7"},
		{[]string{"é", "e\u0301"}, "e\u0301"},
		{[]string{"only"}, "only"},
	} {
		if got, _ := Latest(tt.in); got != tt.want {
			t.Errorf("Latest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, ok := Latest(nil); ok || got != "" {
		t.Errorf("Latest(nil) = %q, %v", got, ok)
	}
}

// The value of a decimal digit is its distance from the zero of its block,
// which holds only because Unicode encodes every block of decimal digits as
// a contiguous 0..9.
func TestDecimalBlocks(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 && lo != hi {
			t.Errorf("Nd range %U..%U has stride %d", lo, hi, stride)
		}
		if (hi-lo+1)%10 != 0 {
			t.Errorf("Nd range %U..%U is not whole blocks of ten", lo, hi)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
	for _, tt := range []struct {
		r    rune
		want byte
	}{{'7', 7}, {'٣', 3}, {'۹', 9}, {'１', 1}, {'𝟡', 9}, {'𝟘', 0}, {'߉', 9}} {
		if got, ok := decimalValue(tt.r); !ok || got != tt.want {
			t.Errorf("decimalValue(%q) = %d, %v; want %d", tt.r, got, ok, tt.want)
		}
	}
	for _, tt := range []struct {
		r    rune
		want byte
	}{{'²', 2}, {'¹', 1}, {'⁰', 0}, {'⁹', 9}, {'₀', 0}, {'①', 1}, {'⑨', 9}, {'⓪', 0}, {'🄀', 0}, {'🄊', 9}} {
		if got, ok := digitValue(tt.r); !ok || got != tt.want {
			t.Errorf("digitValue(%q) = %d, %v; want %d", tt.r, got, ok, tt.want)
		}
	}
	for _, r := range []rune{'a', '½', 'Ⅻ', '⑩', '.', 0xb1, 0xb4} {
		if _, ok := digitValue(r); ok {
			t.Errorf("digitValue(%q) is a digit", r)
		}
		if _, ok := decimalValue(r); ok {
			t.Errorf("decimalValue(%q) is a digit", r)
		}
	}
}

// checkOrder checks that Compare is a total preorder on a, b, c and that
// Sort and Latest agree with it.
func checkOrder(t *testing.T, a, b, c string) {
	t.Helper()
	sign := func(x int) int { return min(max(x, -1), 1) }
	if Compare(a, a) != 0 {
		t.Fatalf("Compare(%q, itself) != 0", a)
	}
	ab, ba := Compare(a, b), Compare(b, a)
	if ab != sign(ab) || ab != -ba {
		t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
	}
	bc, ac := Compare(b, c), Compare(a, c)
	if ab <= 0 && bc <= 0 && ac > 0 {
		t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
	}
	if ab == 0 && ac != bc {
		t.Fatalf("%q ties %q but they compare differently with %q", a, b, c)
	}
	in := []string{a, b, c}
	s := slices.Clone(in)
	Sort(s)
	for i := 1; i < len(s); i++ {
		if Compare(s[i-1], s[i]) > 0 {
			t.Fatalf("Sort(%q) = %q: out of order at %d", in, s, i)
		}
	}
	// Stable: tied strings keep their input order.
	want := slices.Clone(in)
	slices.SortStableFunc(want, Compare)
	if !slices.Equal(s, want) {
		t.Fatalf("Sort(%q) = %q, want the stable order %q", in, s, want)
	}
	if l, _ := Latest(in); l != s[len(s)-1] {
		t.Fatalf("Latest(%q) = %q, the last of Sort is %q", in, l, s[len(s)-1])
	}
	// Two oracles for shapes whose order needs no natsort: digits only
	// compare as integers, and text with no digit at all, ASCII, as text.
	for _, p := range [][2]string{{a, b}, {b, c}, {a, c}} {
		x, y := p[0], p[1]
		if onlyASCIIDigits(x) && onlyASCIIDigits(y) && x != "" && y != "" {
			bx, _ := new(big.Int).SetString(x, 10)
			by, _ := new(big.Int).SetString(y, 10)
			if got, want := Compare(x, y), bx.Cmp(by); got != want {
				t.Fatalf("Compare(%q, %q) = %d, integers compare %d", x, y, got, want)
			}
		}
		if noDigitsASCII(x) && noDigitsASCII(y) {
			if got, want := Compare(x, y), strings.Compare(x, y); got != want {
				t.Fatalf("Compare(%q, %q) = %d, text compares %d", x, y, got, want)
			}
		}
	}
}

func onlyASCIIDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

func noDigitsASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 || s[i] >= '0' && s[i] <= '9' {
			return false
		}
	}
	return true
}

// TestOrderRandom runs checkOrder on version-like strings from a fixed
// seed, so it checks the same triples every run.
func TestOrderRandom(t *testing.T) {
	pieces := []string{"0", "1", "9", "10", "007", "20260526", "18446744073709551616", ".", "-", "a", "B", "Build",
		"", " ", "²", "٣", "é", "e\u0301", "\u0301", "\xff"}
	rng := rand.New(rand.NewPCG(10, 20))
	word := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	for range 20000 {
		checkOrder(t, word(), word(), word())
	}
}

func FuzzCompare(f *testing.F) {
	for _, s := range [][3]string{
		{"20251118", "9.8-20260526", "20260526"},
		{"20260612", "20260612.1", "20260612.01"},
		{"007", "7", "07"},
		{"x²", "x2", "x1²"},
		{"é", "e\u0301", "f"},
		{"", "0", "a"},
		{"\xff1", "\xfe", "1\xff"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		checkOrder(t, a, b, c)
	})
}
