package registrations

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/scan"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/fixtures"
)

func TestStart(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		evs := f.registrationEvents(t)
		in := f.input(t, 1)
		in.FullName = "  Nguye\u0302\u0303n  Văn An "
		pdf := fixtures.PDF(t)
		in.Scan = bytes.NewReader(pdf)
		reg, err := f.svc.Start(f.as(t, registrar1), in)
		if err != nil {
			t.Fatal(err)
		}
		reg = reload(t, f, reg.ID)
		switch {
		case reg.State != registration.StateDRAFT:
			t.Errorf("state %s", reg.State)
		case reg.IDNumber != idFor(1) || reg.OpenIDNumber == nil || *reg.OpenIDNumber != idFor(1):
			t.Errorf("id number %q, open %v", reg.IDNumber, reg.OpenIDNumber)
		case reg.FullName != "Nguyễn Văn An":
			t.Errorf("name %q", reg.FullName)
		case reg.Phone != e164For(1) || reg.Email != "an.nguyen@example.vn":
			t.Errorf("phone %q email %q", reg.Phone, reg.Email)
		case reg.DateOfBirth.Format("2006-01-02") != "1990-05-17":
			t.Errorf("date of birth %v", reg.DateOfBirth)
		case reg.OfficerID != f.officers[registrar1].ID || reg.UnitID != f.desk1.ID || reg.UnitPath != f.desk1.Path:
			t.Errorf("officer/unit %s %s %s", reg.OfficerID, reg.UnitID, reg.UnitPath)
		case !reg.ExpiresAt.Equal(t0.Add(IdleTimeout)) || !reg.CreatedAt.Equal(t0):
			t.Errorf("created %v expires %v", reg.CreatedAt, reg.ExpiresAt)
		case !strings.HasPrefix(reg.Code, "DK-") || len(reg.Code) != 12:
			t.Errorf("code %q", reg.Code)
		case reg.OtpSentAt != nil || reg.AccountID != nil:
			t.Errorf("otp/account set on a draft: %+v", reg)
		}
		sc := f.db.Client.Scan.Query().Where(scan.RegistrationID(reg.ID)).OnlyX(testkit.System())
		if sc.Kind != "pdf" || sc.Size != int64(len(pdf)) || len(sc.Sha256) != 64 {
			t.Errorf("scan row %+v", sc)
		}
		// The blob is encrypted: the PDF's bytes are nowhere in the bucket.
		blob, err := os.ReadFile(filepath.Join(f.scanDir, filepath.FromSlash(sc.StorageKey)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(blob, []byte("%PDF")) || bytes.Contains(blob, pdf[:64]) {
			t.Error("scan stored in clear")
		}
		a := f.db.Client.AuditEvent.Query().Where(auditevent.Action("registration.start")).OnlyX(testkit.System())
		if a.TargetID != string(reg.ID) || a.Actor != string(f.accounts[registrar1].ID) || a.UnitPath != f.desk1.Path {
			t.Errorf("audit %+v", a)
		}
		if d := a.Detail["idNumberMasked"]; d != "0010******01" {
			t.Errorf("audit detail holds %v, want the masked number", d)
		}
		got := drain(evs)
		if len(got) != 1 || got[0].ID != string(reg.ID) || got[0].Status != "DRAFT" || got[0].Topic != events.TopicRegistration {
			t.Errorf("events %+v", got)
		}
		if f.blobs(t) != 1 {
			t.Errorf("%d blobs", f.blobs(t))
		}
	})
}

