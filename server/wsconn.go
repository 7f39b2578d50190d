package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The GraphQL WebSocket protocols, served by wsConn: graphql-transport-ws
// and the legacy graphql-ws (Apollo's subscriptions-transport-ws), with the
// behaviour of gqlgen's transport.Websocket, which served them before. Our
// own loop costs a subscriber one goroutine (the connection's reader) where
// gqlgen's cost three, lets a feed push its events instead of a goroutine
// per subscriber reading a channel, encodes an event once for every
// subscriber that asked for the same selection (wsPayloads), and writes
// frames without blocking the feed (docs/PERFORMANCE.md, S6).

const (
	wsProtoTransport = "graphql-transport-ws"
	wsProtoLegacy    = "graphql-ws"

	// wsMaxQueuedBytes bounds what may wait to be written to one socket: a
	// client that stops reading is disconnected at this bound rather than
	// making the server hold its events (docs/SECURITY.md). A few seconds
	// of the SMS monitor's busiest stream are a few KiB.
	wsMaxQueuedBytes = 128 << 10

	// wsMaxPending bounds the events a feed pushes while the subscription
	// that asked for them is still being set up.
	wsMaxPending = 16

	// wsCloseDuplicateID is graphql-transport-ws's close code for a
	// subscribe whose id is in use.
	wsCloseDuplicateID = 4409
)

// wsSubprotocols are the sub-protocols served, in no order of preference:
// the client's order decides.
var wsSubprotocols = []string{wsProtoTransport, wsProtoLegacy}

var (
	errWSClosedByClient = errors.New("websocket: closed by the client")
	errWSInvalidMessage = errors.New("websocket: invalid message")
)

// wsClientMessage is a message of either protocol from the client.
type wsClientMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsConn is one connection. Its reader is the HTTP handler's goroutine
// (serve); operations other than pushed subscriptions run in a goroutine
// each; writes are queued and written by a goroutine that runs only while
// there is something to write.
type wsConn struct {
	t       *webSocketTransport
	ws      *websocket.Conn // reads, and the control frames gorilla answers itself
	net     net.Conn        // every other write
	exec    graphql.GraphExecutor
	headers http.Header
	legacy  bool // graphql-ws (or no sub-protocol) rather than graphql-transport-ws
	cancel  context.CancelFunc
	// ctx is the connection's context: set before the first operation,
	// read-only after.
	ctx      context.Context
	lastRead atomic.Int64 // unix ns of the last message from the client

	mu        sync.Mutex
	ops       map[string]*wsOperation
	closed    bool
	closeOnce sync.Once

	wmu      sync.Mutex
	out      net.Buffers // frames waiting to be written, in pieces
	outBytes int
	writing  bool // a flush goroutine runs
	closeNet bool // a close frame is queued: close the connection after it, write nothing more
	broken   bool // a write failed or the queue overflowed: write nothing more
}

// serve runs the connection until it closes.
func (c *wsConn) serve() {
	defer c.close(websocket.CloseNormalClosure, "terminated")
	defer func() {
		// Outside the HTTP handler, nothing else would catch a panic.
		if p := recover(); p != nil {
			c.reportError(fmt.Errorf("panic: %v", p), true)
			c.close(websocket.CloseInternalServerErr, "internal error")
		}
	}()
	c.ws.SetReadLimit(c.t.readLimit)
	// gorilla answers a client's close frame by itself; close (deferred
	// above) answers it too, and a browser reports a second close frame as
	// an error ("Close received after close"). So only close answers.
	c.ws.SetCloseHandler(func(int, string) error { return nil })
	c.lastRead.Store(time.Now().UnixNano())
	if c.init() {
		c.run()
	}
}

// init reads connection_init (within the init timeout) and accepts or
// refuses the connection; false means it is closing.
func (c *wsConn) init() bool {
	payload, ok := c.readInit()
	if !ok {
		return false
	}
	var ack json.RawMessage
	if c.t.initFunc != nil {
		ctx, ackPayload, err := c.t.initFunc(c.ctx, payload)
		if err != nil {
			// graphql-transport-ws has no connection_error message: the
			// close frame is the only place its client can read why, and
			// 4403 is final for it (no reconnecting in a loop).
			c.sendConnectionError(err.Error())
			c.close(WebSocketCloseForbidden, err.Error())
			return false
		}
		if ctx != nil {
			// Under mu: Sockets may close the connection (close reads ctx)
			// as soon as InitFunc has registered it.
			c.mu.Lock()
			c.ctx = ctx
			c.mu.Unlock()
		}
		if ackPayload != nil {
			if ack, err = json.Marshal(*ackPayload); err != nil {
				c.close(websocket.CloseInternalServerErr, "internal error")
				return false
			}
		}
	}
	c.send("connection_ack", "", ack)
	if c.legacy {
		c.sendControl(wsKeepAliveFrame)
	}
	// Keep-alives start after the ack, as the protocols want.
	c.t.keepAlive.add(c)
	return true
}

