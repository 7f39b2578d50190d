package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/motcua/motcua/internal/rules/refusal"
)

const (
	wsProtoTransportWS = "graphql-transport-ws"
	wsProtoGraphQLWS   = "graphql-ws"

	// wsClientWait only keeps a broken test from hanging; nothing waits for it
	// to pass.
	wsClientWait = 5 * time.Second

	wsAllowedOrigin = "https://motcua.example.gov.vn"
)

// wsTestMessage is a message of either sub-protocol.
type wsTestMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsStartTestServer serves gqlgen's test schema (a subscription "name" that the
// test triggers) with the transport built from cfg.
func wsStartTestServer(t *testing.T, cfg WebSocketConfig) (*testserver.TestServer, string) {
	t.Helper()
	tr, err := NewWebSocketTransport(cfg)
	if err != nil {
		t.Fatalf("NewWebSocketTransport: %v", err)
	}
	srv := testserver.New()
	srv.AddTransport(tr)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, wsURL(ts)
}

func wsURL(ts *httptest.Server) string {
	return "ws" + strings.TrimPrefix(ts.URL, "http") + "/graphql"
}

func wsDial(t *testing.T, url string, origin string, subprotocols ...string) *websocket.Conn {
	t.Helper()
	conn, resp, err := wsTryDial(url, origin, subprotocols...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func wsTryDial(url string, origin string, subprotocols ...string) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: subprotocols, HandshakeTimeout: wsClientWait}
	header := http.Header{}
	if origin != "" {
		header.Set("Origin", origin)
	}
	return d.Dial(url, header)
}

func wsSend(t *testing.T, conn *websocket.Conn, msg wsTestMessage) {
	t.Helper()
	if err := conn.WriteJSON(msg); err != nil {
		t.Fatalf("send %s: %v", msg.Type, err)
	}
}

// read returns the next message whose type is not in skip.
func wsRead(t *testing.T, conn *websocket.Conn, skip ...string) wsTestMessage {
	t.Helper()
	for {
		_ = conn.SetReadDeadline(time.Now().Add(wsClientWait))
		var msg wsTestMessage
		if err := conn.ReadJSON(&msg); err != nil {
			t.Fatalf("read: %v", err)
		}
		if !slices.Contains(skip, msg.Type) {
			return msg
		}
	}
}

// expect reads the next message (skipping the types in skip) and checks its
// type, id and, when payload is not "", its payload.
func wsExpect(t *testing.T, conn *websocket.Conn, typ, id, payload string, skip ...string) wsTestMessage {
	t.Helper()
	msg := wsRead(t, conn, skip...)
	if msg.Type != typ || msg.ID != id {
		t.Fatalf("got message %q id %q (payload %s), want %q id %q", msg.Type, msg.ID, msg.Payload, typ, id)
	}
	if payload != "" && !wsJSONEqual(t, msg.Payload, payload) {
		t.Fatalf("%s payload = %s, want %s", typ, msg.Payload, payload)
	}
	return msg
}

// wsReadUntilClosed reads until the server ends the connection and returns the
// read error; it fails the test if the connection is still open after
// wsClientWait.
func wsReadUntilClosed(t *testing.T, conn *websocket.Conn) error {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(wsClientWait))
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue
		}
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			t.Fatalf("connection still open after %v", wsClientWait)
		}
		return err
	}
}

func wsExpectCloseCode(t *testing.T, err error, code int) *websocket.CloseError {
	t.Helper()
	var closeErr *websocket.CloseError
	if !errors.As(err, &closeErr) || closeErr.Code != code {
		t.Fatalf("connection ended with %v, want close code %d", err, code)
	}
	return closeErr
}

func wsJSONEqual(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	var g, w bytes.Buffer
	if err := json.Compact(&g, got); err != nil {
		t.Fatalf("payload %s is not JSON: %v", got, err)
	}
	if err := json.Compact(&w, []byte(want)); err != nil {
		t.Fatalf("want %s is not JSON: %v", want, err)
	}
	return g.String() == w.String()
}

func wsMustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewWebSocketTransportValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     WebSocketConfig
		wantErr bool
	}{
		{"no origins: non-browser clients only", WebSocketConfig{}, false},
		{"https origin", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin}}, false},
		{"http origin with port", WebSocketConfig{AllowedOrigins: []string{"http://localhost:5173"}}, false},
		{"IPv6 origin", WebSocketConfig{AllowedOrigins: []string{"http://[::1]:8080"}}, false},
		{"star", WebSocketConfig{AllowedOrigins: []string{"*"}}, true},
		{"star among others", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin, "*"}}, true},
		{"wildcard subdomain", WebSocketConfig{AllowedOrigins: []string{"https://*.example.gov.vn"}}, true},
		{"no scheme", WebSocketConfig{AllowedOrigins: []string{"motcua.example.gov.vn"}}, true},
		{"ws scheme", WebSocketConfig{AllowedOrigins: []string{"wss://motcua.example.gov.vn"}}, true},
		{"null", WebSocketConfig{AllowedOrigins: []string{"null"}}, true},
		{"empty", WebSocketConfig{AllowedOrigins: []string{""}}, true},
		{"trailing slash", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin + "/"}}, true},
		{"path", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin + "/app"}}, true},
		{"query", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin + "?a=1"}}, true},
		{"user info", WebSocketConfig{AllowedOrigins: []string{"https://user@motcua.example.gov.vn"}}, true},
		{"empty port", WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin + ":"}}, true},
		{"negative init timeout", WebSocketConfig{InitTimeout: -time.Second}, true},
		{"negative read limit", WebSocketConfig{ReadLimit: -1}, true},
		{"negative keep-alive", WebSocketConfig{KeepAlive: -time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := NewWebSocketTransport(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err == nil && tr == nil {
				t.Fatal("nil transport without error")
			}
		})
	}
}

func TestWebSocketOrigin(t *testing.T) {
	_, url := wsStartTestServer(t, WebSocketConfig{
		AllowedOrigins: []string{wsAllowedOrigin, "http://localhost:5173", "https://other.example.gov.vn:443"},
	})
	tests := []struct {
		name    string
		origin  string
		allowed bool
	}{
		{"no Origin header (non-browser client)", "", true},
		{"allowed origin", wsAllowedOrigin, true},
		{"allowed origin with port", "http://localhost:5173", true},
		{"default port listed explicitly", "https://other.example.gov.vn", true},
		{"upper case", "HTTPS://MotCua.Example.gov.vn", true},
		{"foreign origin", "https://evil.example.com", false},
		{"allowed host as suffix of a foreign one", "https://motcua.example.gov.vn.evil.example.com", false},
		{"other scheme", "http://motcua.example.gov.vn", false},
		{"other port", "http://localhost:5174", false},
		{"null origin (sandboxed frame)", "null", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, resp, err := wsTryDial(url, tt.origin, wsProtoTransportWS)
			if conn != nil {
				defer conn.Close()
			}
			if tt.allowed {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				if resp.StatusCode != http.StatusSwitchingProtocols {
					t.Fatalf("status %d, want 101", resp.StatusCode)
				}
				return
			}
			if !errors.Is(err, websocket.ErrBadHandshake) || conn != nil {
				t.Fatalf("dial err = %v, want a refused handshake", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", resp.StatusCode)
			}
			if resp.Header.Get("Upgrade") != "" || resp.Header.Get("Sec-WebSocket-Accept") != "" {
				t.Fatalf("refused handshake carries upgrade headers: %v", resp.Header)
			}
		})
	}
}

// A request with Upgrade that is not a valid WebSocket handshake gets one
// clean 400 from gqlgen, not gorilla's error page with gqlgen's appended.
func TestWebSocketBadHandshake(t *testing.T) {
	tr, err := NewWebSocketTransport(WebSocketConfig{})
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.New()
	srv.AddTransport(tr)
	req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13") // no Sec-WebSocket-Key
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
	if !wsJSONEqual(t, rec.Body.Bytes(), `{"errors":[{"message":"unable to upgrade"}],"data":null}`) {
		t.Fatalf("body %q", rec.Body.String())
	}
}

