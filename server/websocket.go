package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// Defaults of WebSocketConfig and the limits the transport applies on its own.
const (
	defaultWebSocketInitTimeout = 10 * time.Second
	defaultWebSocketReadLimit   = 64 << 10
	defaultWebSocketKeepAlive   = 25 * time.Second

	// webSocketWriteTimeout bounds every write, so a client that stops reading
	// cannot hold a connection (and its subscriptions) open forever.
	webSocketWriteTimeout = 10 * time.Second

	// webSocketMaxCloseReason is the longest close reason a close frame can carry
	// (125 bytes of control frame payload minus the 2-byte code).
	webSocketMaxCloseReason = 123
)

// WebSocketCloseForbidden is the close code sent when InitFunc refuses a
// connection, and when the session of an open connection lost a role: 4403
// Forbidden of the graphql-transport-ws protocol, which its clients treat as
// final instead of reconnecting in a loop.
const WebSocketCloseForbidden = 4403

// WebSocketCloseSessionEnded is the close code sent when the session of an
// open connection ended (signed out, revoked, expired, account locked): 4401
// Unauthorized of graphql-transport-ws, also final for its clients.
const WebSocketCloseSessionEnded = 4401

// WebSocketConfig configures the GraphQL subscription transport over WebSocket.
// Zero durations and limits take the documented defaults; negative ones are
// refused by NewWebSocketTransport.
type WebSocketConfig struct {
	// AllowedOrigins are the browser origins, exactly scheme://host[:port]
	// (http or https, no path, no wildcard), whose pages may open a WebSocket.
	// Any other Origin gets HTTP 403 before the upgrade. A request without an
	// Origin header comes from a non-browser client and is allowed: cross-site
	// WebSocket hijacking needs a browser, and browsers always send Origin.
	// The SPA's own origin must be listed too.
	AllowedOrigins []string
	// InitTimeout is how long the server waits for connection_init after the
	// upgrade (default 10 s).
	InitTimeout time.Duration
	// ReadLimit is the largest message, in bytes, read from the client
	// (default 64 KiB); a larger one closes the connection with 1009.
	ReadLimit int64
	// KeepAlive is the interval of "ka" messages (graphql-ws) and of "ping"
	// messages (graphql-transport-ws, where a client that does not answer
	// with "pong" within two intervals is disconnected). Default 25 s, under
	// the usual 60 s idle timeout of reverse proxies.
	KeepAlive time.Duration
	// InitFunc receives the connection_init payload (for example
	// {"authorization":"Bearer …"}) and returns the context of every
	// operation on the connection, with the viewer in it. Its ctx argument is
	// the HTTP request's context, which already carries what the HTTP
	// middleware put there (the session cookie's viewer). An error refuses the
	// connection: its text is sent to the client (connection_error for
	// graphql-ws, the close reason for both protocols, close code
	// WebSocketCloseForbidden), so it must be a refusal, never an internal
	// error or personal data. Optional.
	InitFunc transport.WebsocketInitFunc
	// CloseFunc is called once a connection is closed by the server side. Optional.
	CloseFunc transport.WebsocketCloseFunc
	// ErrorFunc is told about read and write errors other than a normal close
	// by the client. Optional.
	ErrorFunc transport.WebsocketErrorFunc
}

