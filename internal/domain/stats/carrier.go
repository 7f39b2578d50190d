package stats

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Carrier is a Vietnamese mobile network.
type Carrier string

// The carriers of the API (enum Carrier).
const (
	Viettel      Carrier = "VIETTEL"
	Vinaphone    Carrier = "VINAPHONE"
	Mobifone     Carrier = "MOBIFONE"
	Vietnamobile Carrier = "VIETNAMOBILE"
	Gmobile      Carrier = "GMOBILE"
	Itelecom     Carrier = "ITELECOM"
	Reddi        Carrier = "REDDI"
	OtherCarrier Carrier = "OTHER"
)

// CarrierOf is the network of an E.164 number from its prefix, with the
// carrier data of the phone library (docs/RULES.md "Statistics"): the
// network that was given the prefix, so a number moved to another network
// keeps its old carrier.
func CarrierOf(phone string) Carrier {
	n, err := phonenumbers.Parse(phone, "VN")
	if err != nil || n.GetCountryCode() != 84 {
		return OtherCarrier
	}
	name, err := phonenumbers.GetCarrierForNumber(n, "en")
	if err != nil {
		return OtherCarrier
	}
	switch name = strings.ToLower(name); {
	case strings.Contains(name, "viettel"):
		return Viettel
	case strings.Contains(name, "vinaphone"):
		return Vinaphone
	case strings.Contains(name, "mobifone"):
		return Mobifone
	case strings.Contains(name, "vietnamobile"):
		return Vietnamobile
	case strings.Contains(name, "g-mobile"), strings.Contains(name, "gmobile"), strings.Contains(name, "beeline"):
		return Gmobile
	case strings.Contains(name, "itel"):
		return Itelecom
	case strings.Contains(name, "reddi"):
		return Reddi
	}
	return OtherCarrier
}
