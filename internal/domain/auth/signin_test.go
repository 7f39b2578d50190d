package auth

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// TestFirstSignIn walks the initial-password path (docs/RULES.md "Passwords"): the SMS
// password works once, within 72 h, for a session that may only change it;
// the change lifts the restriction and kills the initial password.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestFirstSignIn(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		initialPW, err := password.GenerateInitial()
		if err != nil {
			t.Fatal(err)
		}
		p := hung
		p.password, p.initial = initialPW, true
		a := e.account(t, p)

		e.clock.Advance(71 * time.Hour) // still within 72 h
		res, err := e.svc.SignIn(e.ctx, "001 090 012 345", initialPW)
		if err != nil {
			t.Fatalf("first sign-in: %v", err)
		}
		if !res.MustChangePassword || !res.Viewer.PasswordChangeOnly || res.Viewer.AccountID != a.ID {
			t.Fatalf("result %+v / viewer %+v: want a password-change-only session of the account", res, res.Viewer)
		}
		if len(res.Token) != 43 {
			t.Errorf("token %d characters, want 43 (32 bytes base64url)", len(res.Token))
		}
		// The answer's viewer comes with the sign-in, as Me would give it.
		if m := res.Me; m == nil || m.Account.ID != a.ID || m.Account.InitialPasswordUsedAt == nil || m.Officer != nil ||
			m.CurrentSessionID != res.Viewer.SessionID || len(m.Sessions) != 1 || m.Sessions[0].ID != res.Viewer.SessionID {
			t.Errorf("sign-in's viewer: %+v", res.Me)
		}
		ctx := e.session(t, res.Token)
		if !viewer.FromContext(ctx).PasswordChangeOnly {
			t.Error("Authenticate lost password_change_only")
		}
		if got := e.reload(t, a).InitialPasswordUsedAt; got == nil {
			t.Error("initial_password_used_at not set by the sign-in")
		}

		// Once: a second sign-in with it is refused, though it is right.
		_, err = e.svc.SignIn(e.ctx, "0912345678", initialPW)
		testkit.Refused(t, err, refusal.InvalidState)

		// A weak new password is refused and changes nothing.
		before := e.reload(t, a)
		testkit.Refused(t, e.svc.ChangePassword(ctx, initialPW, "12345678"), refusal.PasswordTooWeak)
		if after := e.reload(t, a); after.PasswordHash != before.PasswordHash || !after.MustChangePassword {
			t.Error("a refused change wrote something")
		}

		const next = "trăng rằm tháng tám"
		if err := e.svc.ChangePassword(ctx, initialPW, next); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if v := viewer.FromContext(e.session(t, res.Token)); v.PasswordChangeOnly {
			t.Error("the session is still restricted after the change")
		}
		after := e.reload(t, a)
		if after.MustChangePassword || after.InitialPasswordExpiresAt != nil || after.InitialPasswordUsedAt != nil {
			t.Errorf("account after change: must %v, expires %v, used %v", after.MustChangePassword, after.InitialPasswordExpiresAt, after.InitialPasswordUsedAt)
		}
		// The restricted window no longer applies to the session.
		// (Used every 20 minutes, so that the idle timeout does not end it.)
		for range 2 {
			e.clock.Advance(20 * time.Minute)
			e.session(t, res.Token)
		}

		// The initial password is dead; the new one works with any spelling.
		_, err = e.svc.SignIn(e.ctx, "001090012345", initialPW)
		testkit.Refused(t, err, refusal.Unauthenticated)
		res2, err := e.svc.SignIn(e.ctx, "+84 912 345 678", next)
		if err != nil {
			t.Fatalf("sign-in with the new password: %v", err)
		}
		if res2.MustChangePassword || res2.Viewer.PasswordChangeOnly {
			t.Error("the new password gave a restricted session")
		}
		if n := len(e.outbox.Of(sms.PasswordChanged)); n != 0 {
			t.Errorf("the forced first change sent %d PASSWORD_CHANGED SMS, want 0", n)
		}
	})
}

func TestInitialPasswordExpiry(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := hung
		p.password, p.initial = "k7Hq9xMz2P", true
		a := e.account(t, p)
		e.clock.Advance(72 * time.Hour) // expires exactly now
		_, err := e.svc.SignIn(e.ctx, hung.id, p.password)
		testkit.Refused(t, err, refusal.InvalidState)
		if e.reload(t, a).InitialPasswordUsedAt != nil {
			t.Error("a refused sign-in spent the initial password")
		}
		if ev := e.auditOf(t, "auth.sign_in_refused"); len(ev) != 1 || ev[0].Detail["reason"] != "initial_password_expired" {
			t.Errorf("audit: %v", ev)
		}
		// A wrong password is still only "wrong", never "expired".
		_, err = e.svc.SignIn(e.ctx, hung.id, "not the password")
		testkit.Refused(t, err, refusal.Unauthenticated)
	})
}

