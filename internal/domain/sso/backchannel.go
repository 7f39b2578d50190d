package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/riverqueue/river"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/oidcclient"
	"github.com/motcua/motcua/ent/oidcgrant"
	"github.com/motcua/motcua/ent/oidctoken"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// Back-channel logout (OpenID Connect Back-Channel Logout 1.0): a signed
// logout_token POSTed to each RP's URI, as River jobs in the same database
// (and the same River tables) as the SMS queue, inserted in the transaction
// that revoked the grant, so that nothing is lost when an RP is down.

const (
	logoutQueue       = "oidc_logout"
	logoutMaxAttempts = 8
	logoutEvent       = "http://schemas.openid.net/event/backchannel-logout"
	logoutTokenTTL    = 2 * time.Minute
)

// Reasons of a back-channel logout.
const (
	ReasonSignOutEverywhere = oidcbackchanneldelivery.ReasonSIGN_OUT_EVERYWHERE
	ReasonPasswordChanged   = oidcbackchanneldelivery.ReasonPASSWORD_CHANGED
	ReasonPasswordReset     = oidcbackchanneldelivery.ReasonPASSWORD_RESET
	ReasonAccountLocked     = oidcbackchanneldelivery.ReasonACCOUNT_LOCKED
	ReasonAppRevoked        = oidcbackchanneldelivery.ReasonAPP_REVOKED
)

type logoutArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (logoutArgs) Kind() string { return "oidc.backchannel_logout" }

// register adds the back-channel logout worker to the job runner.
func register(s *Service) error {
	q := jobs.Queue{Name: logoutQueue, MaxWorkers: 4, Timeout: 30 * time.Second}
	if err := jobs.Add(s.jobs, q, &logoutWorker{s: s}); err != nil {
		return fmt.Errorf("sso: %w", err)
	}
	return nil
}

type logoutWorker struct {
	river.WorkerDefaults[logoutArgs]
	s *Service
}

// NextRetry: 10 s, 20 s, 40 s … up to 30 minutes (eight attempts span about an hour).
func (w *logoutWorker) NextRetry(job *river.Job[logoutArgs]) time.Time {
	d := 10 * time.Second
	for i := 1; i < job.Attempt && d < 30*time.Minute; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, 30*time.Minute))
}

func (w *logoutWorker) Work(ctx context.Context, job *river.Job[logoutArgs]) error {
	return w.s.deliver(ctx, pulid.ID(job.Args.DeliveryID), job.Attempt, job.MaxAttempts)
}

// RevokeAccount ends every grant's tokens of an account in tx (it signed
// out everywhere, changed or reset its password, or was locked) and queues
// a back-channel logout to each RP that holds a grant and registered a URI.
// Consents are kept.
func (s *Service) RevokeAccount(ctx context.Context, tx *store.Tx, accountID pulid.ID, reason oidcbackchanneldelivery.Reason) error {
	now := s.now()
	if _, err := s.revokeInTx(ctx, tx, now, strings.ToLower(string(reason)), accountID, "", oidctoken.AccountID(accountID)); err != nil {
		return err
	}
	clients, err := tx.Client.OIDCGrant.Query().
		Where(oidcgrant.AccountID(accountID), oidcgrant.RevokedAtIsNil()).
		Select(oidcgrant.FieldClientID).Strings(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("sso: grants: %w", err)
	}
	for _, c := range clients {
		if err := s.queueLogout(ctx, tx, now, accountID, pulid.ID(c), reason); err != nil {
			return err
		}
	}
	return nil
}

// queueLogout writes a delivery and its job in tx, if the client wants one.
func (s *Service) queueLogout(ctx context.Context, tx *store.Tx, now time.Time, accountID, clientID pulid.ID, reason oidcbackchanneldelivery.Reason) error {
	sys := viewer.System(ctx)
	c, err := tx.Client.OIDCClient.Query().
		Where(oidcclient.ID(clientID), oidcclient.BackchannelLogoutURINEQ(""), oidcclient.Disabled(false)).Only(sys)
	if ent.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sso: client: %w", err)
	}
	d, err := tx.Client.OIDCBackchannelDelivery.Create().SetClientID(c.ID).SetAccountID(accountID).
		SetReason(reason).SetUnitPath(c.UnitPath).SetCreatedAt(now).SetUpdatedAt(now).Save(sys)
	if err != nil {
		return fmt.Errorf("sso: delivery: %w", err)
	}
	if err := s.jobs.InsertTx(ctx, tx, logoutArgs{DeliveryID: string(d.ID)}, &river.InsertOpts{
		Queue: logoutQueue, MaxAttempts: logoutMaxAttempts,
	}); err != nil {
		return fmt.Errorf("sso: queue logout: %w", err)
	}
	return nil
}

