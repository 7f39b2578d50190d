package otp

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/rules/refusal"
)

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// spread returns n send times, the first at start and then every step.
func spread(start time.Time, n int, step time.Duration) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = start.Add(time.Duration(i) * step)
	}
	return ts
}

func TestDefaultPolicy(t *testing.T) {
	want := Policy{TTL: 5 * time.Minute, MaxAttempts: 5, ResendCooldown: 60 * time.Second, MaxPerHour: 5, MaxPerDay: 10}
	if got := DefaultPolicy(); got != want {
		t.Errorf("DefaultPolicy() = %+v, want %+v", got, want)
	}
}

// TestCheckSend is long because it is a table: one row per case, so that the
// cases read side by side and a missing one shows.
func TestCheckSend(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		name        string
		now         time.Time
		last        time.Time
		sends       []time.Time
		wantCode    refusal.Code // "" = allowed
		availableAt time.Time
	}{
		{name: "first send", now: t0},
		{name: "cooldown 59 s", now: at(59 * time.Second), last: t0, sends: []time.Time{t0},
			wantCode: refusal.OTPResendTooSoon, availableAt: at(60 * time.Second)},
		{name: "cooldown 60 s", now: at(60 * time.Second), last: t0, sends: []time.Time{t0}},
		{name: "cooldown 0 s", now: t0, last: t0, sends: []time.Time{t0},
			wantCode: refusal.OTPResendTooSoon, availableAt: at(60 * time.Second)},
		// 4 sends 2 min apart in the last hour: the 5th is allowed.
		{name: "5th in an hour", now: at(10 * time.Minute), last: at(6 * time.Minute),
			sends: spread(t0, 4, 2*time.Minute)},
		// 5 sends in the last hour: the 6th is refused until the oldest is an hour old.
		{name: "6th in an hour", now: at(10 * time.Minute), last: at(8 * time.Minute),
			sends: spread(t0, 5, 2*time.Minute), wantCode: refusal.RateLimited, availableAt: at(time.Hour)},
		{name: "6th just before the oldest leaves", now: at(time.Hour - time.Second), last: at(8 * time.Minute),
			sends: spread(t0, 5, 2*time.Minute), wantCode: refusal.RateLimited, availableAt: at(time.Hour)},
		{name: "6th when the oldest is exactly an hour old", now: at(time.Hour), last: at(8 * time.Minute),
			sends: spread(t0, 5, 2*time.Minute)},
		// Sends in any order.
		{name: "unsorted sends", now: at(10 * time.Minute), last: at(8 * time.Minute),
			sends:    []time.Time{at(8 * time.Minute), at(2 * time.Minute), t0, at(6 * time.Minute), at(4 * time.Minute)},
			wantCode: refusal.RateLimited, availableAt: at(time.Hour)},
		// 9 sends spread over the day (no more than 4 in any hour): the 10th is allowed.
		{name: "10th in a day", now: at(20 * time.Hour), last: at(18 * time.Hour),
			sends: spread(t0, 9, 2*time.Hour)},
		{name: "11th in a day", now: at(20 * time.Hour), last: at(18 * time.Hour),
			sends: spread(t0, 10, 2*time.Hour), wantCode: refusal.RateLimited, availableAt: at(24 * time.Hour)},
		{name: "11th when the oldest is a day old", now: at(24 * time.Hour), last: at(18 * time.Hour),
			sends: spread(t0, 10, 2*time.Hour)},
		// More sends than the limit (e.g. the limit was lowered): wait until
		// enough have left the window, not just the oldest.
		{name: "over the limit", now: at(30 * time.Minute), last: at(14 * time.Minute),
			sends: spread(t0, 8, 2*time.Minute), wantCode: refusal.RateLimited, availableAt: at(time.Hour + 6*time.Minute)},
		// Hour and day both full (11 sends in the day, 5 in the hour): the later time wins.
		{name: "day limit later than hour limit", now: at(23*time.Hour + 30*time.Minute), last: at(23*time.Hour + 8*time.Minute),
			sends:    append(spread(t0, 6, time.Minute), spread(at(23*time.Hour), 5, 2*time.Minute)...),
			wantCode: refusal.RateLimited, availableAt: at(24*time.Hour + time.Minute)},
		// Rate limit ends before the cooldown: the answer is the cooldown's end,
		// still under RATE_LIMITED since that limit is reached too.
		{name: "cooldown later than hour limit", now: at(59*time.Minute + 30*time.Second), last: at(59 * time.Minute),
			sends:    []time.Time{at(-10 * time.Second), at(time.Minute), at(2 * time.Minute), at(3 * time.Minute), at(59 * time.Minute)},
			wantCode: refusal.RateLimited, availableAt: at(time.Hour)},
		{name: "cooldown only, phone sends old", now: at(25*time.Hour + 30*time.Second), last: at(25 * time.Hour),
			sends:    append(spread(t0, 10, time.Minute), at(25*time.Hour)),
			wantCode: refusal.OTPResendTooSoon, availableAt: at(25*time.Hour + time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.CheckSend(tt.now, tt.last, tt.sends)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("CheckSend = %v, want nil", err)
				}
				return
			}
			r, ok := refusal.As(err)
			if !ok || r.Code != tt.wantCode {
				t.Fatalf("CheckSend = %v, want %s", err, tt.wantCode)
			}
			if got, want := r.Extra["availableAt"], tt.availableAt.Format(time.RFC3339); got != want {
				t.Errorf("availableAt = %v, want %v", got, want)
			}
			checkMessages(t, r)
		})
	}
}

