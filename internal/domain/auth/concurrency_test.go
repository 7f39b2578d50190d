package auth

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// gate holds every wrong secret at the moment it is checked, until opened.
// A burst of requests thus runs as far as it can before any of them records
// its failure: the worst case of concurrency, reached without timing.
type gate struct {
	checked  atomic.Int64  // wrong secrets checked
	progress chan struct{} // one per check held and per call finished
	open     chan struct{}
	opened   sync.Once
}

// let opens the gate.
func (g *gate) let() { g.opened.Do(func() { close(g.open) }) }

func newGate(calls int) *gate {
	return &gate{progress: make(chan struct{}, 2*calls+8), open: make(chan struct{})}
}

func (g *gate) hold() {
	g.checked.Add(1)
	g.progress <- struct{}{}
	<-g.open
}

// burst starts n calls at once and returns when each of them is held at
// the gate or finished; finish opens the gate and returns their errors.
func (g *gate) burst(n int, call func(i int) error) (finish func() []error) {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = call(i)
			g.progress <- struct{}{}
		})
	}
	for range n {
		<-g.progress
	}
	return func() []error {
		g.let()
		wg.Wait()
		return errs
	}
}

// heldPasswords holds every check of a password but right, dummy checks
// included.
type heldPasswords struct {
	passwordHasher
	right string
	gate  *gate
}

func (h heldPasswords) Verify(ctx context.Context, phc, pw string) (bool, error) {
	if pw != h.right {
		h.gate.hold()
	}
	return h.passwordHasher.Verify(ctx, phc, pw)
}

func (h heldPasswords) DummyVerify(ctx context.Context) {
	h.gate.hold()
	h.passwordHasher.DummyVerify(ctx)
}

// heldCodes holds every comparison of a code but right.
type heldCodes struct {
	codeHasher
	right string
	gate  *gate
}

func (h heldCodes) Equal(hash, purpose, subjectID, submitted string) bool {
	if submitted != h.right {
		h.gate.hold()
	}
	return h.codeHasher.Equal(hash, purpose, subjectID, submitted)
}

// tally counts errors by refusal code ("" for nil, "error" for others).
func tally(errs []error) map[refusal.Code]int {
	out := map[refusal.Code]int{}
	for _, err := range errs {
		switch r, ok := refusal.As(err); {
		case err == nil:
			out[""]++
		case ok:
			out[r.Code]++
		default:
			out["error"]++
		}
	}
	return out
}

// TestConcurrentSignInsOneAccount: 99 wrong passwords for one account from
// one address arrive at once, then, while they are all in flight, the right
// one. No more than the account's cap of wrong passwords is checked, and
// the right one, arriving after the cap, is refused.
func TestConcurrentSignInsOneAccount(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		g := newGate(100)
		e.svc.hasher = heldPasswords{passwordHasher: e.hasher, right: hung.password, gate: g}
		finish := g.burst(99, func(i int) error {
			_, err := e.svc.SignIn(e.ctx, hung.id, fmt.Sprintf("wrong password %d", i))
			return err
		})
		_, rightErr := e.svc.SignIn(e.ctx, hung.id, hung.password)
		got := tally(finish())
		checked := int(g.checked.Load())
		t.Logf("100 concurrent sign-ins (99 wrong, 1 right): %d wrong passwords checked; answers %v; right password: %v", checked, got, rightErr)

		capN := e.svc.accountLimit.max
		if checked != capN || got[refusal.Unauthenticated] != capN || got[refusal.RateLimited] != 99-capN {
			t.Errorf("%d wrong passwords checked, answers %v; want %d checked, %d UNAUTHENTICATED, the rest RATE_LIMITED",
				checked, got, capN, capN)
		}
		r := testkit.Refused(t, rightErr, refusal.RateLimited)
		if r.Extra["availableAt"] != start.Add(e.svc.accountLimit.lock).Format("2006-01-02T15:04:05Z07:00") {
			t.Errorf("availableAt %v", r.Extra["availableAt"])
		}
		if n := len(e.auditOf(t, "auth.sign_in_failed")); n != capN {
			t.Errorf("%d failures audited, want %d", n, capN)
		}
		if n := len(e.auditOf(t, "auth.sign_in_locked")); n != 1 {
			t.Errorf("%d locks audited, want 1", n)
		}
	})
}

// TestConcurrentSignInsOneAddress: 200 sign-ins for 200 different logins
// (ID numbers and phones, none of them known) from one address at once: no
// more than the address's cap is checked.
func TestConcurrentSignInsOneAddress(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		g := newGate(200)
		e.svc.hasher = heldPasswords{passwordHasher: e.hasher, gate: g}
		got := tally(g.burst(200, func(i int) error {
			login := fmt.Sprintf("0010901%05d", i)
			if i%2 == 1 {
				login = fmt.Sprintf("+8491%07d", i)
			}
			_, err := e.svc.SignIn(e.ctx, login, "wrong password")
			return err
		})())
		checked := int(g.checked.Load())
		t.Logf("200 concurrent sign-ins from one address: %d passwords checked; answers %v", checked, got)
		capN := e.svc.ipLimit.max
		if checked != capN || got[refusal.Unauthenticated] != capN || got[refusal.RateLimited] != 200-capN {
			t.Errorf("%d passwords checked, answers %v; want %d checked, %d UNAUTHENTICATED, the rest RATE_LIMITED",
				checked, got, capN, capN)
		}
		if n := len(e.auditOf(t, "auth.sign_in_locked")); n != 1 {
			t.Errorf("%d locks audited, want 1 (the address)", n)
		}
	})
}

