package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// FieldError reports that one configuration field holds a bad value.
//
// Field is the dotted YAML path of the field ("node.rest_addr"); Reason says
// what is wrong, including the offending value where that helps.
type FieldError struct {
	Field  string
	Reason string
}

// Error formats the error as `config: <field>: <reason>`.
func (e *FieldError) Error() string {
	return "config: " + e.Field + ": " + e.Reason
}

// Invalid returns a *FieldError for field with a formatted reason.
func Invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Errors collects the problems found while validating a Config, so that a
// user sees all of them at once. The zero value is ready to use.
type Errors struct {
	errs []error
}

// Add records err; a nil err is ignored.
func (e *Errors) Add(err error) {
	if err != nil {
		e.errs = append(e.errs, err)
	}
}

// Invalid records a *FieldError for field.
func (e *Errors) Invalid(field, format string, args ...any) {
	e.Add(Invalid(field, format, args...))
}

// Nested records err, the result of validating a sub-config that lives under
// prefix, with prefix prepended to the field of every *FieldError in it.
func (e *Errors) Nested(prefix string, err error) {
	e.Add(Prefix(prefix, err))
}

// Err returns nil if nothing was recorded, the single error if one was, and
// the errors joined with [errors.Join] otherwise.
func (e *Errors) Err() error {
	switch len(e.errs) {
	case 0:
		return nil
	case 1:
		return e.errs[0]
	default:
		return errors.Join(e.errs...)
	}
}

// Prefix returns err with prefix+"." prepended to the Field of every
// *FieldError in it, looking through errors joined with [errors.Join]. Other
// errors are kept as they are. It is how a component's Validate reports the
// full path of a field that a sub-config (such as a logging.Config) found bad.
func Prefix(prefix string, err error) error {
	if err == nil || prefix == "" {
		return err
	}
	if fe, ok := err.(*FieldError); ok {
		return &FieldError{Field: prefix + "." + fe.Field, Reason: fe.Reason}
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		inner := joined.Unwrap()
		out := make([]error, 0, len(inner))
		for _, e := range inner {
			out = append(out, Prefix(prefix, e))
		}
		return errors.Join(out...)
	}
	return err
}

// CheckHostPort returns a *FieldError for field unless addr has the form
// host:port with a port in 0..65535. The host may be empty (":8080").
func CheckHostPort(field, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Invalid(field, "must be host:port, got %q", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return Invalid(field, "port must be a number in 0..65535, got %q", addr)
	}
	return nil
}
