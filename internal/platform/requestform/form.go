// Package form renders the printable "Giấy đề nghị tạo tài khoản" (account
// creation request form) that the officer at a one-stop desk prints for the
// citizen to check and sign before the phone number is confirmed by OTP.
package requestform

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-fonts/dejavu/dejavusansmonobold"
	"github.com/go-fonts/dejavu/dejavuserifcondensed"
	"github.com/go-fonts/dejavu/dejavuserifcondensedbold"
	"github.com/go-fonts/dejavu/dejavuserifcondenseditalic"
	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"
)

// RequestForm is the data printed on one account creation request form.
type RequestForm struct {
	// RegistrationCode is the short human code shown on the form and
	// encoded in the QR code, e.g. "DK-7KQ3-M2XA". Required.
	RegistrationCode string
	IDNumber         string
	FullName         string
	// Phone is in national display form, e.g. "0912 345 678".
	Phone string
	// Email may be empty; the form then shows "—".
	Email string
	// DateOfBirth is printed from its own year, month and day, without
	// converting time zones, because it is a calendar date.
	DateOfBirth time.Time
	UnitName    string
	UnitCode    string
	OfficerName string
	// CreatedAt dates the form (in Vietnam time, UTC+7) and stamps the
	// PDF's creation date, which keeps the output deterministic. Required.
	CreatedAt time.Time
	// Place is printed before the date, e.g. "Hà Nội"; when empty a dotted
	// blank is left to be filled in by hand.
	Place string
	// VerifyURL, when set, is encoded in the QR code instead of the bare
	// RegistrationCode; the caller builds it so that it carries the code.
	VerifyURL string
}

// vietnam is the zone the form's date is written in. Vietnam has had no
// daylight saving time since 1975, so a fixed offset is exact and needs no
// tzdata on the host.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Page geometry in millimetres: A4 portrait with the margins of Decree
// 30/2020/ND-CP for administrative documents (left 30, right 15–20, top and
// bottom 20–25).
const (
	pageMarginLeft   = 30.0
	pageMarginRight  = 20.0
	pageMarginTop    = 20.0
	pageMarginBottom = 20.0
	qrSize           = 26.0 // printed QR side, quiet zone excluded
)

// Font family names registered in the PDF.
const (
	serif = "Serif"
	mono  = "Mono"
)

// pageCountAlias is replaced by the page count when the PDF is written.
// fpdf replaces it in every text on the page, so it is something no name or
// unit will contain.
const pageCountAlias = "{motcua:nb}"

// Render writes the request form for f to w as a one-page A4 PDF.
// The same f always produces the same bytes.
func Render(w io.Writer, f RequestForm) error {
	pdf, err := build(normalize(f))
	if err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("form: write pdf: %w", err)
	}
	return nil
}

// normalize puts every text field in Unicode NFC: the embedded font has
// precomposed Vietnamese letters, but fpdf does no glyph shaping, so text
// typed with combining marks (NFD) would print misplaced accents.
func normalize(f RequestForm) RequestForm {
	for _, s := range []*string{
		&f.RegistrationCode, &f.IDNumber, &f.FullName, &f.Phone, &f.Email,
		&f.UnitName, &f.UnitCode, &f.OfficerName, &f.Place, &f.VerifyURL,
	} {
		*s = strings.TrimSpace(norm.NFC.String(*s))
	}
	return f
}

