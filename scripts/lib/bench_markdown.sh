# shellcheck shell=sh
# Shared by scripts/bench --markdown (sourced, not run): the README's performance table built
# from the RESULT lines of one run (format in scripts/lib/bench_result.sh), with the date and
# machine, written in place between <!-- bench:start --> and <!-- bench:end --> atomically.

# Print the kernel name ("Cooperlake") and version of the OpenBLAS the numpy peer loads, or "unknown".
numpy_openblas() {
  peer_python -c 'import numpy, threadpoolctl
i = [x for x in threadpoolctl.threadpool_info() if x["internal_api"] == "openblas"][0]
print("%s kernel (OpenBLAS %s)" % (i["architecture"], i["version"]))' 2>/dev/null || echo "unknown kernel"
}

# Print the lines above the table: when, where and how it was measured, and how to rerun it.
bench_note() {  # $1 = ibsh binary, $2 = seconds the run took, $3 = the areas run
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  ibsh_core=$(OPENBLAS_VERBOSE=2 "$1" -e '' 2>&1 | sed -n 's/^Core: //p')
  niced="at normal priority"
  [ "$(nice)" -gt 0 ] && niced="niced (niceness $(nice))"
  echo "Measured $(date -u +%Y-%m-%d) by \`scripts/bench --markdown\` (areas: $3; $(($2 / 60)) min $(($2 % 60)) s)"
  echo "on ${cpu:-an unknown CPU} with $(nproc) cores, Debian $(cat /etc/debian_version 2>/dev/null || echo '?'),"
  echo "numpy $(peer_python -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo '?') and PyTorch $(peer_python -c 'import torch; print(torch.__version__)' 2>/dev/null || echo '?') (float64)."
  echo "OpenBLAS kernels: ibsh ${ibsh_core:-unknown} (environment as given: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset},"
  echo "OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}); the Python peers run with both unset, numpy: $(numpy_openblas)."
  echo "The machine was shared with other jobs and the run was $niced: single rows, times and ratios"
  echo "alike, can move by up to 2x from one run to the next. Ratio = how many times faster ibsh is"
  echo "(peer time / ibsh time); a target marked missed was missed in this run."
  echo "Rerun all with \`scripts/bench --markdown\` (rewrites this table), or one area with \`scripts/bench_<area>\`."
}

# Print the markdown table of the RESULT lines in file $1.
bench_table() {
  echo "| area | workload | ibsh | peer | peer time | ratio | target |"
  echo "|---|---|---|---|---|---|---|"
  sed -n 's/^RESULT //p' "$1" | awk -F ' [|] ' '{
    printf "| `bench_%s` | %s | %s | %s | %s | %s | %s |\n", $1, $2, $5, ($3 == "-" ? "—" : $3), ($4 == "-" ? "" : $4), ($6 == "-" ? "" : $6), ($7 == "-" ? "" : $7) }'
}

# Replace the lines between the bench markers of file $1 with standard input, atomically (temp file, rename).
replace_marked() {
  grep -q '^<!-- bench:start -->$' "$1" && grep -q '^<!-- bench:end -->$' "$1" || {
    echo "bench: $1 has no <!-- bench:start --> / <!-- bench:end --> lines" >&2; return 1; }
  new=$(mktemp "$1.XXXXXX")
  cat > "$new.body"
  awk -v body="$new.body" '
    /^<!-- bench:start -->$/ { print; while ((getline line < body) > 0) print line; skip = 1; next }
    /^<!-- bench:end -->$/ { skip = 0 }
    !skip { print }' "$1" > "$new"
  rm -f "$new.body"
  chmod 644 "$new"
  mv "$new" "$1"
}
