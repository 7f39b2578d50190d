package registrations

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// heldCodes holds every comparison of a code but right until open is
// closed, so that a burst of submissions runs as far as it can before any
// of them records its try: the worst case of concurrency, without timing.
type heldCodes struct {
	codeHasher
	right    string
	compared *atomic.Int64 // wrong codes compared
	progress chan struct{} // one per comparison held and per call finished
	open     chan struct{}
}

func (h heldCodes) Equal(hash, purpose, subjectID, submitted string) bool {
	if submitted != h.right {
		h.compared.Add(1)
		h.progress <- struct{}{}
		<-h.open
	}
	return h.codeHasher.Equal(hash, purpose, subjectID, submitted)
}

// TestConcurrentCodesHoldTheCap: 99 wrong codes for one case at once, then,
// while they are all in flight, the right one. No more than MaxAttempts
// codes are compared, and the right one, arriving after them, is refused.
func TestConcurrentCodesHoldTheCap(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		f.codes("123456")
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		ctx := f.as(t, registrar1)
		h := heldCodes{codeHasher: f.svc.otp, right: "123456", compared: &atomic.Int64{},
			progress: make(chan struct{}, 250), open: make(chan struct{})}
		f.svc.otp = h
		const wrong = 99
		errs := make([]error, wrong)
		var wg sync.WaitGroup
		for i := range wrong {
			wg.Go(func() {
				_, errs[i] = f.svc.Complete(ctx, reg.ID, fmt.Sprintf("%06d", 200000+i))
				h.progress <- struct{}{}
			})
		}
		for range wrong { // each is held at the comparison or finished
			<-h.progress
		}
		_, rightErr := f.svc.Complete(ctx, reg.ID, "123456")
		close(h.open)
		wg.Wait()

		got := map[refusal.Code]int{}
		for _, err := range errs {
			r, ok := refusal.As(err)
			if !ok {
				t.Fatalf("unexpected %v", err)
			}
			got[r.Code]++
		}
		compared := int(h.compared.Load())
		t.Logf("100 concurrent codes for one case (99 wrong, then the right one): %d wrong codes compared; answers %v; right code: %v", compared, got, rightErr)
		capN := f.svc.policy.MaxAttempts
		if compared != capN || got[refusal.OTPInvalid] != capN || got[refusal.OTPTooManyAttempts] != wrong-capN {
			t.Errorf("%d wrong codes compared, answers %v; want %d compared, the rest OTP_TOO_MANY_ATTEMPTS", compared, got, capN)
		}
		testkit.RefusedOn(t, rightErr, refusal.OTPTooManyAttempts, "code")
		if got := reload(t, f, reg.ID); got.State != registration.StateOTP_SENT {
			t.Errorf("state %s, want OTP_SENT: no account past the cap", got.State)
		}
	})
}