// TestConcurrentPasswordChanges: a signed-in session sending 100 wrong
// current passwords at once, then the right one: the account's cap holds.
func TestConcurrentPasswordChanges(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		ctx := e.as(t, a)
		g := newGate(100)
		e.svc.hasher = heldPasswords{passwordHasher: e.hasher, right: hung.password, gate: g}
		finish := g.burst(99, func(i int) error {
			return e.svc.ChangePassword(ctx, fmt.Sprintf("wrong password %d", i), newPW)
		})
		rightErr := e.svc.ChangePassword(ctx, hung.password, newPW)
		got := tally(finish())
		checked := int(g.checked.Load())
		t.Logf("100 concurrent password changes (99 wrong): %d wrong passwords checked; answers %v", checked, got)
		capN := e.svc.accountLimit.max
		if checked != capN || got[refusal.Validation] != capN || got[refusal.RateLimited] != 99-capN {
			t.Errorf("%d wrong passwords checked, answers %v; want %d checked", checked, got, capN)
		}
		testkit.Refused(t, rightErr, refusal.RateLimited)
		if e.reload(t, a).PasswordHash != a.PasswordHash {
			t.Error("the password changed past the cap")
		}
	})
}

// TestConcurrentResetCodesOneCode: 99 wrong codes for one reset code at
// once, then the right one: at most MaxAttempts codes are compared, and the
// right one is refused.
func TestConcurrentResetCodesOneCode(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.account(t, hung)
		e.request(t, hung.id)
		code := e.outbox.LastCodeOf(t, sms.ResetOTP)
		g := newGate(100)
		e.svc.otp = heldCodes{codeHasher: e.svc.otp, right: code, gate: g}
		finish := g.burst(99, func(i int) error {
			return e.svc.ResetPassword(e.ctx, hung.id, fmt.Sprintf("%06d", (i*7919+1)%1_000_000), newPW)
		})
		rightErr := e.svc.ResetPassword(e.ctx, hung.id, code, newPW)
		got := tally(finish())
		checked := int(g.checked.Load())
		t.Logf("100 concurrent reset codes for one code (99 wrong): %d wrong codes compared; answers %v; right code: %v", checked, got, rightErr)
		capN := e.svc.otpPolicy.MaxAttempts
		// A guess that happens to be the code is let through the gate.
		if checked > capN || got[refusal.OTPInvalid]+got[""] > capN {
			t.Errorf("%d wrong codes compared, answers %v; want at most %d", checked, got, capN)
		}
		if got[""] == 0 {
			testkit.Refused(t, rightErr, refusal.OTPTooManyAttempts)
			if e.reload(t, a).PasswordHash != a.PasswordHash {
				t.Error("the password was reset past the cap")
			}
		}
	})
}

// TestConcurrentResetCodesOneAddress: 200 wrong codes at once from one
// address, five for each of 40 accounts with a live code (within each
// code's attempts): no more than the address's cap is compared.
func TestConcurrentResetCodesOneAddress(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.svc.resetIPLimit.max = 1000 // the requests are not what is tested
		const accounts = 40
		codes := map[string]string{}
		for i := range accounts {
			p := person{id: fmt.Sprintf("0011900%05d", i), phone: fmt.Sprintf("+8498%07d", i), name: "Trần Văn Nam", origin: account.OriginIMPORTED}
			e.account(t, p)
			e.request(t, p.id)
			codes[p.id] = e.outbox.LastCodeOf(t, sms.ResetOTP)
		}
		g := newGate(200)
		e.svc.otp = heldCodes{codeHasher: e.svc.otp, gate: g}
		got := tally(g.burst(200, func(i int) error {
			id := fmt.Sprintf("0011900%05d", i%accounts)
			return e.svc.ResetPassword(e.ctx, id, otherCode(codes[id]), newPW)
		})())
		checked := int(g.checked.Load())
		t.Logf("200 concurrent reset codes from one address: %d codes compared; answers %v", checked, got)
		capN := e.svc.ipLimit.max
		if checked != capN || got[refusal.OTPInvalid] != capN || got[refusal.RateLimited] != 200-capN {
			t.Errorf("%d codes compared, answers %v; want %d compared, %d OTP_INVALID, the rest RATE_LIMITED",
				checked, got, capN, capN)
		}
	})
}

// TestConcurrentSignInsFreeRunning: 100 wrong passwords for one account
// released at once and left to run (the gate open): the account's cap holds
// without the worst case being arranged too.
func TestConcurrentSignInsFreeRunning(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		g := newGate(100)
		g.let()
		e.svc.hasher = heldPasswords{passwordHasher: e.hasher, right: hung.password, gate: g}
		got := tally(g.burst(100, func(i int) error {
			_, err := e.svc.SignIn(e.ctx, hung.id, fmt.Sprintf("wrong password %d", i))
			return err
		})())
		checked := int(g.checked.Load())
		t.Logf("100 concurrent wrong sign-ins, free-running: %d wrong passwords checked; answers %v", checked, got)
		if capN := e.svc.accountLimit.max; checked != capN || got[refusal.Unauthenticated] != capN || got[refusal.RateLimited] != 100-capN {
			t.Errorf("%d wrong passwords checked, answers %v; want %d", checked, got, capN)
		}
	})
}
