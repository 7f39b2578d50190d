package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// tokenBytes is the entropy of a session token: 256 bits (docs/RULES.md: ≥ 128).
const tokenBytes = 32

// newToken returns a fresh token (unpadded base64url, 43 characters) and the
// hash that is stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is what the database keeps of a token. A plain SHA-256 is
// enough: the token has 256 random bits, so there is nothing to guess.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// lifetimes of a new session of a staff member or a citizen.
func lifetimes(staff bool) (idle, absolute time.Duration) {
	if staff {
		return StaffIdle, StaffAbsolute
	}
	return CitizenIdle, CitizenAbsolute
}

// createSession opens a session in tx and returns it with its token.
func createSession(ctx context.Context, tx *store.Tx, now time.Time, accountID pulid.ID, staff, changeOnly bool) (*ent.Session, string, error) {
	token, hash, err := newToken()
	if err != nil {
		return nil, "", err
	}
	idle, absolute := lifetimes(staff)
	info := requestinfo.FromContext(ctx)
	sess, err := tx.Client.Session.Create().
		SetTokenHash(hash).
		SetAccountID(accountID).
		SetLastSeenAt(now).
		SetExpiresAt(now.Add(absolute)).
		SetIdleTimeoutSeconds(int(idle / time.Second)).
		SetPasswordChangeOnly(changeOnly).
		SetClientIP(truncate(info.ClientIP, 64)).
		SetUserAgent(truncate(info.UserAgent, 256)).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(viewer.System(ctx))
	if err != nil {
		return nil, "", fmt.Errorf("auth: create session: %w", err)
	}
	return sess, token, nil
}

// truncate cuts s to at most n bytes of valid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// live reports whether sess may still be used at now: not revoked, before
// its absolute expiry, used within its idle timeout, and — if it may only
// change a password — within PasswordChangeWindow of its creation.
func live(sess *ent.Session, now time.Time) bool {
	switch {
	case sess.RevokedAt != nil, !now.Before(sess.ExpiresAt):
		return false
	case sess.IdleTimeoutSeconds > 0 && !now.Before(sess.LastSeenAt.Add(time.Duration(sess.IdleTimeoutSeconds)*time.Second)):
		return false
	case sess.PasswordChangeOnly && !now.Before(sess.CreatedAt.Add(PasswordChangeWindow)):
		return false
	}
	return true
}

// Authenticate returns the viewer of a session token, or nil (and no error)
// when the token is unknown, expired, revoked, or its account is no longer
// ACTIVE. It records the use (last_seen_at) at most once a minute, written
// later by FlushTouches. A session's viewer is cached (viewers.go).
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, error) {
	return s.authenticate(ctx, token, true, false)
}

// AuthenticateFresh is Authenticate reading the session from the database
// whatever is cached (and caching what it read): for a check that must see
// a change made behind the events bus's back, such as each operation of a
// long-lived WebSocket.
func (s *Service) AuthenticateFresh(ctx context.Context, token string) (*viewer.Viewer, error) {
	return s.authenticate(ctx, token, true, true)
}

// Check is AuthenticateFresh without recording a use: it re-checks a
// session that is only being kept open (a WebSocket watching a screen),
// which must not hold the session's idle timeout off.
func (s *Service) Check(ctx context.Context, token string) (*viewer.Viewer, error) {
	return s.authenticate(ctx, token, false, true)
}

func (s *Service) authenticate(ctx context.Context, token string, use, fresh bool) (*viewer.Viewer, error) {
	if token == "" || len(token) > 128 {
		return nil, nil
	}
	now := s.now()
	hash := hashToken(token)
	if !fresh {
		if v := s.viewers.get(hash, now, s.authz.Generation(), use); v != nil {
			return v, nil
		}
	}
	epoch := s.viewers.begin()
	sys := viewer.System(ctx)
	sess, err := s.db.Client.Session.Query().
		Where(session.TokenHash(hash)).
		WithAccount().
		Only(sys)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("auth: authenticate: %w", err)
	}
	if t, ok := s.viewers.recordedUse(sess.ID); ok && t.After(sess.LastSeenAt) {
		sess.LastSeenAt = t // not written yet (FlushTouches)
	}
	acct := sess.Edges.Account
	if !live(sess, now) || acct == nil || acct.Status != account.StatusACTIVE {
		s.viewers.dropSession(sess.ID)
		return nil, nil
	}
	v, o, err := loadViewer(ctx, s.db.Client, s.authz, sess.AccountID, sess.ID)
	if err != nil {
		return nil, err
	}
	v.PasswordChangeOnly = sess.PasswordChangeOnly
	e := &cachedViewer{tokenHash: hash, v: v, account: acct, officer: o, session: *sess, loadedAt: now}
	e.session.Edges = ent.SessionEdges{}
	s.viewers.put(e, epoch, use)
	return v, nil
}

