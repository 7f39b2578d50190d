// Package audit writes the append-only, hash-chained audit trail.
//
// Every change, and every read of an ID scan, is recorded in the same
// transaction as the change itself. Writers only append; a sealer, one at a
// time, then chains the committed events: each sealed event stores its
// position and the hash of the one before it, so altering, deleting or
// moving a sealed event breaks the chain, and Verify finds the first broken
// link. See docs/ARCHITECTURE.md, "Audit trail".
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// Entry is what happened. Detail must hold no personal data beyond ids and
// masked values.
type Entry struct {
	Action     string // e.g. "officer.assign_unit"
	TargetType string // e.g. "Officer"
	TargetID   string
	UnitPath   string // the unit concerned, for admins' scope
	Detail     map[string]any
}

// genesis is the previous hash of the first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// sealSignal is raised by every transaction that recorded an event, so that
// this process's sealer chains it soon after the commit (store.DB.OnSignal).
const sealSignal = "audit.appended"

// Record appends e to the trail inside tx, with the actor and client address
// of ctx and the time now. It takes no lock: the event gets the next append
// number and no chain fields; the sealer chains it after the commit (see
// Seal), so concurrent writers never wait on one another.
func Record(ctx context.Context, tx *store.Tx, now time.Time, e Entry) error {
	next, err := nextAppendSeq(ctx, tx)
	if err != nil {
		return err
	}
	err = tx.Client.AuditEvent.Create().
		SetAppendSeq(next).SetAt(now.UTC().Truncate(time.Microsecond)).SetActor(actorOf(ctx)).
		SetAction(e.Action).SetTargetType(e.TargetType).SetTargetID(e.TargetID).SetDetail(e.Detail).
		SetUnitPath(e.UnitPath).SetClientIP(requestinfo.FromContext(ctx).ClientIP).
		Exec(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	tx.Signal(sealSignal)
	return nil
}

// nextAppendSeq numbers a new event. On PostgreSQL a sequence hands out
// numbers without waiting for other transactions (a number may commit
// after a higher one, or never: the sealer does not rely on the order of
// commits). SQLite runs one write transaction at a time (store opens them
// immediate), so the next number after the highest is free.
func nextAppendSeq(ctx context.Context, tx *store.Tx) (int64, error) {
	q := `SELECT nextval('audit_events_append_seq')`
	if tx.Dialect != dialect.Postgres {
		q = `SELECT coalesce(max(append_seq), 0) + 1 FROM audit_events`
	}
	var n int64
	if err := tx.SQL.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("audit: append number: %w", err)
	}
	return n, nil
}

func actorOf(ctx context.Context) string {
	v := viewer.FromContext(ctx)
	if v == nil || v.AccountID == "" {
		return "system"
	}
	return string(v.AccountID)
}

// event is the hashed content of an AuditEvent.
type event struct {
	Seq        int64          `json:"seq"`
	At         time.Time      `json:"at"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	TargetType string         `json:"targetType"`
	TargetID   string         `json:"targetId"`
	Detail     map[string]any `json:"detail,omitempty"`
	UnitPath   string         `json:"unitPath,omitempty"`
	ClientIP   string         `json:"clientIp,omitempty"`
}

// hash is sha256(prev || canonical JSON of the event). encoding/json sorts
// map keys, so the encoding is canonical.
func (e event) hash(prev string) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("audit: encode: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Broken describes the first event whose chain does not hold.
type Broken struct {
	Seq    int64
	ID     string
	Reason string
}

// Report is what Verify found.
type Report struct {
	// Checked is how many sealed events were checked.
	Checked int
	// Unsealed is how many events were appended but not yet chained: they
	// hold no hash yet, so nothing can tell whether they were altered.
	Unsealed int
	// Broken is the first broken link, nil when the chain holds.
	Broken *Broken
}

// Verify walks the chain in order and reports the first broken link (an
// altered, missing or moved event) and how many events are not yet sealed.
func Verify(ctx context.Context, client *ent.Client) (Report, error) {
	sys := viewer.System(ctx)
	var rep Report
	unsealed, err := client.AuditEvent.Query().Where(auditevent.SeqIsNil()).Count(sys)
	if err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	rep.Unsealed = unsealed
	prev, want := genesis, int64(1)
	const page = 1000
	for {
		evs, err := client.AuditEvent.Query().
			Where(auditevent.SeqGTE(want)).Order(ent.Asc(auditevent.FieldSeq)).Limit(page).All(sys)
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		for _, a := range evs {
			rep.Checked++
			if *a.Seq != want {
				rep.Broken = &Broken{Seq: want, ID: string(a.ID), Reason: fmt.Sprintf("event %d is missing", want)}
				return rep, nil
			}
			if a.PrevHash != prev {
				rep.Broken = &Broken{Seq: want, ID: string(a.ID), Reason: "previous hash does not match"}
				return rep, nil
			}
			h, err := contentOf(a, want).hash(prev)
			if err != nil {
				return rep, err
			}
			if !strings.EqualFold(h, a.Hash) {
				rep.Broken = &Broken{Seq: want, ID: string(a.ID), Reason: "content does not match its hash"}
				return rep, nil
			}
			prev, want = a.Hash, want+1
		}
		if len(evs) < page {
			return rep, nil
		}
	}
}

// contentOf is the hashed content of a stored event at chain position seq.
func contentOf(a *ent.AuditEvent, seq int64) event {
	return event{Seq: seq, At: a.At.UTC(), Actor: a.Actor, Action: a.Action, TargetType: a.TargetType,
		TargetID: a.TargetID, Detail: a.Detail, UnitPath: a.UnitPath, ClientIP: a.ClientIP}
}
