package scans

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// Antivirus looks for malware in a scan that passed Check. Scan returns nil
// for a clean file and a *refusal.Error (FILE_INFECTED, SCAN_UNAVAILABLE)
// otherwise.
type Antivirus interface {
	Scan(ctx context.Context, data []byte) error
}

// ClamdConfig configures the clamd hook.
type ClamdConfig struct {
	// Address is tcp://HOST:PORT or unix:///PATH/TO/clamd.sock.
	Address string
	// AcceptWhenDown accepts a file unscanned when clamd cannot answer
	// (logged at warn); false, the default, holds the upload with
	// SCAN_UNAVAILABLE, so nothing enters unscanned.
	AcceptWhenDown bool
	// Timeout bounds one scan, connection included; 0 means 30 s.
	Timeout time.Duration
	Logger  *slog.Logger // nil discards
}

// Clamd scans files with ClamAV's daemon over its INSTREAM command
// (clamd(8)): "zINSTREAM\0", the file in chunks each preceded by its length
// (4 bytes, big-endian), a zero length, then one NUL-terminated reply:
// "stream: OK", "stream: <signature> FOUND" or "… ERROR".
type Clamd struct {
	network, address string
	acceptWhenDown   bool
	timeout          time.Duration
	log              *slog.Logger
}

var _ Antivirus = (*Clamd)(nil)

// clamdChunk is the size of one INSTREAM chunk; clamd's StreamMaxLength
// (25 MB by default) is far above MaxBytes.
const clamdChunk = 64 << 10

// NewClamd checks the address and returns the hook; it does not connect.
func NewClamd(cfg ClamdConfig) (*Clamd, error) {
	u, err := url.Parse(cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("scans: clamd address: %w", err)
	}
	c := &Clamd{acceptWhenDown: cfg.AcceptWhenDown, timeout: cfg.Timeout, log: cfg.Logger}
	switch {
	case u.Scheme == "tcp" && u.Host != "" && u.Path == "":
		c.network, c.address = "tcp", u.Host
	case u.Scheme == "unix" && u.Host == "" && u.Path != "":
		c.network, c.address = "unix", u.Path
	default:
		return nil, fmt.Errorf("scans: clamd address must be tcp://HOST:PORT or unix:///PATH, not %q", cfg.Address)
	}
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Scan sends data to clamd and refuses it when clamd finds something. When
// clamd cannot be reached or answers an error, the upload is held
// (SCAN_UNAVAILABLE) or, with AcceptWhenDown, accepted unscanned.
func (c *Clamd) Scan(ctx context.Context, data []byte) error {
	reply, err := c.instream(ctx, data)
	if err == nil {
		switch {
		case reply == "stream: OK":
			return nil
		case strings.HasPrefix(reply, "stream: ") && strings.HasSuffix(reply, " FOUND"):
			sig := strings.TrimSuffix(strings.TrimPrefix(reply, "stream: "), " FOUND")
			c.log.Warn("scans: clamd found malware in an upload; refused", "signature", sig)
			return refusal.New(refusal.FileInfected,
				"Tệp quét bị phần mềm diệt virus phát hiện có mã độc nên không được chấp nhận. Hãy quét lại giấy tờ trên một máy sạch.",
				"The antivirus found malware in the scan, so it is not accepted. Scan the document again on a clean computer.").
				OnField(field).With("signature", sig)
		}
		err = fmt.Errorf("clamd answered %q", reply)
	}
	if c.acceptWhenDown {
		c.log.Warn("scans: clamd unavailable; upload accepted unscanned", "err", err)
		return nil
	}
	c.log.Warn("scans: clamd unavailable; upload held", "err", err)
	return refusal.New(refusal.ScanUnavailable,
		"Chưa kiểm tra virus được cho tệp quét (dịch vụ kiểm tra đang gián đoạn). Vui lòng thử lại sau ít phút; hồ sơ chưa được tạo.",
		"The scan could not be checked for viruses (the checking service is down). Please try again in a few minutes; nothing was created.").
		OnField(field)
}

// instream runs one INSTREAM exchange and returns clamd's reply without
// its NUL.
func (c *Clamd) instream(ctx context.Context, data []byte) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return "", fmt.Errorf("scans: clamd: %w", err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return "", fmt.Errorf("scans: clamd: %w", err)
	}
	w := bufio.NewWriterSize(conn, clamdChunk+4)
	if _, err := w.WriteString("zINSTREAM\x00"); err != nil {
		return "", fmt.Errorf("scans: clamd: %w", err)
	}
	var size [4]byte
	for rest := data; len(rest) > 0; {
		n := min(len(rest), clamdChunk)
		binary.BigEndian.PutUint32(size[:], uint32(n))
		w.Write(size[:])
		w.Write(rest[:n])
		rest = rest[n:]
	}
	binary.BigEndian.PutUint32(size[:], 0)
	w.Write(size[:])
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("scans: clamd: send: %w", err)
	}
	reply, err := bufio.NewReader(conn).ReadBytes(0)
	if err != nil && !(errors.Is(err, io.EOF) && len(reply) > 0) {
		return "", fmt.Errorf("scans: clamd: reply: %w", err)
	}
	return string(bytes.TrimSpace(bytes.TrimSuffix(reply, []byte{0}))), nil
}
