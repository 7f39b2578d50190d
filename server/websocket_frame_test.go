package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// The frames wsConn writes itself are read by a WebSocket client as the
// messages they hold, at every length encoding (7-bit, 16-bit, 64-bit), and
// a message's pieces (head, shared payload, tail) make one JSON message.
func TestWebSocketFramesWrittenByHand(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 0xffff, 0x10000, 70000}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for _, n := range sizes {
			payload := bytes.Repeat([]byte{'x'}, n)
			frame := append(wsAppendFrameHeader(nil, websocket.BinaryMessage, n), payload...)
			if _, err := ws.NetConn().Write(frame); err != nil {
				return
			}
		}
		c := &wsConn{net: ws.NetConn()}
		c.t = &webSocketTransport{}
		c.sendData(`a"b`, []byte(`{"data":{"x":1}}`))
		_, _, _ = ws.ReadMessage() // until the client closes
	}))
	defer ts.Close()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, n := range sizes {
		typ, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("frame of %d bytes: %v", n, err)
		}
		if typ != websocket.BinaryMessage || len(msg) != n || len(bytes.Trim(msg, "x")) != 0 {
			t.Fatalf("frame of %d bytes read as type %d, %d bytes", n, typ, len(msg))
		}
	}
	var got struct {
		Type    string          `json:"type"`
		ID      string          `json:"id"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := conn.ReadJSON(&got); err != nil {
		t.Fatal(err)
	}
	if got.Type != "next" || got.ID != `a"b` || string(got.Payload) != `{"data":{"x":1}}` {
		t.Fatalf("got %+v", got)
	}
}

// Protocol messages are written compact, as encoding/json would write
// them, without its trailing newline, for both sub-protocols.
func TestWebSocketAckFrame(t *testing.T) {
	for _, proto := range []string{wsProtoTransportWS, wsProtoGraphQLWS} {
		t.Run(proto, func(t *testing.T) {
			_, url := wsStartTestServer(t, WebSocketConfig{})
			conn := wsDial(t, url, "", proto)
			wsSend(t, conn, wsTestMessage{Type: "connection_init"})
			_, raw, err := conn.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"type":"connection_ack"}`; string(raw) != want {
				t.Errorf("frame %q, want %q exactly", raw, want)
			}
		})
	}
}
