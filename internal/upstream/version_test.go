package upstream

import (
	"math/rand"
	"slices"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"20260705", "20260705", 0},
		{"20260705", "20260705.1", -1},
		{"20260705.2", "20260705.10", -1},
		{"20260706", "20260705.9", 1},
		{"20250210-2019", "20250211-0001", -1},
		{"20250210-2019", "20250210-2020", -1},
		{"9.9", "9.10", -1},
		{"10.0-20260526.0", "9.8-20260526", 1},
		{"0.6.3", "0.6.10", -1},
		{"4459.2.1", "4459.2.1", 0},
		{"007", "7", 0},
		{"3.23.4-r0", "3.23.4-r1", -1},
		{"20260124", "20260124-2367", -1},
		{"", "1", -1},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestSortShuffledBuilds(t *testing.T) {
	want := []string{"20240101", "20240101.1", "20240102", "20250705", "20260615", "20260705", "20260705.1", "20260705.2", "20260705.10"}
	got := slices.Clone(want)
	rand.New(rand.NewSource(1)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	slices.SortFunc(got, CompareVersions)
	if !slices.Equal(got, want) {
		t.Fatalf("sorted %v, want %v", got, want)
	}
}

func FuzzCompareVersions(f *testing.F) {
	f.Add("20260705.1", "20260705")
	f.Add("9.8-20260526", "10.2-20260526.0")
	f.Fuzz(func(t *testing.T, a, b string) {
		if CompareVersions(a, b) != -CompareVersions(b, a) {
			t.Fatalf("not antisymmetric for %q %q", a, b)
		}
		if CompareVersions(a, a) != 0 {
			t.Fatalf("%q != itself", a)
		}
	})
}
