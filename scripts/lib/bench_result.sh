# shellcheck shell=sh
# Shared by scripts/bench_<area> (sourced, not run): the machine-readable result lines that
# scripts/bench collects into the README's performance table, one per measured workload:
#   RESULT area | workload | peer | peer time | ibsh time | ratio | target
# Times carry their unit ("13.0 ms", "79 epochs/s"); ratio = how many times faster ibsh is
# (peer time / ibsh time, or ibsh rate / peer rate), "-" without a peer; target "-" when none.

# Print one RESULT line from its seven fields.
result() {
  printf 'RESULT %s | %s | %s | %s | %s | %s | %s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}

# Print the ratio a / b with precision fitting its size ("1160x", "11.8x", "1.04x").
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r >= 100 ? "%.0fx" : r >= 10 ? "%.1fx" : "%.2fx"), r }'
}

# Print a number of milliseconds with its unit at a readable precision ("0.21 ms", "48.5 ms", "1.4 s").
ms() {
  awk -v t="$1" 'BEGIN { if (t >= 1000) printf "%.2f s", t / 1000; else if (t >= 10) printf "%.1f ms", t; else printf "%.2f ms", t }'
}

# Print "TEXT (met)" or "TEXT (missed)" as the awk condition COND holds or not.
target() {
  if awk "BEGIN { exit !($2) }"; then printf '%s (met)' "$1"; else printf '%s (missed)' "$1"; fi
}

# Run the numpy/PyTorch peer: Debian's python3 with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
# for this command only (they slow a current OpenBLAS; see scripts/bench).
peer_python() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$@"
}
