package auth

import (
	"context"
	"fmt"
	"github.com/motcua/motcua/internal/platform/sms"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/fakes"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

const newPW = "trăng rằm tháng tám"

// challenges lists the reset codes of an account, oldest first.
func (e *env) challenges(t *testing.T, a *ent.Account) []*ent.OTPChallenge {
	t.Helper()
	cs, err := e.db.Client.OTPChallenge.Query().Where(otpchallenge.SubjectID(string(a.ID))).
		Order(ent.Asc(otpchallenge.FieldCreatedAt)).All(viewer.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// request asks for a reset and fails the test on anything but nil.
func (e *env) request(t *testing.T, login string) {
	t.Helper()
	if err := e.svc.RequestPasswordReset(e.ctx, login); err != nil {
		t.Fatalf("RequestPasswordReset: %v", err)
	}
}

// otherCode is a 6-digit code that is not code.
func otherCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// TestResetPassword: a locked account's citizen asks for a code by SMS;
// wrong, superseded and expired codes and a weak password are refused; the
// right code resets the password, once.
func TestResetPassword(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		_, before := e.signIn(t, hung.id, hung.password)
		for range 5 { // the account is locked by someone guessing
			_, _ = e.svc.SignIn(e.ctx, hung.id, "wrong password")
		}

		e.request(t, "0912.345.678")
		sent := e.outbox.Of(sms.ResetOTP)
		if len(sent) != 1 || sent[0].Phone != hung.phone || sent[0].SendBefore == nil ||
			!sent[0].SendBefore.Equal(start.Add(5*time.Minute)) || *sent[0].AccountID != a.ID {
			t.Fatalf("reset SMS: %+v", sent)
		}
		wrongSupersededExpired(t, e, e.outbox.LastCodeOf(t, sms.ResetOTP))

		e.request(t, hung.id)
		code := e.outbox.LastCodeOf(t, sms.ResetOTP)
		// A weak password with the right code: refused, the code still
		// counts and its attempt is given back.
		r := testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, code, "Nguyễn Văn Hùng"), refusal.PasswordTooWeak)
		if r.Extra["reason"] != "CONTAINS_NAME" {
			t.Errorf("reason %v", r.Extra["reason"])
		}
		cs := e.challenges(t, a)
		if last := cs[len(cs)-1]; last.Attempts != 0 || last.ConsumedAt != nil {
			t.Errorf("after a weak password: attempts %d, consumed %v", last.Attempts, last.ConsumedAt)
		}
		if e.reload(t, a).PasswordHash != a.PasswordHash {
			t.Fatal("a refused reset wrote the password")
		}

		if err := e.svc.ResetPassword(e.ctx, hung.id, " "+code[:3]+" "+code[3:]+"\n", newPW); err != nil {
			t.Fatalf("ResetPassword: %v", err)
		}
		// Reused: a used code counts no more than none, so it answers
		// like one gone stale (not "already used", which would tell
		// anyone that the account exists and was reset).
		testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, code, "một mật khẩu khác"), refusal.OTPExpired)

		afterReset(t, e, before)
	})
}

// wrongSupersededExpired submits hung's reset code wrong (counted), after a
// resend superseded it, and the new one after it expired.
func wrongSupersededExpired(t *testing.T, e *env, code string) {
	t.Helper()
	r := testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, otherCode(code), newPW), refusal.OTPInvalid)
	if r.Extra["attemptsLeft"] != 4 {
		t.Errorf("attemptsLeft %v, want 4", r.Extra["attemptsLeft"])
	}
	e.clock.Advance(61 * time.Second)
	e.request(t, hung.id)
	testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, code, newPW), refusal.OTPSuperseded)
	code = e.outbox.LastCodeOf(t, sms.ResetOTP)
	e.clock.Advance(5 * time.Minute)
	testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, code, newPW), refusal.OTPExpired)
}

