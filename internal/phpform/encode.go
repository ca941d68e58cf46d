// Package phpform encodes the generated form bodies of package api the way Cerb's PHP front
// end parses them. The generated client (api/cerb.gen.go) calls Encode for every
// application/x-www-form-urlencoded body; package cerb builds its requests with it (and
// adds the custom fields, which the spec leaves undeclared since 2.2.0). A top-level
// AdditionalProperties map and oneOf/anyOf union values, which the generated forms no
// longer have, are still encoded, so that a spec that declares them again loses nothing.
package phpform

// Why a hand-written form encoder, and why it is wired in through a template override.
//
// The stock oapi-codegen client (v2.8.2) encodes x-www-form-urlencoded bodies with
// runtime.MarshalForm (runtime v1.9.0), which is wrong for Cerb in three silent ways:
// slices become name[0], name[1] (so file_id[] goes out as file_id[][0]), the top-level
// AdditionalProperties map (our custom_<id> fields) is skipped, and anyOf/oneOf union
// values (CustomFieldValue) have only an unexported field, so they vanish too. The
// request still "works": Cerb answers 200 and simply never sees the attachment, the custom
// field or the union value.
//
// We considered (a) leaving the generated ...WithFormdataBody methods alone and calling
// ...WithBody with our own bytes, and (b) overriding client.tmpl. (a) keeps the broken
// typed methods in the generated API, where anyone can call them. (b) costs one line in a
// copy of upstream's template (api/templates/client.tmpl: runtime.MarshalForm(body, nil)
// -> phpform.Encode(body); oapi-codegen's additional-imports option adds the import).
// TestClientTemplateMatchesUpstream (gen_test.go at the module root) fails if the copy
// drifts from upstream by more than that line, or if the generated file stops calling
// Encode. So every typed form call, generated or through package cerb, goes through this
// file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrInvalidRequest is matched (errors.Is) by every error that rejects a request before
// anything is sent: a value the form encoder cannot represent, or a value the spec forbids.
var ErrInvalidRequest = errors.New("invalid request")

// FieldError names the form field (wire name) that could not be sent as given.
type FieldError struct {
	Field string // wire name, e.g. "custom_7" or "send_at"
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %s: %v", e.Field, e.Err) }

func (e *FieldError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidRequest) true for every FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidRequest }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// customKey is a custom field key of the additionalProperties map: custom_<id>, or
// custom_<id>[] for a multi-value field.
var customKey = regexp.MustCompile(`^custom_[0-9]+(\[\])?$`)

// Encode encodes a generated form body (api.ComposeTicketForm, api.ReplyToTicketForm) the
// way Cerb's PHP front end parses it. The generated ...WithFormdataBody methods call it.
//
//   - A field's wire name is its form tag, else its json tag. A nil pointer is "unset" and
//     is not sent; a pointer to a zero value is sent (status=0, owner_id=0).
//   - A slice is sent as repeated keys and its wire name must end in "[]" (file_id[]=1&
//     file_id[]=2): PHP keeps only the last of repeated plain keys. An empty slice sends
//     nothing.
//   - AdditionalProperties becomes top-level keys, which must look like custom_<id>; a
//     multi-value custom field is sent as custom_<id>[]=a&custom_<id>[]=b.
//   - Union values (CustomFieldValue) are sent as their JSON scalar or array of scalars.
//   - Enum types are checked with their Valid method; bools are sent as 1/0.
//
// Nothing set is ever dropped: a value it cannot represent is a *FieldError naming the
// field (errors.Is(err, ErrInvalidRequest)).
func Encode(body any) (url.Values, error) {
	v := reflect.ValueOf(body)
	if !v.IsValid() {
		return nil, fmt.Errorf("form body is nil: %w", ErrInvalidRequest)
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, fmt.Errorf("form body is nil: %w", ErrInvalidRequest)
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("form body must be a struct, got %s: %w", v.Type(), ErrInvalidRequest)
	}
	out := url.Values{}
	t := v.Type()
	var extra reflect.Value
	for i := 0; i < t.NumField(); i++ {
		sf, fv := t.Field(i), v.Field(i)
		if !sf.IsExported() {
			continue
		}
		if sf.Name == "AdditionalProperties" && sf.Tag.Get("json") == "-" && fv.Kind() == reflect.Map {
			extra = fv // after the declared fields, so collisions are detected
			continue
		}
		name, omitempty := wireName(sf)
		if name == "-" {
			continue
		}
		if omitempty && fv.Kind() != reflect.Pointer && fv.IsZero() {
			continue
		}
		if err := encodeValue(out, name, fv, false); err != nil {
			return nil, err
		}
	}
	if extra.IsValid() && extra.Len() > 0 {
		if err := encodeExtra(out, extra); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func wireName(sf reflect.StructField) (name string, omitempty bool) {
	tag, ok := sf.Tag.Lookup("form")
	if !ok || tag == "" {
		tag = sf.Tag.Get("json")
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = sf.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,")
}

func encodeExtra(out url.Values, m reflect.Value) error {
	if m.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("AdditionalProperties must be keyed by string, got %s: %w", m.Type(), ErrInvalidRequest)
	}
	keys := make([]string, 0, m.Len())
	for _, k := range m.MapKeys() {
		keys = append(keys, k.String())
	}
	sort.Strings(keys) // deterministic error reporting; Encode sorts the output anyway
	seen := map[string]string{}
	for _, k := range keys {
		if !customKey.MatchString(k) {
			return fieldErr(k, "extra form keys must be custom fields named custom_<id>, got %q", k)
		}
		base := strings.TrimSuffix(k, "[]")
		if prev, dup := seen[base]; dup {
			return fieldErr(k, "given twice (as %s and %s); PHP would keep only one", prev, k)
		}
		seen[base] = k
		if _, dup := out[base]; dup {
			return fieldErr(k, "collides with a declared field")
		}
		if err := encodeValue(out, k, m.MapIndex(reflect.ValueOf(k).Convert(m.Type().Key())), true); err != nil {
			return err
		}
	}
	return nil
}

// encodeValue adds v under name. autoBrackets: a list value gets "[]" appended to its
// name (custom fields); otherwise a list needs a name that already ends in "[]".
func encodeValue(out url.Values, name string, v reflect.Value, autoBrackets bool) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if v.Kind() == reflect.Interface && autoBrackets {
				return fieldErr(name, "no value")
			}
			return nil // unset
		}
		v = v.Elem()
	}
	if err := checkValid(name, v); err != nil {
		return err
	}
	if m, ok := asMarshaler(v); ok && v.Kind() == reflect.Struct {
		return encodeUnion(out, name, m, autoBrackets)
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return fieldErr(name, "cannot form-encode %s", v.Type())
		}
		name, err := listName(name, autoBrackets)
		if err != nil {
			return err
		}
		if v.Len() == 0 && autoBrackets {
			return fieldErr(name, "an empty list cannot be sent in a PHP form (it would be dropped)")
		}
		for i := 0; i < v.Len(); i++ {
			s, err := scalar(fmt.Sprintf("%s[%d]", name, i), v.Index(i))
			if err != nil {
				return err
			}
			out.Add(name, s)
		}
		return nil
	}
	s, err := scalar(name, v)
	if err != nil {
		return err
	}
	out.Add(name, s)
	return nil
}

