#!/bin/bash
# Prepare the series with b4 (Debian's b4 0.12) and write the messages
# that "b4 send" would mail to build/b4-out, then run checkpatch --strict
# on them and check that no EDITME text survived and that change-id and
# base-commit are there. Works in its own worktree, build/b4-src.
set -euo pipefail
. "$(dirname "$0")/common.sh"
"$TOP/workflow/deps.sh" b4
OUTD=$BUILD/b4-out
WT=$BUILD/b4-src
cd "$KSRC"
"$TOP/workflow/apply.sh" >/dev/null
git worktree remove -f "$WT" >/dev/null 2>&1 || rm -rf "$WT"
git worktree prune
git branch -D page-atomic-reserve >/dev/null 2>&1 || true
# b4 keeps its tracking data in the branch: start from a fresh one.
git branch -f page-atomic-reserve "$SERIES_BRANCH"
git worktree add -q "$WT" page-atomic-reserve
cd "$WT"
# With -o nothing is sent; an SMTP setting keeps b4 from asking for its
# web endpoint (which needs patatt signing).
git config sendemail.smtpServer localhost
b4 prep -e base >/dev/null
# The cover letter: workflow/cover-letter.txt (subject, blank line, body).
editor=$(mktemp)
cat > "$editor" <<ED
#!/bin/sh
{ cat "$TOP/workflow/cover-letter.txt"; echo
  echo "Signed-off-by: \$(git config user.name) <\$(git config user.email)>"; } > "\$1"
ED
chmod +x "$editor"
EDITOR=$editor b4 prep --edit-cover >/dev/null
rm -f "$editor"
b4 prep --set-prefixes RFC >/dev/null
b4 prep --auto-to-cc >/dev/null
rm -rf "$OUTD"
b4 send -o "$OUTD" --no-sign >/dev/null
ls "$OUTD" | sed 's/^/  /'
fail=0
if grep -l 'EDITME' "$OUTD"/* >/dev/null 2>&1; then
	log "EDITME text left in: $(grep -l EDITME "$OUTD"/*)"
	fail=1
fi
cover=$(ls "$OUTD"/* | head -n1)
grep -q '^change-id: ' "$cover" || { log "no change-id in the cover letter"; fail=1; }
grep -q '^base-commit: ' "$cover" || { log "no base-commit in the cover letter"; fail=1; }
for m in $(ls "$OUTD"/* | tail -n +2); do
	out=$(checkpatch --strict --color=never "$m" 2>&1 || true)
	if ! echo "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		echo "not ok checkpatch $(basename "$m")"
		echo "$out" | grep -E -A3 '(ERROR|WARNING|CHECK):' | head -n 20
		fail=1
	else
		echo "ok checkpatch $(basename "$m")"
	fi
done
[ $fail -eq 0 ] && log "b4: messages in $OUTD are ready to send"
exit $fail
