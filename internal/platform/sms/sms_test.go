package sms

import (
	"errors"
	"fmt"
	"testing"
)

var allStatuses = []Status{Queued, Sending, Sent, Delivered, Undelivered, Failed, Expired, NoReport}

func TestCanMoveMatrix(t *testing.T) {
	// Every allowed move; every other pair of the 8×8 matrix must be refused.
	allowed := map[[2]Status]bool{
		{Queued, Sending}:     true,
		{Queued, Sent}:        true, // receipt after an ambiguous timeout put the message back in the queue
		{Queued, Delivered}:   true,
		{Queued, Undelivered}: true,
		{Queued, Failed}:      true,
		{Queued, Expired}:     true,

		{Sending, Queued}:      true, // retry
		{Sending, Sent}:        true,
		{Sending, Delivered}:   true, // receipt outran the job
		{Sending, Undelivered}: true,
		{Sending, Failed}:      true,
		{Sending, Expired}:     true,

		{Sent, Delivered}:   true,
		{Sent, Undelivered}: true,
		{Sent, Failed}:      true, // gateway accepted, then reported failure
		{Sent, NoReport}:    true, // the receipt deadline passed

		{NoReport, Delivered}:   true, // a late receipt says more than "no report"
		{NoReport, Undelivered}: true,
		{NoReport, Failed}:      true,
	}
	count := 0
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := allowed[[2]Status{from, to}]
			if want {
				count++
			}
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	if count != len(allowed) {
		t.Fatalf("allowed table names a status outside the matrix")
	}
}

func TestCanMoveUnknownStatus(t *testing.T) {
	for _, s := range allStatuses {
		if CanMove("", s) || CanMove(s, "") || CanMove("BOGUS", s) || CanMove(s, "BOGUS") {
			t.Errorf("CanMove accepts an unknown status next to %s", s)
		}
	}
}

func TestFinal(t *testing.T) {
	final := map[Status]bool{Delivered: true, Undelivered: true, Failed: true, Expired: true, NoReport: true}
	for _, s := range allStatuses {
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		if s.Final() && s != NoReport { // NO_REPORT: late receipts, in TestCanMoveMatrix
			for _, to := range allStatuses {
				if CanMove(s, to) {
					t.Errorf("final %s moves to %s", s, to)
				}
			}
		}
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range []Kind{RegistrationOTP, InitialPassword, ResetOTP, PasswordChanged} {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if Kind("PASSWORD").Valid() {
		t.Error("PASSWORD is valid")
	}
}

func TestErrPermanentWraps(t *testing.T) {
	err := fmt.Errorf("gateway: 400: %w", ErrPermanent)
	if !errors.Is(err, ErrPermanent) {
		t.Fatal("wrapped ErrPermanent not recognised")
	}
}
