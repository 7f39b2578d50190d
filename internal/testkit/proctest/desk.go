package proctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// Demo sign-ins (seed/demo.go).
const (
	SuperAdmin      = "001078900001"
	SuperAdminPass  = "SieuQuanTri@2026"
	Registrar       = "020090900003"
	RegistrarPass   = "CanBoMotCua@2026"
	Unmanaged       = "034196900005" // "Đặng Thị Ánh", not yet an officer
	UnmanagedPass   = "NguoiDungMoi@2026"
	UnmanagedFolded = "dang thi anh"
)

// GraphQLError is a GraphQL answer with errors.
type GraphQLError struct {
	Op     string
	Errors []gqlclient.Error
}

func (e *GraphQLError) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, x := range e.Errors {
		parts = append(parts, x.Code()+": "+x.Message)
	}
	return fmt.Sprintf("%s: %s", e.Op, strings.Join(parts, "; "))
}

// Code is the first error's code.
func (e *GraphQLError) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code()
}

// CodeOf is the GraphQL error code of err, "" when err is not a GraphQL refusal.
func CodeOf(err error) string {
	var ge *GraphQLError
	if errors.As(err, &ge) {
		return ge.Code()
	}
	return ""
}

// Do runs a query and decodes its data into out (when not nil); GraphQL
// errors come back as *GraphQLError.
func Do(ctx context.Context, c *gqlclient.Client, op, query string, vars map[string]any, out any) error {
	r, err := c.Do(ctx, query, vars)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if len(r.Errors) > 0 {
		return &GraphQLError{Op: op, Errors: r.Errors}
	}
	if out != nil {
		if err := r.Decode(out); err != nil {
			return fmt.Errorf("%s: decode: %w", op, err)
		}
	}
	return nil
}

// SignIn signs in at baseURL and returns a client with the session token.
func SignIn(ctx context.Context, baseURL, login, password string) (*gqlclient.Client, error) {
	c := &gqlclient.Client{BaseURL: baseURL}
	var out struct{ SignIn struct{ Token string } }
	err := Do(ctx, c, "signIn", `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`,
		map[string]any{"l": login, "p": password}, &out)
	if err != nil {
		return nil, err
	}
	c.Token = out.SignIn.Token
	return c, nil
}

// On returns a copy of c (same session) talking to another server.
func On(c *gqlclient.Client, baseURL string) *gqlclient.Client {
	cp := *c
	cp.BaseURL = baseURL
	return &cp
}

// OfficerUnit is the unit id of the signed-in officer.
func OfficerUnit(ctx context.Context, c *gqlclient.Client) (string, error) {
	var v struct {
		Viewer struct {
			Officer struct{ Unit struct{ ID string } }
		}
	}
	if err := Do(ctx, c, "viewer", `{ viewer { officer { unit { id } } } }`, nil, &v); err != nil {
		return "", err
	}
	if v.Viewer.Officer.Unit.ID == "" {
		return "", errors.New("proctest: the viewer is not an officer with a unit")
	}
	return v.Viewer.Officer.Unit.ID, nil
}

// SignInRegistrar signs in at baseURL as the demo registrar and returns the
// client and the registrar's unit id.
func SignInRegistrar(ctx context.Context, baseURL string) (*gqlclient.Client, string, error) {
	off, err := SignIn(ctx, baseURL, Registrar, RegistrarPass)
	if err != nil {
		return nil, "", err
	}
	unitID, err := OfficerUnit(ctx, off)
	return off, unitID, err
}

// Permissions are the signed-in viewer's permissions.
func Permissions(ctx context.Context, c *gqlclient.Client) ([]string, error) {
	var v struct {
		Viewer struct{ Permissions []string }
	}
	err := Do(ctx, c, "viewer", `{ viewer { permissions } }`, nil, &v)
	return v.Viewer.Permissions, err
}

// Citizen is a walk-in citizen without an account.
type Citizen struct {
	IDNumber, FullName, DateOfBirth, Phone string // Phone in E.164
}

// NewCitizen returns citizen number n (0 ≤ n < 100000) of a series: a
// valid CCCD number of Lạng Sơn (a woman born in 1995) and a Viettel mobile
// number, both unique within the series. Series keep runs on one database
// apart.
func NewCitizen(series, n int) Citizen {
	names := []string{"Trịnh Thị Mai", "Hoàng Thị Lan", "Nông Thị Hoa", "Lường Thị Thu", "Vi Thị Hằng"}
	return Citizen{
		IDNumber:    fmt.Sprintf("020195%01d%05d", series%10, n),
		FullName:    names[n%len(names)],
		DateOfBirth: "1995-03-04",
		Phone:       fmt.Sprintf("+8497%01d%06d", series%10, n),
	}
}

