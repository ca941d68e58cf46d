// Package libopenapi benchmarks pb33f/libopenapi-validator next to contract.Checker, raw
// kin-openapi and the decode-only baseline on the same pairs, in one run.
//
// It is a module of its own because adding libopenapi-validator v0.16.2 to the main module
// upgrades dependencies the main module's code runs on (go-openapi/jsonpointer v0.23.1 ->
// v1.0.2, used by kin-openapi; golang.org/x/tools, used by oapi-codegen; x/mod, x/sync,
// x/text, x/net). Here those upgrades apply to the benchmark binary only; the replace
// directive points at the checkout.
//
//	cd bench/libopenapi && go test -run '^$' -bench . -benchmem -count 5 -cpu 1 .
package libopenapi
