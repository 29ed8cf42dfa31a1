"""The URLs of a reference entry, and their parts: what REF006 and SRC004 both read."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from citeaudit.model import Entry

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`\])}]*[^\s<>\"'`\])}.,;:!?]")


def entry_urls(entry: Entry) -> list[str]:
    found = [entry.get("url") or "", *URL.findall(entry.raw)]
    return [u for u in dict.fromkeys(found) if u]


def split_url(url: str) -> SplitResult | None:
    """The parts of a URL as written in a reference; None when it is not one (urlsplit
    raises on `http://]c`, an unbalanced IPv6 bracket)."""
    try:
        return urlsplit(url if "//" in url else "//" + url)
    except ValueError:
        return None


def url_host(url: str) -> str:
    parts = split_url(url)
    try:
        return (parts.hostname if parts else None) or ""
    except ValueError:
        return ""
