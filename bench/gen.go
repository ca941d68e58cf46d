package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CorpusStats describes a generated corpus.
type CorpusStats struct {
	Entries, Multipart, Varied int
	Bytes                      int64
}

// WriteCorpus writes a HAR file of n entries made from the bundled compose/reply pairs
// (LoadPairs: successes, drafts, validation-error envelopes, 401s, multipart, unicode),
// taken in turn, with their bodies varied so that no two entries are the same: every
// non-empty subject and content of a request is replaced by generated text (a few bytes to
// tens of KB, a quarter of it non-ASCII: accents, Cyrillic, CJK, Arabic, emoji, quotes and
// markup), as is every subject, label and content of a JSON response (escaped the way
// Cerb's PHP does: \uXXXX for non-ASCII); one url-encoded request in ten is sent as
// multipart/form-data instead. Values that make a case what it is (empty, absent, not UTF-8,
// malformed) are left alone. The output is a function of n alone and is streamed, so memory
// stays flat whatever n is.
func WriteCorpus(w io.Writer, n int) (CorpusStats, error) {
	pairs, err := LoadPairs()
	if err != nil {
		return CorpusStats{}, err
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	var st CorpusStats
	bw.WriteString(`{"log":{"version":"1.2","creator":{"name":"gencorpus","version":"2"},"comment":"bundled compose/reply pairs with generated bodies","entries":[` + "\n")
	for i := range n {
		if i > 0 {
			bw.WriteString(",\n")
		}
		raw, info, err := VaryEntry(pairs[i%len(pairs)].Raw, i)
		if err != nil {
			return st, fmt.Errorf("entry %d (%s): %w", i, pairs[i%len(pairs)].Name, err)
		}
		if info.multipart {
			st.Multipart++
		}
		if info.varied {
			st.Varied++
		}
		bw.Write(raw)
		st.Entries++
	}
	bw.WriteString("\n]}}\n")
	if err := bw.Flush(); err != nil {
		return st, err
	}
	st.Bytes = cw.n
	return st, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type varyInfo struct{ varied, multipart bool }

// VaryEntry returns a variant of one HAR entry, a function of the entry and seed.
func VaryEntry(raw []byte, seed int) ([]byte, varyInfo, error) {
	var info varyInfo
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var e map[string]any
	if err := dec.Decode(&e); err != nil {
		return nil, info, err
	}
	subject := genText(rng, 5+rng.IntN(140), false)
	content := genText(rng, contentSize(rng), true)

	if req, ok := e["request"].(map[string]any); ok {
		if pd, ok := req["postData"].(map[string]any); ok && pd["encoding"] == nil {
			text, _ := pd["text"].(string)
			mt, _ := pd["mimeType"].(string)
			base, params, _ := mime.ParseMediaType(mt)
			var fields [][2]string
			ok := false
			switch base {
			case "application/x-www-form-urlencoded":
				fields, ok = splitURLEncoded(text)
			case "multipart/form-data":
				fields, ok = splitMultipart(text, params["boundary"])
			}
			if ok && len(fields) > 0 {
				changed := false
				for i, f := range fields {
					switch f[0] {
					case "subject":
						if f[1] != "" && utf8.ValidString(f[1]) {
							fields[i][1], changed = subject, true
						}
					case "content":
						if f[1] != "" && utf8.ValidString(f[1]) {
							fields[i][1], changed = content, true
						}
					}
				}
				if changed {
					info.varied = true
					newMT := mt
					if base == "multipart/form-data" || rng.IntN(10) == 0 {
						boundary := params["boundary"]
						if base != "multipart/form-data" {
							boundary = fmt.Sprintf("gencorpusBoundary%016x", rng.Uint64())
							newMT = "multipart/form-data; boundary=" + boundary
						}
						text = joinMultipart(fields, boundary)
						info.multipart = true
					} else {
						text = joinURLEncoded(fields)
					}
					pd["text"], pd["mimeType"] = text, newMT
					if ps, ok := pd["params"].([]any); ok && len(ps) > 0 {
						np := make([]any, 0, len(fields))
						for _, f := range fields {
							np = append(np, map[string]any{"name": f[0], "value": f[1]})
						}
						pd["params"] = np
					}
					req["bodySize"] = len(text)
					setHeader(req, "Content-Type", newMT)
					setHeader(req, "Content-Length", strconv.Itoa(len(text)))
				}
			}
		}
	}
	if resp, ok := e["response"].(map[string]any); ok {
		if c, ok := resp["content"].(map[string]any); ok && c["encoding"] == nil {
			text, _ := c["text"].(string)
			mt, _ := c["mimeType"].(string)
			if strings.Contains(mt, "json") && strings.HasPrefix(text, "{") {
				d := json.NewDecoder(strings.NewReader(text))
				d.UseNumber()
				var v any
				if d.Decode(&v) == nil && !d.More() {
					if varyJSON(v, subject, content) {
						info.varied = true
					}
					var b bytes.Buffer
					writePHPJSON(&b, v)
					c["text"] = b.String()
					c["size"] = b.Len()
					resp["bodySize"] = b.Len()
				}
			}
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, info, err
	}
	return bytes.TrimRight(out.Bytes(), "\n"), info, nil
}

// contentSize: mostly short mails, some long ones, a few very long.
func contentSize(rng *rand.Rand) int {
	switch p := rng.IntN(100); {
	case p < 50:
		return 40 + rng.IntN(800)
	case p < 85:
		return 800 + rng.IntN(3200)
	case p < 97:
		return 4000 + rng.IntN(6000)
	default:
		return 10000 + rng.IntN(30000)
	}
}

var (
	asciiWords = strings.Fields(`the order shipment invoice please could you help with my account password reset
		refund delivery tracking number customer support thanks regards hello again question about
		billing subscription renewal cancel upgrade plan attached screenshot error message login
		page browser today yesterday tomorrow urgent follow-up ticket reference monday friday`)
	markup      = strings.Fields(`"quoted" <b>bold</b> a&b C:\path\to\file https://example.com/a/b?x=1&y=2 50% (see #42) 'single' tab	here`)
	latinWords  = strings.Fields(`Grüße café naïve façade señor Ünïcödé Straße crème brûlée Ørsted Łódź Ångström déjà-vu`)
	otherWords  = strings.Fields(`Здравствуйте заказ доставка спасибо 日本語 こんにちは お問い合わせ 注文 配送 返品 你好 订单 مرحبا طلب שלום הזמנה Γειά σας παραγγελία`)
	emojiWords  = strings.Fields(`🎉 ✓ 📎 🙂 👍 🚚 ❤️ 😀 ✨ 🇩🇪`)
	textMixture = [][]string{asciiWords, asciiWords, asciiWords, asciiWords, markup, latinWords, otherWords, emojiWords}
)

// genText returns about n bytes of text; multiline adds line and paragraph breaks. Three
// texts in four are ASCII only (some with quotes and markup); the rest mix in other scripts.
func genText(rng *rand.Rand, n int, multiline bool) string {
	mix := textMixture[:4]
	switch rng.IntN(8) {
	case 0:
		mix = textMixture
	case 1:
		mix = textMixture[:5]
	}
	var b strings.Builder
	b.Grow(n + 16)
	line := 0
	for b.Len() < n {
		words := mix[rng.IntN(len(mix))]
		w := words[rng.IntN(len(words))]
		if b.Len() > 0 {
			switch {
			case multiline && line > 60 && rng.IntN(6) == 0:
				b.WriteString("\n\n")
				line = 0
			case multiline && line > 70:
				b.WriteByte('\n')
				line = 0
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
		line += len(w) + 1
	}
	return b.String()
}

// varyJSON replaces, anywhere in a Cerb response, non-empty string subjects, contents and
// ticket labels ("[#MASK] subject") with the generated texts.
func varyJSON(v any, subject, content string) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			s, isStr := val.(string)
			switch {
			case isStr && s != "" && (k == "subject" || strings.HasSuffix(k, "_subject")):
				x[k], changed = subject, true
			case isStr && s != "" && (k == "content" || strings.HasSuffix(k, "_content")):
				x[k], changed = content, true
			case isStr && (k == "_label" || strings.HasSuffix(k, "__label")) && strings.HasPrefix(s, "[#"):
				if i := strings.Index(s, "] "); i > 0 {
					x[k], changed = s[:i+2]+subject, true
				}
			default:
				if varyJSON(val, subject, content) {
					changed = true
				}
			}
		}
	case []any:
		for _, val := range x {
			if varyJSON(val, subject, content) {
				changed = true
			}
		}
	}
	return changed
}

// writePHPJSON writes v the way PHP's json_encode with JSON_UNESCAPED_SLASHES does: keys
// sorted (Cerb sorts them), non-ASCII as \uXXXX (surrogate pairs beyond the BMP).
func writePHPJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHPString(b, k)
			b.WriteByte(':')
			writePHPJSON(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHPJSON(b, e)
		}
		b.WriteByte(']')
	case string:
		writePHPString(b, x)
	case json.Number:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	default:
		panic(fmt.Sprintf("writePHPJSON: %T", v))
	}
}