// build lays out the form and returns the unwritten document, so tests can
// inspect it (page count) before output.
func build(f RequestForm) (*fpdf.Fpdf, error) {
	if f.RegistrationCode == "" {
		return nil, errors.New("form: registration code is required")
	}
	if f.CreatedAt.IsZero() {
		// fpdf would stamp the current time instead, breaking determinism.
		return nil, errors.New("form: creation time is required")
	}
	created := f.CreatedAt.In(vietnam)

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pageMarginLeft, pageMarginTop, pageMarginRight)
	pdf.SetAutoPageBreak(true, pageMarginBottom+8) // room for the footer
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	// Metadata holds no personal data: PDF properties are shown by viewers
	// and indexers outside the printed page.
	pdf.SetTitle("Giấy đề nghị tạo tài khoản", true)
	pdf.SetSubject("Đề nghị tạo tài khoản trên Cổng Dịch vụ công quốc gia", true)
	pdf.SetCreator("motcua", true)
	pdf.SetProducer("motcua", true)
	pdf.SetLang("vi-VN")
	pdf.AddUTF8FontFromBytes(serif, "", dejavuserifcondensed.TTF)
	pdf.AddUTF8FontFromBytes(serif, "B", dejavuserifcondensedbold.TTF)
	pdf.AddUTF8FontFromBytes(serif, "I", dejavuserifcondenseditalic.TTF)
	pdf.AddUTF8FontFromBytes(mono, "B", dejavusansmonobold.TTF)
	pdf.AliasNbPages(pageCountAlias)
	pdf.SetFooterFunc(func() { footer(pdf, f.RegistrationCode) })
	pdf.AddPage()

	qrContent := f.RegistrationCode
	if f.VerifyURL != "" {
		qrContent = f.VerifyURL
	}
	if err := drawQR(pdf, qrContent, f.RegistrationCode); err != nil {
		return nil, err
	}
	header(pdf)
	addressee(pdf, f.UnitName)
	fieldTable(pdf, f)
	declaration(pdf)
	signatures(pdf, f, created)

	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("form: lay out pdf: %w", err)
	}
	return pdf, nil
}

// contentWidth is the printable width between the margins.
func contentWidth(pdf *fpdf.Fpdf) float64 {
	w, _ := pdf.GetPageSize()
	l, _, r, _ := pdf.GetMargins()
	return w - l - r
}

// header prints the national motto and the form's title.
func header(pdf *fpdf.Fpdf) {
	cw := contentWidth(pdf)
	left, top, _, _ := pdf.GetMargins()
	pdf.SetXY(left, top)
	pdf.SetFont(serif, "B", 12)
	pdf.CellFormat(cw, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 1, "C", false, 0, "")
	pdf.SetFont(serif, "B", 13)
	motto := "Độc lập - Tự do - Hạnh phúc"
	pdf.CellFormat(cw, 6.5, motto, "", 1, "C", false, 0, "")
	// The rule under the motto is as long as the motto, as Decree 30 asks.
	mw := pdf.GetStringWidth(motto)
	y := pdf.GetY() + 0.5
	pdf.SetLineWidth(0.3)
	pdf.Line(left+(cw-mw)/2, y, left+(cw+mw)/2, y)

	pdf.SetY(y + 9)
	pdf.SetFont(serif, "B", 15)
	pdf.CellFormat(cw, 7.5, "GIẤY ĐỀ NGHỊ TẠO TÀI KHOẢN", "", 1, "C", false, 0, "")
	pdf.SetFont(serif, "B", 13)
	pdf.CellFormat(cw, 6.5, "trên Cổng Dịch vụ công quốc gia", "", 1, "C", false, 0, "")
	pdf.Ln(5)
}

// addressee prints "Kính gửi: <unit>", wrapping a long unit name under
// itself rather than under the label.
func addressee(pdf *fpdf.Fpdf, unit string) {
	const indent = 18.0
	left, _, _, _ := pdf.GetMargins()
	pdf.SetFont(serif, "B", 12)
	label := "Kính gửi: "
	lw := pdf.GetStringWidth(label) + 1
	pdf.SetX(left + indent)
	y := pdf.GetY()
	pdf.CellFormat(lw, 6.5, label, "", 0, "L", false, 0, "")
	pdf.SetFont(serif, "", 12)
	pdf.SetXY(left+indent+lw, y)
	pdf.MultiCell(contentWidth(pdf)-indent-lw, 6, dashIfEmpty(unit), "", "L", false)
	pdf.Ln(3)

	pdf.SetX(left)
	pdf.MultiCell(0, 6.5, "Tôi đề nghị tạo tài khoản trên Cổng Dịch vụ công quốc gia với các thông tin sau:", "", "L", false)
	pdf.Ln(2)
}

// row is one line of the field table.
type row struct {
	label, value string
	font         string // family of the value
	style        string // style of the value
}