// afterReset checks what follows hung's reset to newPW: the session opened
// before (token before) is dead and announced, the citizen is told by SMS,
// the new password works at once (the reset cleared the lock), the old one
// does not, and the reset is audited.
func afterReset(t *testing.T, e *env, before string) {
	t.Helper()
	e.dead(t, before, "a session from before the reset")
	if !sessionEvents(e.bus)[string(e.mustSession(t, before))] {
		t.Error("no event for the session revoked by the reset")
	}
	if n := len(e.outbox.Of(sms.PasswordChanged)); n != 1 {
		t.Errorf("%d PASSWORD_CHANGED SMS, want 1", n)
	}
	if _, err := e.svc.SignIn(e.ctx, hung.id, newPW); err != nil {
		t.Fatalf("sign-in with the reset password: %v", err)
	}
	if _, err := e.svc.SignIn(e.ctx, hung.id, hung.password); !refusal.Is(err, refusal.Unauthenticated) {
		t.Errorf("old password: %v", err)
	}
	if n := len(e.auditOf(t, "auth.password_reset")); n != 1 {
		t.Errorf("%d resets audited", n)
	}
}

// mustSession is the id of the session of a token, revoked or not.
func (e *env) mustSession(t *testing.T, token string) string {
	t.Helper()
	for _, s := range e.db.Client.Session.Query().AllX(viewer.System(context.Background())) {
		if s.TokenHash == hashToken(token) {
			return string(s.ID)
		}
	}
	t.Fatal("no session for the token")
	return ""
}

func TestResetAttemptsExhausted(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		e.request(t, hung.id)
		code := e.outbox.LastCodeOf(t, sms.ResetOTP)
		for i := range 5 {
			r := testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, otherCode(code), newPW), refusal.OTPInvalid)
			if r.Extra["attemptsLeft"] != 4-i {
				t.Errorf("try %d: attemptsLeft %v, want %d", i+1, r.Extra["attemptsLeft"], 4-i)
			}
		}
		testkit.Refused(t, e.svc.ResetPassword(e.ctx, hung.id, code, newPW), refusal.OTPTooManyAttempts)
		// A new code starts afresh.
		e.clock.Advance(time.Minute)
		e.request(t, hung.id)
		if err := e.svc.ResetPassword(e.ctx, hung.id, e.outbox.LastCodeOf(t, sms.ResetOTP), newPW); err != nil {
			t.Fatal(err)
		}
	})
}

// TestResetImported: an imported account without a password gets one.
func TestResetImported(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		imported := person{id: "001190011111", phone: "+84911111111", name: "Trần Văn Nam", origin: account.OriginIMPORTED}
		e.account(t, imported)
		e.request(t, imported.id)
		if err := e.svc.ResetPassword(e.ctx, imported.id, e.outbox.LastCodeOf(t, sms.ResetOTP), newPW); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SignIn(e.ctx, "0911111111", newPW); err != nil {
			t.Fatal(err)
		}
	})
}

