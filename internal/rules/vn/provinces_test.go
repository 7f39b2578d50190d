package vn

import (
	"regexp"
	"testing"
)

func TestCurrentProvinces(t *testing.T) {
	// Resolution 202/2025/QH15: 34 provincial units, 6 of them cities.
	ps := CurrentProvinces()
	if len(ps) != 34 {
		t.Fatalf("%d provinces, want 34", len(ps))
	}
	code := regexp.MustCompile(`^000\.00\.00\.H[0-9]{2}$`)
	names, codes, cities := map[string]bool{}, map[string]bool{}, 0
	for _, p := range ps {
		if names[p.Name] || codes[p.Code] {
			t.Errorf("duplicate %+v", p)
		}
		names[p.Name], codes[p.Code] = true, true
		if !code.MatchString(p.Code) {
			t.Errorf("%s: code %q", p.Name, p.Code)
		}
		if got, err := NormalizeUnitCode(p.Code); err != nil || got != p.Code {
			t.Errorf("%s: code %q does not normalise to itself", p.Name, p.Code)
		}
		if NormalizeName(p.Name) != p.Name {
			t.Errorf("%q is not a normalised name", p.Name)
		}
		if p.City {
			cities++
		}
	}
	if cities != 6 {
		t.Errorf("%d cities, want 6", cities)
	}
	want := map[string]struct {
		code string
		city bool
	}{
		"Hà Nội":      {"000.00.00.H26", true},
		"Hồ Chí Minh": {"000.00.00.H29", true},
		"Huế":         {"000.00.00.H57", true},
		"Cần Thơ":     {"", true},
		"Lạng Sơn":    {"", false},
		"An Giang":    {"", false},
		"Thanh Hóa":   {"000.00.00.H56", false},
	}
	for _, p := range ps {
		w, ok := want[p.Name]
		if !ok {
			continue
		}
		delete(want, p.Name)
		if p.City != w.city || (w.code != "" && p.Code != w.code) {
			t.Errorf("%+v, want code %q city %v", p, w.code, w.city)
		}
	}
	for name := range want {
		t.Errorf("%s missing", name)
	}
	// Callers may change the returned slice; the list itself must not change.
	ps[0].Name = "changed"
	if CurrentProvinces()[0].Name != "Hà Nội" {
		t.Error("CurrentProvinces shares its slice")
	}
}

func TestProvinceFullName(t *testing.T) {
	tests := []struct {
		p    Province
		want string
	}{
		{Province{Name: "Hà Nội", City: true}, "Thành phố Hà Nội"},
		{Province{Name: "Lạng Sơn"}, "Tỉnh Lạng Sơn"},
	}
	for _, tt := range tests {
		if got := tt.p.FullName(); got != tt.want {
			t.Errorf("FullName(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}
