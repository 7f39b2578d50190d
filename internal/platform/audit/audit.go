// Package audit writes the append-only, hash-chained audit trail.
//
// Every change, and every read of an ID scan, is recorded in the same
// transaction as the change itself. Each event stores the hash of the one
// before it, so altering or deleting a past event breaks the chain; Verify
// finds the first broken link.
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

// chainLockKey serialises appends on PostgreSQL (SQLite transactions are
// already serial).
const chainLockKey = 7_286_002

// genesis is the previous hash of the first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Record appends e to the trail inside tx, with the actor and client address
// of ctx and the time now.
func Record(ctx context.Context, tx *store.Tx, now time.Time, e Entry) error {
	if tx.Dialect == dialect.Postgres {
		if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, chainLockKey); err != nil {
			return fmt.Errorf("audit: lock: %w", err)
		}
	}
	sys := viewer.System(ctx)
	last, err := tx.Client.AuditEvent.Query().Order(ent.Desc(auditevent.FieldSeq)).First(sys)
	seq, prev := int64(1), genesis
	switch {
	case err == nil:
		seq, prev = last.Seq+1, last.Hash
	case !ent.IsNotFound(err):
		return fmt.Errorf("audit: last event: %w", err)
	}
	ev := event{
		Seq: seq, At: now.UTC().Truncate(time.Microsecond), Actor: actorOf(ctx),
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID,
		Detail: e.Detail, UnitPath: e.UnitPath, ClientIP: requestinfo.FromContext(ctx).ClientIP,
	}
	hash, err := ev.hash(prev)
	if err != nil {
		return err
	}
	err = tx.Client.AuditEvent.Create().
		SetSeq(ev.Seq).SetAt(ev.At).SetActor(ev.Actor).SetAction(ev.Action).
		SetTargetType(ev.TargetType).SetTargetID(ev.TargetID).SetDetail(ev.Detail).
		SetUnitPath(ev.UnitPath).SetClientIP(ev.ClientIP).
		SetPrevHash(prev).SetHash(hash).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
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

// Verify walks the chain in order and returns the first broken link, or nil
// when the whole chain holds. It also returns how many events it checked.
func Verify(ctx context.Context, client *ent.Client) (*Broken, int, error) {
	sys := viewer.System(ctx)
	prev, want := genesis, int64(1)
	const page = 1000
	checked := 0
	for {
		evs, err := client.AuditEvent.Query().
			Where(auditevent.SeqGTE(want)).Order(ent.Asc(auditevent.FieldSeq)).Limit(page).All(sys)
		if err != nil {
			return nil, checked, fmt.Errorf("audit: verify: %w", err)
		}
		for _, a := range evs {
			checked++
			if a.Seq != want {
				return &Broken{Seq: want, ID: string(a.ID), Reason: fmt.Sprintf("event %d is missing", want)}, checked, nil
			}
			if a.PrevHash != prev {
				return &Broken{Seq: a.Seq, ID: string(a.ID), Reason: "previous hash does not match"}, checked, nil
			}
			ev := event{Seq: a.Seq, At: a.At.UTC(), Actor: a.Actor, Action: a.Action, TargetType: a.TargetType,
				TargetID: a.TargetID, Detail: a.Detail, UnitPath: a.UnitPath, ClientIP: a.ClientIP}
			h, err := ev.hash(prev)
			if err != nil {
				return nil, checked, err
			}
			if !strings.EqualFold(h, a.Hash) {
				return &Broken{Seq: a.Seq, ID: string(a.ID), Reason: "content does not match its hash"}, checked, nil
			}
			prev, want = a.Hash, want+1
		}
		if len(evs) < page {
			return nil, checked, nil
		}
	}
}
