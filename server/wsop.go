package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
)

// wsOperation is one operation of a connection. A subscription whose feed
// claims its events.Pusher is pushed: the feed hands each event to Push in
// its own goroutine, which executes the selection on it (or takes the bytes
// another subscriber's execution left in wsPayloads) and queues the frame,
// with no goroutine of the operation's own. Any other operation runs in a
// goroutine that reads gqlgen's responses (loop).
type wsOperation struct {
	c      *wsConn
	id     string
	cancel context.CancelFunc
	key    string // wsPayloadKeyOf: what the payload of an event depends on, besides the event
	ended  sync.Once

	mu      sync.Mutex
	claimed bool
	ch      reflect.Value // the channel gqlgen's stream reads, filled by execute (wsPushStreams)
	// Set when a pushed operation is ready, before ready:
	ctx       context.Context
	responses graphql.ResponseHandler
	ready     bool
	pending   []any // pushed before ready
	closed    bool  // the feed ended it
	errs      []*gqlerror.Error
}

var _ events.Pusher = (*wsOperation)(nil)

type wsOperationKey struct{}

// dispatch runs the operation's interceptors (the session's re-check among
// them) and, for a subscription, its root resolver; then pushes or loops.
func (op *wsOperation) dispatch(ctx context.Context, rc *graphql.OperationContext) {
	defer func() {
		if r := recover(); r != nil {
			op.fail(rc.Recover(ctx, r))
			op.end()
		}
	}()
	responses, ctx := op.c.exec.DispatchOperation(ctx, rc)
	op.mu.Lock()
	if op.claimed && op.ch.IsValid() {
		op.ctx, op.responses, op.ready = ctx, responses, true
		for _, item := range op.pending {
			op.deliverLocked(item)
		}
		op.pending = nil
		closed := op.closed
		op.mu.Unlock()
		if closed {
			op.end()
		}
		return
	}
	op.mu.Unlock()
	op.loop(ctx, responses)
}

// loop sends every response until the stream ends.
func (op *wsOperation) loop(ctx context.Context, responses graphql.ResponseHandler) {
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		op.c.sendResponse(op.id, resp)
	}
	op.end()
}

// end finishes the operation once: its error message if it failed, else
// complete (unless the connection is closing), and it is forgotten.
func (op *wsOperation) end() {
	op.ended.Do(func() {
		c := op.c
		c.mu.Lock()
		if c.ops[op.id] == op {
			delete(c.ops, op.id)
		}
		closed := c.closed
		c.mu.Unlock()
		op.mu.Lock()
		errs := op.errs
		op.mu.Unlock()
		switch {
		case len(errs) > 0:
			c.sendErrors(op.id, errs...)
		case !closed:
			c.send("complete", op.id, nil)
		}
		op.cancel()
	})
}

func (op *wsOperation) fail(err error) {
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = &gqlerror.Error{Message: "internal error"}
	}
	op.mu.Lock()
	op.errs = append(op.errs, gqlErr)
	op.mu.Unlock()
}

// Claim lets the feed push (events.Pusher).
func (op *wsOperation) Claim() bool {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.claimed {
		return false
	}
	op.claimed = true
	return true
}

// Push delivers item (events.Pusher); false when the socket is closing or
// too far behind.
func (op *wsOperation) Push(item any) bool {
	op.mu.Lock()
	defer op.mu.Unlock()
	if !op.ready {
		if len(op.pending) >= wsMaxPending {
			return false
		}
		op.pending = append(op.pending, item)
		return true
	}
	return op.deliverLocked(item)
}

// Close ends a pushed operation (events.Pusher).
func (op *wsOperation) Close() {
	op.mu.Lock()
	op.closed = true
	ready := op.ready
	op.mu.Unlock()
	if ready {
		op.end()
	}
}

// Fail records the error the operation ends with (events.Pusher).
func (op *wsOperation) Fail(err error) { op.fail(err) }

// deliverLocked sends item's payload, executing the selection only when no
// other subscriber with the same key has had it encoded. It runs in the
// feed's goroutine: a panic ends this subscription (the feed is told it
// cannot take the event), never the feed.
func (op *wsOperation) deliverLocked(item any) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			op.c.reportError(fmt.Errorf("panic delivering an event: %v", r), false)
			ok = false
		}
	}()
	payloads := op.c.t.payloads
	payload, ok := payloads.get(item, op.key)
	if !ok {
		payload = op.executeLocked(item)
		if payload == nil {
			return true // the operation is ending
		}
		payloads.put(item, op.key, payload)
	}
	return op.c.sendData(op.id, payload)
}