// deliver posts one logout_token and records the result. An error makes
// River retry; on the last attempt the delivery is FAILED for good.
func (s *Service) deliver(ctx context.Context, id pulid.ID, attempt, maxAttempts int) error {
	sys := viewer.System(ctx)
	d, err := s.db.Client.OIDCBackchannelDelivery.Query().Where(oidcbackchanneldelivery.ID(id)).WithClient().Only(sys)
	if ent.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sso: delivery: %w", err)
	}
	if d.Status != oidcbackchanneldelivery.StatusPENDING {
		return nil
	}
	c := d.Edges.Client
	status, sendErr := 0, error(nil)
	if c.BackchannelLogoutURI == "" || c.Disabled {
		sendErr = errors.New("the client no longer takes back-channel logouts")
		attempt = maxAttempts
	} else {
		status, sendErr = s.postLogout(ctx, c, d)
	}
	return s.recordDelivery(ctx, d, attempt, maxAttempts, status, sendErr)
}

func (s *Service) postLogout(ctx context.Context, c *ent.OIDCClient, d *ent.OIDCBackchannelDelivery) (int, error) {
	token, err := s.logoutToken(ctx, c, d)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BackchannelLogoutURI,
		strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return 0, errors.New("the request failed: " + scrub(err.Error()))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return resp.StatusCode, fmt.Errorf("the RP answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// scrub keeps an error short for the admins' view.
func scrub(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// logoutToken is the signed logout_token of a delivery.
func (s *Service) logoutToken(ctx context.Context, c *ent.OIDCClient, d *ent.OIDCBackchannelDelivery) (string, error) {
	k, err := s.currentKey(ctx)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.key, KeyID: k.id}},
		(&jose.SignerOptions{}).WithType("logout+jwt"))
	if err != nil {
		return "", fmt.Errorf("sso: signer: %w", err)
	}
	now := s.now()
	claims := map[string]any{
		"iss": s.issuer, "aud": string(c.ID), "sub": string(d.AccountID),
		"iat": now.Unix(), "exp": now.Add(logoutTokenTTL).Unix(), "jti": string(d.ID) + "." + fmt.Sprint(now.UnixNano()),
		"events": map[string]any{logoutEvent: map[string]any{}},
	}
	if d.SessionID != "" {
		claims["sid"] = d.SessionID
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sso: sign logout token: %w", err)
	}
	return jws.CompactSerialize()
}

func (s *Service) recordDelivery(ctx context.Context, d *ent.OIDCBackchannelDelivery, attempt, maxAttempts, status int, sendErr error) error {
	now := s.now()
	final := sendErr == nil || attempt >= maxAttempts
	result := "delivered"
	switch {
	case sendErr != nil && final:
		result = "failed"
	case sendErr != nil:
		result = "retry"
	}
	s.metrics.deliveries.WithLabelValues(result).Inc()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		u := tx.Client.OIDCBackchannelDelivery.UpdateOneID(d.ID).SetAttempts(attempt).SetUpdatedAt(now)
		if status != 0 {
			u.SetLastHTTPStatus(status)
		}
		switch result {
		case "delivered":
			u.SetStatus(oidcbackchanneldelivery.StatusDELIVERED).SetDeliveredAt(now).SetLastError("")
		case "failed":
			u.SetStatus(oidcbackchanneldelivery.StatusFAILED).SetLastError(scrub(sendErr.Error()))
		default:
			u.SetLastError(scrub(sendErr.Error()))
		}
		if err := u.Exec(viewer.System(ctx)); err != nil {
			return fmt.Errorf("sso: record delivery: %w", err)
		}
		if result == "retry" {
			return nil
		}
		return audit.Record(ctx, tx, now, audit.Entry{
			Action: "oidc.backchannel_" + result, TargetType: "OIDCBackchannelDelivery", TargetID: string(d.ID), UnitPath: d.UnitPath,
			Detail: map[string]any{"clientID": string(d.ClientID), "attempts": attempt, "httpStatus": status, "reason": string(d.Reason)},
		})
	})
	if err != nil {
		return err
	}
	if result == "retry" {
		return sendErr
	}
	return nil
}