// TestStartScans: the real small files of testkit/fixtures and generated
// PDFs go through; a renamed program, an empty file and 5 MiB + 1 byte do
// not, and then nothing is written and no blob is left.
func TestStartScans(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name  string
			data  []byte
			kind  scans.Kind
			want  refusal.Code
			field string
		}{
			{"sample.doc", fixtures.File(t, "sample.doc"), scans.DOC, ok, ""},
			{"sample.docx", fixtures.File(t, "sample.docx"), scans.DOCX, ok, ""},
			{"pdf", fixtures.PDF(t), scans.PDF, ok, ""},
			{"pdf of exactly 5 MiB", fixtures.PDFOfSize(t, scans.MaxBytes), scans.PDF, ok, ""},
			{"pdf of 5 MiB + 1 byte", fixtures.PDFOfSize(t, scans.MaxBytes+1), "", refusal.FileTooLarge, "scan"},
			{"renamed executable", fixtures.RenamedExecutable(t), "", refusal.FileTypeNotAllowed, "scan"},
			{"empty file", []byte{}, "", refusal.Validation, "scan"},
			{"no file", nil, "", refusal.Validation, "scan"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := f.input(t, i+1)
				in.Scan = bytes.NewReader(tt.data)
				if tt.data == nil {
					in.Scan = nil
				}
				before := f.counts(t)
				reg, err := f.svc.Start(f.as(t, registrar1), in)
				if tt.want != ok {
					testkit.RefusedOn(t, err, tt.want, tt.field)
					if after := f.counts(t); after != before {
						t.Errorf("refusal wrote something: %+v → %+v", before, after)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				kind, data, err := f.svc.ReadScan(f.as(t, registrar1), reg.ID)
				if err != nil {
					t.Fatal(err)
				}
				if kind != tt.kind || !bytes.Equal(data, tt.data) {
					t.Errorf("read back %s, %d bytes; want %s, %d bytes", kind, len(data), tt.kind, len(tt.data))
				}
				if f.blobs(t) != before.blobs+1 {
					t.Errorf("blobs %d → %d", before.blobs, f.blobs(t))
				}
			})
		}
	})
}

// TestStartRefusesDuplicates: an ID number with an account (as its number
// or its CMND alias), or with an open case, cannot start another.
func TestStartRefusesDuplicates(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sys := testkit.System()
		// An account holding idFor(1); one holding idFor(2) as its CMND alias.
		f.db.Client.Account.Create().SetIDNumber(idFor(1)).SetFullName("Trần Thị Bích").SetNameFolded("tran thi bich").
			SetDateOfBirth(dob1990).SetPhone("+84988111111").SetOrigin(account.OriginIMPORTED).ExecX(sys)
		f.db.Client.Account.Create().SetIDNumber("012345678").SetIDKind(account.IDKindCMND).SetCmndNumber(idFor(2)).
			SetFullName("Lê Văn Cũ").SetNameFolded("le van cu").
			SetDateOfBirth(dob1990).SetPhone("+84988111112").SetOrigin(account.OriginIMPORTED).ExecX(sys)
		open := f.start(t, 3)

		before := f.counts(t)
		_, err := f.svc.Start(f.as(t, registrar1), f.input(t, 1))
		testkit.RefusedOn(t, err, refusal.AccountExists, "idNumber")
		_, err = f.svc.Start(f.as(t, registrar1), f.input(t, 2))
		testkit.RefusedOn(t, err, refusal.AccountExists, "idNumber")

		// The same officer again: refused, with the open case's id to resume it.
		r := testkit.RefusedOn(t, func() error { _, err := f.svc.Start(f.as(t, registrar1), f.input(t, 3)); return err }(),
			refusal.InvalidState, "idNumber")
		if r.Extra["reason"] != "OPEN_BY_YOU" || r.Extra["registrationID"] != string(open.ID) {
			t.Errorf("extensions %v", r.Extra)
		}
		// Another desk: refused, without the case's id.
		in := f.input(t, 3)
		in.UnitID = f.desk2.ID
		r = testkit.RefusedOn(t, func() error { _, err := f.svc.Start(f.as(t, registrar2), in); return err }(),
			refusal.InvalidState, "idNumber")
		if r.Extra["reason"] != "OPEN_ELSEWHERE" || r.Extra["registrationID"] != nil {
			t.Errorf("extensions %v", r.Extra)
		}
		if after := f.counts(t); after != before {
			t.Errorf("refusals wrote something: %+v → %+v", before, after)
		}

		// Once the open case is idle for 24 h, another desk may start: the old
		// case expires in the same transaction.
		f.clock.Advance(IdleTimeout)
		in = f.input(t, 3)
		in.UnitID = f.desk2.ID
		if _, err := f.svc.Start(f.as(t, registrar2), in); err != nil {
			t.Fatalf("start after the other case went idle: %v", err)
		}
		if got := reload(t, f, open.ID); got.State != registration.StateEXPIRED || got.OpenIDNumber != nil {
			t.Errorf("idle case: %s, open %v", got.State, got.OpenIDNumber)
		}
	})
}

