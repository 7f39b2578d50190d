package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// dead fails unless token no longer authenticates.
func (e *env) dead(t *testing.T, token, why string) {
	t.Helper()
	v, err := e.svc.Authenticate(e.ctx, token)
	if err != nil || v != nil {
		t.Errorf("%s: Authenticate = %v, %v; want nil, nil", why, v, err)
	}
}

func TestIdleExpiry(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		_, token := e.signIn(t, hung.id, hung.password)
		// Used every 29 minutes, the session lives on...
		for range 3 {
			e.clock.Advance(29 * time.Minute)
			e.session(t, token)
		}
		// ...left alone for 30, it dies.
		e.clock.Advance(CitizenIdle)
		e.dead(t, token, "idle 30 min")
	})
}

func TestAbsoluteExpiry(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		u := e.unit(t, "000.00.00.H01", "Thành phố Hà Nội", "")
		staff := e.account(t, person{id: "001080000001", phone: "+84900000001", name: "Quản Trị Viên", password: "quản trị hệ thống"})
		e.admin(t, staff, u)
		for _, tt := range []struct {
			login, pw string
			absolute  time.Duration
		}{
			{hung.id, hung.password, CitizenAbsolute},
			{"001080000001", "quản trị hệ thống", StaffAbsolute},
		} {
			_, token := e.signIn(t, tt.login, tt.pw)
			opened := e.clock.Now()
			for e.clock.Now().Add(20 * time.Minute).Before(opened.Add(tt.absolute)) {
				e.clock.Advance(20 * time.Minute)
				e.session(t, token)
			}
			e.clock.Advance(opened.Add(tt.absolute).Sub(e.clock.Now()))
			e.dead(t, token, "absolute expiry")
		}
	})
}

// TestTouch: last_seen_at is written at most once a minute.
func TestTouch(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		ctx, token := e.signIn(t, hung.id, hung.password)
		id := viewer.FromContext(ctx).SessionID
		lastSeen := func() time.Time {
			if err := e.svc.FlushTouches(e.ctx); err != nil {
				t.Fatal(err)
			}
			s, err := db.Client.Session.Get(viewer.System(context.Background()), id)
			if err != nil {
				t.Fatal(err)
			}
			return s.LastSeenAt
		}
		e.clock.Advance(59 * time.Second)
		e.session(t, token)
		if got := lastSeen(); !got.Equal(start) {
			t.Errorf("touched after 59 s: %v", got)
		}
		e.clock.Advance(time.Second)
		e.session(t, token)
		if got := lastSeen(); !got.Equal(start.Add(time.Minute)) {
			t.Errorf("last seen %v, want %v", got, start.Add(time.Minute))
		}
	})
}

func TestAuthenticateRefuses(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		_, token := e.signIn(t, hung.id, hung.password)
		e.dead(t, "", "empty token")
		e.dead(t, "bm90IGEgdG9rZW4gYXQgYWxsIG5vdCBhIHRva2VuIGF0", "unknown token")
		e.dead(t, token+"x", "altered token")
		// An account locked by an admin loses its sessions at once.
		e.session(t, token) // its viewer is cached
		if err := db.Client.Account.UpdateOne(a).SetStatus(account.StatusLOCKED).Exec(viewer.System(context.Background())); err != nil {
			t.Fatal(err)
		}
		e.svc.AccountChanged(e.ctx, a.ID) // what changes a status announces it
		e.dead(t, token, "account locked")
	})
}

