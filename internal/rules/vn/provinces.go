package vn

// birthProvinces are the place-of-birth-registration codes, the first three
// digits of a CCCD (Circular 59/2021/TT-BCA, as listed in docs/RULES.md). They are
// the 63 provinces before the 2025 merger and stay so: the number is for
// life. Read-only.
var birthProvinces = map[string]string{
	"001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
	"008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
	"014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
	"020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
	"026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
	"033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
	"037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
	"044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
	"049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
	"056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
	"064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
	"070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
	"077": "Bà Rịa–Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
	"083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
	"089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
	"094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

// ProvinceName is the province of a 3-digit birth-registration code, the
// first three digits of a CCCD; ok is false for a code not in the list
// (for example a birth registered abroad).
func ProvinceName(code string) (string, bool) {
	name, ok := birthProvinces[code]
	return name, ok
}

// Province is one of the provincial-level units in force since 1 Jul 2025.
type Province struct {
	// Name without the "Tỉnh"/"Thành phố" prefix, as in docs/RULES.md.
	Name string
	// Code is the agency electronic identifier of the provincial People's
	// Committee (QCVN 102:2016/BTTTT), level 1 letter H for a province.
	Code string
	// City is true for the six centrally-run cities.
	City bool
}

// FullName is the official style of the unit: "Thành phố Hà Nội", "Tỉnh Lạng Sơn".
func (p Province) FullName() string {
	if p.City {
		return "Thành phố " + p.Name
	}
	return "Tỉnh " + p.Name
}

// CurrentProvinces lists the 34 provincial units since 1 Jul 2025
// (Resolution 202/2025/QH15; docs/RULES.md "Units"), the six
// cities first, in the order of docs/RULES.md.
//
// Each merged unit carries the level-1 code that the pre-2025 province of the
// same name had. QCVN 102:2016 numbers the 63 provinces H01…H63 in the
// alphabetical order of their unaccented names; H26 Hà Nội, H27 Hà Tĩnh,
// H29 Hồ Chí Minh, H38 Lào Cai, H41 Nghệ An, H48 Quảng Ngãi and H56 Thanh Hóa
// are seen in published procedure and agency codes; the others follow that
// order and may differ from the official table. They serve as demo data, and
// every code is unique.
func CurrentProvinces() []Province {
	return []Province{
		{Name: "Hà Nội", Code: "000.00.00.H26", City: true},
		{Name: "Huế", Code: "000.00.00.H57", City: true},
		{Name: "Hải Phòng", Code: "000.00.00.H24", City: true},
		{Name: "Đà Nẵng", Code: "000.00.00.H17", City: true},
		{Name: "Hồ Chí Minh", Code: "000.00.00.H29", City: true},
		{Name: "Cần Thơ", Code: "000.00.00.H13", City: true},
		{Name: "Lai Châu", Code: "000.00.00.H35"},
		{Name: "Điện Biên", Code: "000.00.00.H18"},
		{Name: "Sơn La", Code: "000.00.00.H52"},
		{Name: "Lạng Sơn", Code: "000.00.00.H37"},
		{Name: "Quảng Ninh", Code: "000.00.00.H49"},
		{Name: "Thanh Hóa", Code: "000.00.00.H56"},
		{Name: "Nghệ An", Code: "000.00.00.H41"},
		{Name: "Hà Tĩnh", Code: "000.00.00.H27"},
		{Name: "Cao Bằng", Code: "000.00.00.H14"},
		{Name: "Tuyên Quang", Code: "000.00.00.H60"},
		{Name: "Lào Cai", Code: "000.00.00.H38"},
		{Name: "Thái Nguyên", Code: "000.00.00.H55"},
		{Name: "Phú Thọ", Code: "000.00.00.H44"},
		{Name: "Bắc Ninh", Code: "000.00.00.H05"},
		{Name: "Hưng Yên", Code: "000.00.00.H31"},
		{Name: "Ninh Bình", Code: "000.00.00.H42"},
		{Name: "Quảng Trị", Code: "000.00.00.H50"},
		{Name: "Quảng Ngãi", Code: "000.00.00.H48"},
		{Name: "Gia Lai", Code: "000.00.00.H21"},
		{Name: "Khánh Hòa", Code: "000.00.00.H32"},
		{Name: "Lâm Đồng", Code: "000.00.00.H36"},
		{Name: "Đắk Lắk", Code: "000.00.00.H15"},
		{Name: "Đồng Nai", Code: "000.00.00.H19"},
		{Name: "Tây Ninh", Code: "000.00.00.H53"},
		{Name: "Vĩnh Long", Code: "000.00.00.H61"},
		{Name: "Đồng Tháp", Code: "000.00.00.H20"},
		{Name: "Cà Mau", Code: "000.00.00.H12"},
		{Name: "An Giang", Code: "000.00.00.H01"},
	}
}