// TestTwoDesksStartOneNumber: two desks start a case for one ID number at
// once; exactly one wins, the other is told another case is open, and only
// the winner's scan stays in the bucket.
func TestTwoDesksStartOneNumber(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := range 5 {
			n := 10 + round
			ins := []StartInput{f.input(t, n), f.input(t, n)}
			ins[1].UnitID = f.desk2.ID
			ctxs := []context.Context{f.as(t, registrar1), f.as(t, registrar2)}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					_, errs[i] = f.svc.Start(ctxs[i], ins[i])
				}()
			}
			close(gate)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case refusal.Is(err, refusal.InvalidState):
				default:
					t.Fatalf("round %d: unexpected error %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
			}
			c := f.counts(t)
			if c.regs != round+1 || c.scans != round+1 || c.blobs != round+1 {
				t.Fatalf("round %d: %+v", round, c)
			}
		}
	})
}

// TestStartLosingInTheTransactionRemovesTheScan: a competing case for the
// number commits after our duplicate check passed and our scan was stored;
// the start is refused and the stored scan removed.
func TestStartLosingInTheTransactionRemovesTheScan(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		competitor := make(chan error, 1)
		release := make(chan struct{})
		inserted := make(chan struct{})
		go func() {
			competitor <- f.db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
				err := tx.Client.Registration.Create().SetCode("DK-TEST-0001").SetIDNumber(idFor(1)).SetOpenIDNumber(idFor(1)).
					SetFullName("Nguyễn Văn An").SetDateOfBirth(dob1990).SetPhone(e164For(1)).
					SetOfficerID(f.officers[registrar2].ID).SetUnitID(f.desk2.ID).SetUnitPath(f.desk2.Path).
					SetExpiresAt(t0.Add(IdleTimeout)).Exec(testkit.System())
				close(inserted)
				<-release
				return err
			})
		}()
		<-inserted
		started := make(chan error, 1)
		go func() {
			_, err := f.svc.Start(f.as(t, registrar1), f.input(t, 1))
			started <- err
		}()
		// Commit the competitor once our scan is in the bucket, i.e. after
		// our duplicate check saw nothing.
		for f.files(t) == 0 {
			select {
			case err := <-started:
				t.Fatalf("start ended before storing its scan: %v", err)
			case <-time.After(5 * time.Millisecond):
			}
		}
		close(release)
		if err := <-competitor; err != nil {
			t.Fatal(err)
		}
		r := testkit.RefusedOn(t, <-started, refusal.InvalidState, "idNumber")
		if r.Extra["reason"] != "OPEN_ELSEWHERE" {
			t.Errorf("extensions %v", r.Extra)
		}
		if c := f.counts(t); c.regs != 1 || c.scans != 0 || c.blobs != 0 || c.audits != 0 {
			t.Errorf("after losing: %+v", c)
		}
	})
}

// fakeAntivirus refuses files holding its marker, or everything when down.
type fakeAntivirus struct {
	marker []byte
	down   bool
	seen   int
}

func (a *fakeAntivirus) Scan(_ context.Context, data []byte) error {
	a.seen++
	if a.down {
		return refusal.New(refusal.ScanUnavailable, "Chưa kiểm tra virus được.", "Could not check; try again.").OnField("scan")
	}
	if bytes.Contains(data, a.marker) {
		return refusal.New(refusal.FileInfected, "Có mã độc.", "Malware found.").OnField("scan")
	}
	return nil
}

// TestStartAsksTheAntivirus: with an antivirus hook every scan that passed
// the structure check goes to it before anything is stored; its refusal
// leaves nothing behind.
func TestStartAsksTheAntivirus(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		av := &fakeAntivirus{marker: []byte("%PDF-")} // every PDF is "infected"
		f.svc.antivirus = av
		for i, tc := range []struct {
			name string
			data []byte
			down bool
			want refusal.Code
		}{
			{"clean", fixtures.File(t, "sample.docx"), false, ok},
			{"infected", fixtures.PDF(t), false, refusal.FileInfected},
			{"antivirus down", fixtures.File(t, "sample.doc"), true, refusal.ScanUnavailable},
		} {
			t.Run(tc.name, func(t *testing.T) {
				av.down = tc.down
				in := f.input(t, i+1)
				in.Scan = bytes.NewReader(tc.data)
				before, seen := f.counts(t), av.seen
				_, err := f.svc.Start(f.as(t, registrar1), in)
				if av.seen != seen+1 {
					t.Fatalf("the antivirus saw %d files, want 1", av.seen-seen)
				}
				if tc.want == ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				testkit.RefusedOn(t, err, tc.want, "scan")
				if after := f.counts(t); after != before {
					t.Errorf("refusal wrote something: %+v → %+v", before, after)
				}
			})
		}
	})
}
