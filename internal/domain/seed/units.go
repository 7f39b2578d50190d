package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
)

// The demo unit codes follow the QCVN 102:2016 layout LLL.LL.LL.Xnn, read
// right to left: Xnn is the province (vn.CurrentProvinces), the next group
// a unit directly under it, the next one a unit under that.
//
//	000.00.00.Hnn  the province (Tỉnh … / Thành phố …), kind PROVINCE
//	000.00.01.Hnn  Trung tâm Phục vụ hành chính công of the province (a desk)
//	000.00.02.Hnn  Sở Tư pháp of the province (not a desk)
//	000.00.5k.Hnn  commune k (k = 0, 1) of the province, kind COMMUNE
//	000.01.5k.Hnn  Bộ phận Một cửa UBND of commune k (a desk)
//	000.02.50.H37  "Bo phan mot cua xa Thu Nghiem": spelt without
//	               diacritics, so NOT a desk (source §4.1)
//
// The real level-2 and level-3 numbers are assigned by each province; these
// are demo data, unique and of the right form.
const (
	codeCentre          = "000.00.01."
	codeJustice         = "000.00.02."
	codeCommune         = "000.00.5"
	codeCommuneDesk     = "000.01.5"
	codeNoDiacriticsRaw = "000.02.50."
)

// Codes of the demo units the demo accounts belong to.
const (
	CodeLangSon        = "000.00.00.H37"
	CodeLangSonCentre  = codeCentre + "H37"
	CodeLangSonJustice = codeJustice + "H37"
	CodeNoDiacritics   = codeNoDiacriticsRaw + "H37"
)

// demoCommunes are the communes (two-tier local government since 1 Jul
// 2025) given to a few provinces, by province code.
var demoCommunes = map[string][2]string{
	"H26": {"Phường Ba Đình", "Phường Hoàn Kiếm"}, // Hà Nội
	"H29": {"Phường Sài Gòn", "Phường Bến Thành"}, // Hồ Chí Minh
	"H37": {"Xã Hữu Lũng", "Phường Tam Thanh"},    // Lạng Sơn
	"H17": {"Phường Hải Châu", "Xã Hòa Vang"},     // Đà Nẵng
}

// plannedUnit is a demo unit; parent is the code of its parent, "" at the top.
type plannedUnit struct {
	code, name, parent string
	kind               unit.Kind
}

// demoUnitPlan is the demo tree, parents before children.
func demoUnitPlan() []plannedUnit {
	var out []plannedUnit
	for _, p := range vn.CurrentProvinces() {
		nn := p.Code[strings.LastIndexByte(p.Code, '.')+1:]
		of := lowerFirst(p.FullName()) // "tỉnh Lạng Sơn", "thành phố Hà Nội"
		out = append(out,
			plannedUnit{p.Code, p.FullName(), "", unit.KindPROVINCE},
			plannedUnit{codeCentre + nn, "Trung tâm Phục vụ hành chính công " + of, p.Code, unit.KindAGENCY},
			plannedUnit{codeJustice + nn, "Sở Tư pháp " + of, p.Code, unit.KindAGENCY},
		)
		communes, ok := demoCommunes[nn]
		if !ok {
			continue
		}
		for k, c := range communes {
			cc := fmt.Sprintf("%s%d.%s", codeCommune, k, nn)
			out = append(out,
				plannedUnit{cc, c, p.Code, unit.KindCOMMUNE},
				plannedUnit{fmt.Sprintf("%s%d.%s", codeCommuneDesk, k, nn), "Bộ phận Một cửa UBND " + lowerFirst(c), cc, unit.KindAGENCY},
			)
		}
		if nn == "H37" {
			out = append(out, plannedUnit{CodeNoDiacritics, "Bo phan mot cua xa Thu Nghiem", codeCommune + "0.H37", unit.KindAGENCY})
		}
	}
	return out
}

// lowerFirst lower-cases the first word's initial: "Thành phố Huế" → "thành phố Huế".
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// ensureDemoUnits creates the demo units that do not exist yet (by code),
// inside tx, and returns every demo unit by code and how many it created.
// ctx must be the system's.
func ensureDemoUnits(ctx context.Context, tx *store.Tx, svc *units.Service) (map[string]*ent.Unit, int, error) {
	plan := demoUnitPlan()
	codes := make([]string, len(plan))
	for i, p := range plan {
		codes[i] = p.code
	}
	existing, err := tx.Client.Unit.Query().Where(unit.CodeIn(codes...)).All(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("seed: demo units: %w", err)
	}
	byCode := make(map[string]*ent.Unit, len(plan))
	for _, u := range existing {
		byCode[u.Code] = u
	}
	created := 0
	for _, p := range plan {
		if _, ok := byCode[p.code]; ok {
			continue
		}
		in := units.NewUnit{Code: p.code, Name: p.name, Kind: p.kind}
		if p.parent != "" {
			in.ParentID = &byCode[p.parent].ID
		}
		u, err := svc.Create(ctx, tx, in)
		if err != nil {
			return nil, 0, fmt.Errorf("seed: demo unit %s: %w", p.code, err)
		}
		byCode[p.code] = u
		created++
	}
	return byCode, created, nil
}