// NewWebSocketTransport returns the transport serving GraphQL subscriptions
// over WebSocket (github.com/gorilla/websocket under gqlgen's protocol
// handling), for handler.Server.AddTransport. It speaks graphql-transport-ws
// and the legacy graphql-ws, chosen by the client's preference; a client that
// offers no sub-protocol gets graphql-ws, as gqlgen has always done. It
// refuses a configuration that would allow every origin ("*") or is otherwise
// malformed.
func NewWebSocketTransport(cfg WebSocketConfig) (graphql.Transport, error) {
	origins := make(map[string]struct{}, len(cfg.AllowedOrigins))
	for _, o := range cfg.AllowedOrigins {
		canonical, err := parseWebSocketOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("server: websocket: allowed origin %q: %w", o, err)
		}
		origins[canonical] = struct{}{}
	}
	if cfg.InitTimeout < 0 || cfg.ReadLimit < 0 || cfg.KeepAlive < 0 {
		return nil, errors.New("server: websocket: InitTimeout, ReadLimit and KeepAlive must not be negative")
	}
	initTimeout := cmp.Or(cfg.InitTimeout, defaultWebSocketInitTimeout)
	readLimit := cmp.Or(cfg.ReadLimit, defaultWebSocketReadLimit)
	keepAlive := cmp.Or(cfg.KeepAlive, defaultWebSocketKeepAlive)

	t := &webSocketTransport{origins: origins, keepAlive: &wsKeepAlive{every: keepAlive, conns: map[*wsGorillaConn]struct{}{}}}
	t.upgrader = &websocket.Upgrader{
		HandshakeTimeout: webSocketWriteTimeout,
		// Small per-connection buffers (docs/PERFORMANCE.md, S6): a socket
		// mostly waits. Reads go through 1 KiB (a larger message is still read
		// whole, in pieces); the write buffer is taken from a pool for the
		// length of one write instead of being held by every idle socket.
		ReadBufferSize:  1024,
		WriteBufferPool: &sync.Pool{},
		// Do has already answered 403 to a foreign origin; checking again here
		// keeps the upgrader safe on its own.
		CheckOrigin: t.originAllowed,
		// gqlgen answers a failed upgrade itself (400 with a JSON error); a
		// response written here too would be followed by a second, broken one.
		Error: func(http.ResponseWriter, *http.Request, int, error) {},
	}
	t.gql = transport.Websocket{
		InitFunc:    webSocketRefuseForbidden(cfg.InitFunc),
		InitTimeout: initTimeout,
		ErrorFunc:   cfg.ErrorFunc,
		CloseFunc:   cfg.CloseFunc,
		// No keep-alive ticker (and goroutine) per connection: wsKeepAlive
		// serves every connection of the transport from one.
		PayloadReadLimit: &readLimit,
	}
	return t, nil
}

// webSocketTransport is gqlgen's Websocket transport behind an origin check,
// with a gorilla connection per request. It is immutable after construction.
type webSocketTransport struct {
	origins   map[string]struct{}
	upgrader  *websocket.Upgrader
	gql       transport.Websocket
	keepAlive *wsKeepAlive
}

var _ graphql.Transport = (*webSocketTransport)(nil)

// Supports reports whether r asks for a protocol upgrade.
func (t *webSocketTransport) Supports(r *http.Request) bool {
	return t.gql.Supports(r)
}

// Do refuses a foreign origin with 403, then upgrades r and serves GraphQL
// operations on the connection until it closes.
func (t *webSocketTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.originAllowed(r) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	}
	impl := &wsGorillaImplementation{upgrader: t.upgrader, keepAlive: t.keepAlive}
	gql := t.gql
	gql.Implementation = impl
	// gqlgen's Do uses r.Context(), so the viewer the HTTP middleware found
	// (session cookie) reaches InitFunc and every operation, and so does the
	// closer, with which the server side ends the connection.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	closer := &webSocketCloser{impl: impl, cancel: cancel}
	gql.Do(w, r.WithContext(context.WithValue(ctx, webSocketCloserKey{}, closer)), exec)
	// gqlgen returns without closing on some failures (an init payload that is
	// not a JSON object): the connection must not outlive the request.
	impl.closeAccepted()
}

type webSocketCloserKey struct{}

// webSocketCloser ends a connection from the server side with a close code.
type webSocketCloser struct {
	impl   *wsGorillaImplementation
	cancel context.CancelFunc
	once   sync.Once
}

// close sends a close frame with code and reason, then cancels the
// connection's context, on which gqlgen stops the operations and closes the
// network connection (its own close frame finds ours sent and is dropped).
// Safe to call from any goroutine, more than once.
func (c *webSocketCloser) close(code int, reason string) {
	c.once.Do(func() {
		if conn := c.impl.accepted; conn != nil {
			_ = conn.WriteClose(code, reason)
		}
		c.cancel()
	})
}

