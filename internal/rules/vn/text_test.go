package vn

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đặng Thị Ánh", "Đặng Thị Ánh"},
		{norm.NFD.String("Đặng Thị Ánh"), "Đặng Thị Ánh"},
		{"  Nguyễn \t Văn\u00a0\u00a0Hùng\n", "Nguyễn Văn Hùng"},
		{"Lê\u3000Thị\u2003Hoa", "Lê Thị Hoa"}, // ideographic and em spaces
		{"Trần\r\nBình", "Trần Bình"},
		{"", ""},
		{" \t\u00a0 ", ""},
	}
	for _, tt := range tests {
		got := NormalizeName(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeName(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("NormalizeName(%+q) = %+q is not NFC", tt.in, got)
		}
	}
	// docs/RULES.md: lengths are counted in runes, so NFC and NFD input count alike.
	if a, b := utf8.RuneCountInString(NormalizeName("Ánh")), utf8.RuneCountInString(NormalizeName(norm.NFD.String("Ánh"))); a != 3 || b != 3 {
		t.Errorf("rune counts = %d, %d; want 3, 3", a, b)
	}
}

func TestFold(t *testing.T) {
	// docs/RULES.md "Vietnamese text": these spellings all find the same person.
	tests := []struct{ in, want string }{
		{"Đặng Thị Ánh", "dang thi anh"},
		{norm.NFD.String("Đặng Thị Ánh"), "dang thi anh"},
		{norm.NFKD.String("Đặng Thị Ánh"), "dang thi anh"},
		{"ĐẶNG THỊ ÁNH", "dang thi anh"},
		{norm.NFD.String("ĐẶNG THỊ ÁNH"), "dang thi anh"},
		{"dang thi anh", "dang thi anh"},
		{"DANG THI ANH", "dang thi anh"},
		{"ĐẶNG", "dang"},
		{"đặng", "dang"},
		{"  Đặng\tThị\u00a0\u00a0Ánh\n", "dang thi anh"},
		// look-alikes of Đ typed by mistake: eth and African D, both cases
		{"Ðặng", "dang"},
		{"ðặng", "dang"},
		{"Ɖặng", "dang"},
		{"ɖặng", "dang"},
		// old-style and new-style tone placement fold alike
		{"Hoà Bình", "hoa binh"},
		{"Hòa Bình", "hoa binh"},
		{"Thuý Kiều", "thuy kieu"},
		{"Thúy Kiều", "thuy kieu"},
		{"Trung tâm Phục vụ Hành chính công tỉnh Lạng Sơn", "trung tam phuc vu hanh chinh cong tinh lang son"},
		{"Nguyễn Văn Hùng", "nguyen van hung"},
		{"Ủy ban nhân dân xã Đông Hưng", "uy ban nhan dan xa dong hung"},
		{"000.00.00.H29", "000.00.00.h29"},
		{"e\u0301\u0323", "e"}, // marks out of canonical order
		{"Müller İstanbul", "muller istanbul"},
		{"", ""},
		{" \u00a0 ", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

// TestFoldVietnameseLetters folds every letter of the Vietnamese alphabet
// with every tone, in both cases and both normal forms.
func TestFoldVietnameseLetters(t *testing.T) {
	groups := []struct {
		letters string
		want    string
	}{
		{"aàáảãạăằắẳẵặâầấẩẫậ", "a"},
		{"eèéẻẽẹêềếểễệ", "e"},
		{"iìíỉĩị", "i"},
		{"oòóỏõọôồốổỗộơờớởỡợ", "o"},
		{"uùúủũụưừứửữự", "u"},
		{"yỳýỷỹỵ", "y"},
		{"dđ", "d"},
	}
	n := 0
	for _, g := range groups {
		for _, r := range g.letters {
			for _, s := range []string{string(r), strings.ToUpper(string(r))} {
				for _, form := range []string{norm.NFC.String(s), norm.NFD.String(s)} {
					n++
					if got := Fold(form); got != g.want {
						t.Errorf("Fold(%+q) = %+q, want %q", form, got, g.want)
					}
				}
			}
		}
	}
	if n != 4*(18+12+6+18+12+6+2) {
		t.Errorf("checked %d spellings", n)
	}
}

func TestFoldedWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Đặng Thị Ánh", []string{"dang", "thi", "anh"}},
		{"Nguyễn-Văn  A.", []string{"nguyen", "van", "a"}},
		{"UBND xã Đông Hưng, tỉnh Thái Bình", []string{"ubnd", "xa", "dong", "hung", "tinh", "thai", "binh"}},
		{"(Bộ phận Một cửa)", []string{"bo", "phan", "mot", "cua"}},
		{"000.00.00.H29", []string{"000", "00", "00", "h29"}},
		{"", nil},
		{" , . ", nil},
	}
	for _, tt := range tests {
		got := FoldedWords(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("FoldedWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsServiceDeskName(t *testing.T) {
	// docs/RULES.md "Who may be granted": NFC, white space collapsed, Vietnamese
	// lower-casing; NFD matches, a name without diacritics does not.
	tests := []struct {
		name string
		want bool
	}{
		{"Trung tâm phục vụ hành chính công", true},
		{"Trung tâm Phục vụ Hành chính công tỉnh Lạng Sơn", true},
		{"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH LẠNG SƠN", true},
		{"trung TÂM phục VỤ hành CHÍNH công", true},
		{norm.NFD.String("Trung tâm Phục vụ Hành chính công tỉnh Lạng Sơn"), true},
		{norm.NFD.String("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"), true},
		{"Trung  tâm\tPhục vụ\u00a0Hành chính\n công", true},
		{"  Trung tâm phục vụ hành chính công  ", true},
		{"Bộ phận một cửa", true},
		{"Bộ phận Một cửa UBND xã X", true},
		{"BỘ PHẬN MỘT CỬA UBND PHƯỜNG ĐỐNG ĐA", true},
		{norm.NFD.String("Bộ phận Một cửa UBND xã X"), true},
		{"Bộ\u00a0phận\t\tMột  cửa", true},
		{"UBND xã Đông Hưng - Bộ phận một cửa", true},
		// near misses: no diacritics, wrong or missing marks, other units
		{"Bo phan mot cua", false},
		{"BO PHAN MOT CUA UBND XA X", false},
		{"Trung tam phuc vu hanh chinh cong", false},
		{"Trung tâm phục vụ hành chính", false},
		{"Bộ phận một cưa", false},
		{"Bộ phận", false},
		{"Bộ phận tiếp nhận và trả kết quả", false},
		{"Sở Tư pháp tỉnh Lạng Sơn", false},
		{"Trung tâm phục vụ hành-chính công", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsServiceDeskName(tt.name); got != tt.want {
			t.Errorf("IsServiceDeskName(%+q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestServiceDeskPhrases(t *testing.T) {
	p := ServiceDeskPhrases()
	if len(p) != 2 || p[0] != "Trung tâm phục vụ hành chính công" || p[1] != "Bộ phận một cửa" {
		t.Fatalf("ServiceDeskPhrases() = %q", p)
	}
	for _, s := range p {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%q is not NFC", s)
		}
		if !IsServiceDeskName(s) {
			t.Errorf("phrase %q does not satisfy its own rule", s)
		}
	}
	p[0] = "changed"
	if ServiceDeskPhrases()[0] == "changed" {
		t.Error("ServiceDeskPhrases shares its slice with callers")
	}
	for _, s := range []string{phrasePublicAdministrationCentre, phraseOneStopDesk} {
		if !norm.NFC.IsNormalString(s) || s != strings.ToLower(s) {
			t.Errorf("rule phrase %q is not NFC lower case", s)
		}
	}
}

// FuzzFold checks the properties the search column relies on.
func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Đặng Thị Ánh", norm.NFD.String("Đặng Thị Ánh"), "ĐẶNG", "  a\tb  ",
		"Ðð Ɖɖ", "e\u0301\u0323", "ǅ", "İ", "ẞ", "\u0345", "Ω", "K", "Å",
		"a\u034f\u0301", "\xff\xfe", "Ⅻ", "ﬁ", "한국", "\u0f73", "\U0001d165\u034f\U0001d166",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: Fold(%+q) = %+q, Fold of that = %+q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%+q) = %+q is not valid UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%+q) = %+q: white space not collapsed", s, got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) || r == 'đ' || r == 'Đ' {
				t.Fatalf("Fold(%+q) = %+q keeps %+q", s, got, r)
			}
			if unicode.IsSpace(r) && r != ' ' {
				t.Fatalf("Fold(%+q) = %+q keeps white space %+q", s, got, r)
			}
		}
		if isASCII(s) && got != foldUnicode(s) {
			t.Fatalf("ASCII shortcut differs: %+q vs %+q", got, foldUnicode(s))
		}
		if utf8.ValidString(s) {
			if a, b := Fold(norm.NFC.String(s)), Fold(norm.NFD.String(s)); a != got || b != got {
				t.Fatalf("Fold depends on the normal form of %+q: %+q, NFC %+q, NFD %+q", s, got, a, b)
			}
		}
	})
}

func BenchmarkFold(b *testing.B) {
	inputs := []struct{ name, s string }{
		{"ascii", "nguyen van hung"},
		{"nfc", "Trung tâm Phục vụ Hành chính công tỉnh Lạng Sơn"},
		{"nfd", norm.NFD.String("Trung tâm Phục vụ Hành chính công tỉnh Lạng Sơn")},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(in.s)
			}
		})
	}
}