func TestWebSocketSubscriptionFlow(t *testing.T) {
	tests := []struct {
		name     string
		offered  []string
		wantProt string
	}{
		{"graphql-transport-ws", []string{wsProtoTransportWS}, wsProtoTransportWS},
		{"graphql-ws", []string{wsProtoGraphQLWS}, wsProtoGraphQLWS},
		{"client prefers graphql-transport-ws", []string{wsProtoTransportWS, wsProtoGraphQLWS}, wsProtoTransportWS},
		{"client prefers graphql-ws", []string{wsProtoGraphQLWS, wsProtoTransportWS}, wsProtoGraphQLWS},
		{"no sub-protocol offered: legacy graphql-ws", nil, ""},
		{"only unknown sub-protocols: legacy graphql-ws", []string{"chat"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := wsStartTestServer(t, WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin}})
			conn := wsDial(t, url, wsAllowedOrigin, tt.offered...)
			if got := conn.Subprotocol(); got != tt.wantProt {
				t.Fatalf("negotiated %q, want %q", got, tt.wantProt)
			}
			if tt.wantProt == wsProtoTransportWS {
				wsTransportWSFlow(t, srv, conn)
			} else {
				wsGraphQLWSFlow(t, srv, conn)
			}
		})
	}
}

const wsNameData = `{"data":{"name":"test"}}`

// wsTransportWSFlow: connection_init → connection_ack → subscribe → next… → complete.
func wsTransportWSFlow(t *testing.T, srv *testserver.TestServer, conn *websocket.Conn) {
	t.Helper()
	wsSend(t, conn, wsTestMessage{Type: "connection_init"})
	wsExpect(t, conn, "connection_ack", "", "")
	wsSend(t, conn, wsTestMessage{Type: "subscribe", ID: "1", Payload: json.RawMessage(`{"query":"subscription { name }"}`)})
	for range 2 {
		srv.SendNextSubscriptionMessage()
		wsExpect(t, conn, "next", "1", wsNameData)
	}
	srv.SendCompleteSubscriptionMessage()
	wsExpect(t, conn, "complete", "1", "")
}

// wsGraphQLWSFlow: connection_init → connection_ack → start → data… → stop → complete.
func wsGraphQLWSFlow(t *testing.T, srv *testserver.TestServer, conn *websocket.Conn) {
	t.Helper()
	wsSend(t, conn, wsTestMessage{Type: "connection_init"})
	wsExpect(t, conn, "connection_ack", "", "")
	wsSend(t, conn, wsTestMessage{Type: "start", ID: "1", Payload: json.RawMessage(`{"query":"subscription { name }"}`)})
	for range 2 {
		srv.SendNextSubscriptionMessage()
		wsExpect(t, conn, "data", "1", wsNameData, "ka")
	}
	wsSend(t, conn, wsTestMessage{Type: "stop", ID: "1"})
	wsExpect(t, conn, "complete", "1", "", "ka")
}

func TestWebSocketInitTimeout(t *testing.T) {
	for _, proto := range []string{wsProtoTransportWS, wsProtoGraphQLWS} {
		t.Run(proto, func(t *testing.T) {
			_, url := wsStartTestServer(t, WebSocketConfig{InitTimeout: 200 * time.Millisecond})
			conn := wsDial(t, url, "", proto)
			closeErr := wsExpectCloseCode(t, wsReadUntilClosed(t, conn), websocket.CloseProtocolError)
			if closeErr.Text != "connection initialisation timeout" {
				t.Fatalf("close reason %q", closeErr.Text)
			}
		})
	}
}

