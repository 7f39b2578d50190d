package units

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

func TestCreatePaths(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		prov := mustCreate(t, db, s, "000.00.00.h37", "Tỉnh  Lạng Sơn", unit.KindPROVINCE, nil)
		commune := mustCreate(t, db, s, "000.00.50.H37", "Xã Hữu Lũng", unit.KindCOMMUNE, prov)
		desk := mustCreate(t, db, s, "000.01.50.H37", "Bộ phận Một cửa UBND xã Hữu Lũng", unit.KindAGENCY, commune)

		if prov.Path != "/"+string(prov.ID)+"/" {
			t.Errorf("root path %q", prov.Path)
		}
		if commune.Path != prov.Path+string(commune.ID)+"/" {
			t.Errorf("child path %q, parent %q", commune.Path, prov.Path)
		}
		if desk.Path != commune.Path+string(desk.ID)+"/" {
			t.Errorf("grandchild path %q", desk.Path)
		}
		if desk.ParentID == nil || *desk.ParentID != commune.ID || prov.ParentID != nil {
			t.Errorf("parent ids: desk %v, province %v", desk.ParentID, prov.ParentID)
		}
		if prov.Code != "000.00.00.H37" || prov.Name != "Tỉnh Lạng Sơn" || prov.NameFolded != "tinh lang son" {
			t.Errorf("stored code %q name %q folded %q", prov.Code, prov.Name, prov.NameFolded)
		}
		stored := byCode(t, db, "000.01.50.H37")
		if stored.Path != desk.Path || !stored.IsServiceDesk || stored.Kind != unit.KindAGENCY {
			t.Errorf("stored desk %+v", stored)
		}
		n, err := db.Client.AuditEvent.Query().Where(auditevent.Action("unit.create")).Count(testkit.System())
		if err != nil || n != 3 {
			t.Errorf("audit events: %d, %v", n, err)
		}
	})
}

func TestCreateServiceDeskFlag(t *testing.T) {
	nfd := norm.NFD.String("Bộ phận Một cửa UBND phường Ba Đình")
	if nfd == norm.NFC.String(nfd) {
		t.Fatal("test input is not in NFD")
	}
	tests := []struct {
		name string
		desk bool
	}{
		{"Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", true},
		{"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THÀNH PHỐ HÀ NỘI", true},
		{"Bộ phận Một cửa UBND xã Hữu Lũng", true},
		{"BỘ PHẬN MỘT CỬA UBND PHƯỜNG ĐỐNG ĐA", true},
		{nfd, true},
		{"Bộ phận   một\tcửa Sở Tư pháp", true}, // white space collapses
		// Near misses.
		{"Bo phan mot cua xa Thu Nghiem", false}, // no diacritics: not the official name
		{"Trung tam phuc vu hanh chinh cong", false},
		{"Trung tâm Phục vụ hành chính tỉnh Lạng Sơn", false}, // "công" missing
		{"Bộ phận tiếp nhận và trả kết quả", false},
		{"Bộ phận mốt cửa", false}, // one tone mark off
		{"Sở Tư pháp tỉnh Lạng Sơn", false},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		for i, tt := range tests {
			code := fmt.Sprintf("000.00.%02d.H01", i)
			u := mustCreate(t, db, s, code, tt.name, unit.KindAGENCY, nil)
			if u.IsServiceDesk != tt.desk {
				t.Errorf("%q: is service desk %v, want %v", tt.name, u.IsServiceDesk, tt.desk)
			}
			if !norm.NFC.IsNormalString(u.Name) {
				t.Errorf("%q stored in a form other than NFC", tt.name)
			}
		}
	})
}

func TestCreateRefusals(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		prov := mustCreate(t, db, s, "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
		missing := *prov
		missing.ID = "UN01ZZZZZZZZZZZZZZZZZZZZZZ"
		tests := []struct {
			label  string
			code   string
			name   string
			kind   unit.Kind
			parent bool
			ghost  bool
			want   refusal.Code
			field  string
		}{
			{"duplicate code", "000.00.00.H37", "Tỉnh khác", unit.KindPROVINCE, false, false, refusal.Validation, "code"},
			{"duplicate code, lower case", " 000.00.00.h37 ", "Tỉnh khác", unit.KindPROVINCE, false, false, refusal.Validation, "code"},
			{"empty code", "  ", "Tên", unit.KindAGENCY, false, false, refusal.Validation, "code"},
			{"bad code", "000-00", "Tên", unit.KindAGENCY, false, false, refusal.Validation, "code"},
			{"code too long", strings.Repeat("1", 36), "Tên", unit.KindAGENCY, false, false, refusal.Validation, "code"},
			{"empty name", "000.00.01.H37", " \t ", unit.KindAGENCY, true, false, refusal.Validation, "name"},
			{"name too long", "000.00.01.H37", strings.Repeat("ễ", 301), unit.KindAGENCY, true, false, refusal.Validation, "name"},
			{"bad kind", "000.00.01.H37", "Sở Tư pháp", unit.Kind("DISTRICT"), true, false, refusal.Validation, "kind"},
			{"unknown parent", "000.00.01.H37", "Sở Tư pháp", unit.KindAGENCY, false, true, refusal.NotFound, "parentID"},
		}
		for _, tt := range tests {
			t.Run(tt.label, func(t *testing.T) {
				before := countUnits(t, db)
				var parent = prov
				switch {
				case tt.ghost:
					parent = &missing
				case !tt.parent:
					parent = nil
				}
				_, err := create(db, s, testkit.System(), tt.code, tt.name, tt.kind, parent)
				testkit.RefusedOn(t, err, tt.want, tt.field)
				if after := countUnits(t, db); after != before {
					t.Errorf("units %d → %d after a refusal", before, after)
				}
			})
		}
		if _, err := create(db, s, testkit.System(), "000.00.02.H37", strings.Repeat("a", 300), unit.KindAGENCY, prov); err != nil {
			t.Errorf("300-rune name: %v", err)
		}
		// The schema's validator counts bytes (ent MaxLen): 100 three-byte
		// letters fill it; one more is refused, not an internal error.
		if _, err := create(db, s, testkit.System(), "000.00.03.H37", strings.Repeat("ễ", 100), unit.KindAGENCY, prov); err != nil {
			t.Errorf("300-byte name: %v", err)
		}
		_, err := create(db, s, testkit.System(), "000.00.04.H37", strings.Repeat("ễ", 101), unit.KindAGENCY, prov)
		testkit.RefusedOn(t, err, refusal.Validation, "name")
	})
}

func TestCreateNeedsTheSystemOrASuperAdmin(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		_, err := create(db, s, signedIn(), "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
		testkit.RefusedOn(t, err, refusal.Forbidden, "")
		_, err = create(db, s, t.Context(), "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
		testkit.RefusedOn(t, err, refusal.Unauthenticated, "")
		if n := countUnits(t, db); n != 0 {
			t.Errorf("%d units written by refused callers", n)
		}
	})
}
