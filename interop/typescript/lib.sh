# Shell functions shared by serve.sh and live.sh (sourced, not run).

# wait_line FILE PATTERN PID: until FILE has a line matching PATTERN (the process prints it
# once it accepts connections); fails as soon as the process has exited. No time limit: a
# busy machine may take its time, a dead process is seen at once.
wait_line() {
  until grep -q "$2" "$1"; do
    kill -0 "$3" 2>/dev/null || { grep -q "$2" "$1" && return 0; cat "$1" >&2; return 1; }
    sleep 0.1
  done
}

# compile_cjs TSCONFIG OUTDIR: compiles a test program to CommonJS in OUTDIR (next to the
# generated clients, which it imports) and marks the folder as CommonJS for Node.
compile_cjs() {
  rm -rf "$2"
  npx --no-install tsc -p "$1"
  echo '{"type": "commonjs"}' > "$2/package.json"
}
