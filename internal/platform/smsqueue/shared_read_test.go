package smsqueue

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// TestSharedReads: one read of a status change serves every subscriber
// within the ttl; another status (a new event) reads again.
func TestSharedReads(t *testing.T) {
	db := testenv.SQLite(t)
	ctx := viewer.System(context.Background())
	m, err := db.Client.SMSMessage.Create().SetKind(sms.ResetOTP).SetPhone("+84912345678").
		SetUnitPath("/UNa/").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reads := newSharedReads(db, time.Minute)
	first, err := reads.message(ctx, string(m.ID), "QUEUED")
	if err != nil || first.Status != sms.Queued {
		t.Fatalf("first read: %+v %v", first, err)
	}
	if _, err := db.Client.SMSMessage.UpdateOneID(m.ID).SetStatus(sms.Sent).Save(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := reads.message(ctx, string(m.ID), "QUEUED")
	if err != nil || again != first {
		t.Fatalf("the same event was read again: %+v %v", again, err)
	}
	sent, err := reads.message(ctx, string(m.ID), "SENT")
	if err != nil || sent.Status != sms.Sent {
		t.Fatalf("a new status was not read: %+v %v", sent, err)
	}
	// A subscriber's cancelled context does not fail the shared read.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := reads.message(cancelled, string(m.ID), "DELIVERED"); err != nil {
		t.Fatalf("read with a cancelled subscriber context: %v", err)
	}
}