// TestResetEnumeration: for an unknown login, a LOCKED or NOT_ACTIVATED
// account, a malformed login and a phone shared by two accounts, the answer
// is nil, nothing is sent, only a decoy is stored, the same time floor
// applies, and the audit trail says why.
func TestResetEnumeration(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		locked := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", password: "mưa rơi trên phố", status: account.StatusLOCKED}
		e.account(t, locked)
		dormant := person{id: "001190011111", phone: "+84911111111", name: "Trần Văn Nam", status: account.StatusNOT_ACTIVATED}
		e.account(t, dormant)
		twin := person{id: "001190022222", phone: "+84933333333", name: "Phạm Thị Lan", password: "hoa sen trong đầm"}
		e.account(t, twin)
		twin.id = "001190033333"
		e.account(t, twin)

		for _, tt := range []struct{ login, outcome string }{
			{"001090099999", resetUnknownLogin},
			{"0900 000 000", resetUnknownLogin},
			{"not a login", resetUnknownLogin},
			{"0933333333", resetUnknownLogin}, // shared: whose account?
			{locked.id, resetAccountLocked},
			{dormant.phone, resetAccountNotActive},
			{hung.id, resetSent}, // the control
		} {
			e.sleep.take()
			work := time.Now()
			err := e.svc.RequestPasswordReset(e.ctx, tt.login)
			elapsed := time.Since(work)
			if err != nil {
				t.Fatalf("%s: %v", tt.outcome, err)
			}
			// The floor: the request asked to wait for the rest of it. The
			// work itself must fit well inside (a sanity bound; the real
			// comparison is BenchmarkRequestPasswordReset).
			waits := e.sleep.take()
			if len(waits) != 1 || waits[0] <= 0 || waits[0] > resetFloor || elapsed > resetFloor {
				t.Errorf("%s: waits %v after %v of work, want one wait filling up to %v", tt.outcome, waits, elapsed, resetFloor)
			}
			evs := e.auditOf(t, "auth.password_reset_requested")
			if got := evs[len(evs)-1].Detail["outcome"]; got != tt.outcome {
				t.Errorf("%s: audited outcome %v", tt.login, got)
			}
		}
		ctx := viewer.System(context.Background())
		real := db.Client.OTPChallenge.Query().Where(otpchallenge.PhoneNEQ("")).AllX(ctx)
		if len(real) != 1 || real[0].CodeHash == decoyCodeHash {
			t.Errorf("%d codes stored with a phone, want 1 (the control)", len(real))
		}
		decoys := db.Client.OTPChallenge.Query().Where(otpchallenge.Phone("")).AllX(ctx)
		if len(decoys) != 6 {
			t.Errorf("%d decoys stored, want 6", len(decoys))
		}
		for _, d := range decoys {
			if d.CodeHash != decoyCodeHash || strings.Contains(d.SubjectID, "0900000000") || strings.Contains(d.SubjectID, "001090099999") {
				t.Errorf("decoy %+v: a hash, or a login in clear", d)
			}
		}
		if n := db.Client.SMSMessage.Query().CountX(ctx); n != 1 {
			t.Errorf("%d SMS written, want 1 (the control)", n)
		}
	})
}

// TestResetCaps: the OTP caps of registration apply, counting every code
// sent to the phone; refused sends still answer nil.
func TestResetCaps(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		e.request(t, hung.id)
		e.request(t, hung.id) // within the 60 s cooldown
		if n := len(e.challenges(t, a)); n != 1 {
			t.Errorf("%d codes after a resend within the cooldown, want 1", n)
		}
		// Four registration codes to the same phone: five this hour.
		sys := viewer.System(context.Background())
		for i := range 4 {
			if err := db.Client.OTPChallenge.Create().SetPurpose(otpchallenge.PurposeREGISTRATION).
				SetSubjectID(fmt.Sprintf("RG%d", i)).SetPhone(hung.phone).SetCodeHash("x").
				SetExpiresAt(start.Add(5 * time.Minute)).SetCreatedAt(start).Exec(sys); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(2 * time.Minute)
		e.request(t, hung.id)
		if n := len(e.challenges(t, a)); n != 1 {
			t.Errorf("%d codes beyond the hourly cap, want 1", n)
		}
		evs := e.auditOf(t, "auth.password_reset_requested")
		outcomes := []any{}
		for _, ev := range evs {
			outcomes = append(outcomes, ev.Detail["outcome"])
		}
		want := []any{resetSent, resetResendTooSoon, resetRateLimited}
		if fmt.Sprint(outcomes) != fmt.Sprint(want) {
			t.Errorf("outcomes %v, want %v", outcomes, want)
		}
		e.clock.Advance(time.Hour)
		e.request(t, hung.id)
		if n := len(e.challenges(t, a)); n != 2 {
			t.Errorf("%d codes an hour later, want 2", n)
		}
	})
}