// TestWebSocketReadLimit is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestWebSocketReadLimit(t *testing.T) {
	const limit = 1024
	pad := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name string
		// run talks to the server and returns once the oversized message is
		// sent, or after checking the connection still works.
		run            func(t *testing.T, conn *websocket.Conn)
		wantClosed     bool
		wantReadLimErr bool // ErrorFunc hears of it (gqlgen reports read errors after init only)
	}{
		{
			name: "connection_init under the limit",
			run: func(t *testing.T, conn *websocket.Conn) {
				wsSend(t, conn, wsTestMessage{Type: "connection_init", Payload: wsMustJSON(t, map[string]string{"pad": pad(limit - 100)})})
				wsExpect(t, conn, "connection_ack", "", "")
			},
		},
		{
			name: "connection_init over the limit",
			run: func(t *testing.T, conn *websocket.Conn) {
				wsSend(t, conn, wsTestMessage{Type: "connection_init", Payload: wsMustJSON(t, map[string]string{"pad": pad(limit)})})
			},
			wantClosed: true,
		},
		{
			name: "subscribe over the limit",
			run: func(t *testing.T, conn *websocket.Conn) {
				wsSend(t, conn, wsTestMessage{Type: "connection_init"})
				wsExpect(t, conn, "connection_ack", "", "")
				query := "subscription { name } # " + pad(limit)
				wsSend(t, conn, wsTestMessage{Type: "subscribe", ID: "1", Payload: wsMustJSON(t, map[string]string{"query": query})})
			},
			wantClosed:     true,
			wantReadLimErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := make(chan error, 10)
			closed := make(chan int, 1)
			_, url := wsStartTestServer(t, WebSocketConfig{
				ReadLimit: limit,
				ErrorFunc: func(_ context.Context, err error) { errs <- err },
				CloseFunc: func(_ context.Context, code int) { closed <- code },
			})
			conn := wsDial(t, url, "", wsProtoTransportWS)
			tt.run(t, conn)
			if !tt.wantClosed {
				return
			}
			wsExpectCloseCode(t, wsReadUntilClosed(t, conn), websocket.CloseMessageTooBig)
			<-closed // ErrorFunc runs before CloseFunc
			select {
			case err := <-errs:
				if !tt.wantReadLimErr || !errors.Is(err, websocket.ErrReadLimit) {
					t.Fatalf("ErrorFunc got %v", err)
				}
			default:
				if tt.wantReadLimErr {
					t.Fatal("ErrorFunc not called")
				}
			}
		})
	}
}

func TestWebSocketInitFuncRefusal(t *testing.T) {
	expired := refusal.New(refusal.Unauthenticated,
		"Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
		"Your session has expired, please sign in again.")
	long := errors.New(strings.Repeat("Không được phép kết nối. ", 10)) // > 123 bytes, multi-byte characters
	tests := []struct {
		name  string
		proto string
		err   error
	}{
		{"graphql-transport-ws", wsProtoTransportWS, expired},
		{"graphql-ws", wsProtoGraphQLWS, expired},
		{"reason longer than a close frame holds", wsProtoTransportWS, long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := wsStartTestServer(t, WebSocketConfig{
				AllowedOrigins: []string{wsAllowedOrigin},
				InitFunc: func(ctx context.Context, _ transport.InitPayload) (context.Context, *transport.InitPayload, error) {
					return nil, nil, tt.err // nil context on purpose: must not panic
				},
			})
			conn := wsDial(t, url, "", tt.proto)
			wsSend(t, conn, wsTestMessage{Type: "connection_init", Payload: json.RawMessage(`{"authorization":"Bearer expired"}`)})
			if tt.proto == wsProtoGraphQLWS {
				wsExpect(t, conn, "connection_error", "", string(wsMustJSON(t, map[string]string{"message": tt.err.Error()})))
			}
			closeErr := wsExpectCloseCode(t, wsReadUntilClosed(t, conn), WebSocketCloseForbidden)
			whole := tt.err.Error()
			if len(whole) <= 123 && closeErr.Text != whole {
				t.Fatalf("close reason %q, want %q", closeErr.Text, whole)
			}
			// A longer reason is cut at a character boundary at most 123 bytes in.
			if len(whole) > 123 && (!utf8.ValidString(closeErr.Text) || len(closeErr.Text) < 120 ||
				len(closeErr.Text) > 123 || !strings.HasPrefix(whole, closeErr.Text)) {
				t.Fatalf("close reason %q (%d bytes), want a prefix of %q", closeErr.Text, len(closeErr.Text), whole)
			}
		})
	}
}