// readInit reads the first message, which must be connection_init, and
// returns its payload; false means the connection is closing.
func (c *wsConn) readInit() (transport.InitPayload, bool) {
	var payload transport.InitPayload
	_ = c.ws.SetReadDeadline(time.Now().Add(c.t.initTimeout))
	m, err := c.read()
	_ = c.ws.SetReadDeadline(time.Time{})
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		c.close(websocket.CloseProtocolError, "connection initialisation timeout")
		return payload, false
	case errors.Is(err, errWSInvalidMessage):
		c.sendConnectionError("invalid json")
		c.close(websocket.CloseProtocolError, "decoding error")
		return payload, false
	case err != nil:
		c.close(websocket.CloseProtocolError, "decoding error")
		return payload, false
	}
	switch m.Type {
	case "connection_init":
	case "connection_terminate":
		c.close(websocket.CloseNormalClosure, "terminated")
		return payload, false
	default:
		c.sendConnectionError("unexpected message " + wsSafeType(m.Type))
		c.close(websocket.CloseProtocolError, "unexpected message")
		return payload, false
	}
	if len(m.Payload) > 0 {
		if err := json.Unmarshal(m.Payload, &payload); err != nil {
			c.close(websocket.CloseProtocolError, "decoding error")
			return payload, false
		}
	}
	return payload, true
}

// run reads the client's messages until the connection ends.
func (c *wsConn) run() {
	for {
		start := graphql.Now()
		m, err := c.read()
		if err != nil {
			if !errors.Is(err, errWSClosedByClient) && !errors.Is(err, net.ErrClosed) && !c.isClosed() {
				c.reportError(err, true)
			}
			if errors.Is(err, errWSInvalidMessage) {
				c.sendConnectionError("invalid json")
				c.close(websocket.CloseProtocolError, "decoding error")
			}
			return
		}
		switch {
		case m.Type == "subscribe" && !c.legacy, m.Type == "start" && c.legacy:
			c.subscribe(start, m)
		case m.Type == "complete" && !c.legacy, m.Type == "stop" && c.legacy:
			c.mu.Lock()
			op := c.ops[m.ID]
			c.mu.Unlock()
			if op != nil {
				op.cancel()
			}
		case m.Type == "ping" && !c.legacy:
			c.send("pong", "", m.Payload)
		case m.Type == "pong" && !c.legacy:
			// lastRead, which the keep-alive checks, is updated by read.
		case m.Type == "connection_terminate" && c.legacy:
			c.close(websocket.CloseNormalClosure, "terminated")
			return
		default:
			c.sendConnectionError("unexpected message " + wsSafeType(m.Type))
			c.close(websocket.CloseProtocolError, "unexpected message")
			return
		}
	}
}

// read returns the next message. A normal close by the client (a browser
// leaving the page sends 1001) is errWSClosedByClient, so that ErrorFunc only
// hears of real failures; a message that is not a protocol message's JSON
// is errWSInvalidMessage.
func (c *wsConn) read() (wsClientMessage, error) {
	var m wsClientMessage
	_, r, err := c.ws.NextReader()
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		return m, errWSClosedByClient
	}
	if err != nil {
		return m, err
	}
	c.lastRead.Store(time.Now().UnixNano())
	data, err := io.ReadAll(r)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, errWSInvalidMessage
	}
	return m, nil
}

// wsSafeType returns a client's message type for an answer, or "" when it is
// not one of the protocols' names: what a client sends is never echoed.
func wsSafeType(t string) string {
	switch t {
	case "connection_init", "connection_terminate", "start", "stop", "subscribe", "complete", "ping", "pong":
		return t
	}
	return ""
}

func (c *wsConn) reportError(err error, read bool) {
	if c.t.errorFunc != nil {
		c.t.errorFunc(c.ctx, transport.WebsocketError{Err: err, IsReadError: read})
	}
}