// TestPasswordChangeOnlyWindow: the restricted session of an initial
// password ends PasswordChangeWindow after it opened.
func TestPasswordChangeOnlyWindow(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := hung
		p.password, p.initial = "k7Hq9xMz2P", true
		e.account(t, p)
		res, err := e.svc.SignIn(e.ctx, hung.id, p.password)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(PasswordChangeWindow - time.Second)
		e.session(t, res.Token)
		e.clock.Advance(time.Second)
		if v, err := e.svc.Authenticate(e.ctx, res.Token); v != nil || err != nil {
			t.Errorf("Authenticate after the window = %v, %v; want nil, nil", v, err)
		}
	})
}

// TestMustChangeWithoutInitial: an account that must change a password it
// chose (no initial fields) gets restricted sessions, as often as it signs in.
func TestMustChangeWithoutInitial(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := hung
		p.mustChange = true
		e.account(t, p)
		for range 2 {
			res, err := e.svc.SignIn(e.ctx, hung.id, hung.password)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Viewer.PasswordChangeOnly {
				t.Error("session not restricted")
			}
		}
	})
}

func TestSignInStatus(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		locked := hung
		locked.status = account.StatusLOCKED
		e.account(t, locked)
		notActive := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", password: "mưa rơi trên phố", status: account.StatusNOT_ACTIVATED}
		e.account(t, notActive)
		imported := person{id: "001190011111", phone: "+84911111111", name: "Trần Văn Nam", origin: account.OriginIMPORTED}
		e.account(t, imported)

		// Right password: the state is told. Wrong one: only "wrong".
		_, err := e.svc.SignIn(e.ctx, hung.id, hung.password)
		testkit.Refused(t, err, refusal.Forbidden)
		_, err = e.svc.SignIn(e.ctx, hung.id, "wrong password")
		testkit.Refused(t, err, refusal.Unauthenticated)
		_, err = e.svc.SignIn(e.ctx, notActive.id, notActive.password)
		testkit.Refused(t, err, refusal.Forbidden)
		// An imported account has no password until a reset.
		_, err = e.svc.SignIn(e.ctx, imported.id, "")
		testkit.Refused(t, err, refusal.Unauthenticated)
		n, err := db.Client.Session.Query().Count(viewer.System(context.Background()))
		if err != nil || n != 0 {
			t.Errorf("%d sessions opened, %v", n, err)
		}
	})
}

// TestSignInEnumeration: an unknown login, a malformed one, a phone shared
// by two accounts and a known login with a wrong password all answer the
// same, each after one argon2id check.
func TestSignInEnumeration(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		twin := person{id: "001190022222", phone: "+84933333333", name: "Phạm Thị Lan", password: "hoa sen trong đầm"}
		e.account(t, twin)
		twin.id = "001190033333"
		e.account(t, twin)
		var msgs []string
		for _, login := range []string{"001090099999", "not a login", "0933 333 333", hung.id} {
			_, err := e.svc.SignIn(e.ctx, login, "wrong password")
			r := testkit.Refused(t, err, refusal.Unauthenticated)
			msgs = append(msgs, r.VI)
		}
		for _, m := range msgs[1:] {
			if m != msgs[0] {
				t.Errorf("answers differ: %q vs %q", m, msgs[0])
			}
		}
		// The twins sign in with their ID number.
		if _, err := e.svc.SignIn(e.ctx, "001190033333", "hoa sen trong đầm"); err != nil {
			t.Errorf("twin by ID number: %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		for _, login := range []string{hung.id, "001090099999"} { // known and unknown: the same story
			t.Run(login, func(t *testing.T) {
				e.sleep.take()
				for range 5 {
					_, err := e.svc.SignIn(e.ctx, login, "wrong password")
					testkit.Refused(t, err, refusal.Unauthenticated)
					e.clock.Advance(time.Minute)
				}
				waits := e.sleep.take()
				want := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}
				if len(waits) != len(want) {
					t.Fatalf("waits %v, want %v", waits, want)
				}
				for i := range want {
					if waits[i] != want[i] {
						t.Errorf("wait %d = %v, want %v", i, waits[i], want[i])
					}
				}
				// Locked: even the right password is refused, without hashing.
				_, err := e.svc.SignIn(e.ctx, login, hung.password)
				r := testkit.Refused(t, err, refusal.RateLimited)
				if got := r.Extra["availableAt"]; got == nil {
					t.Error("no availableAt")
				}
				if w := e.sleep.take(); len(w) != 0 {
					t.Errorf("a locked login was slowed down %v: it should be refused at once", w)
				}
			})
			e.clock.Advance(16 * time.Minute)
		}
		// After the lock ran out, the right password works.
		if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		if n := len(e.auditOf(t, "auth.sign_in_failed")); n != 10 {
			t.Errorf("%d failures audited, want 10", n)
		}
		locks := e.auditOf(t, "auth.sign_in_locked")
		if len(locks) != 2 || locks[0].TargetID != string(a.ID) || locks[1].TargetType != "Login" {
			t.Errorf("locks audited: %v", locks)
		}
	})
}