func listName(name string, autoBrackets bool) (string, error) {
	if strings.HasSuffix(name, "[]") {
		return name, nil
	}
	if autoBrackets {
		return name + "[]", nil
	}
	return "", fieldErr(name, "a list needs a wire name ending in [] (PHP keeps only the last of repeated keys)")
}

func scalar(name string, v reflect.Value) (string, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", fieldErr(name, "nil list element")
		}
		v = v.Elem()
	}
	if err := checkValid(name, v); err != nil {
		return "", err
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		if v.Bool() {
			return "1", nil // PHP reads "true" as 0
		}
		return "0", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fieldErr(name, "cannot send %v", f)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return "", fieldErr(name, "cannot form-encode a value of type %s", v.Type())
}

// checkValid rejects values of generated enum types (Flag, TicketStatusCode, ...) outside
// the spec's enum: the server would accept them silently and do something else.
func checkValid(name string, v reflect.Value) error {
	if !v.CanInterface() {
		return nil
	}
	if e, ok := v.Interface().(interface{ Valid() bool }); ok && !e.Valid() {
		return fieldErr(name, "%v is not one of the values the spec allows", v.Interface())
	}
	return nil
}

func asMarshaler(v reflect.Value) (json.Marshaler, bool) {
	if !v.CanInterface() {
		return nil, false
	}
	if m, ok := v.Interface().(json.Marshaler); ok {
		return m, true
	}
	if v.CanAddr() {
		if m, ok := v.Addr().Interface().(json.Marshaler); ok {
			return m, true
		}
	}
	return nil, false
}

// encodeUnion sends a generated oneOf/anyOf value: a JSON scalar as its text, an array of
// scalars as a list. Objects and null cannot be represented in a form.
func encodeUnion(out url.Values, name string, m json.Marshaler, autoBrackets bool) error {
	raw, err := m.MarshalJSON()
	if err != nil {
		return &FieldError{Field: name, Err: err}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return fieldErr(name, "union value is not set")
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return &FieldError{Field: name, Err: err}
		}
		name, err := listName(name, autoBrackets)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return fieldErr(name, "an empty list cannot be sent in a PHP form (it would be dropped)")
		}
		for i, it := range items {
			s, err := jsonScalar(fmt.Sprintf("%s[%d]", name, i), it)
			if err != nil {
				return err
			}
			out.Add(name, s)
		}
		return nil
	}
	s, err := jsonScalar(name, raw)
	if err != nil {
		return err
	}
	out.Add(name, s)
	return nil
}

func jsonScalar(name string, raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", fieldErr(name, "null cannot be sent in a form")
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", &FieldError{Field: name, Err: err}
		}
		return s, nil
	case string(raw) == "true":
		return "1", nil
	case string(raw) == "false":
		return "0", nil
	case raw[0] == '{' || raw[0] == '[':
		return "", fieldErr(name, "nested JSON %s cannot be sent in a form", raw)
	default:
		return string(raw), nil // a JSON number, kept as written
	}
}