// webSocketCloserFrom returns the closer of the connection whose context ctx
// is (or derives from), nil outside a WebSocket.
func webSocketCloserFrom(ctx context.Context) *webSocketCloser {
	c, _ := ctx.Value(webSocketCloserKey{}).(*webSocketCloser)
	return c
}

// originAllowed reports whether r has no Origin header or exactly one that is
// in the allow-list.
func (t *webSocketTransport) originAllowed(r *http.Request) bool {
	values := r.Header.Values("Origin")
	if len(values) == 0 {
		return true
	}
	if len(values) > 1 {
		return false
	}
	u, err := url.Parse(values[0])
	if err != nil {
		return false
	}
	canonical, ok := canonicalWebSocketOrigin(u)
	if !ok {
		return false
	}
	_, allowed := t.origins[canonical]
	return allowed
}

// parseWebSocketOrigin checks that s is exactly scheme://host[:port] and returns
// its canonical form.
func parseWebSocketOrigin(s string) (string, error) {
	if strings.Contains(s, "*") {
		return "", errors.New("wildcards are not allowed, list each origin")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", errors.New("must be scheme://host[:port] with nothing after it")
	}
	canonical, ok := canonicalWebSocketOrigin(u)
	if !ok {
		return "", errors.New("must be http:// or https:// followed by a host")
	}
	return canonical, nil
}

// canonicalWebSocketOrigin lower-cases scheme and host and drops the default port, as
// browsers write Origin. It refuses anything but an http(s) origin with a host
// ("null" from sandboxed frames and file:// pages included).
func canonicalWebSocketOrigin(u *url.URL) (string, bool) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" || u.Opaque != "" || strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), true
	}
	if strings.Contains(host, ":") { // IPv6 literal
		return scheme + "://[" + host + "]", true
	}
	return scheme + "://" + host, true
}

// webSocketRefuseForbidden makes an InitFunc error close the connection with
// WebSocketCloseForbidden and the error's text as reason: graphql-transport-ws
// has no connection_error message, so the close frame is the only place the
// client can read why. It also guards against a nil context, which would
// panic in gqlgen.
func webSocketRefuseForbidden(init transport.WebsocketInitFunc) transport.WebsocketInitFunc {
	if init == nil {
		return nil
	}
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		got, ack, err := init(ctx, payload)
		if got == nil {
			got = ctx
		}
		if err != nil {
			got = transport.AppendCloseReason(got, err.Error())
			return transport.WithWebsocketCloseCode(got, WebSocketCloseForbidden), nil, err
		}
		return got, ack, nil
	}
}

// wsGorillaImplementation accepts one request's connection with gorilla's
// Upgrader, for gqlgen's transport.Websocket. It is made per request so that
// Do can close the connection it accepted.
type wsGorillaImplementation struct {
	upgrader  *websocket.Upgrader
	keepAlive *wsKeepAlive
	accepted  *wsGorillaConn
}

var _ transport.WebsocketImplementation = (*wsGorillaImplementation)(nil)

// Accept upgrades r, choosing the first sub-protocol in the client's list
// that gqlgen supports, as coder/websocket (gqlgen's default) does.
func (g *wsGorillaImplementation) Accept(w http.ResponseWriter, r *http.Request, options transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	header := options.ResponseHeader.Clone()
	if header == nil {
		header = http.Header{}
	}
	// With Upgrader.Subprotocols unset, gorilla takes the sub-protocol from
	// this header; its own choice would follow the server's order instead.
	if p := wsChooseSubprotocol(websocket.Subprotocols(r), options.Subprotocols); p != "" {
		header.Set("Sec-WebSocket-Protocol", p)
	}
	conn, err := g.upgrader.Upgrade(w, r, header)
	if err != nil {
		return nil, fmt.Errorf("server: websocket: upgrade: %w", err)
	}
	g.accepted = &wsGorillaConn{conn: conn, keepAlive: g.keepAlive}
	g.accepted.lastRead.Store(time.Now().UnixNano())
	return g.accepted, nil
}

