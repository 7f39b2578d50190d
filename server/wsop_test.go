package server

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// wsTestEvent stands for what a feed pushes (an *ent.SMSMessage).
type wsTestEvent struct{ N int }

// wsTestSocket is a server-side wsConn on a real loopback TCP connection
// and the client's end of it.
func wsTestSocket(t *testing.T, tr *webSocketTransport) (*wsConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server := <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &wsConn{t: tr, net: server, ctx: ctx, cancel: cancel, ops: map[string]*wsOperation{}}, client.(*net.TCPConn)
}

// wsTestPushed returns a pushed operation id of c whose executions of the
// selection are counted in *executions: the payload is the event's N.
func wsTestPushed(c *wsConn, id, key string, executions *int) *wsOperation {
	ch := reflect.MakeChan(reflect.TypeFor[chan *wsTestEvent](), 1)
	op := &wsOperation{c: c, id: id, key: key, cancel: func() {}, claimed: true, ch: ch, ready: true, ctx: context.Background()}
	op.responses = func(ctx context.Context) *graphql.Response {
		*executions++
		e := (<-ch.Interface().(chan *wsTestEvent))
		return &graphql.Response{Data: json.RawMessage(`{"n":` + strconv.Itoa(e.N) + `}`)}
	}
	c.ops[id] = op
	return op
}

// wsReadServerFrame reads one unmasked frame and returns its payload.
func wsReadServerFrame(t *testing.T, c net.Conn) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wsClientWait))
	var hdr [8]byte
	if _, err := io.ReadFull(c, hdr[:2]); err != nil {
		t.Fatal(err)
	}
	n := int(hdr[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(c, hdr[:2]); err != nil {
			t.Fatal(err)
		}
		n = int(binary.BigEndian.Uint16(hdr[:2]))
	case 127:
		if _, err := io.ReadFull(c, hdr[:8]); err != nil {
			t.Fatal(err)
		}
		n = int(binary.BigEndian.Uint64(hdr[:8]))
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(c, msg); err != nil {
		t.Fatal(err)
	}
	return msg
}

// An event pushed to many subscribers is executed once per distinct
// (event, document and variables): subscribers with the same key share the
// bytes, each gets them in its own frame with its own id.
func TestWebSocketPushEncodesOncePerKey(t *testing.T) {
	tr := &webSocketTransport{payloads: newWSPayloads()}
	type sub struct {
		op     *wsOperation
		client net.Conn
	}
	var executions int
	var subs []sub
	for i := range 6 {
		c, client := wsTestSocket(t, tr)
		key := "A"
		if i%3 == 2 {
			key = "B" // another document: its own execution
		}
		subs = append(subs, sub{wsTestPushed(c, "op"+strconv.Itoa(i), key, &executions), client})
	}
	e1, e2 := &wsTestEvent{N: 1}, &wsTestEvent{N: 2}
	for _, e := range []*wsTestEvent{e1, e2} {
		for _, s := range subs {
			if !s.op.Push(e) {
				t.Fatal("push refused")
			}
		}
	}
	if executions != 4 { // 2 events × 2 keys
		t.Fatalf("%d executions, want 4", executions)
	}
	// An equal event that is another pointer (another feed's copy) is
	// executed again: bytes are shared by identity only.
	subs[0].op.Push(&wsTestEvent{N: 2})
	if executions != 5 {
		t.Fatalf("%d executions after another feed's copy, want 5", executions)
	}
	for i, s := range subs {
		for _, n := range []string{"1", "2"} {
			var got wsTestMessage
			if err := json.Unmarshal(wsReadServerFrame(t, s.client), &got); err != nil {
				t.Fatal(err)
			}
			if got.Type != "next" || got.ID != "op"+strconv.Itoa(i) || string(got.Payload) != `{"data":{"n":`+n+`}}` {
				t.Fatalf("subscriber %d got %+v", i, got)
			}
		}
	}
}

// A client that does not read is disconnected once wsMaxQueuedBytes wait
// for it; another socket of the same feed still gets every frame.
func TestWebSocketSlowClientIsDropped(t *testing.T) {
	errs := make(chan error, 10)
	tr := &webSocketTransport{payloads: newWSPayloads(), errorFunc: func(_ context.Context, err error) { errs <- err }}
	var executions int
	slow, slowClient := wsTestSocket(t, tr)
	// Small kernel buffers, so that the queue fills soon.
	_ = slowClient.SetReadBuffer(4096)
	_ = slow.net.(*net.TCPConn).SetWriteBuffer(4096)
	fast, fastClient := wsTestSocket(t, tr)
	slowOp := wsTestPushed(slow, "s", "A", &executions)
	fastOp := wsTestPushed(fast, "f", "A", &executions)

	const events = 400 // 400 × 1 KiB: well over the bound and the kernel's buffers
	pad := make([]byte, 1024)
	for i := range pad {
		pad[i] = 'x'
	}
	refused := -1
	for i := range events {
		// A payload of its own per event, as a real event's.
		payload := append([]byte(`{"data":"`+strconv.Itoa(i)), pad...)
		payload = append(payload, `"}`...)
		e := &wsTestEvent{N: i}
		tr.payloads.put(e, "A", payload)
		if !slowOp.Push(e) && refused < 0 {
			refused = i
		}
		if !fastOp.Push(e) {
			t.Fatalf("the reading client was refused event %d", i)
		}
		if got := wsReadServerFrame(t, fastClient); !strings.Contains(string(got), `"data":"`+strconv.Itoa(i)+"x") {
			t.Fatalf("the reading client got %.40s… for event %d", got, i)
		}
	}
	if refused < 0 {
		t.Fatal("the client that does not read was never refused")
	}
	select {
	case err := <-errs:
		t.Logf("refused at event %d: %v", refused, err)
	default:
		t.Fatal("ErrorFunc did not hear of the dropped client")
	}
	// Its connection is closed: reading what the kernel holds ends in EOF
	// (or a reset), not in a timeout.
	_ = slowClient.SetReadDeadline(time.Now().Add(wsClientWait))
	_, err := io.Copy(io.Discard, slowClient)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatal("the dropped client's connection is still open")
	}
}
