// Package gqlclient is a small GraphQL client for tests and benchmarks that
// talk to a real motcua server over HTTP and WebSocket.
package gqlclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Client talks to one server as one session.
type Client struct {
	BaseURL string
	Token   string
	Lang    string // Accept-Language; "" for the server's default (Vietnamese)
	HTTP    *http.Client
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// FirstCode is the code of the first error, "" when none.
func (r *Response) FirstCode() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Code()
}

// Decode unmarshals data into v.
func (r *Response) Decode(v any) error { return json.Unmarshal(r.Data, v) }

// Do posts a query with variables as JSON.
func (c *Client) Do(ctx context.Context, query string, vars map[string]any) (*Response, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.send(req)
}

// Upload posts a query with one file variable (GraphQL multipart request
// spec), with the preflight header.
func (c *Client) Upload(ctx context.Context, query string, vars map[string]any, fileVar, fileName string, file []byte) (*Response, error) {
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", fmt.Sprintf(`{"0":["variables.%s"]}`, fileVar))
	part, err := w.CreateFormFile("0", fileName)
	if err != nil {
		return nil, err
	}
	part.Write(file) //nolint:errcheck
	w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/graphql", &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("GraphQL-Require-Preflight", "1")
	return c.send(req)
}

func (c *Client) send(req *http.Request) (*Response, error) {
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("gqlclient: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	var r Response
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("gqlclient: decode: %w (%s)", err, b)
	}
	return &r, nil
}

// Get fetches a path with the session's token.
func (c *Client) Get(ctx context.Context, path string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return nil, nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// Subscription is a graphql-transport-ws subscription.
type Subscription struct {
	conn *websocket.Conn
}

// Subscribe opens a WebSocket (graphql-transport-ws), authenticates with the
// token in connection_init and starts one subscription.
func (c *Client) Subscribe(ctx context.Context, query string, vars map[string]any) (*Subscription, error) {
	url := "ws" + strings.TrimPrefix(c.BaseURL, "http") + "/graphql"
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.DialContext(ctx, url, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("gqlclient: dial: %w (HTTP %d)", err, resp.StatusCode)
		}
		return nil, fmt.Errorf("gqlclient: dial: %w", err)
	}
	init := map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + c.Token}}
	if err := conn.WriteJSON(init); err != nil {
		conn.Close()
		return nil, err
	}
	var ack map[string]any
	conn.SetReadDeadline(time.Now().Add(5 * time.Second)) //nolint:errcheck
	if err := conn.ReadJSON(&ack); err != nil || ack["type"] != "connection_ack" {
		conn.Close()
		return nil, fmt.Errorf("gqlclient: no connection_ack: %v %v", ack, err)
	}
	sub := map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}}
	if err := conn.WriteJSON(sub); err != nil {
		conn.Close()
		return nil, err
	}
	return &Subscription{conn: conn}, nil
}

// Next waits for the next message ("next", "error" or "complete"); for
// "next" it returns the payload as a Response.
func (s *Subscription) Next(timeout time.Duration) (string, *Response, error) {
	for {
		s.conn.SetReadDeadline(time.Now().Add(timeout)) //nolint:errcheck
		var msg struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := s.conn.ReadJSON(&msg); err != nil {
			return "", nil, err
		}
		switch msg.Type {
		case "ping":
			s.conn.WriteJSON(map[string]string{"type": "pong"}) //nolint:errcheck
			continue
		case "next":
			var r Response
			if err := json.Unmarshal(msg.Payload, &r); err != nil {
				return "", nil, err
			}
			return msg.Type, &r, nil
		case "error":
			var errs []Error
			_ = json.Unmarshal(msg.Payload, &errs)
			return msg.Type, &Response{Errors: errs}, nil
		default:
			return msg.Type, nil, nil
		}
	}
}

// Close ends the subscription and the connection.
func (s *Subscription) Close() error { return s.conn.Close() }
