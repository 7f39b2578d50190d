package proctest

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"
)

// FinalStatuses are the SMS statuses nothing is sent from (docs/SMS.md);
// only a late receipt may still replace NO_REPORT.
var FinalStatuses = map[string]bool{"DELIVERED": true, "UNDELIVERED": true, "FAILED": true, "EXPIRED": true, "NO_REPORT": true}

// DBMessage is one row of sms_messages.
type DBMessage struct {
	ID, Kind, Status, LastError string
	Attempts                    int
	BodyWiped                   bool
	RegistrationID              string
	CreatedAt                   time.Time
	SentAt, FinalAt             *time.Time
}

// Messages reads every SMS message of a PostgreSQL database.
func Messages(ctx context.Context, db *sql.DB) ([]DBMessage, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, kind, status, COALESCE(last_error, ''), attempts,
		body_sealed IS NULL, COALESCE(registration_id, ''), created_at, sent_at, final_at FROM sms_messages ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("proctest: read sms_messages: %w", err)
	}
	defer rows.Close()
	var out []DBMessage
	for rows.Next() {
		var m DBMessage
		if err := rows.Scan(&m.ID, &m.Kind, &m.Status, &m.LastError, &m.Attempts, &m.BodyWiped, &m.RegistrationID, &m.CreatedAt, &m.SentAt, &m.FinalAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountStatuses is "N QUEUED, M DELIVERED, …".
func CountStatuses(msgs []DBMessage) string {
	n := map[string]int{}
	for _, m := range msgs {
		n[m.Status]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// WaitMessages polls sms_messages until done holds or the deadline passes;
// it returns the last rows read.
func WaitMessages(ctx context.Context, db *sql.DB, deadline time.Time, done func([]DBMessage) bool) ([]DBMessage, error) {
	var last []DBMessage
	for {
		msgs, err := Messages(ctx, db)
		if err == nil {
			last = msgs
			if done(msgs) {
				return msgs, nil
			}
		}
		if time.Now().After(deadline) {
			if err != nil {
				return last, err
			}
			return last, fmt.Errorf("proctest: deadline: messages %s", CountStatuses(last))
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// AllFinal reports whether every message has a final status.
func AllFinal(msgs []DBMessage) bool {
	for _, m := range msgs {
		if !FinalStatuses[m.Status] {
			return false
		}
	}
	return true
}

// SlowerThan are the messages that became final more than d after since
// (or are not final), with the latest final time among all.
func SlowerThan(msgs []DBMessage, since time.Time, d time.Duration) (slow int, latest time.Time) {
	for _, m := range msgs {
		if m.FinalAt == nil {
			slow++
			continue
		}
		if m.FinalAt.After(latest) {
			latest = *m.FinalAt
		}
		if m.FinalAt.Sub(since) > d {
			slow++
		}
	}
	return slow, latest
}

// Check is one thing a run asserts.
type Check struct {
	What   string
	OK     bool
	Detail string
}

// HalfCreated checks the desk's atomicity for the citizens' ID numbers:
// every account among them belongs to a CREATED registration, and every
// CREATED registration among them has its account and an INITIAL_PASSWORD
// message.
func HalfCreated(ctx context.Context, db *sql.DB, idNumbers []string) (Check, error) {
	c := Check{What: "no half-created account"}
	var orphans, noAccount, noPassword []string
	rows, err := db.QueryContext(ctx, `SELECT a.id FROM accounts a WHERE a.id_number = ANY($1)
		AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.account_id = a.id AND r.state = 'CREATED')`, pq.Array(idNumbers))
	if err != nil {
		return c, fmt.Errorf("proctest: accounts: %w", err)
	}
	if orphans, err = scanStrings(rows); err != nil {
		return c, err
	}
	rows, err = db.QueryContext(ctx, `SELECT r.id FROM registrations r WHERE r.id_number = ANY($1) AND r.state = 'CREATED'
		AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = r.account_id)`, pq.Array(idNumbers))
	if err != nil {
		return c, fmt.Errorf("proctest: registrations: %w", err)
	}
	if noAccount, err = scanStrings(rows); err != nil {
		return c, err
	}
	rows, err = db.QueryContext(ctx, `SELECT r.id FROM registrations r WHERE r.id_number = ANY($1) AND r.state = 'CREATED'
		AND NOT EXISTS (SELECT 1 FROM sms_messages m WHERE m.registration_id = r.id AND m.kind = 'INITIAL_PASSWORD')`, pq.Array(idNumbers))
	if err != nil {
		return c, fmt.Errorf("proctest: registrations: %w", err)
	}
	if noPassword, err = scanStrings(rows); err != nil {
		return c, err
	}
	var states string
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(string_agg(state || ' ' || n, ', ' ORDER BY state), 'none') FROM
		(SELECT state, count(*) AS n FROM registrations WHERE id_number = ANY($1) GROUP BY state) s`, pq.Array(idNumbers)).Scan(&states); err != nil {
		return c, fmt.Errorf("proctest: registrations: %w", err)
	}
	var accounts int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id_number = ANY($1)`, pq.Array(idNumbers)).Scan(&accounts); err != nil {
		return c, fmt.Errorf("proctest: accounts: %w", err)
	}
	c.OK = len(orphans) == 0 && len(noAccount) == 0 && len(noPassword) == 0
	c.Detail = fmt.Sprintf("%d accounts; registrations: %s", accounts, states)
	if !c.OK {
		c.Detail += fmt.Sprintf("; accounts without a CREATED registration %v, CREATED without account %v, without password SMS %v",
			orphans, noAccount, noPassword)
	}
	return c, nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SMSChecks are the checks of the messages after a run: every message is
// final, its body wiped, and the gateway got each id (at least once; more
// only as retries of the same id) and no other.
func SMSChecks(msgs []DBMessage, gw GatewayState) []Check {
	final, wiped := Check{What: "every SMS reached a final status"}, Check{What: "the body of every final SMS is wiped (NULL)"}
	var notFinal, notWiped []string
	for _, m := range msgs {
		if !FinalStatuses[m.Status] {
			notFinal = append(notFinal, m.ID+" "+m.Status)
		} else if !m.BodyWiped {
			notWiped = append(notWiped, m.ID)
		}
	}
	final.OK, final.Detail = len(notFinal) == 0, fmt.Sprintf("%d messages: %s", len(msgs), CountStatuses(msgs))
	if !final.OK {
		final.Detail += fmt.Sprintf("; not final: %v", notFinal)
	}
	wiped.OK, wiped.Detail = len(notWiped) == 0, fmt.Sprintf("%d bodies left", len(notWiped))

	sent := Check{What: "each SMS went to the gateway under one id (duplicates only as retries of that id)"}
	inDB := map[string]bool{}
	var missing []string
	unsent := 0 // expired or failed before any attempt: never meant to reach the gateway
	for _, m := range msgs {
		inDB[m.ID] = true
		if _, ok := gw.Message(m.ID); !ok {
			if m.Status == "EXPIRED" || (m.Status == "FAILED" && m.Attempts == 0) {
				unsent++
			} else {
				missing = append(missing, m.ID)
			}
		}
	}
	var unknown []string
	for _, m := range gw.Messages {
		if !inDB[m.ID] {
			unknown = append(unknown, m.ID)
		}
	}
	dups := gw.Duplicates()
	sent.OK = len(missing) == 0 && len(unknown) == 0 && len(gw.Messages) == len(msgs)-unsent
	sent.Detail = fmt.Sprintf("%d distinct ids at the gateway for %d messages (%d never meant to be sent), %d calls, %d ids called more than once",
		len(gw.Messages), len(msgs), unsent, gw.Calls, len(dups))
	if !sent.OK {
		sent.Detail += fmt.Sprintf("; never sent %v; unknown ids %v", missing, unknown)
	}
	return []Check{final, wiped, sent}
}
