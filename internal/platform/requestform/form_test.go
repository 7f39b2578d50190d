package requestform

import (
	"bytes"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func sampleForm() RequestForm {
	return RequestForm{
		RegistrationCode: "DK-7KQ3-M2XA",
		IDNumber:         "001190012345",
		FullName:         "Đặng Thị Ánh",
		Phone:            "0912 345 678",
		Email:            "anh.dang@example.vn",
		DateOfBirth:      time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC),
		UnitName:         "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
		UnitCode:         "000.00.00.H37",
		OfficerName:      "Nguyễn Văn Bình",
		CreatedAt:        time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC),
		Place:            "Lạng Sơn",
	}
}

// longForm has a 120-rune name and a unit name that wraps over three lines.
func longForm() RequestForm {
	f := sampleForm()
	f.FullName = string([]rune(strings.Repeat("Đặng Thị Ánh Nguyệt ", 7))[:120])
	f.UnitName = "Bộ phận một cửa Ủy ban nhân dân xã Hữu Lũng thuộc Trung tâm Phục vụ hành chính công " +
		"tỉnh Lạng Sơn, chi nhánh số 3 khu vực phía Bắc"
	f.OfficerName = "Nguyễn Thị Phương Thảo Hoàng Lê Minh Châu"
	f.Email = ""
	f.Place = ""
	return f
}

func render(t *testing.T, f RequestForm) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, f); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// pageObject matches a page object but not the /Pages tree node; fpdf
// compresses only content streams, so the dictionaries stay readable.
var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

func TestRenderOnePageValidPDF(t *testing.T) {
	withURL := sampleForm()
	withURL.VerifyURL = "https://dichvucong.example.vn/xac-minh?ma=DK-7KQ3-M2XA"
	nfd := sampleForm()
	nfd.FullName = norm.NFD.String(nfd.FullName)
	long := longForm()
	if n := len([]rune(long.FullName)); n != 120 {
		t.Fatalf("long name has %d runes, want 120", n)
	}
	tests := []struct {
		name string
		form RequestForm
	}{
		{"sample", sampleForm()},
		{"long name and unit", long},
		{"verify url", withURL},
		{"decomposed input", nfd},
		{"empty optional fields", RequestForm{RegistrationCode: "DK-AAAA-BBBB", CreatedAt: time.Unix(1_800_000_000, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.form)
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Errorf("output starts with %q, want %%PDF-", out[:min(8, len(out))])
			}
			if !bytes.HasSuffix(bytes.TrimRight(out, "\r\n"), []byte("%%EOF")) {
				t.Errorf("output does not end with %%%%EOF")
			}
			if n := len(pageObject.FindAll(out, -1)); n != 1 {
				t.Errorf("output has %d page objects, want 1", n)
			}
			pdf, err := build(normalize(tt.form))
			if err != nil {
				t.Fatal(err)
			}
			if n := pdf.PageCount(); n != 1 {
				t.Errorf("PageCount = %d, want 1", n)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	f := longForm()
	first := render(t, f)
	for i := range 5 {
		if again := render(t, f); !bytes.Equal(first, again) {
			t.Fatalf("render %d differs from the first (%d vs %d bytes)", i+2, len(again), len(first))
		}
	}
	// The creation date comes from CreatedAt, in Vietnam time.
	for _, key := range []string{"/CreationDate", "/ModDate"} {
		if want := key + " (D:20261127093000)"; !bytes.Contains(first, []byte(want)) {
			t.Errorf("PDF info lacks %q", want)
		}
	}
	later := f
	later.CreatedAt = f.CreatedAt.Add(time.Second)
	if bytes.Equal(first, render(t, later)) {
		t.Errorf("a different CreatedAt gave the same bytes")
	}
}

func TestRenderRefusesMissingRequiredFields(t *testing.T) {
	noCode := sampleForm()
	noCode.RegistrationCode = "  "
	noTime := sampleForm()
	noTime.CreatedAt = time.Time{}
	for name, f := range map[string]RequestForm{"no code": noCode, "no creation time": noTime} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, f); err == nil {
				t.Fatal("Render succeeded, want an error")
			}
			if buf.Len() != 0 {
				t.Errorf("Render wrote %d bytes on error", buf.Len())
			}
		})
	}
}

