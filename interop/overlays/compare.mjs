// Applies OpenAPI Overlay 1.0 documents with a second implementation, openapi-overlays-js
// (Lorna Mitchell's, lornajane/openapi-overlays-js), and holds the result to the Go one's (speakeasy-api's,
// package overlay) as plain JSON values: objects compare by keys, not key order; arrays by
// position. A difference is printed as a list of JSON pointers and exits 1.
//
//   node compare.mjs kit --spec openapi.yaml --overlay kit.overlay.yaml --go merged-by-go.yaml
//                        [--js-out FILE] [--differences differences.json]
//   node compare.mjs pairs [--update] [--dir testdata]
//
// kit: the Go result is the file --go (cerbcontract fields --from … --apply); a difference
// listed and explained in differences.json is reported and accepted, and a listed one that
// no longer happens fails. --js-out writes this implementation's result as JSON (for
// overlay/interop_test.go's TestInteropKit).
// pairs: every DIR/X.overlay.yaml is applied to DIR/X.base.yaml and compared with
// DIR/X.expected.json, the file overlay/interop_test.go holds the Go side to; --update
// writes X.expected.json from this implementation instead.
//
// openapi-overlays-js 0.2.0 is lax where the Overlay specification and the Go side are
// strict, so each action goes through it one at a time, after checks of our own: an
// action whose target selects nothing is an error (as in Go's ApplyToStrict), a `remove`
// that is not `true` is refused (the library removes whenever the key is present), and
// anything the library writes to stderr (it reports a failed update there and goes on)
// is an error.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'
import jsonpath from 'jsonpath'
import { applyOverlay } from 'openapi-overlays-js/src/overlay.js'

class Failure extends Error {}

const here = path.dirname(fileURLToPath(import.meta.url))

// readYAML parses YAML 1.2 (core schema, as Go's yaml.v3 reads the same text) or JSON
// into a plain JSON value; duplicate keys, parse errors and values JSON cannot hold fail.
function readYAML (file) {
  const text = fs.readFileSync(file, 'utf8')
  const doc = YAML.parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) {
    throw new Failure(`${file}: ${doc.errors.map(e => e.message).join('; ')}`)
  }
  const value = doc.toJS({ maxAliasCount: -1 })
  checkPlain(value, '', file)
  return value
}

function checkPlain (v, ptr, file) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Failure(`${file}: ${ptr || '/'}: ${v} is not a JSON number`)
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      throw new Failure(`${file}: ${ptr || '/'}: ${v} does not survive as a JavaScript number`)
    }
    return
  }
  if (Array.isArray(v)) { v.forEach((x, i) => checkPlain(x, `${ptr}/${i}`, file)); return }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) checkPlain(x, `${ptr}/${escape(k)}`, file)
    return
  }
  throw new Failure(`${file}: ${ptr || '/'}: a ${v?.constructor?.name ?? typeof v}, not a JSON value`)
}

// escape is one JSON pointer reference token (RFC 6901).
function escape (key) { return String(key).replaceAll('~', '~0').replaceAll('/', '~1') }

// applyJS applies overlay to spec (both plain values; spec is changed) with
// openapi-overlays-js, one action at a time. It returns the result and what was done.
function applyJS (spec, overlay, name) {
  if (!Array.isArray(overlay?.actions)) throw new Failure(`${name}: no actions array`)
  const stats = { actions: 0, updates: 0, removes: 0, targets: 0 }
  overlay.actions.forEach((a, i) => {
    const where = `${name}: action ${i + 1}/${overlay.actions.length} (target ${JSON.stringify(a?.target)})`
    if (typeof a?.target !== 'string') throw new Failure(`${where}: no target`)
    const isRemove = Object.prototype.hasOwnProperty.call(a, 'remove')
    if (isRemove && a.remove !== true) {
      throw new Failure(`${where}: remove: ${JSON.stringify(a.remove)} — openapi-overlays-js removes whenever the key is present; write remove: true or leave it out`)
    }
    if (!isRemove && !Object.prototype.hasOwnProperty.call(a, 'update')) {
      throw new Failure(`${where}: neither update nor remove`)
    }
    let matched
    try {
      matched = jsonpath.paths(spec, a.target).length
    } catch (err) {
      throw new Failure(`${where}: ${err.message}`)
    }
    if (matched === 0) throw new Failure(`${where}: selects nothing`)
    const errors = []
    const write = process.stderr.write
    process.stderr.write = (chunk, ...rest) => { errors.push(String(chunk).trim()); return true }
    try {
      spec = applyOverlay(spec, { actions: [a] })
    } finally {
      process.stderr.write = write
    }
    if (errors.length > 0) throw new Failure(`${where}: openapi-overlays-js: ${errors.join('; ')}`)
    stats.actions++
    stats[isRemove ? 'removes' : 'updates']++
    stats.targets += matched
  })
  // The library shares objects between the update and the result; a JSON round trip
  // gives a tree of its own, as a reader of the merged document would have.
  spec = JSON.parse(JSON.stringify(spec))
  checkPlain(spec, '', `${name} (result)`)
  return { spec, stats }
}