func TestLockExpiresAndAvailableAt(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		for range 5 {
			_, _ = e.svc.SignIn(e.ctx, hung.id, "wrong password")
		}
		_, err := e.svc.SignIn(e.ctx, hung.id, hung.password)
		r := testkit.Refused(t, err, refusal.RateLimited)
		if want := start.Add(15 * time.Minute).Format(time.RFC3339); r.Extra["availableAt"] != want {
			t.Errorf("availableAt %v, want %s", r.Extra["availableAt"], want)
		}
		e.clock.Advance(15*time.Minute - time.Second)
		_, err = e.svc.SignIn(e.ctx, hung.id, hung.password)
		testkit.Refused(t, err, refusal.RateLimited)
		e.clock.Advance(time.Second)
		if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); err != nil {
			t.Fatalf("at the lock's end: %v", err)
		}
		// The success forgot the failures: 4 more wrong ones do not lock.
		for range 4 {
			_, err := e.svc.SignIn(e.ctx, hung.id, "wrong password")
			testkit.Refused(t, err, refusal.Unauthenticated)
		}
		if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); err != nil {
			t.Fatalf("after 4 failures: %v", err)
		}
	})
}

func TestAdminUnlock(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		province := e.unit(t, "000.00.00.H01", "Thành phố Hà Nội", "")
		other := e.unit(t, "000.00.00.H02", "Tỉnh Hà Giang", "")
		adm := e.account(t, person{id: "001080000001", phone: "+84900000001", name: "Quản Trị Viên", password: "quản trị hệ thống"})
		e.admin(t, adm, province)
		for range 5 {
			_, _ = e.svc.SignIn(e.ctx, hung.id, "wrong password")
		}
		adminCtx, citizenCtx := e.as(t, adm), e.as(t, a)
		until, err := e.svc.LockedUntil(adminCtx, a.ID)
		if err != nil || until == nil || !until.Equal(start.Add(15*time.Minute)) {
			t.Fatalf("LockedUntil (admin) = %v, %v", until, err)
		}
		if until, err := e.svc.LockedUntil(citizenCtx, a.ID); until != nil || err != nil {
			t.Errorf("LockedUntil (citizen) = %v, %v; want nil", until, err)
		}
		testkit.Refused(t, e.svc.Unlock(citizenCtx, a.ID), refusal.Forbidden)
		testkit.Refused(t, e.svc.Unlock(e.ctx, a.ID), refusal.Unauthenticated)
		testkit.Refused(t, e.svc.Unlock(adminCtx, "ACnope"), refusal.NotFound)

		// An officer of another province is out of this admin's scope.
		off := e.account(t, person{id: "001080000002", phone: "+84900000002", name: "Cán Bộ", password: "cán bộ tỉnh bạn"})
		if _, err := db.Client.Officer.Create().SetAccountID(off.ID).SetUnitID(other.ID).SetUnitPath(other.Path).
			Save(viewer.System(context.Background())); err != nil {
			t.Fatal(err)
		}
		testkit.Refused(t, e.svc.Unlock(adminCtx, off.ID), refusal.OutOfScope)

		if err := e.svc.Unlock(adminCtx, a.ID); err != nil {
			t.Fatalf("Unlock: %v", err)
		}
		if until, _ := e.svc.LockedUntil(adminCtx, a.ID); until != nil {
			t.Errorf("still locked until %v", until)
		}
		if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); err != nil {
			t.Fatalf("sign-in after unlock: %v", err)
		}
		ev := e.auditOf(t, "auth.sign_in_unlocked")
		if len(ev) != 1 || ev[0].Actor != string(adm.ID) || ev[0].Detail["wasLocked"] != true {
			t.Errorf("unlock audit: %v", ev)
		}
	})
}