func (g *wsGorillaImplementation) closeAccepted() {
	if g.accepted != nil {
		_ = g.accepted.Close()
	}
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

// wsGorillaConn adapts *websocket.Conn to gqlgen's WebsocketConn. gorilla
// allows one reader and one writer at a time, and WriteControl concurrently
// with both: gqlgen serialises its own writes, and writeMu serialises them
// with the keep-alive's.
type wsGorillaConn struct {
	conn      *websocket.Conn
	keepAlive *wsKeepAlive
	lastRead  atomic.Int64 // unix ns of the last message from the client

	writeMu    sync.Mutex
	registered bool // with keepAlive, at the first write (connection_ack); under writeMu
}

var (
	_ transport.WebsocketConn          = (*wsGorillaConn)(nil)
	_ transport.WebsocketReadLimiter   = (*wsGorillaConn)(nil)
	_ transport.WebsocketReadDeadliner = (*wsGorillaConn)(nil)
)

// NextReader returns the next message, or transport.ErrWebsocketClosed when
// the client closed normally (a browser leaving the page sends 1001), so that
// ErrorFunc only hears of real failures.
func (c *wsGorillaConn) NextReader() (int, io.Reader, error) {
	messageType, r, err := c.conn.NextReader()
	if err == nil {
		c.lastRead.Store(time.Now().UnixNano())
	}
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		return messageType, nil, transport.ErrWebsocketClosed
	}
	return messageType, r, err
}

// WriteJSON writes v as one text message. A write after the server closed
// the connection is dropped without error: it is a subscription finishing
// after its connection ended, which ErrorFunc need not hear about.
func (c *wsGorillaConn) WriteJSON(v any) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if !c.registered {
		// gqlgen's first write is connection_ack (or a refusal, after which
		// the connection closes): keep-alives start after it, as the
		// protocols want.
		c.registered = true
		c.keepAlive.add(c)
	}
	if err := c.conn.SetWriteDeadline(time.Now().Add(webSocketWriteTimeout)); err != nil {
		return err
	}
	var err error
	if frame, ok := wsAppendFrame(nil, v); ok {
		err = c.conn.WriteMessage(websocket.TextMessage, frame)
	} else {
		err = c.conn.WriteJSON(v)
	}
	if errors.Is(err, websocket.ErrCloseSent) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// wsAppendFrame appends gqlgen's protocol message v (a pointer to its
