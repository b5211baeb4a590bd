#!/bin/bash
# Prepare the series for sending with b4 (Debian's b4 0.12), signed off by
# the person who sends it, and write the messages "b4 send" would mail to
# build/b4-out; then check them. Works in its own worktree, build/b4-src,
# on a fresh branch page-atomic-reserve, from which "b4 send" then sends.
#   SENDER="Name <addr>"  who sends (default: git config user.name and
#                         user.email); a noreply address is refused
#   AUTHOR=keep|sender    keep the series' author (default; the mails say
#                         "From: <author>" in the body) or make the sender
#                         the author of every patch
# The change-id, revision and prefixes come from workflow/series.conf, and
# the cover letter from workflow/cover-letter.txt plus, from v2 on, the
# "Changes in vN" sections in workflow/changes/vN.txt.
# Checks: every patch is signed off by its original signer and then by the
# sender; From: is the sender; To: and Cc: are set; change-id, revision and
# base-commit are right; no EDITME text; checkpatch --strict is clean on
# every mail. Prints one ok/not ok line per check.
set -euo pipefail
. "$(dirname "$0")/common.sh"
trap 'echo "b4.sh: line $LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR
. "${SERIES_CONF:-$TOP/workflow/series.conf}"
"$TOP/workflow/deps.sh" b4
OUTD=$BUILD/b4-out
WT=$BUILD/b4-src
AUTHOR=${AUTHOR:-keep}
case $AUTHOR in keep|sender) ;; *) die "AUTHOR must be keep or sender" ;; esac
if [ -z "${SENDER:-}" ]; then
	SENDER="$(git config user.name || true) <$(git config user.email || true)>"
fi
s_name=$(echo "$SENDER" | sed -n 's/^ *\(.*[^ ]\) *<\([^<>]*@[^<>]*\)> *$/\1/p')
s_mail=$(echo "$SENDER" | sed -n 's/^ *\(.*[^ ]\) *<\([^<>]*@[^<>]*\)> *$/\2/p')
[ -n "$s_name" ] && [ -n "$s_mail" ] ||
	die "SENDER must be \"Name <address>\" (got \"$SENDER\")"
case $s_mail in
*noreply*) die "$s_mail is a noreply address: replies to the series would go nowhere; set SENDER=\"Your Name <you@example.org>\"" ;;
esac
# The sender's identity for git and b4 in this script only.
export GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$s_name" \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$s_mail" \
	GIT_CONFIG_KEY_2=sendemail.smtpServer GIT_CONFIG_VALUE_2=localhost
"$TOP/workflow/apply.sh" >/dev/null
cd "$KSRC"
git worktree remove -f "$WT" >/dev/null 2>&1 || rm -rf "$WT"
git worktree prune
git branch -D page-atomic-reserve >/dev/null 2>&1 || true
# b4 keeps its tracking data in the branch: start from a fresh one.
git branch -f page-atomic-reserve "$SERIES_BRANCH"
git worktree add -q "$WT" page-atomic-reserve
cd "$WT"
# "b4 send" in this worktree later sends as the sender.
git config extensions.worktreeConfig true
git config --worktree user.name "$s_name"
git config --worktree user.email "$s_mail"
# The sender's Signed-off-by after the original one, on every patch.
amend="git commit -q --amend --no-edit --signoff"
[ "$AUTHOR" = sender ] && amend="$amend --reset-author"
git rebase -q --exec "$amend" base
b4 prep -e base >/dev/null
# The series' own change-id, kept from version to version.
# b4 keeps it in its cover letter commit, the first one after the base.
cover_c=$(git rev-list --reverse base..HEAD | sed -n 1p)
msg=$(mktemp)
git log -1 --format=%B "$cover_c" |
	sed "s/\"change-id\": \"[^\"]*\"/\"change-id\": \"$CHANGE_ID\"/" > "$msg"
grep -q "\"change-id\": \"$CHANGE_ID\"" "$msg" || die "no b4 tracking data in the cover letter commit"
new_c=$(git commit-tree "$cover_c^{tree}" -p base -F "$msg")
git rebase -q --onto "$new_c" "$cover_c"
editor=$(mktemp)
chmod +x "$editor"
[ "$REVISION" = 1 ] || b4 prep --force-revision "$REVISION" >/dev/null
# The cover letter: workflow/cover-letter.txt (subject, blank line, body),
# then the changes of every version after the first.
cat > "$editor" <<ED
#!/bin/sh
{ cat "$TOP/workflow/cover-letter.txt"
  v=2
  while [ \$v -le $REVISION ]; do
	f="$TOP/workflow/changes/v\$v.txt"
	[ -f "\$f" ] || { echo "EDITME: describe the changes in v\$v in \$f"; v=\$((v + 1)); continue; }
	echo; echo "Changes in v\$v:"; cat "\$f"
	v=\$((v + 1))
  done
  echo; echo "Signed-off-by: $s_name <$s_mail>"; } > "\$1"
