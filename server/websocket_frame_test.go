package server

import (
	"encoding/json"
	"testing"
)

// gqlgenLikeMessage has the shape of gqlgen's protocol messages.
type gqlgenLikeMessage struct {
	Payload json.RawMessage `json:"payload,omitempty"`
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	noOp    bool
}

func TestWebSocketFrameMatchesEncodingJSON(t *testing.T) {
	for _, m := range []*gqlgenLikeMessage{
		{Payload: json.RawMessage(`{"data":{"smsActivity":{"id":"SM1","status":"SENT"}}}`), ID: "1", Type: "next"},
		{ID: "7", Type: "complete"},
		{Type: "connection_ack"},
		{Payload: json.RawMessage(`[{"message":"x"}]`), ID: "a\"b\\c<d>\u00e9\n", Type: "error"},
	} {
		got, ok := wsAppendFrame(nil, m)
		if !ok {
			t.Fatalf("%+v: not taken as a protocol message", m)
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("frame %s, want %s", got, want)
		}
	}
	for _, v := range []any{
		map[string]string{"type": "ka"},
		gqlgenLikeMessage{Type: "next"}, // not a pointer
		&struct {
			Payload json.RawMessage `json:"data"`
			ID      string          `json:"id,omitempty"`
			Type    string          `json:"type"`
			Other   int
		}{},
	} {
		if _, ok := wsAppendFrame(nil, v); ok {
			t.Errorf("%T taken as a protocol message; want it encoded as usual", v)
		}
	}
}

// gqlgen's own messages take the fast path, for both sub-protocols: its
// frames are written as they are, without encoding/json's trailing newline.
func TestWebSocketFramesOfGqlgenTakeTheFastPath(t *testing.T) {
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
