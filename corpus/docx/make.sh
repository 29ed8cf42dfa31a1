#!/usr/bin/env bash
# Rebuild the Word fixtures. Needs pandoc (Debian: apt-get install pandoc; made with
# 2.17.1.1) and the project's python. CI never runs this: the .docx files are committed.
set -euo pipefail
cd "$(dirname "$0")"
SHARED=../../../shared/corpus-real
PY=${PYTHON:-python}

# Pandoc drops raw HTML when it writes Word, so <sup>…</sup> becomes Pandoc's ^…^
# superscript first (a space inside it must be escaped).
sup_to_pandoc() {
  "$PY" -c 'import re,sys; t=sys.stdin.read(); print(re.sub(r"<sup>(.*?)</sup>", lambda m: "^" + m.group(1).replace(" ", "\\ ") + "^", t), end="")'
}

# The Lai essay (numbered, CC BY 4.0): the same text as corpus/lai-2023/essay.md.
sup_to_pandoc < ../lai-2023/essay.md | pandoc -f markdown -t docx -o lai-2023.docx

# A footnoted essay (Chicago notes; MIT licence): real Word footnotes.
pandoc -f markdown -t docx -o jameson-redlining.docx "$SHARED/footnote/jameson-pittsburgh-redlining-essay.md"

# An author-date essay (Chicago author-date, MLA-style student errors, a typed list):
# this project's own case, since the author-date essays of corpus-real state no licence.
pandoc -f markdown -t docx -o authordate-essay.docx ../cases/authordate-fires/essay.md

# Zotero and Mendeley citation fields, built from their documented field format.
"$PY" make_fields.py
