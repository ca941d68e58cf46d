module github.com/cerb-openapi/cerb-openapi/scripts/producers/martian

go 1.26

require github.com/google/martian/v3 v3.3.3

require (
	golang.org/x/net v0.0.0-20190628185345-da137c7871d7 // indirect
	golang.org/x/text v0.3.0 // indirect
)