// struct of payload, id and type, for either sub-protocol) to buf without
// encoding the payload again: gqlgen has just encoded it, valid and compact,
// and encoding/json would validate and copy it once more for every
// subscriber of every event (docs/PERFORMANCE.md, S6). It reports false for
// anything else, which the caller encodes as usual.
func wsAppendFrame(buf []byte, v any) ([]byte, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	rv = rv.Elem()
	rt := rv.Type()
	payload, okP := rt.FieldByName("Payload")
	id, okI := rt.FieldByName("ID")
	typ, okT := rt.FieldByName("Type")
	if !okP || !okI || !okT || rt.NumField() != 4 ||
		payload.Type != reflect.TypeFor[json.RawMessage]() || payload.Tag.Get("json") != "payload,omitempty" ||
		id.Type.Kind() != reflect.String || id.Tag.Get("json") != "id,omitempty" ||
		typ.Type.Kind() != reflect.String || typ.Tag.Get("json") != "type" {
		return nil, false
	}
	buf = append(buf, '{')
	if p := rv.FieldByIndex(payload.Index).Bytes(); len(p) > 0 {
		buf = append(append(buf, `"payload":`...), p...)
		buf = append(buf, ',')
	}
	if s := rv.FieldByIndex(id.Index).String(); s != "" {
		buf = wsAppendJSONString(append(buf, `"id":`...), s)
		buf = append(buf, ',')
	}
	buf = wsAppendJSONString(append(buf, `"type":`...), rv.FieldByIndex(typ.Index).String())
	return append(buf, '}'), true
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

// WriteClose sends a close frame; the reason is cut to what a frame can hold.
func (c *wsGorillaConn) WriteClose(closeCode int, message string) error {
	frame := websocket.FormatCloseMessage(closeCode, wsTruncateUTF8(message, webSocketMaxCloseReason))
	return c.conn.WriteControl(websocket.CloseMessage, frame, time.Now().Add(webSocketWriteTimeout))
}

// Close closes the network connection.
func (c *wsGorillaConn) Close() error {
	c.keepAlive.remove(c)
	return c.conn.Close()
}

// Keep-alive messages: "ka" for graphql-ws, "ping" for graphql-transport-ws.
var (
	wsKeepAliveMessage = []byte(`{"type":"ka"}`)
	wsPingMessage      = []byte(`{"type":"ping"}`)
)

// wsKeepAliveWriteTimeout bounds a keep-alive write: the one ticker serves
// every connection, so a client whose socket is full must not hold it long.
const wsKeepAliveWriteTimeout = time.Second

// tick sends c its keep-alive, or closes it when it speaks
// graphql-transport-ws and has sent nothing (its pong included) for two
// intervals. A connection busy writing is skipped: it is alive.
func (c *wsGorillaConn) tick(now time.Time, every time.Duration) {
	msg := wsKeepAliveMessage
	if c.conn.Subprotocol() == "graphql-transport-ws" {
		if now.Sub(time.Unix(0, c.lastRead.Load())) > 2*every {
			_ = c.Close() // gqlgen's read fails and it ends the connection
			return
		}
		msg = wsPingMessage
	}
	if !c.writeMu.TryLock() {
		return
	}
	defer c.writeMu.Unlock()
	if err := c.conn.SetWriteDeadline(now.Add(wsKeepAliveWriteTimeout)); err == nil {
		_ = c.conn.WriteMessage(websocket.TextMessage, msg)
	}
}

// wsKeepAlive is the one ticker of a transport's keep-alives, running while
// it has connections: a timer and a goroutine per connection were a good
// part of what an idle subscriber cost (docs/PERFORMANCE.md, S6).
type wsKeepAlive struct {
	every time.Duration

	mu    sync.Mutex
	conns map[*wsGorillaConn]struct{}
	stop  chan struct{} // nil while there is no connection
}

func (k *wsKeepAlive) add(c *wsGorillaConn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.conns[c] = struct{}{}
	if k.stop == nil {
		k.stop = make(chan struct{})
		go k.run(k.stop)
	}
}

func (k *wsKeepAlive) remove(c *wsGorillaConn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.conns[c]; !ok {
		return
	}
	delete(k.conns, c)
	if len(k.conns) == 0 && k.stop != nil {
		close(k.stop)
		k.stop = nil
	}
}

func (k *wsKeepAlive) run(stop <-chan struct{}) {
	t := time.NewTicker(k.every)
	defer t.Stop()
	var conns []*wsGorillaConn
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			k.mu.Lock()
			conns = conns[:0]
			for c := range k.conns {
				conns = append(conns, c)
			}
			k.mu.Unlock()
			for _, c := range conns {
				c.tick(now, k.every)
			}
			clear(conns)
		}
	}
}

// Subprotocol returns the negotiated sub-protocol, "" when none.
func (c *wsGorillaConn) Subprotocol() string {
	return c.conn.Subprotocol()
}

// SetReadLimit sets the largest message read; gorilla closes with 1009 above it.
func (c *wsGorillaConn) SetReadLimit(limit int64) {
	c.conn.SetReadLimit(limit)
}

// SetReadDeadline sets the deadline of the pending and future reads.
func (c *wsGorillaConn) SetReadDeadline(t time.Time) error {
	return c.conn.SetReadDeadline(t)
}

// wsTruncateUTF8 cuts s to at most n bytes without splitting a character.
func wsTruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
