package registrations

import (
	"bytes"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/internal/platform/requestform"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit"
)

// The request form carries every entered field, the unit, the officer, the
// date and the case's code: it is byte for byte the form rendered from them.
func TestRequestFormPDF(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		if got := f.svc.RequestFormURL(reg.ID); got != "https://dvc.example.vn/registrations/"+string(reg.ID)+"/request-form.pdf" {
			t.Errorf("URL %s", got)
		}
		var want bytes.Buffer
		err := requestform.Render(&want, requestform.RequestForm{
			RegistrationCode: reg.Code, IDNumber: idFor(1), FullName: "Nguyễn Văn An",
			Phone: "0912 000 001", Email: "an.nguyen@example.vn", DateOfBirth: dob1990,
			UnitName: f.desk1.Name, UnitCode: f.desk1.Code, OfficerName: "Cán Bộ registrar1",
			CreatedAt: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, actor := range []string{registrar1, adminA} {
			got, err := f.svc.RequestFormPDF(f.as(t, actor), reg.ID)
			if err != nil {
				t.Fatalf("%s: %v", actor, err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s: the form differs from one rendered with the case's data", actor)
			}
		}
	})
}

// Every read of a scan leaves an audit record naming the reader.
func TestReadScanIsAudited(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		for _, actor := range []string{registrar1, adminA, registrar1} {
			if _, _, err := f.svc.ReadScan(f.as(t, actor), reg.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := f.svc.ReadScan(f.as(t, adminB), reg.ID)
		testkit.Refused(t, err, refusal.NotFound)
		reads := f.db.Client.AuditEvent.Query().Where(auditevent.Action("scan.read")).
			Order(ent.Asc(auditevent.FieldAppendSeq)).AllX(testkit.System())
		if len(reads) != 3 {
			t.Fatalf("%d audit records for 3 reads", len(reads))
		}
		for i, actor := range []string{registrar1, adminA, registrar1} {
			if reads[i].Actor != string(f.accounts[actor].ID) || reads[i].TargetID != string(reg.ID) || reads[i].ClientIP != "192.0.2.1" {
				t.Errorf("read %d: %+v", i, reads[i])
			}
		}
		if u, _ := f.svc.ScanURL(f.as(t, registrar2), reload(t, f, reg.ID)); u != nil {
			t.Errorf("scan URL for another desk: %s", *u)
		}
	})
}

// The officer's lists: own cases and own accounts, newest first, paginated.
func TestLists(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var mine []*ent.Registration
		for i := range 5 {
			f.clock.Set(t0.Add(time.Duration(i) * time.Minute))
			mine = append(mine, f.start(t, i+1))
		}
		in := f.input(t, 50)
		in.UnitID = f.desk2.ID
		if _, err := f.svc.Start(f.as(t, registrar2), in); err != nil {
			t.Fatal(err)
		}
		two := 2
		ctx := f.as(t, registrar1)
		page, err := f.svc.Registrations(ctx, store.Page{First: &two}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 5 || len(page.Edges) != 2 || page.Edges[0].Node.ID != mine[4].ID || page.Edges[1].Node.ID != mine[3].ID || !page.PageInfo.HasNextPage {
			t.Fatalf("first page: total %d, %d edges", page.TotalCount, len(page.Edges))
		}
		next, err := f.svc.Registrations(ctx, store.Page{First: &two, After: page.PageInfo.EndCursor}, nil)
		if err != nil || len(next.Edges) != 2 || next.Edges[0].Node.ID != mine[2].ID {
			t.Fatalf("second page: %+v, %v", next, err)
		}
		if _, err := f.svc.Cancel(ctx, mine[0].ID); err != nil {
			t.Fatal(err)
		}
		open, err := f.svc.Registrations(ctx, store.Page{}, &ent.RegistrationWhereInput{
			StateIn: []registration.State{registration.StateDRAFT, registration.StateOTP_SENT},
		})
		if err != nil || open.TotalCount != 4 {
			t.Fatalf("open cases: %+v, %v", open, err)
		}

		f.clock.Set(t0.Add(time.Hour))
		for _, reg := range mine[1:3] {
			if _, err := f.svc.SendOTP(ctx, reg.ID); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Minute)
			if _, err := f.svc.Complete(ctx, reg.ID, f.outbox.LastCode(t)); err != nil {
				t.Fatal(err)
			}
		}
		accs, err := f.svc.AccountsCreatedByMe(ctx, store.Page{})
		if err != nil || accs.TotalCount != 2 || accs.Edges[0].Node.IDNumber != idFor(3) || accs.Edges[1].Node.IDNumber != idFor(2) {
			t.Fatalf("accounts: %+v, %v", accs, err)
		}
		if other, err := f.svc.AccountsCreatedByMe(f.as(t, registrar2), store.Page{}); err != nil || other.TotalCount != 0 {
			t.Errorf("another officer's list: %+v, %v", other, err)
		}
		_, err = f.svc.Registrations(f.as(t, citizen), store.Page{}, nil)
		testkit.Refused(t, err, refusal.Forbidden)
		_, err = f.svc.AccountsCreatedByMe(f.as(t, anonymous), store.Page{})
		testkit.Refused(t, err, refusal.Unauthenticated)
	})
}