func (c *wsConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// close sends a close frame with code and reason (cut to what a frame
// holds), ends every operation and closes the network connection once the
// frames queued before it are written. Only the first call does anything.
func (c *wsConn) close(code int, reason string) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		ops := c.ops
		c.ops = nil
		ctx := c.ctx
		c.mu.Unlock()
		c.t.keepAlive.remove(c)
		for _, op := range ops {
			op.cancel()
		}
		frame := websocket.FormatCloseMessage(code, wsTruncateUTF8(reason, webSocketMaxCloseReason))
		c.wmu.Lock()
		c.out = append(c.out, wsAppendFrameHeader(nil, websocket.CloseMessage, len(frame)), frame)
		c.closeNet = true
		start := !c.writing && !c.broken
		c.writing = c.writing || start
		c.wmu.Unlock()
		if start {
			go c.flush()
		}
		c.cancel()
		if c.t.closeFunc != nil {
			c.t.closeFunc(ctx, code)
		}
	})
}

// abort closes the network connection at once, without a close frame: the
// client is gone or does not read.
func (c *wsConn) abort() {
	c.wmu.Lock()
	c.broken = true
	c.wmu.Unlock()
	_ = c.net.Close()
}

// subscribe starts the operation of a subscribe (start) message.
func (c *wsConn) subscribe(start time.Time, m wsClientMessage) {
	ctx := graphql.StartOperationTrace(c.ctx)
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(m.Payload))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		c.sendErrors(m.ID, &gqlerror.Error{Message: "invalid json"})
		c.send("complete", m.ID, nil)
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	params.Headers = c.headers
	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			c.sendErrors(m.ID, resp.Errors...)
		} else {
			c.sendResponse(m.ID, &graphql.Response{Errors: errs})
		}
		c.send("complete", m.ID, nil)
		return
	}
	ctx, cancel := context.WithCancel(graphql.WithOperationContext(ctx, rc))
	op := &wsOperation{c: c, id: m.ID, cancel: cancel}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return
	}
	if _, dup := c.ops[m.ID]; dup {
		c.mu.Unlock()
		cancel()
		c.close(wsCloseDuplicateID, "Subscriber for "+wsTruncateUTF8(m.ID, 64)+" already exists")
		return
	}
	if c.ops == nil {
		c.ops = map[string]*wsOperation{}
	}
	c.ops[m.ID] = op
	c.mu.Unlock()
	ctx = context.WithValue(ctx, wsOperationKey{}, op)
	if rc.Operation.Operation == ast.Subscription {
		op.key = wsPayloadKeyOf(ctx, rc)
	}
	// Not in the reader: its stack stays the small one of a goroutine that
	// reads, instead of growing to what executing an operation takes, and
	// keeping it while the socket is idle. A pushed subscription's
	// goroutine ends once the feed pushes to it.
	go op.dispatch(ctx, rc)
}

// sendResponse sends one result of operation id.
func (c *wsConn) sendResponse(id string, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		c.sendErrors(id, &gqlerror.Error{Message: "internal: cannot encode the response"})
		return
	}
	c.sendData(id, b)
}

// sendData sends payload, the JSON of a response, as operation id's next
// (data) message. payload is not copied: it may be shared by many sockets.
func (c *wsConn) sendData(id string, payload []byte) bool {
	typ := "next"
	if c.legacy {
		typ = "data"
	}
	prefix := wsAppendMessagePrefix(make([]byte, 0, 14+48+len(id)), typ, id)
	prefix = append(prefix, `,"payload":`...)
	size := len(prefix) + len(payload) + 1
	head := wsAppendFrameHeader(make([]byte, 0, 10+len(prefix)), websocket.TextMessage, size)
	return c.enqueue(false, append(head, prefix...), payload, wsClosingBrace)
}

var wsClosingBrace = []byte(`}`)

// sendErrors sends operation id's error message.
func (c *wsConn) sendErrors(id string, errs ...*gqlerror.Error) {
	b, err := json.Marshal(errs)
	if err != nil {
		b = []byte(`[{"message":"internal error"}]`)
	}
	c.send("error", id, b)
}

// sendConnectionError sends graphql-ws's connection_error; graphql-transport-ws has none.
func (c *wsConn) sendConnectionError(message string) {
	if !c.legacy {
		return
	}
	b, err := json.Marshal(&gqlerror.Error{Message: message})
	if err != nil {
		return
	}
	c.send("connection_error", "", b)
}

// send sends a protocol message of type typ.
func (c *wsConn) send(typ, id string, payload json.RawMessage) {
	msg := wsAppendMessagePrefix(nil, typ, id)
	if len(payload) > 0 {
		msg = append(append(msg, `,"payload":`...), payload...)
	}
	msg = append(msg, '}')
	c.enqueue(false, wsAppendFrameHeader(make([]byte, 0, 10+len(msg)), websocket.TextMessage, len(msg)), msg)
}