// An init payload that is not a JSON object makes gqlgen give up without
// closing; the transport must still close the connection.
func TestWebSocketMalformedInitPayloadCloses(t *testing.T) {
	_, url := wsStartTestServer(t, WebSocketConfig{})
	conn := wsDial(t, url, "", wsProtoTransportWS)
	wsSend(t, conn, wsTestMessage{Type: "connection_init", Payload: json.RawMessage(`[1,2]`)})
	wsReadUntilClosed(t, conn)
}

func TestWebSocketKeepAlive(t *testing.T) {
	t.Run("graphql-ws sends ka", func(t *testing.T) {
		_, url := wsStartTestServer(t, WebSocketConfig{KeepAlive: 20 * time.Millisecond})
		conn := wsDial(t, url, "", wsProtoGraphQLWS)
		wsSend(t, conn, wsTestMessage{Type: "connection_init"})
		wsExpect(t, conn, "connection_ack", "", "")
		for range 3 { // the first one follows the ack, the others the interval
			wsExpect(t, conn, "ka", "", "")
		}
	})
	t.Run("graphql-transport-ws pings and drops a client that never pongs", func(t *testing.T) {
		_, url := wsStartTestServer(t, WebSocketConfig{KeepAlive: 20 * time.Millisecond})
		conn := wsDial(t, url, "", wsProtoTransportWS)
		wsSend(t, conn, wsTestMessage{Type: "connection_init"})
		wsExpect(t, conn, "connection_ack", "", "")
		wsExpect(t, conn, "ping", "", "")
		wsReadUntilClosed(t, conn)
	})
}

type wsTestCtxKey string

// wsViewerSchema is a one-field executable schema whose subscription reports
// what its context carries: the viewer of the HTTP middleware (session
// cookie) and the one InitFunc put there (bearer token).
func wsViewerSchema() graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { ok: Boolean }
		type Viewer { cookie: String! token: String! }
		type Subscription { viewer: Viewer! }
	`})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			cookie, _ := ctx.Value(wsTestCtxKey("cookie")).(string)
			token, _ := ctx.Value(wsTestCtxKey("token")).(string)
			data, err := json.Marshal(map[string]any{"viewer": map[string]string{"cookie": cookie, "token": token}})
			if err != nil {
				panic(err)
			}
			return graphql.OneShot(&graphql.Response{Data: data})
		},
	}
}

func TestWebSocketContextReachesResolver(t *testing.T) {
	tests := []struct {
		name        string
		proto       string
		cookie      string
		initPayload string
		want        string
	}{
		{"cookie and bearer token, graphql-transport-ws", wsProtoTransportWS, "officer-1", `{"authorization":"Bearer tok-1"}`,
			`{"data":{"viewer":{"cookie":"officer-1","token":"tok-1"}}}`},
		{"cookie only, graphql-ws", wsProtoGraphQLWS, "officer-2", `{}`,
			`{"data":{"viewer":{"cookie":"officer-2","token":""}}}`},
		{"bearer token only, graphql-ws", wsProtoGraphQLWS, "", `{"Authorization":"Bearer tok-3"}`,
			`{"data":{"viewer":{"cookie":"","token":"tok-3"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := NewWebSocketTransport(WebSocketConfig{
				InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
					if token, ok := strings.CutPrefix(p.Authorization(), "Bearer "); ok {
						ctx = context.WithValue(ctx, wsTestCtxKey("token"), token)
					}
					return ctx, nil, nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			srv := handler.New(wsViewerSchema())
			srv.AddTransport(tr)
			// Stands in for the HTTP auth middleware reading the session cookie.
			withCookieViewer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				if tt.cookie != "" {
					ctx = context.WithValue(ctx, wsTestCtxKey("cookie"), tt.cookie)
				}
				srv.ServeHTTP(w, r.WithContext(ctx))
			})
			ts := httptest.NewServer(withCookieViewer)
			defer ts.Close()

			conn := wsDial(t, wsURL(ts), "", tt.proto)
			wsSend(t, conn, wsTestMessage{Type: "connection_init", Payload: json.RawMessage(tt.initPayload)})
			wsExpect(t, conn, "connection_ack", "", "")
			start, data := "subscribe", "next"
			if tt.proto == wsProtoGraphQLWS {
				start, data = "start", "data"
			}
			wsSend(t, conn, wsTestMessage{Type: start, ID: "v", Payload: json.RawMessage(`{"query":"subscription { viewer { cookie token } }"}`)})
			wsExpect(t, conn, data, "v", tt.want, "ka")
			wsExpect(t, conn, "complete", "v", "", "ka")
		})
	}
}