// compare walks both values and returns the differences, each with its JSON pointer and
// the value on either side (a side without the key has none), and the number of object
// keys and array items it compared.
function compare (want, got) {
  const diffs = []
  let keys = 0
  let items = 0
  const kind = v => v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
  const walk = (a, b, ptr) => {
    const ka = kind(a)
    const kb = kind(b)
    if (ka !== kb) { diffs.push({ pointer: ptr, a: [a], b: [b] }); return }
    if (ka === 'array') {
      const n = Math.max(a.length, b.length)
      for (let i = 0; i < n; i++) {
        const p = `${ptr}/${i}`
        if (i >= a.length) diffs.push({ pointer: p, a: [], b: [b[i]] })
        else if (i >= b.length) diffs.push({ pointer: p, a: [a[i]], b: [] })
        else { items++; walk(a[i], b[i], p) }
      }
      return
    }
    if (ka === 'object') {
      for (const k of Object.keys(a)) {
        const p = `${ptr}/${escape(k)}`
        if (!Object.prototype.hasOwnProperty.call(b, k)) diffs.push({ pointer: p, a: [a[k]], b: [] })
        else { keys++; walk(a[k], b[k], p) }
      }
      for (const k of Object.keys(b)) {
        if (!Object.prototype.hasOwnProperty.call(a, k)) diffs.push({ pointer: `${ptr}/${escape(k)}`, a: [], b: [b[k]] })
      }
      return
    }
    if (a !== b) diffs.push({ pointer: ptr, a: [a], b: [b] })
  }
  walk(want, got, '')
  return { diffs, keys, items }
}

function show (v) {
  const s = JSON.stringify(v)
  return s.length > 160 ? s.slice(0, 157) + '...' : s
}

// line is one difference as text; labels name the two sides.
function line (d, labels) {
  const at = d.pointer || '/'
  if (d.a.length === 0) return `${at}: only in ${labels[1]}: ${show(d.b[0])}`
  if (d.b.length === 0) return `${at}: only in ${labels[0]}: ${show(d.a[0])}`
  return `${at}: ${labels[0]} ${show(d.a[0])}, ${labels[1]} ${show(d.b[0])}`
}

function report (title, diffs, labels) {
  if (diffs.length === 0) return true
  console.error(`FAIL ${title}: ${diffs.length} difference(s) (JSON pointers):`)
  for (const d of diffs.slice(0, 200)) console.error(`  ${line(d, labels)}`)
  if (diffs.length > 200) console.error(`  … and ${diffs.length - 200} more`)
  return false
}

function describe (stats) {
  return `${stats.actions} actions applied (${stats.updates} update, ${stats.removes} remove) to ${stats.targets} target node(s)`
}

// known reads differences.json: the differences between the two kit results that are
// explained there. Each entry names a pointer and the value on each side ("js", "go"; a
// side without the key has none); it matches that difference exactly, nothing else.
function known (file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  return doc.differences.map(e => ({
    ...e,
    matches: d => d.pointer === e.pointer &&
      same(d.a, Object.prototype.hasOwnProperty.call(e, 'js') ? [e.js] : []) &&
      same(d.b, Object.prototype.hasOwnProperty.call(e, 'go') ? [e.go] : [])
  }))
}

