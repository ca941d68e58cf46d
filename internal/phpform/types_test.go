package phpform_test

import (
	"encoding/json"

	"github.com/cerb-openapi/cerb-openapi/api"
)

// The generated forms have no AdditionalProperties since openapi.yaml 2.2.0 (custom
// fields are undeclared there, and package cerb adds them to the encoded form), but Encode
// still supports a top-level AdditionalProperties map and oneOf/anyOf union values, as
// oapi-codegen generates them, so that a spec that declares them again cannot lose a value
// silently. customForm and customValue are what oapi-codegen v2.8.2 generated for 2.1.0's
// ComposeTicketForm and CustomFieldValue (anyOf string, array of strings).
type customForm struct {
	GroupId              api.RecordID           `json:"group_id"`
	Subject              string                 `json:"subject"`
	Content              string                 `json:"content"`
	To                   *api.AddressList       `json:"to,omitempty"`
	OwnerId              *api.OptionalRecordID  `json:"owner_id,omitempty"`
	Status               *api.TicketStatusCode  `json:"status,omitempty"`
	FileId               *api.FileIDs           `json:"file_id[],omitempty"`
	AdditionalProperties map[string]customValue `json:"-"`
}

type customValue struct {
	union json.RawMessage
}

func (t *customValue) FromString(v string) error {
	b, err := json.Marshal(v)
	t.union = b
	return err
}

func (t *customValue) FromStrings(v []string) error {
	b, err := json.Marshal(v)
	t.union = b
	return err
}

func (t customValue) MarshalJSON() ([]byte, error) {
	return t.union.MarshalJSON()
}