// Every way a connection ends releases its goroutines, and ErrorFunc hears
// only of real failures.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestWebSocketNoGoroutineLeak(t *testing.T) {
	tests := []struct {
		name string
		// end is called with an active subscription and ends the connection.
		end           func(t *testing.T, conn *websocket.Conn)
		wantReadError bool
	}{
		{
			name: "client closes normally",
			end: func(t *testing.T, conn *websocket.Conn) {
				msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
				if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(wsClientWait)); err != nil {
					t.Fatal(err)
				}
				wsExpectCloseCode(t, wsReadUntilClosed(t, conn), websocket.CloseNormalClosure)
			},
		},
		{
			name: "browser leaves the page (1001)",
			end: func(t *testing.T, conn *websocket.Conn) {
				msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "")
				if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(wsClientWait)); err != nil {
					t.Fatal(err)
				}
				wsReadUntilClosed(t, conn)
			},
		},
		{
			name: "client drops the TCP connection",
			end: func(t *testing.T, conn *websocket.Conn) {
				_ = conn.NetConn().Close()
			},
			wantReadError: true,
		},
		{
			name: "server closes on an oversized message",
			end: func(t *testing.T, conn *websocket.Conn) {
				wsSend(t, conn, wsTestMessage{Type: "subscribe", ID: "2", Payload: wsMustJSON(t, map[string]string{"query": strings.Repeat("x", 2048)})})
				wsReadUntilClosed(t, conn)
			},
			wantReadError: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := make(chan transport.WebsocketError, 10)
			closed := make(chan int, 1)
			tr, err := NewWebSocketTransport(WebSocketConfig{
				ReadLimit: 1024,
				ErrorFunc: func(_ context.Context, err error) {
					var wsErr transport.WebsocketError
					if !errors.As(err, &wsErr) {
						t.Errorf("ErrorFunc got %T %v", err, err)
					}
					errs <- wsErr
				},
				CloseFunc: func(_ context.Context, code int) { closed <- code },
			})
			if err != nil {
				t.Fatal(err)
			}
			srv := testserver.New()
			srv.AddTransport(tr)
			ts := httptest.NewServer(srv)
			defer ts.Close()
			before := runtime.NumGoroutine()

			conn := wsDial(t, wsURL(ts), "", wsProtoTransportWS)
			wsSend(t, conn, wsTestMessage{Type: "connection_init"})
			wsExpect(t, conn, "connection_ack", "", "")
			wsSend(t, conn, wsTestMessage{Type: "subscribe", ID: "1", Payload: json.RawMessage(`{"query":"subscription { name }"}`)})
			srv.SendNextSubscriptionMessage()
			wsExpect(t, conn, "next", "1", wsNameData)
			tt.end(t, conn)
			_ = conn.Close()

			select {
			case <-closed:
			case <-time.After(wsClientWait):
				t.Fatal("CloseFunc not called")
			}
			// Once every goroutine of the connection is gone, ErrorFunc has
			// heard all it will: a read error if the client failed, and no
			// complaint about a subscription finishing after the close.
			wsWaitForGoroutines(t, before)
			close(errs)
			var got []transport.WebsocketError
			for wsErr := range errs {
				got = append(got, wsErr)
			}
			if tt.wantReadError && (len(got) != 1 || !got[0].IsReadError) {
				t.Fatalf("ErrorFunc got %v, want one read error", got)
			}
			if !tt.wantReadError && len(got) != 0 {
				t.Fatalf("ErrorFunc got %v, want nothing", got)
			}
		})
	}
}

