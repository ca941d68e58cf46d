package bench

import "testing"

// BenchmarkCLI compares, per whole generated corpus (CorpusFile: 10,000 varied pairs by
// default), the CLI path (CheckCLI), raw kin-openapi and a plain encoding/json parse; one op
// is the whole file. bench/libopenapi's BenchmarkCLI adds libopenapi-validator.
//
//	go test -run '^$' -bench CLI -benchtime 1x -count 5 -cpu 1,2 ./bench/
func BenchmarkCLI(b *testing.B) {
	path, size := CorpusFile(b)
	RunFile(b, path, size, FilePeers())
}