// executeLocked runs gqlgen's execution of the subscription's selection on
// item and returns the response's JSON, nil if the operation is ending.
func (op *wsOperation) executeLocked(item any) []byte {
	v := reflect.ValueOf(item)
	if !v.IsValid() || !v.Type().AssignableTo(op.ch.Type().Elem()) {
		return nil
	}
	op.ch.Send(v) // never blocks: the channel holds one, and nothing else sends
	resp := op.responses(op.ctx)
	if resp == nil {
		op.ch.TryRecv()
		return nil
	}
	b, err := json.Marshal(resp)
	if err != nil {
		return nil
	}
	return b
}

// wsPushStreams is the field middleware (handler.Server.AroundFields) that
// offers a subscription's root resolver the operation as its
// events.Pusher. When the resolver's feed claims it, the resolver's
// channel carries nothing; gqlgen's stream is given a channel of the same
// type that the operation fills with one event at a time to execute the
// selection on it.
func wsPushStreams(ctx context.Context, next graphql.Resolver) (any, error) {
	op, _ := ctx.Value(wsOperationKey{}).(*wsOperation)
	fc := graphql.GetFieldContext(ctx)
	if op == nil || fc == nil || fc.Object != "Subscription" || !fc.IsResolver {
		return next(ctx)
	}
	res, err := next(events.WithPusher(ctx, op))
	op.mu.Lock()
	defer op.mu.Unlock()
	if err != nil || !op.claimed {
		return res, err
	}
	t := reflect.TypeOf(res)
	if t == nil || t.Kind() != reflect.Chan || t.ChanDir()&reflect.RecvDir == 0 {
		return res, err
	}
	op.ch = reflect.MakeChan(reflect.ChanOf(reflect.BothDir, t.Elem()), 1)
	return op.ch.Convert(t).Interface(), nil
}

// wsPayloadKeyOf is what a subscription's payload depends on besides the
// event: the document, operation and variables, and the language of the
// messages. Who the subscriber is does not enter: a feed decides who gets
// an event, and gives each of its scopes its own copy of the event (the
// key's other half), so subscribers share bytes only within one scope.
func wsPayloadKeyOf(ctx context.Context, rc *graphql.OperationContext) string {
	vars, err := json.Marshal(rc.Variables) // map keys sorted: equal variables, equal bytes
	if err != nil {
		vars = nil
	}
	var b strings.Builder
	for _, s := range []string{rc.RawQuery, rc.OperationName, string(vars), requestinfo.FromContext(ctx).Lang} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}

// wsPayloads keeps the payload encoded for the latest events, by event and
// wsPayloadKeyOf, for the other subscribers of the same event. It holds a
// bounded number, the oldest forgotten first: a miss only costs an
// execution.
type wsPayloads struct {
	mu    sync.Mutex
	m     map[wsPayloadKey][]byte
	order []wsPayloadKey // ring of the keys in m
	next  int
}

type wsPayloadKey struct {
	item any // a pointer: the identity of one event of one feed
	key  string
}

// wsPayloadsKept is how many payloads wsPayloads keeps.
const wsPayloadsKept = 256

func newWSPayloads() *wsPayloads {
	return &wsPayloads{m: make(map[wsPayloadKey][]byte, wsPayloadsKept)}
}

func (p *wsPayloads) get(item any, key string) ([]byte, bool) {
	if !wsComparable(item) {
		return nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.m[wsPayloadKey{item, key}]
	return b, ok
}

func (p *wsPayloads) put(item any, key string, payload []byte) {
	if !wsComparable(item) {
		return
	}
	k := wsPayloadKey{item, key}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.m[k]; ok {
		return
	}
	if len(p.order) < wsPayloadsKept {
		p.order = append(p.order, k)
	} else {
		delete(p.m, p.order[p.next])
		p.order[p.next] = k
		p.next = (p.next + 1) % wsPayloadsKept
	}
	p.m[k] = payload
}

// wsComparable reports whether item identifies an event: only pointers do
// (two equal values may be two events).
func wsComparable(item any) bool {
	return item != nil && reflect.TypeOf(item).Kind() == reflect.Pointer
}