// fieldTable prints every field of the request as a bordered two-column
// table; long values wrap inside their cell and grow the row.
func fieldTable(pdf *fpdf.Fpdf, f RequestForm) {
	unit := dashIfEmpty(f.UnitName)
	if f.UnitCode != "" {
		unit += "\nMã định danh đơn vị: " + f.UnitCode
	}
	rows := []row{
		{"Họ và tên", dashIfEmpty(f.FullName), serif, "B"},
		{"Ngày sinh", birthDate(f.DateOfBirth), serif, ""},
		{"Số định danh cá nhân", dashIfEmpty(f.IDNumber), serif, ""},
		{"Số điện thoại", dashIfEmpty(f.Phone), serif, ""},
		{"Thư điện tử", dashIfEmpty(f.Email), serif, ""},
		{"Đơn vị tiếp nhận", unit, serif, ""},
		{"Cán bộ tiếp nhận", dashIfEmpty(f.OfficerName), serif, ""},
		{"Mã hồ sơ", f.RegistrationCode, mono, "B"},
	}

	const (
		labelW  = 58.0
		lineH   = 5.6
		padY    = 1.2
		fontPt  = 11.5
		monoPt  = 10.5
		padding = 2.0 // fpdf's cell margin, left and right
	)
	left, _, _, bottom := pdf.GetMargins()
	_, pageH := pdf.GetPageSize()
	valueW := contentWidth(pdf) - labelW
	pdf.SetCellMargin(padding)
	pdf.SetLineWidth(0.2)
	for _, r := range rows {
		pdf.SetFont(serif, "", fontPt)
		labelLines := len(pdf.SplitText(r.label, labelW))
		pt := fontPt
		if r.font == mono {
			pt = monoPt
		}
		pdf.SetFont(r.font, r.style, pt)
		valueLines := 0
		for _, para := range strings.Split(r.value, "\n") {
			valueLines += max(1, len(pdf.SplitText(para, valueW)))
		}
		h := float64(max(labelLines, valueLines))*lineH + 2*padY

		// Keep each row whole; only data far beyond normal reaches this.
		if pdf.GetY()+h > pageH-bottom {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.Rect(left, y, labelW, h, "D")
		pdf.Rect(left+labelW, y, valueW, h, "D")
		pdf.SetXY(left, y+padY)
		pdf.SetFont(serif, "", fontPt)
		pdf.MultiCell(labelW, lineH, r.label, "", "L", false)
		pdf.SetXY(left+labelW, y+padY)
		pdf.SetFont(r.font, r.style, pt)
		pdf.MultiCell(valueW, lineH, r.value, "", "L", false)
		pdf.SetXY(left, y+h)
	}
	pdf.Ln(5)
}

// declaration prints the citizen's statement about the data and the phone.
func declaration(pdf *fpdf.Fpdf) {
	left, _, _, _ := pdf.GetMargins()
	pdf.SetX(left)
	pdf.SetFont(serif, "", 12)
	pdf.MultiCell(0, 6.5, "Tôi xin cam đoan các thông tin trên là đúng sự thật và đề nghị tạo tài khoản "+
		"trên Cổng Dịch vụ công quốc gia; số điện thoại trên là của tôi và dùng để nhận mã OTP "+
		"và mật khẩu đăng nhập.", "", "L", false)
	pdf.Ln(4)
}

// signatures prints the place and date line and the two signature blocks,
// the citizen's on the left and the officer's on the right, each with the
// name printed under the space left for the signature.
func signatures(pdf *fpdf.Fpdf, f RequestForm, created time.Time) {
	const (
		titleH     = 6.0
		dateH      = 6.5
		signGap    = 26.0 // empty space for the handwritten signature
		minSignGap = 15.0 // still room to sign when long data fills the page
	)
	left, _, _, _ := pdf.GetMargins()
	half := contentWidth(pdf) / 2
	date := placeDate(f.Place, created)
	blocks := []struct{ title, name string }{
		{"NGƯỜI ĐỀ NGHỊ", f.FullName},
		{"CÁN BỘ TIẾP NHẬN", f.OfficerName},
	}

	// Measure the block so it can be kept whole: a signature split from its
	// title is void. Long data first eats into the signing space, and only
	// below a usable minimum does the block move to a new page.
	pdf.SetFont(serif, "I", 12)
	dateLines := len(pdf.SplitText(date, half))
	// Names longer than two lines are set smaller rather than crowding
	// out the signing space.
	namePt, nameLines := 11.5, 1
	for _, pt := range []float64{11.5, 10} {
		namePt, nameLines = pt, 1
		pdf.SetFont(serif, "B", pt)
		for _, b := range blocks {
			nameLines = max(nameLines, len(pdf.SplitText(b.name, half)))
		}
		if nameLines <= 2 {
			break
		}
	}
	fixed := float64(dateLines)*dateH + 1 + 2*titleH + float64(nameLines)*nameLineH(namePt)
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	gap := min(signGap, pageH-bottom-pdf.GetY()-fixed)
	if gap < minSignGap {
		pdf.AddPage()
		gap = signGap
	}

	pdf.SetFont(serif, "I", 12)
	pdf.SetX(left + half)
	pdf.MultiCell(half, dateH, date, "", "C", false)
	pdf.Ln(1)

	y := pdf.GetY()
	for i, b := range blocks {
		x := left + float64(i)*half
		pdf.SetXY(x, y)
		pdf.SetFont(serif, "B", 12)
		pdf.CellFormat(half, titleH, b.title, "", 2, "C", false, 0, "")
		pdf.SetFont(serif, "I", 11)
		pdf.CellFormat(half, titleH, "(Ký, ghi rõ họ tên)", "", 2, "C", false, 0, "")
		pdf.SetXY(x, y+2*titleH+gap)
		pdf.SetFont(serif, "B", namePt)
		pdf.MultiCell(half, nameLineH(namePt), b.name, "", "C", false)
	}
}

// nameLineH is the line height in millimetres for a name set at pt points:
// the font size (1 pt = 0.353 mm) with about 40% leading.
func nameLineH(pt float64) float64 { return pt * 0.5 }

// footer prints the registration code and the page number on every page.
func footer(pdf *fpdf.Fpdf, code string) {
	left, _, _, _ := pdf.GetMargins()
	_, pageH := pdf.GetPageSize()
	cw := contentWidth(pdf)
	y := pageH - pageMarginBottom + 4
	pdf.SetDrawColor(120, 120, 120)
	pdf.SetLineWidth(0.2)
	pdf.Line(left, y, left+cw, y)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetTextColor(80, 80, 80)
	pdf.SetFont(serif, "", 9)
	pdf.SetXY(left, y+1)
	pdf.CellFormat(cw/2, 5, "Mã hồ sơ: "+code, "", 0, "L", false, 0, "")
	pdf.CellFormat(cw/2, 5, fmt.Sprintf("Trang %d/%s", pdf.PageNo(), pageCountAlias), "", 0, "R", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// drawQR draws the QR code for content as vector squares in the top-right
// corner, with the registration code printed under it. Vector modules stay
// sharp at any printer resolution and need no image encoding.
func drawQR(pdf *fpdf.Fpdf, content, code string) error {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("form: qr code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits)
	module := qrSize / float64(n)

	pageW, _ := pdf.GetPageSize()
	_, top, right, _ := pdf.GetMargins()
	x0 := pageW - right - qrSize
	y0 := top - 6 // level with the motto, in the upper margin's slack
	pdf.SetFillColor(0, 0, 0)
	for r, line := range bits {
		// One rectangle per run of dark modules keeps the stream small.
		for c := 0; c < n; {
			if !line[c] {
				c++
				continue
			}
			start := c
			for c < n && line[c] {
				c++
			}
			pdf.Rect(x0+float64(start)*module, y0+float64(r)*module,
				float64(c-start)*module+0.01, module+0.01, "F")
		}
	}
	pdf.SetFont(mono, "B", 8)
	pdf.SetXY(x0-6, y0+qrSize+0.8)
	pdf.CellFormat(qrSize+12, 4, code, "", 0, "C", false, 0, "")
	return nil
}

// birthDate formats a calendar date as dd/mm/yyyy.
func birthDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return fmt.Sprintf("%02d/%02d/%04d", t.Day(), int(t.Month()), t.Year())
}

// placeDate writes "<place>, ngày dd tháng mm năm yyyy". Following Decree
// 30/2020/ND-CP, days below 10 and the months 1 and 2 take a leading zero
// (so they cannot be altered by hand into 11 or 12); other months do not.
func placeDate(place string, t time.Time) string {
	if place == "" {
		place = "............"
	}
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= time.February {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, t.Day(), month, t.Year())
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
