// Package enrol is the creation of a citizen's account at the one-stop desk
// (source §3): a resumable, server-side state machine.
//
//	DRAFT ──sendOTP──▶ OTP_SENT ──complete──▶ CREATED
//	  │                 │  ▲ resend
//	  │                 └──┘
//	  ├──cancel / 24 h idle──▶ CANCELLED / EXPIRED  (from DRAFT or OTP_SENT)
//
// An officer holding CREATE_CITIZEN_ACCOUNTS at a service desk starts a
// registration with the citizen's data and ID scan, prints the request form,
// confirms the phone with an SMS code, and completes it: the account is
// created and its initial password goes to the citizen by SMS. Every rule
// lives here; the resolvers only call in. docs/REGISTRATION.md describes the
// states, limits and retention.
package registrations

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/budget"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
)

// Limits of the flow (docs/RULES.md; the OTP limits are in otp.Policy).
const (
	// IdleTimeout: a registration not changed for this long expires.
	IdleTimeout = 24 * time.Hour
	// InitialPasswordTTL: the SMS password works this long, for one sign-in.
	InitialPasswordTTL = 72 * time.Hour
	// DefaultScanRetention: how long the scan of a cancelled or expired
	// registration is kept before PurgeScans deletes it.
	DefaultScanRetention = 30 * 24 * time.Hour
	// MaxPasswordResendsPerHour bounds resendInitialPassword per account:
	// each one is an SMS to the citizen's phone and a new password.
	MaxPasswordResendsPerHour = 3
)

// Config is what the Service needs. DB, Scans, Outbox, OTP and Hasher are
// required; a zero OTPPolicy means otp.DefaultPolicy, a nil Now time.Now, a
// zero ScanRetention DefaultScanRetention, and a nil Bus publishes nothing.
type Config struct {
	DB    *store.DB
	Scans *scans.Store
	// Antivirus, when set, looks at every scan that passed scans.Check
	// before it is stored (the clamd hook); nil scans structure only.
	Antivirus     scans.Antivirus
	Outbox        smsqueue.Outbox
	OTP           *otp.Hasher
	OTPPolicy     otp.Policy
	Hasher        *password.Hasher
	Bus           events.Bus
	Now           func() time.Time
	BaseURL       string // prefixed to requestFormURL and scanURL; "" for relative links
	ScanRetention time.Duration
	// LookupKey is the HMAC key of the number hashes in the audit trail of
	// lookups (required for Lookup; derived from the master key).
	LookupKey []byte
	// LookupsPerMinute and LookupsPerDay bound each officer's lookups;
	// zero means DefaultLookupsPerMinute, DefaultLookupsPerDay.
	LookupsPerMinute, LookupsPerDay int
}

// codeHasher is what the service uses of *otp.Hasher; tests wrap it to
// count the codes compared.
type codeHasher interface {
	Hash(purpose, subjectID string, c otp.Code) string
	Equal(hash, purpose, subjectID, submitted string) bool
}

// Service is the registration flow.
type Service struct {
	db            *store.DB
	scans         *scans.Store
	antivirus     scans.Antivirus
	outbox        smsqueue.Outbox
	otp           codeHasher
	policy        otp.Policy
	hasher        *password.Hasher
	bus           events.Bus
	now           func() time.Time
	baseURL       string
	scanRetention time.Duration
	lookupKey     []byte
	lookupLimits  []budget.Limit // per minute, per day
	live          *liveHub

	// newCode makes OTP codes; otp.Generate outside tests, which swap it to
	// know the code in advance.
	newCode func() (otp.Code, error)
}

// New returns the registration service.
func New(cfg Config) *Service {
	s := &Service{
		db: cfg.DB, scans: cfg.Scans, antivirus: cfg.Antivirus, outbox: cfg.Outbox, otp: cfg.OTP, policy: cfg.OTPPolicy,
		hasher: cfg.Hasher, bus: cfg.Bus, now: cfg.Now, baseURL: cfg.BaseURL,
		scanRetention: cfg.ScanRetention, newCode: otp.Generate, lookupKey: cfg.LookupKey,
		lookupLimits: []budget.Limit{
			{Name: "minute", Max: orDefault(cfg.LookupsPerMinute, DefaultLookupsPerMinute), Window: time.Minute},
			{Name: "day", Max: orDefault(cfg.LookupsPerDay, DefaultLookupsPerDay), Window: 24 * time.Hour},
		},
	}
	s.live = newLiveHub(s)
	if s.policy == (otp.Policy{}) {
		s.policy = otp.DefaultPolicy()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.scanRetention <= 0 {
		s.scanRetention = DefaultScanRetention
	}
	return s
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Inside store.InTx, updates go through Update().Where(ID(...)), not
// UpdateOne: Ent's UpdateOne opens a nested transaction on its driver, which
// the transaction's driver cannot do.

// openStates are the states of a case still in progress.
var openStates = []registration.State{registration.StateDRAFT, registration.StateOTP_SENT}

// stateChanged is the event that tells subscribers, after the commit, that
// a registration changed (audit.Write publishes it; a nil Bus publishes
// nothing). Its time is taken now, the change written, just before the
// commit: subscribers measure their delay from it.
func (s *Service) stateChanged(id pulid.ID, state registration.State) events.Event {
	return events.Event{Topic: events.TopicRegistration, ID: string(id), Status: string(state), At: s.now()}
}

// reload reads a registration after commit with the caller's ctx: entities
// built inside a transaction keep its (now closed) driver, so their edges
// could not be resolved, and the caller's ctx applies the privacy filter.
func (s *Service) reload(ctx context.Context, id pulid.ID) (*ent.Registration, error) {
	r, err := s.db.Client.Registration.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("enrol: reload registration: %w", err)
	}
	return r, nil
}

// codeAlphabet has no look-alikes (0/O, 1/I): the code is read off paper.
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// newRegistrationCode returns a short human code such as "DK-7KQ3-M2XA"
// (40 random bits; the column is unique, and a collision fails the insert).
func newRegistrationCode() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("enrol: registration code: %w", err)
	}
	out := []byte("DK-0000-0000")
	for i, pos := range []int{3, 4, 5, 6, 8, 9, 10, 11} {
		out[pos] = codeAlphabet[b[i]%32] // 256 is a multiple of 32: uniform
	}
	return string(out), nil
}
