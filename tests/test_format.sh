#!/bin/sh
# The sources follow .clang-format (kernel style); a diff names the file.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
command -v clang-format >/dev/null || skip "clang-format not installed"
for f in src/*.c src/*.h; do
	if clang-format "$f" | diff -u "$f" - >/tmp/kic-format.$$ 2>&1; then
		pass "$f is formatted"
	else
		fail "$f differs from clang-format:"
		head -20 /tmp/kic-format.$$
	fi
done
rm -f /tmp/kic-format.$$
done_testing