// TestResetClientCap: one address asking for many resets is cut off.
func TestResetClientCap(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.svc.resetIPLimit.max = 2
		a := e.account(t, hung)
		e.request(t, "001090099999")
		e.request(t, "001090099998") // the second request locks the address
		e.request(t, hung.id)
		if n := len(e.challenges(t, a)); n != 0 {
			t.Errorf("%d codes sent past the client cap", n)
		}
		evs := e.auditOf(t, "auth.password_reset_requested")
		if got := evs[len(evs)-1].Detail["outcome"]; got != resetClientRateLimited {
			t.Errorf("outcome %v", got)
		}
	})
}

// TestConcurrentReset: several submissions of one right code at once;
// exactly one sets its password.
func TestConcurrentReset(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		e.request(t, hung.id)
		code := e.outbox.LastCodeOf(t, sms.ResetOTP)
		const n = 4 // within MaxAttempts, so every one reaches the consuming UPDATE
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = e.svc.ResetPassword(e.ctx, hung.id, code, fmt.Sprintf("mật khẩu mới số %d", i))
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("submissions %d and %d both won", winner, i)
				}
				winner = i
			case !refusal.Is(err, refusal.InvalidState) && !refusal.Is(err, refusal.OTPExpired):
				// INVALID_STATE when it lost the race to consume the code,
				// OTP_EXPIRED when it read the code already used.
				t.Errorf("submission %d: %v, want INVALID_STATE or OTP_EXPIRED", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no submission won")
		}
		if _, err := e.svc.SignIn(e.ctx, hung.id, fmt.Sprintf("mật khẩu mới số %d", winner)); err != nil {
			t.Errorf("the winner's password: %v", err)
		}
		if n := len(e.outbox.Of(sms.PasswordChanged)); n != 1 {
			t.Errorf("%d PASSWORD_CHANGED SMS, want 1", n)
		}
		if cs := e.challenges(t, a); cs[0].ConsumedAt == nil {
			t.Error("code not consumed")
		}
	})
}

// TestConcurrentGuesses: a burst of wrong guesses gets no more tries than
// the code allows.
func TestConcurrentGuesses(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		e.request(t, hung.id)
		code := e.outbox.LastCodeOf(t, sms.ResetOTP)
		var wg sync.WaitGroup
		var mu sync.Mutex
		invalid := 0
		for range 12 {
			wg.Go(func() {
				err := e.svc.ResetPassword(e.ctx, hung.id, otherCode(code), newPW)
				if refusal.Is(err, refusal.OTPInvalid) {
					mu.Lock()
					invalid++
					mu.Unlock()
				} else if !refusal.Is(err, refusal.OTPTooManyAttempts) {
					t.Errorf("guess: %v", err)
				}
			})
		}
		wg.Wait()
		if invalid != 5 {
			t.Errorf("%d guesses compared, want 5", invalid)
		}
		if got := e.challenges(t, a)[0].Attempts; got != 5 {
			t.Errorf("attempts %d, want 5", got)
		}
	})
}

