"""NOTE: footnotes and endnotes, their markers, and the citations inside them."""
