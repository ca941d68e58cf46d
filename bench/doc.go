// Package bench compares the cost of checking one recorded Cerb compose/reply pair with
// contract.Checker, with raw kin-openapi openapi3filter, and (in the separate module under
// libopenapi/, which keeps libopenapi-validator's dependency upgrades out of this module)
// with pb33f/libopenapi-validator, against a baseline that merely decodes the HAR entry and
// its JSON body. The pairs are the bundled recordings' POST compose.json/reply.json entries.
//
//	go test -run '^$' -bench . -benchmem -count 5 -cpu 1 ./bench/
//	cd bench/libopenapi && go test -run '^$' -bench . -benchmem -count 5 -cpu 1 .
//
// Results and the machine they were measured on are in RESULTS.md. The exported helpers
// exist so that the libopenapi module benchmarks exactly the same pairs and baselines.
package bench
