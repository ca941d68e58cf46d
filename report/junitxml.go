package report

import (
	"encoding/xml"
	"fmt"
	"io"
)

// JUnitSuites is a JUnit XML document in the shape CI systems read (the Jenkins/Ant
// junit-10.xsd layout, testdata/junit.xsd): check's JUnit reporter and verify's JUnit
// output both write it, so the shape is kept in one place.
type JUnitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Name     string        `xml:"name,attr"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Time     string        `xml:"time,attr"`
	Suites   []*JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one test suite; Seconds adds up its cases' times until Time is set.
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []JUnitCase `xml:"testcase"`
	Seconds  float64     `xml:"-"`
}

// JUnitCase is one test case: at most one of Error, Failure and Skipped.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure or an error: a one-line message, a type, the details.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnitSkipped says why a case was neither passed nor failed.
type JUnitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnitXML writes the document, indented, after the XML header.
func WriteJUnitXML(w io.Writer, doc *JUnitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