// TestRevokeAndSignOut: an account's sessions are listed newest first; one
// can be revoked (not another account's), signed out, or all of them ended
// everywhere, each announced and audited.
func TestRevokeAndSignOut(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		other := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", password: "mưa rơi trên phố"}
		e.account(t, other)
		var ctxs []context.Context
		var tokens []string
		for range 3 {
			ctx, token := e.signIn(t, hung.id, hung.password)
			ctxs, tokens = append(ctxs, ctx), append(tokens, token)
			e.clock.Advance(time.Second)
		}
		otherCtx, otherToken := e.signIn(t, other.id, other.password)
		sessionID := func(ctx context.Context) pulid.ID { return viewer.FromContext(ctx).SessionID }
		list, err := e.svc.Sessions(ctxs[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != sessionID(ctxs[2]) || list[2].ID != sessionID(ctxs[0]) {
			t.Fatalf("Sessions: %d, want 3 newest first", len(list))
		}

		// Someone else's session is not found, and stays alive.
		testkit.Refused(t, e.svc.RevokeSession(ctxs[0], sessionID(otherCtx)), refusal.NotFound)
		e.session(t, otherToken)
		testkit.Refused(t, e.svc.RevokeSession(e.ctx, sessionID(ctxs[1])), refusal.Unauthenticated)

		if err := e.svc.RevokeSession(ctxs[0], sessionID(ctxs[1])); err != nil {
			t.Fatal(err)
		}
		e.dead(t, tokens[1], "revoked session")
		e.session(t, tokens[0])
		if !sessionEvents(e.bus)[string(sessionID(ctxs[1]))] {
			t.Error("no event for the revoked session")
		}
		if list, _ := e.svc.Sessions(ctxs[0]); len(list) != 2 {
			t.Errorf("Sessions after a revoke: %d, want 2", len(list))
		}

		// Signing out ends this session only.
		if err := e.svc.SignOut(ctxs[2]); err != nil {
			t.Fatal(err)
		}
		e.dead(t, tokens[2], "signed out")
		e.session(t, tokens[0])
		if err := e.svc.SignOut(e.ctx); err != nil {
			t.Errorf("SignOut when signed out: %v", err)
		}

		// Everywhere: every session of the account, none of another's.
		if err := e.svc.RevokeSession(ctxs[0], sessionID(ctxs[0])); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RevokeSession(ctxs[0], sessionID(ctxs[0])); err != nil {
			t.Errorf("revoking a revoked session: %v", err)
		}
		signOutEverywhere(t, e, otherCtx, otherToken)
	})
}

// signOutEverywhere signs hung in once more and out everywhere, and checks
// that it ends hung's sessions, announced, and not the other account's
// (otherCtx, otherToken).
func signOutEverywhere(t *testing.T, e *env, otherCtx context.Context, otherToken string) {
	t.Helper()
	sessionID := func(ctx context.Context) pulid.ID { return viewer.FromContext(ctx).SessionID }
	_, t4 := e.signIn(t, hung.id, hung.password)
	ctx4 := e.session(t, t4)
	if err := e.svc.SignOutEverywhere(ctx4); err != nil {
		t.Fatal(err)
	}
	e.dead(t, t4, "signed out everywhere")
	e.session(t, otherToken)
	if !sessionEvents(e.bus)[string(sessionID(ctx4))] {
		t.Error("no event for the sessions signed out everywhere")
	}
	if sessionEvents(e.bus)[string(sessionID(otherCtx))] {
		t.Error("another account's session announced revoked")
	}
	if n := len(e.auditOf(t, "auth.sign_out_everywhere")); n != 1 {
		t.Errorf("%d sign-out-everywhere audited", n)
	}
}

// TestChangePasswordRevokesOthers: a voluntary change keeps this session,
// ends the others and sends the PASSWORD_CHANGED SMS.
func TestChangePasswordRevokesOthers(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		ctx, token := e.signIn(t, hung.id, hung.password)
		_, other := e.signIn(t, hung.id, hung.password)
		testkit.Refused(t, e.svc.ChangePassword(ctx, "wrong password", "trăng rằm tháng tám"), refusal.Validation)
		testkit.Refused(t, e.svc.ChangePassword(ctx, hung.password, hung.password), refusal.Validation)
		e.session(t, other) // refusals changed nothing
		if err := e.svc.ChangePassword(ctx, hung.password, "trăng rằm tháng tám"); err != nil {
			t.Fatal(err)
		}
		e.session(t, token)
		e.dead(t, other, "other session after a password change")
		if n := len(e.outbox.Of(sms.PasswordChanged)); n != 1 {
			t.Errorf("%d PASSWORD_CHANGED SMS, want 1", n)
		}
		testkit.Refused(t, e.svc.ChangePassword(e.ctx, "x", "y"), refusal.Unauthenticated)
	})
}

// TestWrongCurrentPasswordThrottled: guessing the current password from a
// stolen session is capped like sign-in.
func TestWrongCurrentPasswordThrottled(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		ctx, _ := e.signIn(t, hung.id, hung.password)
		for range 5 {
			testkit.Refused(t, e.svc.ChangePassword(ctx, "wrong password", "trăng rằm tháng tám"), refusal.Validation)
		}
		testkit.Refused(t, e.svc.ChangePassword(ctx, hung.password, "trăng rằm tháng tám"), refusal.RateLimited)
	})
}