func TestClientAddressCap(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.svc.ipLimit.max = 4 // 50 in production; the rule is the same
		e.account(t, hung)
		other := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", password: "mưa rơi trên phố"}
		e.account(t, other)
		// Four failures on four different logins: no login is locked, the
		// address is.
		for _, login := range []string{hung.id, "001090099999", "001090099998", "0987 654 321"} {
			_, err := e.svc.SignIn(e.ctx, login, "wrong password")
			testkit.Refused(t, err, refusal.Unauthenticated)
		}
		_, err := e.svc.SignIn(e.ctx, other.id, other.password)
		testkit.Refused(t, err, refusal.RateLimited)
		// Another address is not affected; an IPv6 neighbour in the same
		// /64 is the same client.
		elsewhere := requestinfo.NewContext(context.Background(), requestinfo.Info{ClientIP: "198.51.100.1"})
		if _, err := e.svc.SignIn(elsewhere, other.id, other.password); err != nil {
			t.Fatalf("from another address: %v", err)
		}
		e.clock.Advance(15 * time.Minute)
		if _, err := e.svc.SignIn(e.ctx, other.id, other.password); err != nil {
			t.Fatalf("after the address lock: %v", err)
		}
	})
}

func TestIPKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"203.0.113.7":          "ip:203.0.113.7",
		"::ffff:203.0.113.7":   "ip:203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "ip:2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "ip:2001:db8:1:3::/64",
		"not an address":       "ip:not an address",
	} {
		if got := ipKey(in); got != want {
			t.Errorf("ipKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDelay(t *testing.T) {
	s := New(Config{})
	for _, tt := range []struct {
		login, ip int
		want      time.Duration
	}{
		{1, 1, 0},
		{2, 2, 500 * time.Millisecond},
		{5, 5, 2 * time.Second},
		{1, 20, time.Second},
		{40, 0, 3 * time.Second},
		{0, 500, 3 * time.Second},
	} {
		if got := s.delay(tt.login, tt.ip); got != tt.want {
			t.Errorf("delay(%d, %d) = %v, want %v", tt.login, tt.ip, got, tt.want)
		}
	}
}

// TestSlowDownHonoursContext: a caller that gives up is not kept waiting.
func TestSlowDownHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); err == nil {
		t.Error("sleepCtx on a cancelled context returned nil")
	}
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Error(err)
	}
}

// TestSignInRecordsSession: what a session row holds.
func TestSignInRecordsSession(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		res, err := e.svc.SignIn(e.ctx, hung.id, hung.password)
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.Client.Session.Query().Where(session.AccountID(a.ID)).Only(viewer.System(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		if s.TokenHash != hashToken(res.Token) || s.TokenHash == res.Token {
			t.Error("the session does not keep the token's hash")
		}
		if s.ClientIP != "203.0.113.7" || s.UserAgent != "test-browser" {
			t.Errorf("client %q %q", s.ClientIP, s.UserAgent)
		}
		if !s.ExpiresAt.Equal(start.Add(CitizenAbsolute)) || s.IdleTimeoutSeconds != int(CitizenIdle/time.Second) {
			t.Errorf("citizen lifetimes: expires %v idle %ds", s.ExpiresAt, s.IdleTimeoutSeconds)
		}
		if !res.ExpiresAt.Equal(s.ExpiresAt) {
			t.Errorf("result ExpiresAt %v, session %v", res.ExpiresAt, s.ExpiresAt)
		}
		if ev := e.auditOf(t, "auth.sign_in"); len(ev) != 1 || ev[0].Actor != string(a.ID) || ev[0].ClientIP != "203.0.113.7" {
			t.Errorf("sign-in audit: %v", ev)
		}
	})
}

// TestRightPasswordGivesAttemptsBack: the attempt a sign-in reserves
// before hashing is given back when the password is right, whatever comes
// next (a session, or FORBIDDEN for a LOCKED account): only wrong passwords
// count towards the address's cap.
func TestRightPasswordGivesAttemptsBack(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.svc.ipLimit.max = 3
		e.account(t, hung)
		locked := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", password: "mưa rơi trên phố", status: account.StatusLOCKED}
		e.account(t, locked)
		for _, login := range []string{"001090099999", "001090099998"} {
			_, err := e.svc.SignIn(e.ctx, login, "wrong password")
			testkit.Refused(t, err, refusal.Unauthenticated)
		}
		for range 3 {
			_, err := e.svc.SignIn(e.ctx, locked.id, locked.password)
			testkit.Refused(t, err, refusal.Forbidden)
			if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); err != nil {
				t.Fatalf("right password: %v", err)
			}
		}
		// The third wrong password is the cap's: it is checked, and locks.
		_, err := e.svc.SignIn(e.ctx, "001090099997", "wrong password")
		testkit.Refused(t, err, refusal.Unauthenticated)
		_, err = e.svc.SignIn(e.ctx, hung.id, hung.password)
		testkit.Refused(t, err, refusal.RateLimited)
		locks := e.auditOf(t, "auth.sign_in_locked")
		if len(locks) != 1 || locks[0].TargetType != "ClientAddress" {
			t.Errorf("locks audited: %v", locks)
		}
	})
}