// FlushTouches writes the recorded uses of sessions (last_seen_at), off
// the request path: Run calls it every touchFlushEvery. A use is written
// as the latest use of its batch, at most touchFlushEvery late.
func (s *Service) FlushTouches(ctx context.Context) error {
	touches := s.viewers.takeTouches()
	if len(touches) == 0 {
		return nil
	}
	ids := make([]pulid.ID, 0, len(touches))
	var at time.Time
	for id, t := range touches {
		ids = append(ids, id)
		if t.After(at) {
			at = t
		}
	}
	for batch := range slices.Chunk(ids, 500) {
		err := s.db.Client.Session.Update().
			Where(session.IDIn(batch...), session.RevokedAtIsNil(), session.LastSeenAtLT(at)).
			SetLastSeenAt(at).
			Exec(viewer.System(ctx))
		if err != nil {
			return fmt.Errorf("auth: record session uses: %w", err)
		}
	}
	return nil
}

// revoke ends the sessions ids in tx (those not ended already) and
// publishes one TopicSession event per session after commit.
func (s *Service) revoke(ctx context.Context, tx *store.Tx, now time.Time, ids []pulid.ID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Client.Session.Update().
		Where(session.IDIn(ids...), session.RevokedAtIsNil()).
		SetRevokedAt(now).SetUpdatedAt(now).
		Save(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("auth: revoke sessions: %w", err)
	}
	tx.OnCommit(func() {
		for _, id := range ids {
			s.viewers.dropSession(id)
			s.publish(ctx, events.Event{Topic: events.TopicSession, ID: string(id), At: now})
		}
	})
	return nil
}

// openSessions lists the sessions of an account not revoked yet, except
// the one given.
func openSessions(ctx context.Context, client *ent.Client, accountID, except pulid.ID) ([]pulid.ID, error) {
	q := client.Session.Query().Where(session.AccountID(accountID), session.RevokedAtIsNil())
	if except != "" {
		q = q.Where(session.IDNEQ(except))
	}
	ids, err := q.IDs(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	return ids, nil
}

// SignOut ends the viewer's session. Signed out already, it does nothing.
func (s *Service) SignOut(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() || v.SessionID == "" {
		return nil
	}
	now := s.now()
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		if err := s.revoke(ctx, tx, now, []pulid.ID{v.SessionID}); err != nil {
			return err
		}
		c.Record(now, audit.Entry{
			Action: "auth.sign_out", TargetType: "Session", TargetID: string(v.SessionID), UnitPath: v.UnitPath,
		})
		return nil
	})
}

// SignOutEverywhere ends every session of the viewer's account, this one
// included.
func (s *Service) SignOutEverywhere(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return errUnauthenticated()
	}
	now := s.now()
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		ids, err := openSessions(ctx, tx.Client, v.AccountID, "")
		if err != nil {
			return err
		}
		if err := s.revoke(ctx, tx, now, ids); err != nil {
			return err
		}
		if err := s.revokeElsewhere(ctx, tx, v.AccountID, oidcbackchanneldelivery.ReasonSIGN_OUT_EVERYWHERE); err != nil {
			return err
		}
		c.Record(now, audit.Entry{
			Action: "auth.sign_out_everywhere", TargetType: "Account", TargetID: string(v.AccountID), UnitPath: v.UnitPath,
			Detail: map[string]any{"sessionsRevoked": len(ids)},
		})
		return nil
	})
}

// RevokeSession ends one of the viewer's own sessions. Another account's
// session is NOT_FOUND, as if it did not exist.
func (s *Service) RevokeSession(ctx context.Context, id pulid.ID) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return errUnauthenticated()
	}
	sess, err := s.db.Client.Session.Get(viewer.System(ctx), id)
	switch {
	case ent.IsNotFound(err):
		return errSessionNotFound()
	case err != nil:
		return fmt.Errorf("auth: revoke session: %w", err)
	}
	if sess.AccountID != v.AccountID {
		return errSessionNotFound()
	}
	now := s.now()
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		if err := s.revoke(ctx, tx, now, []pulid.ID{id}); err != nil {
			return err
		}
		c.Record(now, audit.Entry{
			Action: "auth.session_revoked", TargetType: "Session", TargetID: string(id), UnitPath: v.UnitPath,
		})
		return nil
	})
}

// Sessions lists the viewer's sessions still in use, newest first.
func (s *Service) Sessions(ctx context.Context) ([]*ent.Session, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated()
	}
	// The caller's ctx: the privacy policy shows one's own sessions only.
	all, err := s.db.Client.Session.Query().
		Where(session.AccountID(v.AccountID), session.RevokedAtIsNil()).
		Order(ent.Desc(session.FieldCreatedAt), ent.Desc(session.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	now := s.now()
	out := all[:0]
	for _, sess := range all {
		if live(sess, now) {
			out = append(out, sess)
		}
	}
	return out, nil
}

// Purge deletes what no longer serves: sessions ended more than a week ago
// and throttle rows whose window and lock are over. Call it from a periodic
// job; it returns how many rows went.
func (s *Service) Purge(ctx context.Context) (int, error) {
	now := s.now()
	sys := viewer.System(ctx)
	cutoff := now.Add(-7 * 24 * time.Hour)
	n1, err := s.db.Client.Session.Delete().
		Where(session.Or(session.ExpiresAtLT(cutoff), session.RevokedAtLT(cutoff))).
		Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("auth: purge sessions: %w", err)
	}
	n2, err := s.purgeThrottles(ctx, now)
	return n1 + n2, err
}