// sendControl queues a prepared frame that does not count against the
// bound (keep-alives), unless the queue is not empty: a socket busy writing
// is alive.
func (c *wsConn) sendControl(frame []byte) {
	c.wmu.Lock()
	busy := c.writing || len(c.out) > 0
	c.wmu.Unlock()
	if !busy {
		c.enqueue(true, frame)
	}
}

// wsAppendMessagePrefix appends `{"type":"<typ>"` and, when id is not
// empty, `,"id":<id>`: the start of every message.
func wsAppendMessagePrefix(buf []byte, typ, id string) []byte {
	buf = append(append(append(buf, `{"type":"`...), typ...), '"')
	if id != "" {
		buf = wsAppendJSONString(append(buf, `,"id":`...), id)
	}
	return buf
}

// wsAppendJSONString appends s as a JSON string.
func wsAppendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // the rare id that needs escaping
			return append(buf, b...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// wsAppendFrameHeader appends the header of an unfragmented, unmasked
// frame (RFC 6455, 5.2: a server never masks) of opcode with n bytes of
// payload.
func wsAppendFrameHeader(buf []byte, opcode, n int) []byte {
	buf = append(buf, 0x80|byte(opcode))
	switch {
	case n < 126:
		return append(buf, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(buf, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(buf, 127), uint64(n))
	}
}

// Keep-alive frames: "ka" for graphql-ws, "ping" for graphql-transport-ws.
// Read-only.
var (
	wsKeepAliveFrame = wsTextFrame(`{"type":"ka"}`)
	wsPingFrame      = wsTextFrame(`{"type":"ping"}`)
)

func wsTextFrame(msg string) []byte {
	return append(wsAppendFrameHeader(nil, websocket.TextMessage, len(msg)), msg...)
}

// enqueue queues the pieces of one frame and starts the flush goroutine if
// none runs. It reports false when the frame is dropped: the connection is
// closing, or the queue is over wsMaxQueuedBytes, which disconnects the
// client (it does not read). control frames do not count.
func (c *wsConn) enqueue(control bool, pieces ...[]byte) bool {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	c.wmu.Lock()
	if c.broken || c.closeNet {
		c.wmu.Unlock()
		return false
	}
	if !control && c.outBytes+n > wsMaxQueuedBytes {
		c.wmu.Unlock()
		c.reportError(fmt.Errorf("send queue over %d bytes: the client does not read", wsMaxQueuedBytes), false)
		c.abort()
		return false
	}
	c.out = append(c.out, pieces...)
	c.outBytes += n
	start := !c.writing
	c.writing = true
	c.wmu.Unlock()
	if start {
		go c.flush()
	}
	return true
}

// flush writes the queue until it is empty, every frame waiting at once in
// one write (writev), then ends; it closes the network connection after
// the close frame.
func (c *wsConn) flush() {
	for {
		c.wmu.Lock()
		batch := c.out
		c.out, c.outBytes = nil, 0
		if len(batch) == 0 || c.broken {
			c.writing = false
			closeNet := c.closeNet
			c.wmu.Unlock()
			if closeNet {
				_ = c.net.Close()
			}
			return
		}
		closing := c.closeNet
		c.wmu.Unlock()
		_ = c.net.SetWriteDeadline(time.Now().Add(webSocketWriteTimeout))
		if _, err := batch.WriteTo(c.net); err != nil {
			if !closing && !errors.Is(err, net.ErrClosed) {
				c.reportError(err, false)
			}
			c.abort()
		}
	}
}

// tick sends c its keep-alive, or closes it when it speaks
// graphql-transport-ws and has sent nothing (its pong included) for two
// intervals.
func (c *wsConn) tick(now time.Time, every time.Duration) {
	if c.legacy {
		c.sendControl(wsKeepAliveFrame)
		return
	}
	if now.Sub(time.Unix(0, c.lastRead.Load())) > 2*every {
		c.abort() // the reader fails and the connection ends
		return
	}
	c.sendControl(wsPingFrame)
}

// wsChooseSubprotocol returns the first of the client's sub-protocols that the
// server supports, or "" when there is none.
func wsChooseSubprotocol(client, supported []string) string {
	for _, c := range client {
		for _, s := range supported {
			if c == s {
				return c
			}
		}
	}
	return ""
}
