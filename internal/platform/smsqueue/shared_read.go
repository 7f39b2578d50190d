package smsqueue

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// sharedReads lets every monitor subscribed to smsActivity share one
// database read of a status change. Without it each event was re-read once
// per subscriber: 10,000 monitors made 10,000 reads of the same row per
// event (S6 in docs/PERFORMANCE.md). The read is made as the system; each
// subscriber then applies its own scope to the message in memory, exactly as
// it did after its own read.
type sharedReads struct {
	db    *store.DB
	ttl   time.Duration
	group singleflight.Group

	mu     sync.Mutex
	recent map[string]sharedRead
}

type sharedRead struct {
	msg *ent.SMSMessage
	at  time.Time
}

// maxSharedReads bounds the cache; entries older than the ttl are dropped
// when it is full.
const maxSharedReads = 4096

func newSharedReads(db *store.DB, ttl time.Duration) *sharedReads {
	return &sharedReads{db: db, ttl: ttl, recent: make(map[string]sharedRead)}
}

// message returns the message as of the event (id, status), reading it once
// for all the subscribers that ask within the ttl. The returned message is
// shared: callers must not modify it.
func (s *sharedReads) message(ctx context.Context, id, status string) (*ent.SMSMessage, error) {
	key := id + "/" + status
	now := time.Now()
	s.mu.Lock()
	if r, ok := s.recent[key]; ok && now.Sub(r.at) < s.ttl {
		s.mu.Unlock()
		return r.msg, nil
	}
	s.mu.Unlock()
	v, err, _ := s.group.Do(key, func() (any, error) {
		m, err := s.db.Client.SMSMessage.Get(viewer.System(context.WithoutCancel(ctx)), pulid.ID(id))
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.recent) >= maxSharedReads {
			for k, r := range s.recent {
				if now.Sub(r.at) >= s.ttl {
					delete(s.recent, k)
				}
			}
		}
		s.recent[key] = sharedRead{msg: m, at: now}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*ent.SMSMessage), nil
}
