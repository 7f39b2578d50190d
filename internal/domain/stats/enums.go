package stats

import (
	"fmt"
	"io"
	"strconv"
)

// Period is a chart's period (enum StatsPeriod).
type Period string

// The periods.
const (
	Last7Days  Period = "LAST_7_DAYS"
	Last30Days Period = "LAST_30_DAYS"
	Last90Days Period = "LAST_90_DAYS"
	Custom     Period = "CUSTOM"
)

// GroupBy is what a bar of accountsBy groups by (enum StatsGroupBy).
type GroupBy string

// The groupings.
const (
	ByUnit    GroupBy = "UNIT"
	ByOfficer GroupBy = "OFFICER"
)

func (p Period) MarshalGQL(w io.Writer)  { _, _ = io.WriteString(w, strconv.Quote(string(p))) }
func (g GroupBy) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(g))) }
func (c Carrier) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }
func (p *Period) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, (*string)(p), "StatsPeriod", Last7Days, Last30Days, Last90Days, Custom)
}
func (g *GroupBy) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, (*string)(g), "StatsGroupBy", ByUnit, ByOfficer)
}
func (c *Carrier) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, (*string)(c), "Carrier", Viettel, Vinaphone, Mobifone, Vietnamobile, Gmobile, Itelecom, Reddi, OtherCarrier)
}

func unmarshalEnum[T ~string](v any, dst *string, name string, values ...T) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string", name)
	}
	for _, x := range values {
		if string(x) == s {
			*dst = s
			return nil
		}
	}
	return fmt.Errorf("%q is not a valid %s", s, name)
}