// TestResetAnswersAlike: whatever the login names — nothing, a LOCKED or
// NOT_ACTIVATED account, an ACTIVE one with or without a password — and
// whether it is typed as an ID number or a phone, every step of the reset
// flow short of the right code answers the same: the same refusal code,
// messages, field and extensions, after the same time floor. The rows run
// in lockstep on one clock, each from its own address.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestResetAnswersAlike(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		type row struct {
			name  string
			login string
			ctx   context.Context
		}
		var rows []row
		for i, st := range []struct {
			name   string
			status account.Status // "" for no account
			origin account.Origin
		}{
			{"unknown", "", ""},
			{"locked", account.StatusLOCKED, account.OriginSELF_REGISTERED},
			{"not activated", account.StatusNOT_ACTIVATED, account.OriginONE_STOP_DESK},
			{"active", account.StatusACTIVE, account.OriginSELF_REGISTERED},
			{"active, no password", account.StatusACTIVE, account.OriginIMPORTED},
		} {
			// One person per row: an account's ID number and phone share
			// its code, which nothing can give two unknown logins (see
			// the package comment).
			for j := range 2 {
				p := person{id: fmt.Sprintf("0011900200%d%d", i, j), phone: fmt.Sprintf("+84912000%d%d", i, j), name: "Lê Thị Hoa",
					status: st.status, origin: st.origin}
				if st.origin != account.OriginIMPORTED {
					p.password = "mưa rơi trên phố"
				}
				if st.status != "" {
					e.account(t, p)
				}
				login := []string{p.id, "0" + p.phone[3:6] + " " + p.phone[6:9] + " " + p.phone[9:]}[j]
				ip := fmt.Sprintf("198.51.100.%d", 10*i+j+1)
				rows = append(rows, row{
					name:  fmt.Sprintf("%s by %s", st.name, []string{"ID number", "phone"}[j]),
					login: login,
					ctx:   requestinfo.NewContext(context.Background(), requestinfo.Info{ClientIP: ip}),
				})
			}
		}
		// A wrong code for the real accounts is any code but the one sent.
		wrong := func() string {
			sent := map[string]bool{}
			for _, m := range e.outbox.Of(sms.ResetOTP) {
				sent[fakes.CodeIn(m.Body)] = true
			}
			for c := 0; ; c++ {
				if code := fmt.Sprintf("%06d", c); !sent[code] {
					return code
				}
			}
		}

		// step runs one call for every row and compares the answers.
		// want is the answer every row must give: a refusal code and, for
		// OTP_INVALID, the attempts left ("" for nil).
		step := func(what string, want string, call func(r row) error) {
			t.Helper()
			var first *refusal.Error
			for i, r := range rows {
				e.sleep.take()
				err := call(r)
				if waits := e.sleep.take(); len(waits) != 1 || waits[0] <= 0 || waits[0] > resetFloor {
					t.Errorf("%s, %s: waits %v, want one wait filling up to the floor", what, r.name, waits)
				}
				got, ok := refusal.As(err)
				if err != nil && !ok {
					t.Fatalf("%s, %s: %v", what, r.name, err)
				}
				if i == 0 {
					first = got
					answer := ""
					if got != nil {
						answer = string(got.Code)
						if left, ok := got.Extra["attemptsLeft"]; ok {
							answer += fmt.Sprint(" ", left)
						}
					}
					if answer != want {
						t.Errorf("%s: %s answers %q, want %q", what, r.name, answer, want)
					}
					continue
				}
				if got == nil || first == nil {
					if got != first {
						t.Errorf("%s: %s answers %v, %s answers %v", what, r.name, got, rows[0].name, first)
					}
					continue
				}
				if got.Code != first.Code || got.VI != first.VI || got.EN != first.EN || got.Field != first.Field ||
					fmt.Sprint(got.Extra) != fmt.Sprint(first.Extra) {
					t.Errorf("%s: %s answers %+v, %s answers %+v", what, r.name, *got, rows[0].name, *first)
				}
			}
		}
		submit := func(what, want string) {
			code := wrong()
			step(what, want, func(r row) error { return e.svc.ResetPassword(r.ctx, r.login, code, newPW) })
		}
		request := func(what string) {
			step(what, "", func(r row) error { return e.svc.RequestPasswordReset(r.ctx, r.login) })
		}

		submit("a code before any request", "OTP_EXPIRED")
		request("the request")
		for i := range e.svc.otpPolicy.MaxAttempts {
			submit(fmt.Sprintf("wrong code %d", i+1), fmt.Sprintf("OTP_INVALID %d", e.svc.otpPolicy.MaxAttempts-1-i))
		}
		submit("one wrong code too many", "OTP_TOO_MANY_ATTEMPTS")
		e.clock.Advance(e.svc.otpPolicy.ResendCooldown + time.Second)
		request("a second request")
		submit("a wrong code for the second request", "OTP_INVALID 4")
		request("a request within the cooldown")
		submit("a wrong code after it", "OTP_INVALID 3")
		e.clock.Advance(e.svc.otpPolicy.TTL)
		submit("a wrong code after the expiry", "OTP_EXPIRED")
	})
}