// §3 step 1: the lookup by CCCD or old CMND; an existing account shows only
// a masked name; warnings in the request's language.
func TestLookup(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sys := testkit.System()
		f.db.Client.Account.Create().SetIDNumber("001090000777").SetCmndNumber("012345678").
			SetFullName("Đặng Thị Ánh").SetNameFolded("dang thi anh").SetDateOfBirth(dob1990).
			SetPhone("+84988000777").SetOrigin(account.OriginIMPORTED).ExecX(sys)
		f.db.Client.Account.Create().SetIDNumber("023456789").SetIDKind(account.IDKindCMND).
			SetFullName("Lê Văn Cũ").SetNameFolded("le van cu").SetDateOfBirth(dob1990).
			SetPhone("+84988000778").SetOrigin(account.OriginIMPORTED).ExecX(sys)
		f.start(t, 5)

		tests := []struct {
			name     string
			id       string
			en       bool
			exists   bool
			masked   string
			kind     vn.IDKind
			province string
			warnings int
		}{
			{"CCCD of an account", "001 090 000 777", false, true, "Đặng T** Á**", vn.CCCD, "Hà Nội", 0},
			{"its CMND alias", "012.345.678", false, true, "Đặng T** Á**", vn.CMND, "", 0},
			{"an old CMND account", "023456789", false, true, "Lê V** C**", vn.CMND, "", 0},
			{"no account", idFor(9), false, false, "", vn.CCCD, "Hà Nội", 0},
			{"unknown province code", "999090000001", false, false, "", vn.CCCD, "", 1},
			{"unknown province code, in English", "999090000001", true, false, "", vn.CCCD, "", 1},
			{"a number with an open case", idFor(5), false, false, "", vn.CCCD, "Hà Nội", 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := f.as(t, registrar1)
				if tt.en {
					ctx = requestinfo.NewContext(ctx, requestinfo.Info{Lang: "en"})
				}
				l, err := f.svc.Lookup(ctx, tt.id)
				if err != nil {
					t.Fatal(err)
				}
				if l.Exists != tt.exists || l.MaskedName != tt.masked || l.Kind != tt.kind || l.Province != tt.province || len(l.Warnings) != tt.warnings {
					t.Fatalf("lookup %+v", l)
				}
				if tt.warnings > 0 {
					w := l.Warnings[0]
					isVI := bytes.ContainsAny([]byte(w), "ốđữ")
					if tt.en == isVI {
						t.Errorf("warning in the wrong language: %q", w)
					}
				}
			})
		}
		_, err := f.svc.Lookup(f.as(t, registrar1), "00109000077")
		testkit.RefusedOn(t, err, refusal.Validation, "idNumber")
	})
}
