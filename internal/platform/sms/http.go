package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// HTTPConfig configures the HTTP gateway provider.
type HTTPConfig struct {
	URL        string        // the gateway's send endpoint (http or https)
	AuthHeader string        // header carrying the credential; default "Authorization"
	AuthValue  string        // e.g. "Bearer …"; no header when empty
	Timeout    time.Duration // per send; default 10s
	Sender     string        // the registered brand name shown as sender
	// CallbackURL goes in the request's "callback" field, for gateways that
	// take the receipt address per message; leave it empty when the address
	// is configured at the gateway.
	CallbackURL string
	// ReceiptSecret is the HMAC key of the receipt callbacks, at least 16
	// bytes. Empty: every receipt is refused, messages stay at SENT.
	ReceiptSecret []byte
	// ReceiptWindow is how far a receipt's timestamp may be from our clock;
	// default 5m.
	ReceiptWindow time.Duration
}

// HTTP is the production provider: it posts each message as JSON to a
// gateway (usually a small adapter in front of a Vietnamese brand-name SMS
// service) and takes its delivery receipts on a signed callback. The wire
// formats are in docs/SMS.md.
type HTTP struct {
	cfg    HTTPConfig
	client *http.Client
}

// maxGatewayResponse bounds what we read of a gateway's answer.
const maxGatewayResponse = 64 << 10

// NewHTTP returns the HTTP provider. client may be nil; the per-send timeout
// comes from cfg.Timeout either way.
func NewHTTP(cfg HTTPConfig, client *http.Client) (*HTTP, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("sms: http gateway: URL must be an absolute http or https URL")
	}
	if len(cfg.ReceiptSecret) > 0 && len(cfg.ReceiptSecret) < 16 {
		return nil, errors.New("sms: http gateway: receipt secret shorter than 16 bytes")
	}
	if cfg.AuthHeader == "" {
		cfg.AuthHeader = "Authorization"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.ReceiptWindow <= 0 {
		cfg.ReceiptWindow = 5 * time.Minute
	}
	if client == nil {
		client = &http.Client{}
	}
	return &HTTP{cfg: cfg, client: client}, nil
}

// Name implements Provider.
func (p *HTTP) Name() string { return "http" }

type sendRequest struct {
	ID       string `json:"id"`
	To       string `json:"to"`
	Text     string `json:"text"`
	Sender   string `json:"sender"`
	Callback string `json:"callback"`
}

type sendResponse struct {
	ID      string `json:"id"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// Send implements Provider. 2xx with an id is success; 408, 429, 5xx,
// timeouts and connection errors are temporary; any other 4xx wraps
// ErrPermanent. Errors carry the gateway's error text with digits masked,
// never the message text or the number.
func (p *HTTP) Send(ctx context.Context, m Message) (string, error) {
	if m.ID == "" {
		return "", fmt.Errorf("sms: http gateway: message without id: %w", ErrPermanent)
	}
	payload, err := json.Marshal(sendRequest{
		ID: m.ID, To: m.Phone, Text: m.Body, Sender: p.cfg.Sender, Callback: p.cfg.CallbackURL,
	})
	if err != nil {
		return "", fmt.Errorf("sms: http gateway: encode: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.URL, bytes.NewReader(payload))
	if err != nil {
		return "", fmt.Errorf("sms: http gateway: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	if p.cfg.AuthValue != "" {
		req.Header.Set(p.cfg.AuthHeader, p.cfg.AuthValue)
	}

	resp, err := p.client.Do(req)
	if err != nil {
		// *url.Error repeats the URL, which may hold a credential.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("sms: http gateway: post: %w", err)
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, maxGatewayResponse))
	var answer sendResponse
	_ = json.Unmarshal(raw, &answer) // a non-JSON answer leaves it empty

	return answered(resp.StatusCode, answer, readErr, m)
}

// answered reads the gateway's answer (status code, decoded body, and the
// error reading it) to sending m; see Send.
func answered(code int, answer sendResponse, readErr error, m Message) (string, error) {
	if code >= 200 && code < 300 {
		if readErr != nil {
			return "", fmt.Errorf("sms: http gateway: read answer: %w", readErr)
		}
		if answer.ID == "" {
			// Retrying is safe: the gateway deduplicates on Idempotency-Key.
			return "", fmt.Errorf("sms: http gateway: %d without a provider id", code)
		}
		return answer.ID, nil
	}
	text := answer.Error
	if text == "" {
		text = answer.Message
	}
	text = cleanGatewayText(text, m)
	if text == "" {
		text = http.StatusText(code)
	}
	if code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests {
		return "", fmt.Errorf("sms: http gateway: %d %s: %w", code, text, ErrPermanent)
	}
	return "", fmt.Errorf("sms: http gateway: %d %s", code, text)
}

// longDigits finds what may be a phone number or an OTP.
var longDigits = regexp.MustCompile(`\+?\d[\d .-]{4,}\d`)

// cleanGatewayText makes a gateway's error text safe to store and show: it
// may echo the number or the text, which holds an OTP or a password.
func cleanGatewayText(s string, m Message) string {
	if m.Body != "" {
		s = strings.ReplaceAll(s, m.Body, "[text]")
	}
	s = longDigits.ReplaceAllString(s, "***")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
