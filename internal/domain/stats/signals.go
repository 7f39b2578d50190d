package stats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/signal"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// Signal is a signal of misuse as the API shows it (type Signal).
type Signal struct {
	ID         pulid.ID
	Kind       signal.Kind
	Unit       *ent.Unit
	Officer    *ent.Officer
	Value      float64
	Threshold  float64
	Day        time.Time
	DetectedAt time.Time
	SubjectIDs []pulid.ID
	Reviewed   bool
	ReviewedAt *time.Time
	ReviewedBy *ent.Officer
	ReviewNote *string
}

// IsNode marks Signal as a GraphQL Node.
func (Signal) IsNode() {}

// SignalFilter narrows the signals (input SignalFilter).
type SignalFilter struct {
	UnitID          *pulid.ID
	Kind            *signal.Kind
	IncludeReviewed *bool
}

// SignalEdge and SignalConnection are the Relay page of signals.
type SignalEdge struct {
	Node   *Signal
	Cursor ent.Cursor
}

// SignalConnection is a page of signals.
type SignalConnection struct {
	Edges      []*SignalEdge
	PageInfo   ent.PageInfo
	TotalCount int
}

// Signals lists the signals within the viewer's scope, newest first. The
// rows are read as the viewer, so the privacy policy filters them too.
func (s *Service) Signals(ctx context.Context, p store.Page, f *SignalFilter) (*SignalConnection, error) {
	_, scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	page, err := p.Check()
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = &SignalFilter{}
	}
	var where []predicate.Signal
	if f.UnitID != nil {
		u, err := s.db.Client.Unit.Get(viewer.System(ctx), *f.UnitID)
		if ent.IsNotFound(err) {
			return nil, errUnitNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("stats: unit: %w", err)
		}
		if !scope.Covers(u.Path) {
			return nil, errUnitOutOfScope(u.Name)
		}
		where = append(where, signal.UnitPathHasPrefix(u.Path))
	}
	if f.Kind != nil {
		where = append(where, signal.KindEQ(*f.Kind))
	}
	if f.IncludeReviewed == nil || !*f.IncludeReviewed {
		where = append(where, signal.ReviewedAtIsNil())
	}
	total, err := s.db.Client.Signal.Query().Where(where...).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: count signals: %w", err)
	}
	rows, info, err := s.page(ctx, where, page)
	if err != nil {
		return nil, err
	}
	views, err := s.views(ctx, rows)
	if err != nil {
		return nil, err
	}
	conn := &SignalConnection{TotalCount: total, PageInfo: info}
	for _, v := range views {
		conn.Edges = append(conn.Edges, &SignalEdge{Node: v, Cursor: ent.Cursor{ID: v.ID}})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// page reads one page by id, newest first (ids sort by time); p is checked
// (store.Page.Check: exactly one of First and Last is set).
func (s *Service) page(ctx context.Context, where []predicate.Signal, p store.Page) ([]*ent.Signal, ent.PageInfo, error) {
	var info ent.PageInfo
	q := s.db.Client.Signal.Query().Where(where...)
	if p.After != nil {
		q.Where(signal.IDLT(p.After.ID))
	}
	if p.Before != nil {
		q.Where(signal.IDGT(p.Before.ID))
	}
	size, backwards := p.First, p.First == nil
	if backwards {
		size = p.Last
	}
	n := *size
	if backwards {
		q.Order(ent.Asc(signal.FieldID))
	} else {
		q.Order(ent.Desc(signal.FieldID))
	}
	rows, err := q.Limit(n + 1).All(ctx)
	if err != nil {
		return nil, info, fmt.Errorf("stats: signals: %w", err)
	}
	more := len(rows) > n
	if more {
		rows = rows[:n]
	}
	if backwards {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
		info.HasPreviousPage, info.HasNextPage = more, p.Before != nil
	} else {
		info.HasNextPage, info.HasPreviousPage = more, p.After != nil
	}
	return rows, info, nil
}

// views loads the units and officers of rows.
func (s *Service) views(ctx context.Context, rows []*ent.Signal) ([]*Signal, error) {
	sys := viewer.System(ctx)
	var unitIDs, officerIDs []pulid.ID
	for _, r := range rows {
		unitIDs = append(unitIDs, r.UnitID)
		if r.OfficerID != "" {
			officerIDs = append(officerIDs, pulid.ID(r.OfficerID))
		}
		if r.ReviewedBy != nil {
			officerIDs = append(officerIDs, *r.ReviewedBy)
		}
	}
	units, err := s.db.Client.Unit.Query().Where(unit.IDIn(unitIDs...)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("stats: signal units: %w", err)
	}
	offs, err := s.db.Client.Officer.Query().Where(officer.IDIn(officerIDs...)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("stats: signal officers: %w", err)
	}
	unitBy := map[pulid.ID]*ent.Unit{}
	for _, u := range units {
		unitBy[u.ID] = u
	}
	offBy := map[pulid.ID]*ent.Officer{}
	for _, o := range offs {
		offBy[o.ID] = o
	}
	out := make([]*Signal, 0, len(rows))
	for _, r := range rows {
		v := &Signal{
			ID: r.ID, Kind: r.Kind, Unit: unitBy[r.UnitID], Officer: offBy[pulid.ID(r.OfficerID)],
			Value: r.Value, Threshold: r.Threshold, Day: r.Day.UTC(), DetectedAt: r.DetectedAt,
			Reviewed: r.ReviewedAt != nil, ReviewedAt: r.ReviewedAt, ReviewNote: r.ReviewNote,
		}
		if r.ReviewedBy != nil {
			v.ReviewedBy = offBy[*r.ReviewedBy]
		}
		for _, id := range r.SubjectIds {
			v.SubjectIDs = append(v.SubjectIDs, pulid.ID(id))
		}
		if v.SubjectIDs == nil {
			v.SubjectIDs = []pulid.ID{}
		}
		if v.Unit == nil {
			return nil, fmt.Errorf("stats: signal %s: no unit %s", r.ID, r.UnitID)
		}
		out = append(out, v)
	}
	return out, nil
}

// maxNote bounds a review note (characters).
const maxNote = 1000

// Review marks a signal within the viewer's scope reviewed, with a note;
// audited. Reviewing again replaces the note.
func (s *Service) Review(ctx context.Context, id pulid.ID, note *string) (*Signal, error) {
	v, _, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if note != nil && len([]rune(*note)) > maxNote {
		return nil, refusal.New(refusal.Validation, "Ghi chú tối đa 1000 ký tự.", "A note holds at most 1000 characters.").OnField("note")
	}
	// Read as the viewer: a signal outside the scope does not exist for it.
	sg, err := s.db.Client.Signal.Get(ctx, id)
	if ent.IsNotFound(err) || ent.IsNotSingular(err) || errors.Is(err, privacy.Deny) {
		return nil, errSignalNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("stats: signal: %w", err)
	}
	now := s.now()
	err = audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		upd := tx.Client.Signal.UpdateOneID(id).SetReviewedAt(now).SetReviewedBy(v.OfficerID)
		if note != nil {
			upd.SetReviewNote(*note)
		} else {
			upd.ClearReviewNote()
		}
		if err := upd.Exec(viewer.System(ctx)); err != nil {
			return fmt.Errorf("stats: review: %w", err)
		}
		c.Record(now, audit.Entry{
			Action: "signal.review", TargetType: "Signal", TargetID: string(id), UnitPath: sg.UnitPath,
			Detail: map[string]any{"kind": string(sg.Kind), "day": sg.Day.UTC().Format(time.DateOnly), "hasNote": note != nil && *note != ""},
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.db.Client.Signal.Get(viewer.System(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("stats: signal: %w", err)
	}
	views, err := s.views(ctx, []*ent.Signal{fresh})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}
