package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
// over WebSocket (github.com/gorilla/websocket for the handshake and reads,
// the protocols and writes in wsConn), for handler.Server.AddTransport. It speaks graphql-transport-ws
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

	t := &webSocketTransport{
		origins:     origins,
		keepAlive:   &wsKeepAlive{every: keepAlive, conns: map[*wsConn]struct{}{}},
		payloads:    newWSPayloads(),
		initFunc:    cfg.InitFunc,
		initTimeout: initTimeout,
		readLimit:   readLimit,
		errorFunc:   cfg.ErrorFunc,
		closeFunc:   cfg.CloseFunc,
	}
	t.upgrader = &websocket.Upgrader{
		HandshakeTimeout: webSocketWriteTimeout,
		// Small per-connection buffers (docs/PERFORMANCE.md, S6): a socket
		// mostly waits. Reads go through 1 KiB (a larger message is still read
		// whole, in pieces). Frames are written by wsConn itself; gorilla
		// writes only the control frames it answers on its own (close, pong),
		// from a pooled buffer held for the length of one write.
		ReadBufferSize:  1024,
		WriteBufferPool: &sync.Pool{},
		// Do has already answered 403 to a foreign origin; checking again here
		// keeps the upgrader safe on its own.
		CheckOrigin: t.originAllowed,
		// Do answers a failed upgrade itself (400 with a JSON error); a
		// response written here too would be followed by a second, broken one.
		Error: func(http.ResponseWriter, *http.Request, int, error) {},
	}
	return t, nil
}

// webSocketTransport serves the GraphQL WebSocket protocols (wsConn) behind
// an origin check. It is immutable after construction.
type webSocketTransport struct {
	origins     map[string]struct{}
	upgrader    *websocket.Upgrader
	keepAlive   *wsKeepAlive
	payloads    *wsPayloads
	initFunc    transport.WebsocketInitFunc
	initTimeout time.Duration
	readLimit   int64
	errorFunc   transport.WebsocketErrorFunc
	closeFunc   transport.WebsocketCloseFunc
}

var _ graphql.Transport = (*webSocketTransport)(nil)

// Supports reports whether r asks for a protocol upgrade.
func (t *webSocketTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

// Do refuses a foreign origin with 403, then upgrades r and serves GraphQL
// operations on the connection until it closes. The sub-protocol is the
// first of the client's list that the server speaks; a client that offers
// none of them gets graphql-ws, as gqlgen has always done.
func (t *webSocketTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.originAllowed(r) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	}
	header := http.Header{}
	// With Upgrader.Subprotocols unset, gorilla takes the sub-protocol from
	// this header; its own choice would follow the server's order instead.
	if p := wsChooseSubprotocol(websocket.Subprotocols(r), wsSubprotocols); p != "" {
		header.Set("Sec-WebSocket-Protocol", p)
	}
	ws, err := t.upgrader.Upgrade(w, r, header)
	if err != nil {
		transport.SendErrorf(w, http.StatusBadRequest, "unable to upgrade")
		return
	}
	// The request's context carries the viewer the HTTP middleware found
	// (session cookie) to InitFunc and every operation, and the closer,
	// with which the server side ends the connection. Not its end: the
	// handler returns now, and the connection is served by a goroutine of
	// its own, so that net/http lets go of what it holds per connection
	// (4 KiB read and write buffers, the deep stack of the handler chain),
	// a good part of what an idle subscriber cost (docs/PERFORMANCE.md,
	// S6). The request's log line and metrics therefore cover the
	// handshake, not the life of the socket.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &wsConn{
		t: t, ws: ws, net: ws.NetConn(), exec: exec, headers: r.Header, cancel: cancel,
		legacy: ws.Subprotocol() != wsProtoTransport,
	}
	c.ctx = context.WithValue(ctx, webSocketCloserKey{}, &webSocketCloser{conn: c})
	go c.serve()
}

type webSocketCloserKey struct{}

// webSocketCloser ends a connection from the server side with a close code.
type webSocketCloser struct{ conn *wsConn }

// close sends a close frame with code and reason, ends the connection's
// operations and closes the network connection. Safe to call from any
// goroutine, more than once.
func (c *webSocketCloser) close(code int, reason string) {
	c.conn.close(code, reason)
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

// wsKeepAlive is the one ticker of a transport's keep-alives, running while
// it has connections: a timer and a goroutine per connection were a good
// part of what an idle subscriber cost (docs/PERFORMANCE.md, S6).
type wsKeepAlive struct {
	every time.Duration

	mu    sync.Mutex
	conns map[*wsConn]struct{}
	stop  chan struct{} // nil while there is no connection
}

func (k *wsKeepAlive) add(c *wsConn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.conns[c] = struct{}{}
	if k.stop == nil {
		k.stop = make(chan struct{})
		go k.run(k.stop)
	}
}

func (k *wsKeepAlive) remove(c *wsConn) {
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
	var conns []*wsConn
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
