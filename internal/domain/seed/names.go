package seed

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// weighted is a name and its relative frequency.
type weighted struct {
	name   string
	weight int
}

// Family names, in hundredths of a percent of the population. The first
// sixteen follow the usual estimates (Nguyễn about 38%, Trần 11%, Lê 9.5%,
// Phạm 7%, Hoàng and Huỳnh 5% together — one name, spelt Huỳnh in the
// south); the rest are a long tail of rarer ones, several common among the
// Tày, Nùng and Hoa communities.
var familyNames = []weighted{
	{"Nguyễn", 3800}, {"Trần", 1100}, {"Lê", 950}, {"Phạm", 700},
	{"Hoàng", 260}, {"Huỳnh", 240}, {"Phan", 450}, {"Vũ", 200}, {"Võ", 190},
	{"Đặng", 210}, {"Bùi", 200}, {"Đỗ", 140}, {"Hồ", 130}, {"Ngô", 130},
	{"Dương", 100}, {"Lý", 50},
	{"Đinh", 50}, {"Đoàn", 40}, {"Trịnh", 40}, {"Lương", 30}, {"Mai", 30},
	{"Trương", 30}, {"Lâm", 30}, {"Cao", 20}, {"Tạ", 20}, {"Hà", 20},
	{"Tô", 15}, {"Vương", 15}, {"Phùng", 10}, {"Chu", 10}, {"Quách", 10},
	{"Kiều", 10}, {"Lưu", 10}, {"Nông", 10}, {"Triệu", 5}, {"Tăng", 5},
	{"Thái", 5}, {"Lã", 5}, {"Mạc", 5}, {"Đàm", 5}, {"Hứa", 5},
	{"Khổng", 3}, {"Âu", 3}, {"Tôn", 3}, {"Giáp", 3}, {"Lục", 3}, {"La", 3},
	{"Bạch", 3}, {"Diệp", 3}, {"Thân", 3}, {"Nghiêm", 3}, {"Từ", 3},
	{"Ông", 2}, {"Khúc", 2}, {"Doãn", 2}, {"Ninh", 2}, {"Quan", 2}, {"Vi", 2},
	{"Hầu", 1}, {"Lò", 1}, {"Mông", 1}, {"Sầm", 1}, {"Âu Dương", 1},
}

var maleMiddleNames = []weighted{
	{"Văn", 300}, {"Minh", 120}, {"Đức", 100}, {"Hữu", 80}, {"Quốc", 60},
	{"Thanh", 60}, {"Quang", 60}, {"Công", 50}, {"Đình", 50}, {"Xuân", 40},
	{"Hoàng", 40}, {"Gia", 40}, {"Ngọc", 30}, {"Trọng", 30}, {"Anh", 30},
	{"Bảo", 30}, {"Thành", 30}, {"Tiến", 20}, {"Mạnh", 20}, {"Duy", 20},
	{"Việt", 20}, {"Trung", 15}, {"Khắc", 10}, {"Bá", 10},
}

var femaleMiddleNames = []weighted{
	{"Thị", 450}, {"Ngọc", 100}, {"Thu", 60}, {"Thanh", 60}, {"Minh", 50},
	{"Hồng", 40}, {"Kim", 40}, {"Phương", 30}, {"Bảo", 30}, {"Khánh", 30},
	{"Thùy", 30}, {"Mai", 20}, {"Hải", 20}, {"Diệu", 20}, {"Quỳnh", 20},
	{"Bích", 15}, {"Tuyết", 10}, {"Lan", 10}, {"Hoài", 10},
}

// secondMiddleNames follow "Thị" in names such as "Nguyễn Thị Thu Hà".
var secondMiddleNames = []weighted{
	{"Thu", 30}, {"Ngọc", 25}, {"Thanh", 20}, {"Kim", 15}, {"Hồng", 15},
	{"Minh", 10}, {"Phương", 10}, {"Bích", 10}, {"Mỹ", 8}, {"Thúy", 8},
}

