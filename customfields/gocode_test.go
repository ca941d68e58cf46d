package customfields_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/customfields"
)

// tricky is an installation whose names make poor Go: collisions, punctuation, digits,
// non-ASCII, a Go keyword, and types the package does not type.
var tricky = &customfields.Installation{Fields: []customfields.Field{
	{ID: 11, Name: "Tier", Type: customfields.Picklist, Options: []string{"Gold", "gold", "Won't fix", "1st line", "日本", `say "hi"`}},
	{ID: 12, Name: "Tier", Type: customfields.Number},
	{ID: 13, Name: "Größe", Type: customfields.SingleLine},
	{ID: 14, Name: "2FA method", Type: customfields.Checkboxes, Options: []string{"sms", "app"}},
	{ID: 15, Name: "func", Type: customfields.Decimal, DecimalAt: 3},
	{ID: 16, Name: "Units", Type: customfields.Decimal},
	{ID: 17, Name: "Contract", Type: "L"},
	{ID: 18, Name: "Fields", Type: customfields.URL},
	{ID: 19, Name: "日本", Type: customfields.Date},
}, Workers: nil}

// TestGoHelpersCompile writes the helpers of a tricky installation into a package that
// exists only in a go build -overlay, and builds it with code that uses them.
func TestGoHelpersCompile(t *testing.T) {
	src, err := customfields.GoHelpers(tricky, "tricky")
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(src)), " ")
	for _, want := range []string{
		`TierGold TierOption = "Gold"`, `TierGold11 TierOption = "gold"`, "TierWontFix", "TierN1stLine", `TierOption5 TierOption = "日本"`, `TierSayHi TierOption = "say \"hi\""`,
		"func Tier12(n int64) Field", "func Groesse(text string) Field", "func N2FAMethod(options ...N2FAMethodOption) Field",
		"func Func(thousandths uint64) Field", "func Units(units uint64) Field", "func Contract(value string) Field",
		"func Fields18(u *url.URL) Field", "func Field19(t time.Time) Field",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("helpers lack %s", want)
		}
	}
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	dir := t.TempDir()
	pkgDir, _ := filepath.Abs("../internal/zz_generated_tricky")
	main := `package tricky

var _ = Fields(Tier(TierWontFix), Tier12(3), Func(1234), Units(7), N2FAMethod(N2FAMethodApp), Clear(Field19ID))
`
	gen, use := filepath.Join(dir, "gen.go"), filepath.Join(dir, "use.go")
	os.WriteFile(gen, src, 0o644)
	os.WriteFile(use, []byte(main), 0o644)
	ov, _ := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(pkgDir, "tricky.go"): gen, filepath.Join(pkgDir, "use.go"): use}})
	ovPath := filepath.Join(dir, "overlay.json")
	os.WriteFile(ovPath, ov, 0o644)
	// The package exists only in the overlay: go build compiles it (go vet would chdir).
	cmd := exec.Command("go", "build", "-overlay", ovPath, "./internal/zz_generated_tricky")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the generated helpers: %v\n%s\n%s", err, out, src)
	}
}

func TestGoHelpersDecimal(t *testing.T) {
	src, err := customfields.GoHelpers(&customfields.Installation{Fields: []customfields.Field{{ID: 1, Name: "Amount", Type: customfields.Decimal, DecimalAt: 2}}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "func Amount(hundredths uint64) Field { return Field{1, cerb.Single(decimal(hundredths, 2))} }") {
		t.Errorf("%s", src)
	}
	if strings.Contains(string(src), `"time"`) || strings.Contains(string(src), `"net/url"`) {
		t.Error("imports a package the fields do not use")
	}
}
