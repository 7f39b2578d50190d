package officers

import (
	"context"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// TestAccountsOutsideScope follows a citizen of Hà Nội through the Huế
// admin's eyes: not readable, found only by an exact identifier and masked,
// added to user management from that masked answer, still masked while the
// officer has no unit, in full once attached to a Huế desk.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestAccountsOutsideScope(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hue, hn, super := w.as(w.adminHue), w.as(w.adminHN), w.as(w.super)
		// A citizen created at the Hà Nội desk by its officer.
		desk := w.account("Trịnh Thị Mai", account.OriginONE_STOP_DESK)
		desk = desk.Update().SetCreatedAtUnitID(w.hanoiDesk.ID).
			SetCreatedByOfficerID(w.officerOf(w.officer).ID).SaveX(testkit.System())

		visible := func(ctx context.Context, id pulid.ID) accounts.Visibility {
			t.Helper()
			vis, err := accounts.Visible(ctx, db.Client, id)
			if err != nil {
				t.Fatal(err)
			}
			return vis
		}
		readable := func(ctx context.Context, id pulid.ID) bool {
			t.Helper()
			_, err := db.Client.Account.Get(ctx, id)
			if err != nil && !ent.IsNotFound(err) {
				t.Fatal(err)
			}
			return err == nil
		}
		for _, c := range []struct {
			name     string
			ctx      context.Context
			id       pulid.ID
			readable bool
			vis      accounts.Visibility
		}{
			{"Hà Nội admin, officer of its desk", hn, w.officer.ID, true, accounts.Full},
			{"Hà Nội admin, citizen created at its desk", hn, desk.ID, true, accounts.Full},
			{"Hà Nội admin, citizen registered online", hn, w.citizen.ID, false, accounts.Masked},
			{"Huế admin, officer in Hà Nội", hue, w.officer.ID, false, accounts.Masked},
			{"Huế admin, citizen created in Hà Nội", hue, desk.ID, false, accounts.Masked},
			{"Huế admin, itself", hue, w.adminHue.ID, true, accounts.Full},
			{"the desk officer, the citizen it created", w.as(w.officer), desk.ID, true, accounts.Full},
			{"the desk officer, another citizen", w.as(w.officer), w.citizen.ID, false, accounts.Masked},
			{"super admin, anyone", super, w.citizen.ID, true, accounts.Full},
		} {
			if got := readable(c.ctx, c.id); got != c.readable {
				t.Errorf("%s: readable %v, want %v", c.name, got, c.readable)
			}
			if got := visible(c.ctx, c.id); got != c.vis {
				t.Errorf("%s: %s, want %s", c.name, got, c.vis)
			}
		}

		// The exact search finds the Hà Nội officer for the Huế admin, masked,
		// without the officer record the admin may not read.
		conn, err := accounts.Search(hue, w.db, accounts.Query{Search: w.officer.Phone})
		if err != nil || len(conn.Edges) != 1 {
			t.Fatalf("exact search: %v %v", conn, err)
		}
		if o, err := conn.Edges[0].Node.Officer(hue); o != nil || err != nil {
			t.Errorf("the Huế admin reads the Hà Nội officer through the masked account: %v %v", o, err)
		}

		// Step 1 from the masked answer, then step 2.
		conn, err = accounts.Search(hue, w.db, accounts.Query{Search: w.citizen.IDNumber})
		if err != nil || len(conn.Edges) != 1 || visible(hue, conn.Edges[0].Node.ID) != accounts.Masked {
			t.Fatalf("exact search of the citizen: %v %v", conn, err)
		}
		o, err := w.svc.Add(hue, conn.Edges[0].Node.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !readable(hue, w.citizen.ID) || visible(hue, w.citizen.ID) != accounts.Masked {
			t.Error("an officer with no unit: its account should be readable, masked")
		}
		if _, _, err := w.svc.AssignUnit(hue, o.ID, w.hueDesk.ID); err != nil {
			t.Fatal(err)
		}
		if visible(hue, w.citizen.ID) != accounts.Full || visible(hn, w.citizen.ID) != accounts.Masked || readable(hn, w.citizen.ID) {
			t.Error("after the move to Huế: Huế sees the account in full, Hà Nội not at all")
		}
		found, err := accounts.Search(hue, w.db, accounts.Query{Search: "Ngô Thị Dân"})
		if err != nil || len(found.Edges) != 1 {
			t.Errorf("the Huế admin's name search of its new officer: %v %v", found, err)
		}
	})
}
