package accounts

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/quartet/packages/validation"
)

// Address limits.
const (
	MaxAddresses     = 10 // per account
	MaxAddressLines  = 3
	MaxAddressField  = 100 // characters in a name, a line or a city
	MaxPostalCodeLen = 16
)

// Address is a postal address of a customer.
type Address struct {
	ID         string // UUIDv7
	Name       string // recipient, e.g. "Ann Lee"
	Lines      []string
	City       string
	PostalCode string
	Country    string // ISO 3166-1 alpha-2, upper case
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AddressInput holds what a client supplies for an address.
type AddressInput struct {
	Name       string
	Lines      []string
	City       string
	PostalCode string
	Country    string
}

// create validates in and returns a new address.
func (in AddressInput) create(id string, now time.Time) (Address, error) {
	a := Address{ID: id, CreatedAt: now}
	if err := in.Apply(&a, now); err != nil {
		return Address{}, err
	}
	return a, nil
}

// Apply replaces a's fields with in's, after validating them.
func (in AddressInput) Apply(a *Address, now time.Time) error {
	next := *a
	next.Name = strings.TrimSpace(in.Name)
	next.Lines = make([]string, len(in.Lines))
	for i, l := range in.Lines {
		next.Lines[i] = strings.TrimSpace(l)
	}
	next.City = strings.TrimSpace(in.City)
	next.PostalCode = strings.TrimSpace(in.PostalCode)
	next.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	next.UpdatedAt = now

	var ck validation.Errors
	text := func(s string, max int) bool {
		return s != "" && utf8.RuneCountInString(s) <= max && printable(s)
	}
	fieldReason := fmt.Sprintf("must be 1 to %d printable characters", MaxAddressField)
	ck.Check(text(next.Name, MaxAddressField), "name", fieldReason)
	ck.Check(len(next.Lines) >= 1 && len(next.Lines) <= MaxAddressLines, "lines", fmt.Sprintf("must hold 1 to %d lines", MaxAddressLines))
	for i, l := range next.Lines {
		ck.Check(text(l, MaxAddressField), fmt.Sprintf("lines.%d", i), fieldReason)
	}
	ck.Check(text(next.City, MaxAddressField), "city", fieldReason)
	ck.Check(text(next.PostalCode, MaxPostalCodeLen), "postalCode", fmt.Sprintf("must be 1 to %d printable characters", MaxPostalCodeLen))
	ck.Check(ValidCountry(next.Country), "country", "must be an ISO 3166-1 alpha-2 country code such as DE")
	if err := ck.Err(); err != nil {
		return err
	}
	*a = next
	return nil
}

// countries holds every officially assigned ISO 3166-1 alpha-2 code.
var countries = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`)

// ValidCountry reports whether code is an assigned ISO 3166-1 alpha-2 code,
// in upper case.
func ValidCountry(code string) bool {
	_, found := slices.BinarySearch(countries, code)
	return found
}