ED
EDITOR=$editor b4 prep --edit-cover >/dev/null
rm -f "$editor" "$msg"
# shellcheck disable=SC2086 # PREFIXES is a list
[ -z "$PREFIXES" ] || b4 prep --set-prefixes $PREFIXES >/dev/null
b4 prep --auto-to-cc >/dev/null
rm -rf "$OUTD"
b4 send -o "$OUTD" --no-sign >/dev/null
ls "$OUTD" | sed 's/^/  /'

fail=0
check() { # rc what
	if [ "$1" -eq 0 ]; then echo "ok b4 $2"; else echo "not ok b4 $2"; fail=1; fi
}
cover=$(ls "$OUTD"/* | sed -n 1p)
mails=$(ls "$OUTD"/* | tail -n +2)
n_patches=$(git -C "$KSRC" rev-list --count base.."$SERIES_BRANCH")
[ "$(echo "$mails" | grep -c .)" = "$n_patches" ]; check $? "writes a cover letter and $n_patches patch mails"
! grep -l 'EDITME' "$OUTD"/* >/dev/null 2>&1; check $? "no EDITME text is left"
grep -qx "change-id: $CHANGE_ID" "$cover"; check $? "change-id is $CHANGE_ID"
grep -qx "base-commit: $(git -C "$KSRC" rev-parse base)" "$cover"; check $? "base-commit is the pinned base"
vtag=; [ "$REVISION" = 1 ] || vtag=" v$REVISION"
bad=0
for m in $cover $mails; do
	# Header fields, unfolded.
	hdr=$(sed '/^$/q' "$m" | sed -e ':a' -e '$!N;s/\n[[:space:]]\+/ /;ta' -e 'P;D')
	grep -qx "From: $s_name <$s_mail>" <<<"$hdr" || { log "$(basename "$m"): From is not the sender"; bad=1; }
	grep -q '^To: .*@' <<<"$hdr" || { log "$(basename "$m"): no To"; bad=1; }
	grep -q '^Cc: .*linux-mm@kvack.org' <<<"$hdr" || { log "$(basename "$m"): linux-mm not in Cc"; bad=1; }
	grep -q "^Subject: \[PATCH${PREFIXES:+ $PREFIXES}$vtag [0-9]*/$n_patches\]" <<<"$hdr" ||
		{ log "$(basename "$m"): subject prefix is not [PATCH${PREFIXES:+ $PREFIXES}$vtag N/$n_patches]"; bad=1; }
done
check $bad "mails are From the sender, with To, Cc (linux-mm) and [PATCH${PREFIXES:+ $PREFIXES}$vtag N/$n_patches]"
bad=0
mapfile -t commits < <(git -C "$KSRC" rev-list --reverse base.."$SERIES_BRANCH")
i=0
for m in $mails; do
	c=${commits[$i]}
	i=$((i + 1))
	sobs=$(grep '^Signed-off-by: ' "$m" | sed 's/^Signed-off-by: //' || true)
	orig=$(git -C "$KSRC" log -1 --format=%B "$c" | sed -n 's/^Signed-off-by: //p' | tail -n1)
	if [ -z "$orig" ] || [ "$(echo "$sobs" | tail -n1)" != "$s_name <$s_mail>" ] ||
	   [ "$(echo "$sobs" | tail -n2 | sed -n 1p)" != "$orig" ]; then
		log "$(basename "$m"): Signed-off-by chain is not <original>, <sender>: $(echo "$sobs" | paste -sd';')"
		bad=1
	fi
	au=$(git -C "$KSRC" log -1 --format='%an <%ae>' "$c")
	if [ "$AUTHOR" = keep ] && ! grep -qx "From: $au" "$m"; then
		log "$(basename "$m"): no in-body From: $au"
		bad=1
	fi
done
check $bad "every patch is signed off by its original signer, then by the sender (authorship: $AUTHOR)"
bad=0
chk=$(mktemp)
for m in $mails; do
	# The in-body "From: <author>" that keeps authorship is a header for
	# git am, not commit text: checkpatch reads it as a too long line of
	# the description. Check the mail as git am sees it, without it.
	awk 'body == 1 && /^From: / { body = 2; next } /^$/ && !body { body = 1 } { print }' "$m" > "$chk"
	out=$(checkpatch --strict --color=never "$chk" 2>&1 || true)
	if ! grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		log "checkpatch: $(basename "$m")"
		echo "$out" | grep -E -A3 '(ERROR|WARNING|CHECK):' | sed -n 1,20p
		bad=1
	fi
done
rm -f "$chk"
check $bad "checkpatch --strict is clean on every mail"
[ $fail -eq 0 ] && log "b4: messages in $OUTD, from $s_name <$s_mail>, ready to send from $WT"
exit $fail