func writePHPString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case r < 0x80:
			b.WriteByte(byte(r))
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
}

// splitURLEncoded splits a form body as PHP does; false when a part does not decode (the
// case is then about that part, and is left as it is).
func splitURLEncoded(text string) ([][2]string, bool) {
	var out [][2]string
	for _, part := range strings.Split(text, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		kk, err1 := url.QueryUnescape(k)
		vv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out = append(out, [2]string{kk, vv})
	}
	return out, true
}

func joinURLEncoded(fields [][2]string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f[1]))
	}
	return b.String()
}

// splitMultipart reads the simple multipart bodies of the recordings (one
// Content-Disposition line per part).
func splitMultipart(text, boundary string) ([][2]string, bool) {
	if boundary == "" {
		return nil, false
	}
	var out [][2]string
	parts := strings.Split(text, "--"+boundary)
	if len(parts) < 2 || !strings.HasPrefix(parts[len(parts)-1], "--") {
		return nil, false
	}
	for _, p := range parts[1 : len(parts)-1] {
		p = strings.TrimPrefix(p, "\r\n")
		head, body, ok := strings.Cut(p, "\r\n\r\n")
		if !ok || strings.Contains(head, "\r\n") {
			return nil, false
		}
		_, params, err := mime.ParseMediaType(strings.TrimPrefix(head, "Content-Disposition: "))
		if err != nil || params["name"] == "" {
			return nil, false
		}
		out = append(out, [2]string{params["name"], strings.TrimSuffix(body, "\r\n")})
	}
	return out, true
}

func joinMultipart(fields [][2]string, boundary string) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, f[0], f[1])
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.String()
}

func setHeader(req map[string]any, name, value string) {
	hs, _ := req["headers"].([]any)
	for _, h := range hs {
		if m, ok := h.(map[string]any); ok && strings.EqualFold(fmt.Sprint(m["name"]), name) {
			m["value"] = value
			return
		}
	}
}