function same (x, y) { return compare(x, y).diffs.length === 0 }

function kit (opts) {
  for (const k of ['spec', 'overlay', 'go', 'differences']) {
    if (!opts[k]) throw new Failure(`kit: --${k} FILE is required`)
  }
  const title = `${path.basename(opts.overlay)} on ${path.basename(opts.spec)}`
  const labels = ['openapi-overlays-js', 'Go (cerbcontract fields --apply)']
  const { spec, stats } = applyJS(readYAML(opts.spec), readYAML(opts.overlay), path.basename(opts.overlay))
  if (opts['js-out']) fs.writeFileSync(opts['js-out'], JSON.stringify(spec, null, 2) + '\n')
  const result = compare(spec, readYAML(opts.go))
  const allowed = known(opts.differences)
  const unexplained = result.diffs.filter(d => !allowed.some(e => e.matches(d)))
  const gone = allowed.filter(e => !result.diffs.some(d => e.matches(d)))
  let ok = report(title, unexplained, labels)
  for (const e of allowed) {
    if (gone.includes(e)) continue
    console.log(`known difference (${path.basename(opts.differences)}): ${line(result.diffs.find(d => e.matches(d)), labels)}\n  why: ${e.why}`)
  }
  for (const e of gone) {
    console.error(`FAIL ${title}: ${e.pointer} is listed in ${path.basename(opts.differences)} but that difference no longer happens (remove the entry)`)
    ok = false
  }
  if (!ok) return false
  const explained = result.diffs.length > 0 ? ` but for the ${result.diffs.length} known difference(s) above` : ''
  console.log(`ok   ${title}: ${describe(stats)}; openapi-overlays-js and Go agree on ${result.keys} object keys and ${result.items} array items${explained}`)
  return true
}

function pairs (opts) {
  const dir = opts.dir
  const names = fs.readdirSync(dir).filter(f => f.endsWith('.overlay.yaml')).map(f => f.slice(0, -'.overlay.yaml'.length)).sort()
  if (names.length === 0) throw new Failure(`${dir}: no *.overlay.yaml`)
  let ok = true
  for (const name of names) {
    const base = path.join(dir, `${name}.base.yaml`)
    const expectedFile = path.join(dir, `${name}.expected.json`)
    if (!fs.existsSync(base)) throw new Failure(`${name}.overlay.yaml has no ${base}`)
    const { spec, stats } = applyJS(readYAML(base), readYAML(path.join(dir, `${name}.overlay.yaml`)), `${name}.overlay.yaml`)
    if (opts.update) {
      fs.writeFileSync(expectedFile, JSON.stringify(spec, null, 2) + '\n')
      console.log(`wrote ${expectedFile}: ${describe(stats)}`)
      continue
    }
    if (!fs.existsSync(expectedFile)) throw new Failure(`${expectedFile} is missing: run check.sh --update`)
    const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'))
    const result = compare(expected, spec)
    if (!report(`${name}.overlay.yaml on ${name}.base.yaml`, result.diffs, [path.basename(expectedFile), 'openapi-overlays-js'])) { ok = false; continue }
    console.log(`ok   ${name}.overlay.yaml on ${name}.base.yaml: ${describe(stats)}; equal to ${name}.expected.json on ${result.keys} object keys and ${result.items} array items`)
  }
  return ok
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      spec: { type: 'string' },
      overlay: { type: 'string' },
      go: { type: 'string' },
      'js-out': { type: 'string' },
      differences: { type: 'string', default: path.join(here, 'differences.json') },
      dir: { type: 'string', default: path.join(here, 'testdata') },
      update: { type: 'boolean', default: false }
    }
  })
  const modes = { kit, pairs }
  if (positionals.length !== 1 || !modes[positionals[0]]) {
    throw new Failure('usage: node compare.mjs kit --spec FILE --overlay FILE --go FILE [--js-out FILE] [--differences FILE] | node compare.mjs pairs [--update] [--dir DIR]')
  }
  process.exitCode = modes[positionals[0]](values) ? 0 : 1
} catch (err) {
  if (!(err instanceof Failure)) throw err
  console.error(`FAIL ${err.message}`)
  process.exitCode = 1
}
