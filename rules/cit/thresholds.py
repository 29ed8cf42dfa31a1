"""The weights and thresholds of the source audit (`citeaudit.audit`), which the link stage
computes once per document and CIT002-CIT005 and SRC001 read. They sit here, beside the
docs of CIT003 and CIT004 (`audit.py`) that explain them to users: change one, and the
doc with it. `bench/mutation.py` measures what a change does to recall (tune on the
tuning half only), and `tests/test_audit.py` what it does to precision on real text.
"""

# Weights of one matching token, before rarity: a name in the citing sentence is the
# strongest lexical evidence; a content word, or anything in the lead-in, much less.
NAME_WEIGHT = 1.0
WORD_WEIGHT = 0.35
LEAD_NAME_WEIGHT = 0.5
LEAD_WORD_WEIGHT = 0.15
AUTHOR_WEIGHT = 1.0  # added again when a name in the clause is the entry's author
KIND_WEIGHT = 0.75
QUOTE_TITLE_WEIGHT = 2.0
# Fuzzy token match: rapidfuzz ratio at least this, and exact for tokens under 6 letters
# (so "Korea" never meets "Korean" and "Kim" never meets "Kin").
TOKEN_CUTOFF = 88
SHORT_TOKEN = 6

# A citation is reassigned (CIT003) only when another entry scores at least MIN_BEST,
# beats the cited one by MARGIN and every third entry by LEAD. Tuned on the Lai essay
# and the mutation benchmark (bench/mutation.py): an exact day-and-month date (3.0), or
# a rare name plus a kind of document (~1.75), passes; a shared year (0.4) or a common
# word never does.
MIN_BEST = 1.8
MARGIN = 1.4
LEAD = 0.75
OWN_LOW = 0.5  # the cited entry scores at most half the better one
# Within a numbering shift each member needs less: its n-k entry scores SUPPORT or more,
# beats the cited entry by SUPPORT_MARGIN, and is (near) the best.
SUPPORT = 0.9
SUPPORT_MARGIN = 0.6
NEAR_BEST = 0.3
# The cited entry "clearly fits", which ends any shift run through it.
FITS = 1.5
MAX_SHIFT = 3
MIN_RUN = 3