// StartRegistration starts a desk registration with an uploaded scan and
// returns its id.
func StartRegistration(ctx context.Context, c *gqlclient.Client, cz Citizen, unitID, scanName string, scan []byte) (string, error) {
	in := map[string]any{"idNumber": cz.IDNumber, "fullName": cz.FullName, "dateOfBirth": cz.DateOfBirth,
		"phone": cz.Phone, "unitID": unitID, "scan": nil}
	r, err := c.Upload(ctx, `mutation($in: StartRegistrationInput!){ startRegistration(input:$in){ id state } }`,
		map[string]any{"in": in}, "in.scan", scanName, scan)
	if err != nil {
		return "", fmt.Errorf("startRegistration: %w", err)
	}
	if len(r.Errors) > 0 {
		return "", &GraphQLError{Op: "startRegistration", Errors: r.Errors}
	}
	var out struct{ StartRegistration struct{ ID, State string } }
	if err := r.Decode(&out); err != nil {
		return "", err
	}
	return out.StartRegistration.ID, nil
}

// SendOTP sends (or resends) the registration's OTP.
func SendOTP(ctx context.Context, c *gqlclient.Client, regID string) error {
	return Do(ctx, c, "sendRegistrationOTP", `mutation($id:ID!){ sendRegistrationOTP(registrationID:$id){ state } }`,
		map[string]any{"id": regID}, nil)
}

// Complete completes the registration with code and returns the new
// account's id.
func Complete(ctx context.Context, c *gqlclient.Client, regID, code string) (string, error) {
	var out struct {
		CompleteRegistration struct {
			State   string
			Account struct{ ID string }
		}
	}
	err := Do(ctx, c, "completeRegistration", `mutation($id:ID!,$c:String!){ completeRegistration(registrationID:$id, code:$c){ state account { id } } }`,
		map[string]any{"id": regID, "c": code}, &out)
	if err != nil {
		return "", err
	}
	if out.CompleteRegistration.State != "CREATED" {
		return "", fmt.Errorf("completeRegistration: state %s", out.CompleteRegistration.State)
	}
	return out.CompleteRegistration.Account.ID, nil
}

// SMSView is an SMS message as the officer sees it.
type SMSView struct {
	ID, Kind, Status string
	LastError        *string
	Attempts         int
}

// Registration is a registration as the officer sees it.
type Registration struct {
	ID, State string
	SMS       []SMSView
}

// GetRegistration reads one of the officer's registrations (by id) with
// its messages, through the officer's own list.
func GetRegistration(ctx context.Context, c *gqlclient.Client, regID string) (Registration, error) {
	var out struct {
		Registrations struct {
			Edges []struct{ Node Registration }
		}
	}
	err := Do(ctx, c, "registrations", `query($id:ID!){ registrations(first: 1, where: {id: $id}){ edges { node {
		id state sms { id kind status lastError attempts } } } } }`, map[string]any{"id": regID}, &out)
	if err == nil && len(out.Registrations.Edges) != 1 {
		err = fmt.Errorf("registration %s not found", regID)
	}
	if err != nil {
		return Registration{}, err
	}
	return out.Registrations.Edges[0].Node, nil
}

var otpInText = regexp.MustCompile(`\b(\d{6})\b`)

// OTPIn finds the six-digit code in an SMS text.
func OTPIn(text string) (string, bool) {
	m := otpInText.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// RegEvent is one registrationEvents event.
type RegEvent struct {
	Kind  string
	State string
	SMS   *SMSView
	At    time.Time // when we read it
}

// RegistrationEventsQuery is the subscription the helpers read.
const RegistrationEventsQuery = `subscription($id: ID!){ registrationEvents(registrationID: $id){
	kind registration { state } sms { id kind status lastError attempts } } }`

// Subscribe opens registrationEvents for a registration.
func Subscribe(ctx context.Context, c *gqlclient.Client, regID string) (*gqlclient.Subscription, error) {
	return c.Subscribe(ctx, RegistrationEventsQuery, map[string]any{"id": regID})
}

// NextEvent reads the next registration event.
func NextEvent(sub *gqlclient.Subscription, timeout time.Duration) (RegEvent, error) {
	typ, r, err := sub.Next(timeout)
	if err != nil {
		return RegEvent{}, err
	}
	if typ != "next" || r == nil || len(r.Errors) > 0 {
		if r != nil && len(r.Errors) > 0 {
			return RegEvent{}, &GraphQLError{Op: "registrationEvents", Errors: r.Errors}
		}
		return RegEvent{}, fmt.Errorf("registrationEvents: %s", typ)
	}
	var out struct {
		RegistrationEvents struct {
			Kind         string
			Registration struct{ State string }
			SMS          *SMSView `json:"sms"`
		}
	}
	if err := r.Decode(&out); err != nil {
		return RegEvent{}, err
	}
	e := out.RegistrationEvents
	return RegEvent{Kind: e.Kind, State: e.Registration.State, SMS: e.SMS, At: time.Now()}, nil
}

// WaitEvent reads events until match holds for one, returning it and the
// events read, or fails at the deadline.
func WaitEvent(sub *gqlclient.Subscription, deadline time.Time, match func(RegEvent) bool) (RegEvent, []RegEvent, error) {
	var seen []RegEvent
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return RegEvent{}, seen, errors.New("proctest: no matching event before the deadline")
		}
		e, err := NextEvent(sub, left)
		if err != nil {
			return RegEvent{}, seen, err
		}
		seen = append(seen, e)
		if match(e) {
			return e, seen, nil
		}
	}
}