func TestCheckSendZeroLimit(t *testing.T) {
	p := DefaultPolicy()
	p.MaxPerDay = 0
	err := p.CheckSend(t0, time.Time{}, nil)
	if !refusal.Is(err, refusal.RateLimited) {
		t.Fatalf("CheckSend with MaxPerDay 0 = %v, want RATE_LIMITED", err)
	}
}

func TestVerdict(t *testing.T) {
	p := DefaultPolicy()
	exp := at(5 * time.Minute)
	tests := []struct {
		name         string
		now          time.Time
		c            Challenge
		matches      bool
		want         refusal.Code // "" = accepted
		attemptsLeft int
	}{
		{name: "valid", now: at(time.Minute), c: Challenge{ExpiresAt: exp}, matches: true},
		{name: "valid on the last allowed try", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Attempts: 4}, matches: true},
		{name: "valid a nanosecond before expiry", now: exp.Add(-1), c: Challenge{ExpiresAt: exp}, matches: true},
		{name: "wrong, first try", now: at(time.Minute), c: Challenge{ExpiresAt: exp}, want: refusal.OTPInvalid, attemptsLeft: 4},
		{name: "wrong, last try", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Attempts: 4}, want: refusal.OTPInvalid, attemptsLeft: 0},
		{name: "too many attempts, right code", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Attempts: 5}, matches: true, want: refusal.OTPTooManyAttempts},
		{name: "too many attempts, wrong code", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Attempts: 6}, want: refusal.OTPTooManyAttempts},
		{name: "expired at ExpiresAt", now: exp, c: Challenge{ExpiresAt: exp}, matches: true, want: refusal.OTPExpired},
		{name: "expired beats too many attempts", now: exp.Add(time.Second), c: Challenge{ExpiresAt: exp, Attempts: 5}, want: refusal.OTPExpired},
		{name: "superseded", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Superseded: true}, matches: true, want: refusal.OTPSuperseded},
		{name: "superseded beats expired", now: exp.Add(time.Hour), c: Challenge{ExpiresAt: exp, Superseded: true}, want: refusal.OTPSuperseded},
		{name: "consumed", now: at(time.Minute), c: Challenge{ExpiresAt: exp, Consumed: true}, matches: true, want: refusal.InvalidState},
		{name: "consumed beats superseded", now: exp.Add(time.Hour), c: Challenge{ExpiresAt: exp, Consumed: true, Superseded: true, Attempts: 9}, want: refusal.InvalidState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Verdict(tt.now, tt.c, tt.matches)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Verdict = %v, want nil", err)
				}
				return
			}
			r, ok := refusal.As(err)
			if !ok || r.Code != tt.want {
				t.Fatalf("Verdict = %v, want %s", err, tt.want)
			}
			if tt.want == refusal.OTPInvalid {
				if got := r.Extra["attemptsLeft"]; got != tt.attemptsLeft {
					t.Errorf("attemptsLeft = %v, want %d", got, tt.attemptsLeft)
				}
			} else if _, has := r.Extra["attemptsLeft"]; has {
				t.Errorf("%s carries attemptsLeft", r.Code)
			}
			if r.Code != refusal.InvalidState && r.Field != "code" {
				t.Errorf("field = %q, want \"code\"", r.Field)
			}
			checkMessages(t, r)
		})
	}
}

// TestRefusalsNotShared: a caller that changes a refusal it got back must not
// change the next one.
func TestRefusalsNotShared(t *testing.T) {
	p := DefaultPolicy()
	c := Challenge{ExpiresAt: t0, Consumed: true}
	r1, _ := refusal.As(p.Verdict(t0, c, true))
	r1.EN = "changed"
	r2, _ := refusal.As(p.Verdict(t0, c, true))
	if r2.EN == "changed" {
		t.Error("Verdict returned a shared *refusal.Error")
	}
}

func checkMessages(t *testing.T, r *refusal.Error) {
	t.Helper()
	if r.VI == "" || r.EN == "" || r.VI == r.EN {
		t.Errorf("%s: want distinct Vietnamese and English messages, got %q / %q", r.Code, r.VI, r.EN)
	}
}