var maleGivenNames = []weighted{
	{"Anh", 60}, {"Hùng", 50}, {"Dũng", 50}, {"Tuấn", 50}, {"Minh", 45},
	{"Hải", 40}, {"Nam", 40}, {"Long", 40}, {"Hiếu", 35}, {"Thắng", 35},
	{"Sơn", 35}, {"Phúc", 30}, {"Khoa", 30}, {"Bảo", 30}, {"Quân", 30},
	{"Huy", 30}, {"Đức", 30}, {"Trung", 25}, {"Thành", 25}, {"Cường", 25},
	{"Tùng", 25}, {"Việt", 20}, {"Hoàng", 20}, {"Tài", 20}, {"Lâm", 20},
	{"Khang", 20}, {"Phong", 20}, {"Vinh", 20}, {"Thịnh", 15}, {"Tâm", 15},
	{"Duy", 15}, {"Kiên", 15}, {"Lộc", 15}, {"Hưng", 15}, {"Đạt", 15},
	{"Hậu", 10}, {"Nhân", 10}, {"Toàn", 10}, {"Quang", 10}, {"Khôi", 10},
	{"Thiện", 10}, {"An", 10}, {"Bình", 10}, {"Chiến", 10}, {"Công", 8},
	{"Hiệp", 8}, {"Tiến", 8}, {"Trí", 8}, {"Tú", 8}, {"Vũ", 8}, {"Lực", 5},
	{"Quyết", 5}, {"Thuận", 5}, {"Sang", 5}, {"Nghĩa", 5},
}

var femaleGivenNames = []weighted{
	{"Anh", 60}, {"Linh", 55}, {"Hương", 50}, {"Trang", 50}, {"Hà", 45},
	{"Lan", 40}, {"Ngọc", 40}, {"Thảo", 40}, {"Huyền", 35}, {"Mai", 35},
	{"Hằng", 30}, {"Nhung", 30}, {"Phương", 30}, {"Thủy", 30}, {"Vy", 25},
	{"Nhi", 25}, {"Hạnh", 25}, {"Yến", 25}, {"Dung", 20}, {"Giang", 20},
	{"Hoa", 20}, {"Loan", 15}, {"Nga", 15}, {"Oanh", 15}, {"Quỳnh", 15},
	{"Tâm", 15}, {"Thu", 15}, {"Trâm", 15}, {"Uyên", 15}, {"Vân", 15},
	{"Xuân", 10}, {"Ánh", 10}, {"Chi", 10}, {"Hiền", 10}, {"Hồng", 10},
	{"Khánh", 10}, {"My", 10}, {"Ngân", 10}, {"Nguyệt", 8}, {"Như", 8},
	{"Tuyết", 8}, {"Thúy", 8}, {"Thư", 8}, {"Hân", 8}, {"Châu", 5},
	{"Duyên", 5}, {"Lệ", 5}, {"Liên", 5}, {"Ly", 5}, {"Diệp", 3},
}

// picker draws names with their weights.
type picker struct {
	names []string
	cum   []int // cumulative weights
}

func newPicker(ws []weighted) picker {
	p := picker{names: make([]string, len(ws)), cum: make([]int, len(ws))}
	total := 0
	for i, w := range ws {
		total += w.weight
		p.names[i], p.cum[i] = w.name, total
	}
	return p
}

func (p picker) pick(r *rand.Rand) string {
	x := r.IntN(p.cum[len(p.cum)-1])
	i, _ := slices.BinarySearch(p.cum, x+1)
	return p.names[i]
}

// namer makes full names: family name, one or two middle names, given name.
type namer struct {
	family, maleMiddle, femaleMiddle, secondMiddle, maleGiven, femaleGiven picker
}

func newNamer() namer {
	return namer{
		family:       newPicker(familyNames),
		maleMiddle:   newPicker(maleMiddleNames),
		femaleMiddle: newPicker(femaleMiddleNames),
		secondMiddle: newPicker(secondMiddleNames),
		maleGiven:    newPicker(maleGivenNames),
		femaleGiven:  newPicker(femaleGivenNames),
	}
}

func (n namer) name(r *rand.Rand, male bool) string {
	parts := []string{n.family.pick(r)}
	if male {
		parts = append(parts, n.maleMiddle.pick(r))
		parts = append(parts, n.maleGiven.pick(r))
	} else {
		middle := n.femaleMiddle.pick(r)
		parts = append(parts, middle)
		if middle == "Thị" && r.IntN(100) < 35 {
			parts = append(parts, n.secondMiddle.pick(r))
		}
		parts = append(parts, n.femaleGiven.pick(r))
	}
	// Avoid "Văn Văn", "Minh Minh": draw the given name again once.
	if parts[len(parts)-1] == parts[len(parts)-2] {
		if male {
			parts[len(parts)-1] = n.maleGiven.pick(r)
		} else {
			parts[len(parts)-1] = n.femaleGiven.pick(r)
		}
	}
	return strings.Join(parts, " ")
}