// SMSIs matches an event whose latest SMS has kind and status.
func SMSIs(kind, status string) func(RegEvent) bool {
	return func(e RegEvent) bool { return e.SMS != nil && e.SMS.Kind == kind && e.SMS.Status == status }
}

// GrantCreate is what an admin does in the app to let a registered portal
// account create citizen accounts: find it by search (one match), add it
// to user management, assign the unit, grant CREATE_CITIZEN_ACCOUNTS. It
// returns the officer id.
func GrantCreate(ctx context.Context, admin *gqlclient.Client, search, unitID string) (string, error) {
	var found struct {
		Accounts struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := Do(ctx, admin, "accounts", `query($s:String!){ accounts(search:$s, first: 2){ edges { node { id } } } }`,
		map[string]any{"s": search}, &found); err != nil {
		return "", err
	}
	if len(found.Accounts.Edges) != 1 {
		return "", fmt.Errorf("accounts(search: %q): %d matches, want 1", search, len(found.Accounts.Edges))
	}
	var added struct{ AddOfficer struct{ ID string } }
	if err := Do(ctx, admin, "addOfficer", `mutation($a:ID!){ addOfficer(accountID:$a){ id } }`,
		map[string]any{"a": found.Accounts.Edges[0].Node.ID}, &added); err != nil {
		return "", err
	}
	officerID := added.AddOfficer.ID
	if err := Do(ctx, admin, "assignOfficerUnit", `mutation($o:ID!,$u:ID!){ assignOfficerUnit(officerID:$o, unitID:$u){ id } }`,
		map[string]any{"o": officerID, "u": unitID}, nil); err != nil {
		return "", err
	}
	var set struct {
		SetOfficerPermissions struct{ CanCreateCitizenAccounts bool }
	}
	if err := Do(ctx, admin, "setOfficerPermissions", `mutation($o:ID!){ setOfficerPermissions(officerID:$o, permissions:[CREATE_CITIZEN_ACCOUNTS]){ canCreateCitizenAccounts } }`,
		map[string]any{"o": officerID}, &set); err != nil {
		return "", err
	}
	if !set.SetOfficerPermissions.CanCreateCitizenAccounts {
		return "", errors.New("setOfficerPermissions: canCreateCitizenAccounts is false")
	}
	return officerID, nil
}

// InboxMessage is one message of the console provider's dev inbox.
type InboxMessage struct{ Phone, Kind, Body, Status string }

// DevInbox reads the dev inbox (serve --dev with the console provider) for
// a phone, newest first.
func DevInbox(ctx context.Context, baseURL, phone string) ([]InboxMessage, error) {
	c := &gqlclient.Client{BaseURL: baseURL}
	resp, body, err := c.Get(ctx, "/dev/sms?phone="+url.QueryEscape(phone))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("dev inbox: HTTP %d", resp.StatusCode)
	}
	var msgs []InboxMessage
	if err := json.Unmarshal(body, &msgs); err != nil {
		return nil, fmt.Errorf("dev inbox: %w", err)
	}
	return msgs, nil
}

// DevOTP sends the registration's OTP and returns the code, read from the
// dev inbox once the subscription shows it delivered.
func DevOTP(ctx context.Context, c *gqlclient.Client, regID, phone string) (string, error) {
	sub, err := Subscribe(ctx, c, regID)
	if err != nil {
		return "", err
	}
	defer sub.Close()
	if _, err := NextEvent(sub, 10*time.Second); err != nil {
		return "", err
	}
	if err := SendOTP(ctx, c, regID); err != nil {
		return "", err
	}
	if _, _, err := WaitEvent(sub, time.Now().Add(20*time.Second), SMSIs("REGISTRATION_OTP", "DELIVERED")); err != nil {
		return "", fmt.Errorf("OTP not delivered: %w", err)
	}
	msgs, err := DevInbox(ctx, c.BaseURL, phone)
	if err != nil {
		return "", err
	}
	for _, m := range msgs {
		if m.Kind == "REGISTRATION_OTP" {
			if code, ok := OTPIn(m.Body); ok {
				return code, nil
			}
		}
	}
	return "", errors.New("no OTP in the dev inbox")
}