// wsWaitForGoroutines waits until no more goroutines run than before, and
// fails with a dump of them if that does not happen within wsClientWait.
func wsWaitForGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(wsClientWait)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWebSocketTruncateUTF8(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"Việt", 2, "Vi"},
		{"Việt", 3, "Vi"}, // "ệ" is 3 bytes: never split
		{"Việt", 5, "Việ"},
		{"ệ", 0, ""},
	}
	for _, tt := range tests {
		if got := wsTruncateUTF8(tt.s, tt.n); got != tt.want {
			t.Errorf("wsTruncateUTF8(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// Many subscriptions, opened and then closed by their clients: the
// goroutines go back to exactly as many as before (each connection's
// reader, operation and writer end with it).
func TestWebSocketManySubscriptionsLeaveNoGoroutine(t *testing.T) {
	_, url := wsStartTestServer(t, WebSocketConfig{KeepAlive: time.Hour})
	before := runtime.NumGoroutine()
	const n = 200
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conn, _, err := wsTryDial(url, "", wsProtoTransportWS)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = conn
		wsSend(t, conn, wsTestMessage{Type: "connection_init"})
		wsExpect(t, conn, "connection_ack", "", "")
		wsSend(t, conn, wsTestMessage{Type: "subscribe", ID: "1", Payload: json.RawMessage(`{"query":"subscription { name }"}`)})
	}
	// Each open subscription holds its connection's reader and its
	// operation's goroutine; wait until they all run.
	deadline := time.Now().Add(wsClientWait)
	for runtime.NumGoroutine() < before+2*n {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines with %d subscriptions, %d before", runtime.NumGoroutine(), n, before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, conn := range conns {
		_ = conn.Close()
	}
	wsWaitForGoroutines(t, before)
}

// TestWebSocketAnswersAClientCloseOnce: when the client closes (a browser
// leaving the page), the server answers with exactly one close frame and
// then closes the connection; a second close frame is a protocol error
// that browsers report ("Close received after close").
func TestWebSocketAnswersAClientCloseOnce(t *testing.T) {
	_, url := wsStartTestServer(t, WebSocketConfig{AllowedOrigins: []string{wsAllowedOrigin}})
	conn := wsDial(t, url, wsAllowedOrigin, wsProtoTransportWS)
	wsSend(t, conn, wsTestMessage{Type: "connection_init"})
	wsExpect(t, conn, "connection_ack", "", "")
	raw := conn.UnderlyingConn()
	closing := websocket.FormatCloseMessage(websocket.CloseGoingAway, "")
	if err := conn.WriteControl(websocket.CloseMessage, closing, time.Now().Add(wsClientWait)); err != nil {
		t.Fatal(err)
	}
	// Everything the server sends from here: its close frame(s), then EOF.
	_ = raw.SetReadDeadline(time.Now().Add(wsClientWait))
	rest, err := io.ReadAll(raw)
	if err != nil && !errors.Is(err, io.EOF) {
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("reading after the close: %v", err)
		}
		t.Fatal("the server did not close the connection after answering the close")
	}
	frames := 0
	for len(rest) >= 2 {
		if rest[0]&0x0f == websocket.CloseMessage {
			frames++
		}
		n := int(rest[1] & 0x7f) // control frames carry at most 125 bytes
		if len(rest) < 2+n {
			break
		}
		rest = rest[2+n:]
	}
	if frames != 1 {
		t.Errorf("%d close frames after the client's close, want 1", frames)
	}
}