// TestPasswordRules: every refusal of password.Check reaches the caller
// with its reason, and nothing is written.
func TestPasswordRules(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		ctx, _ := e.signIn(t, hung.id, hung.password)
		for _, tt := range []struct{ pw, reason string }{
			{"ngắn", "TOO_SHORT"},
			{strings.Repeat("ệ", 129), "TOO_LONG"},
			{"matkhau123", "COMMON"},
			{"id 001090012345", "CONTAINS_ID_NUMBER"},
			{"0912.345.678", "CONTAINS_PHONE"},
			{"02/03/1990", "CONTAINS_BIRTH_DATE"},
			{"Nguyễn Văn Hùng", "CONTAINS_NAME"},
		} {
			err := e.svc.ChangePassword(ctx, hung.password, tt.pw)
			r := testkit.Refused(t, err, refusal.PasswordTooWeak)
			if r.Extra["reason"] != tt.reason || r.Field != "newPassword" {
				t.Errorf("%q: reason %v on %q, want %s on newPassword", tt.pw, r.Extra["reason"], r.Field, tt.reason)
			}
		}
		if got := e.reload(t, a).PasswordHash; got != a.PasswordHash {
			t.Error("a refused change wrote the password")
		}
		if n := len(e.auditOf(t, "auth.password_changed")); n != 0 {
			t.Errorf("%d changes audited", n)
		}
	})
}

func TestMe(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.unit(t, "000.00.00.H01", "Thành phố Hà Nội", "")
		adm := e.account(t, person{id: "001080000001", phone: "+84900000001", name: "Quản Trị Viên", password: "quản trị hệ thống"})
		e.admin(t, adm, u)
		ctx, _ := e.signIn(t, "001080000001", "quản trị hệ thống")
		me, err := e.svc.Me(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if me.Account.ID != adm.ID || me.Officer == nil || me.CanCreateCitizenAccounts || len(me.Sessions) != 1 ||
			me.CurrentSessionID != me.Sessions[0].ID {
			t.Errorf("Me = %+v", me)
		}
		if want := []string{"admin", "officer"}; len(me.Roles) != 2 || me.Roles[0] != want[0] || me.Roles[1] != want[1] {
			t.Errorf("roles %v, want %v", me.Roles, want)
		}
		if me, err := e.svc.Me(e.ctx, true); me != nil || err != nil {
			t.Errorf("Me signed out = %v, %v", me, err)
		}
	})
}

func TestCreateSuperAdmin(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := viewer.System(context.Background())
		_, err := e.svc.CreateSuperAdmin(ctx, "001 090 012 345", "Nguyễn  Văn Hùng", "0912 345 678", "Hùng1990")
		testkit.Refused(t, err, refusal.PasswordTooWeak)
		_, err = e.svc.CreateSuperAdmin(ctx, "012345678", "Nguyễn Văn Hùng", "0912 345 678", "quản trị hệ thống")
		testkit.Refused(t, err, refusal.Validation)
		a, err := e.svc.CreateSuperAdmin(ctx, "001 090 012 345", "Nguyễn  Văn Hùng", "0912 345 678", "quản trị hệ thống")
		if err != nil {
			t.Fatal(err)
		}
		if a.IDNumber != "001090012345" || a.Phone != "+84912345678" || a.FullName != "Nguyễn Văn Hùng" ||
			a.Status != account.StatusACTIVE || a.DateOfBirth.Year() != 1990 {
			t.Errorf("account %+v", a)
		}
		_, err = e.svc.CreateSuperAdmin(ctx, "001090012345", "Người Khác", "0987654321", "quản trị hệ thống")
		testkit.Refused(t, err, refusal.AccountExists)
		if err := e.authz.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		sctx, _ := e.signIn(t, "0912345678", "quản trị hệ thống")
		if !viewer.FromContext(sctx).Has("super_admin") {
			t.Error("the new account is not a super admin")
		}
		res, _ := e.svc.SignIn(e.ctx, "0912345678", "quản trị hệ thống")
		if res.ExpiresAt.Sub(e.clock.Now()) != StaffAbsolute {
			t.Errorf("staff session lasts %v", res.ExpiresAt.Sub(e.clock.Now()))
		}
	})
}

func TestPurge(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		_, old := e.signIn(t, hung.id, hung.password)
		_, _ = e.svc.SignIn(e.ctx, "001090099999", "wrong password") // a throttle row for the login, one for the address
		e.clock.Advance(8 * 24 * time.Hour)
		// From another address: a sign-in takes (and gives back) an
		// attempt under its address, which renews that address's row.
		res, err := e.svc.SignIn(requestinfo.NewContext(context.Background(), requestinfo.Info{ClientIP: "198.51.100.1"}), hung.id, hung.password)
		if err != nil {
			t.Fatal(err)
		}
		fresh := res.Token
		n, err := e.svc.Purge(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The old session and the two throttle rows of the failure.
		if n != 3 {
			t.Errorf("purged %d rows, want 3", n)
		}
		e.session(t, fresh)
		if left := db.Client.Session.Query().CountX(viewer.System(context.Background())); left != 1 {
			t.Errorf("%d sessions left, want 1", left)
		}
		e.dead(t, old, "purged session")
	})
}