func TestPlaceDate(t *testing.T) {
	tests := []struct {
		place string
		at    time.Time
		want  string
	}{
		{"Hà Nội", time.Date(2026, 11, 27, 9, 0, 0, 0, vietnam), "Hà Nội, ngày 27 tháng 11 năm 2026"},
		{"Hà Nội", time.Date(2026, 1, 5, 9, 0, 0, 0, vietnam), "Hà Nội, ngày 05 tháng 01 năm 2026"},
		{"Hà Nội", time.Date(2026, 2, 9, 9, 0, 0, 0, vietnam), "Hà Nội, ngày 09 tháng 02 năm 2026"},
		{"Huế", time.Date(2026, 3, 10, 9, 0, 0, 0, vietnam), "Huế, ngày 10 tháng 3 năm 2026"},
		{"", time.Date(2026, 11, 27, 9, 0, 0, 0, vietnam), "............, ngày 27 tháng 11 năm 2026"},
	}
	for _, tt := range tests {
		if got := placeDate(tt.place, tt.at); got != tt.want {
			t.Errorf("placeDate(%q, %v) = %q, want %q", tt.place, tt.at, got, tt.want)
		}
	}
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), "07/03/1990"},
		// A calendar date stored at UTC midnight must not move to the eve.
		{time.Date(2001, 12, 31, 0, 0, 0, 0, time.UTC), "31/12/2001"},
		{time.Time{}, "—"},
	}
	for _, tt := range tests {
		if got := birthDate(tt.in); got != tt.want {
			t.Errorf("birthDate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// requireTool returns the path of a poppler tool, skipping loudly when it is
// missing locally and failing on CI, which installs poppler-utils.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not on PATH; CI must install poppler-utils", name)
	}
	t.Skipf("SKIPPED: %s is not on PATH, the rendered form was NOT checked; install poppler-utils (apt-get install poppler-utils)", name)
	return ""
}

func writePDF(t *testing.T, f RequestForm) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(path, render(t, f), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRenderText(t *testing.T) {
	pdftotext := requireTool(t, "pdftotext")
	nfd := longForm()
	nfd.FullName = norm.NFD.String(nfd.FullName)
	for name, f := range map[string]RequestForm{"sample": sampleForm(), "long, decomposed": nfd} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(pdftotext, "-enc", "UTF-8", writePDF(t, f), "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			// Collapse line breaks so wrapped values still match.
			text := strings.Join(strings.Fields(string(out)), " ")
			want := []string{
				"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
				"Độc lập - Tự do - Hạnh phúc",
				"GIẤY ĐỀ NGHỊ TẠO TÀI KHOẢN",
				"trên Cổng Dịch vụ công quốc gia",
				"Kính gửi:",
				"Tôi xin cam đoan các thông tin trên là đúng sự thật",
				"NGƯỜI ĐỀ NGHỊ", "CÁN BỘ TIẾP NHẬN", "(Ký, ghi rõ họ tên)",
				"Trang 1/1",
				"ngày 27 tháng 11 năm 2026",
				norm.NFC.String(f.FullName), f.OfficerName, f.IDNumber, f.Phone, f.UnitCode,
				f.RegistrationCode, "Mã hồ sơ: " + f.RegistrationCode,
				// The glossary's name for the number (docs/GLOSSARY.md).
				"Số định danh cá nhân " + f.IDNumber,
			}
			if f.Email == "" {
				want = append(want, "Thư điện tử —")
			} else {
				want = append(want, f.Email)
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("extracted text lacks %q", w)
				}
			}
		})
	}
}

func TestRenderPNG(t *testing.T) {
	pdftoppm := requireTool(t, "pdftoppm")
	pdfPath := writePDF(t, sampleForm())
	prefix := filepath.Join(t.TempDir(), "form")
	if out, err := exec.Command(pdftoppm, "-png", "-r", "80", "-singlefile", pdfPath, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	file, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	// A4 at 80 dpi is 661.4 × 935.4 pixels.
	b := img.Bounds()
	if b.Dx() < 660 || b.Dx() > 663 || b.Dy() < 934 || b.Dy() > 937 {
		t.Fatalf("png is %dx%d, want about 661x935 (A4 at 80 dpi)", b.Dx(), b.Dy())
	}
	mm := func(v float64) int { return int(v * 80 / 25.4) }
	dark := func(x0, y0, x1, y1 float64) int {
		n := 0
		for y := mm(y0); y < mm(y1); y++ {
			for x := mm(x0); x < mm(x1); x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if (r+g+bl)/3 < 0x6000 {
					n++
				}
			}
		}
		return n
	}
	regions := []struct {
		name           string
		x0, y0, x1, y1 float64 // millimetres from the top-left corner
		min, max       int
	}{
		{"title", 60, 38, 160, 52, 400, 1 << 20},
		{"qr code", 164, 14, 190, 40, 1000, 1 << 20},
		{"left margin", 0, 0, 28, 297, 0, 0},
		{"right margin below the qr code", 192, 50, 210, 297, 0, 0},
	}
	for _, r := range regions {
		if n := dark(r.x0, r.y0, r.x1, r.y1); n < r.min || n > r.max {
			t.Errorf("%s: %d dark pixels, want %d..%d", r.name, n, r.min, r.max)
		}
	}
}

// TestRenderQRDecodes scans the printed QR code back when zbarimg (package
// zbar-tools) is installed; it is an optional tool, not installed on CI.
func TestRenderQRDecodes(t *testing.T) {
	pdftoppm := requireTool(t, "pdftoppm")
	zbarimg, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("SKIPPED: zbarimg (zbar-tools) is not on PATH, the QR code was NOT scanned")
	}
	withURL := sampleForm()
	withURL.VerifyURL = "https://dichvucong.example.vn/xac-minh?ma=DK-7KQ3-M2XA"
	tests := []struct {
		name string
		form RequestForm
		want string
	}{
		{"code", sampleForm(), "DK-7KQ3-M2XA"},
		{"verify url", withURL, withURL.VerifyURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "form")
			if out, err := exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", writePDF(t, tt.form), prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			out, err := exec.Command(zbarimg, "-q", "--raw", prefix+".png").Output()
			if err != nil {
				t.Fatalf("zbarimg: %v", err)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("QR code reads %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	f := sampleForm()
	for b.Loop() {
		if err := Render(io.Discard, f); err != nil {
			b.Fatal(err)
		}
	}
}
